package io.peershare.index.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WrittenCallTest {
  /** The bytes Lettuce itself writes for the same call. */
  private static byte[] lettuce(Script s, byte[][] keys, byte[][] args) {
    CommandArgs<byte[], byte[]> a =
        new CommandArgs<>(ByteArrayCodec.INSTANCE)
            .add(s.sha)
            .add(keys.length)
            .addKeys(keys)
            .addValues(args);
    return encoded(
        new Command<>(CommandType.EVALSHA, new NestedMultiOutput<>(ByteArrayCodec.INSTANCE), a));
  }

  private static byte[] encoded(Command<byte[], byte[], ?> c) {
    ByteBuf buf = Unpooled.buffer();
    try {
      c.encode(buf);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  private static byte[] written(Script s, byte[][] keys, byte[][] args) {
    return encoded(
        new WrittenCall<>(s, new NestedMultiOutput<>(ByteArrayCodec.INSTANCE), keys, args));
  }

  private static byte[][] random(Random r, int count, int maxLength) {
    byte[][] out = new byte[count][];
    for (int i = 0; i < count; i++) {
      out[i] = new byte[r.nextInt(maxLength + 1)];
      r.nextBytes(out[i]); // any bytes: CR, LF, '$' and '*' included
    }
    return out;
  }

  @Test
  void writesTheBytesLettuceWouldForAnyKeysAndArguments() {
    Random r = new Random(14);
    for (int call = 0; call < 500; call++) {
      Script s = Script.values()[r.nextInt(Script.values().length)];
      // up to 120 keys (a batch of 40 R has ~125), lengths across the one- to five-digit headers
      byte[][] keys = random(r, r.nextInt(121), r.nextInt(4) == 0 ? 300 : 40);
      byte[][] args = random(r, r.nextInt(4), r.nextInt(3) == 0 ? 20_000 : 9);
      assertThat(written(s, keys, args)).isEqualTo(lettuce(s, keys, args));
    }
  }

  @Test
  void writesACallWithNoKeysOrNoArguments() {
    byte[][] none = new byte[0][];
    byte[][] some = {new byte[0], "ps:n".getBytes(), new byte[10]};
    for (List<byte[][]> ka :
        List.of(List.of(none, none), List.of(some, none), List.of(none, some))) {
      assertThat(written(Script.LIST, ka.get(0), ka.get(1)))
          .isEqualTo(lettuce(Script.LIST, ka.get(0), ka.get(1)));
    }
  }
}
