package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Fuzzes the per-datagram handler: nothing escapes it, and without a valid cookie no reply is
 * longer than its request, and every reply decodes. The fuzzer may splice a valid cookie in, so it
 * reaches the body decoders and the registry too. Runs its seeds as a regression test; {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class DatagramHandlerFuzzTest {
  private static final InetSocketAddress[] SOURCES = {
    new InetSocketAddress("127.0.0.1", 5000),
    new InetSocketAddress("127.0.0.2", 5000),
    new InetSocketAddress("::1", 6000),
  };

  @FuzzTest(maxDuration = "30s")
  void handleNeverThrowsNorAmplifies(FuzzedDataProvider data) throws Exception {
    CookieJar jar = new CookieJar(new SplittableRandom(1));
    DatagramHandler handler = DatagramHandlerTest.newHandler(0, jar); // fresh: findings reproduce
    long now = data.consumeLong(0, 10_000_000);
    for (int round = 0; round < 4 && data.remainingBytes() > 0; round++) {
      InetSocketAddress from = SOURCES[data.consumeInt(0, SOURCES.length - 1)];
      boolean withCookie = data.consumeBoolean();
      byte[] datagram = data.consumeBytes(data.consumeInt(0, 1300));
      if (withCookie && datagram.length >= IndexMessage.COOKIE_END) {
        byte[] hello = IndexCodec.encode(new IndexMessage.Hello(1));
        byte[] y = handler.handle(from, hello, hello.length, now);
        long cookie = ((IndexMessage.CookieReply) IndexCodec.decode(y)).cookie();
        ByteBuffer.wrap(datagram).putLong(6, cookie);
      }
      // asked of the jar itself: the fuzzer learns cookies from comparisons, so may forge one
      boolean cookieValid =
          datagram.length >= IndexMessage.COOKIE_END
              && datagram[0] != 'H'
              && jar.isValid(from, ByteBuffer.wrap(datagram).getLong(6), now);
      byte[] reply = handler.handle(from, datagram, datagram.length, now);
      if (reply != null) {
        assertThat(reply.length).isLessThanOrEqualTo(IndexMessage.MAX_DATAGRAM);
        if (!cookieValid) {
          assertThat(reply.length).isLessThanOrEqualTo(datagram.length);
        }
        IndexCodec.decode(reply); // every reply is well-formed
      }
      now += data.consumeInt(0, 100_000);
    }
  }
}
