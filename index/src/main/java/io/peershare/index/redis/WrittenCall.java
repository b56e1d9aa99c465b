package io.peershare.index.redis;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * An {@code EVALSHA} whose bytes (RESP, as Redis reads them) are written whole by the thread that
 * makes the call, into one array of the exact size, so that Lettuce's event loop only copies them
 * out. Given to Lettuce as arguments, each key and argument of a call became an argument object
 * that the event loop encoded one by one into a buffer it grew as it went: a batch's {@code
 * register_many.lua} call has ~70 keys and ~8 KB, and that encoding was a sixth of the event loop's
 * CPU (docs/benchmarks.md, run W). The bytes on the wire are the same. For a standalone store only:
 * a cluster routes a command by the first key of Lettuce's own arguments, which this has none of.
 */
final class WrittenCall<T> extends Command<byte[], byte[], T> {
  private static final byte[] EVALSHA = "$7\r\nEVALSHA\r\n".getBytes(StandardCharsets.US_ASCII);

  private final byte[] bytes;

  WrittenCall(
      Script script, CommandOutput<byte[], byte[], T> output, byte[][] keys, byte[][] args) {
    super(CommandType.EVALSHA, output, new CommandArgs<>(ByteArrayCodec.INSTANCE));
    this.bytes = write(script.sha.getBytes(StandardCharsets.US_ASCII), keys, args);
  }

  /** {@code EVALSHA sha numkeys key... arg...} in RESP. */
  static byte[] write(byte[] sha, byte[][] keys, byte[][] args) {
    byte[] count = Integer.toString(keys.length).getBytes(StandardCharsets.US_ASCII);
    int elements = 3 + keys.length + args.length;
    int size = 1 + digits(elements) + 2 + EVALSHA.length + bulkSize(sha) + bulkSize(count);
    for (byte[] k : keys) {
      size += bulkSize(k);
    }
    for (byte[] a : args) {
      size += bulkSize(a);
    }
    byte[] b = new byte[size];
    b[0] = '*';
    int at = crlf(b, decimal(elements, b, 1));
    System.arraycopy(EVALSHA, 0, b, at, EVALSHA.length);
    at = bulk(sha, b, at + EVALSHA.length);
    at = bulk(count, b, at);
    for (byte[] k : keys) {
      at = bulk(k, b, at);
    }
    for (byte[] a : args) {
      at = bulk(a, b, at);
    }
    if (at != size) {
      throw new IllegalStateException("wrote " + at + " of " + size + " bytes");
    }
    return b;
  }

  private static int bulkSize(byte[] v) {
    return 1 + digits(v.length) + 2 + v.length + 2;
  }

  /** {@code $len CRLF bytes CRLF} at {@code at}; returns the end. */
  private static int bulk(byte[] v, byte[] to, int at) {
    to[at] = '$';
    at = crlf(to, decimal(v.length, to, at + 1));
    System.arraycopy(v, 0, to, at, v.length);
    return crlf(to, at + v.length);
  }

  private static int crlf(byte[] to, int at) {
    to[at] = '\r';
    to[at + 1] = '\n';
    return at + 2;
  }

  private static int digits(int v) {
    int len = 1;
    for (int x = v; x >= 10; x /= 10) {
      len++;
    }
    return len;
  }

  /** Writes {@code v} (not negative) in decimal at {@code at}; returns the end. */
  private static int decimal(int v, byte[] to, int at) {
    int end = at + digits(v);
    int x = v;
    for (int i = end - 1; i >= at; i--, x /= 10) {
      to[i] = (byte) ('0' + x % 10);
    }
    return end;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeBytes(bytes);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + " [type=" + getType() + ", " + bytes.length + " bytes]";
  }
}
