package io.peershare.index.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import io.peershare.protocol.bittorrent.TrackerMessage.Connect;
import io.peershare.protocol.bittorrent.TrackerMessage.Connected;
import io.peershare.protocol.bittorrent.TrackerMessage.Reply;
import io.peershare.protocol.bittorrent.TrackerMessage.Scraped;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Fuzzes the tracker's per-datagram handler: nothing escapes it; a datagram without a valid
 * connection id never gets peers or counts, nor a reply longer than itself; every reply decodes.
 * The fuzzer may splice a valid id in, so it reaches the swarms too. Runs its seeds as a regression
 * test; {@code JAZZER_FUZZ=1} fuzzes.
 */
class TrackerHandlerFuzzTest {
  private static final InetSocketAddress[] SOURCES = {
    new InetSocketAddress("127.0.0.1", 5000),
    new InetSocketAddress("127.0.0.2", 5000),
    new InetSocketAddress("::1", 6000),
  };

  @FuzzTest(maxDuration = "30s")
  void handleNeverThrowsNorAmplifies(FuzzedDataProvider data) throws Exception {
    CookieJar jar = new CookieJar(new SplittableRandom(1));
    TrackerHandler handler =
        new TrackerHandler(
            new MemorySwarmStore(60_000, new SwarmLimits(8, 16, 4), new SplittableRandom(3)),
            jar,
            new AddressRateLimiter(0, 10),
            30);
    long now = data.consumeLong(0, 10_000_000);
    for (int round = 0; round < 6 && data.remainingBytes() > 0; round++) {
      InetSocketAddress from = SOURCES[data.consumeInt(0, SOURCES.length - 1)];
      boolean withId = data.consumeBoolean();
      byte[] datagram = data.consumeBytes(data.consumeInt(0, 2100));
      if (withId && datagram.length >= 16) {
        byte[] c = TrackerCodec.encode(new Connect(1));
        byte[] r = handler.handle(from, c, c.length, now);
        long id = ((Connected) TrackerCodec.decodeReply(r, 0, r.length, false)).connectionId();
        ByteBuffer.wrap(datagram).putLong(0, id);
      }
      boolean idValid =
          datagram.length >= 16
              && jar.isValid(
                  new InetSocketAddress(from.getAddress(), 0),
                  ByteBuffer.wrap(datagram).getLong(0),
                  now);
      byte[] reply = handler.handle(from, datagram, datagram.length, now);
      if (reply != null) {
        assertThat(reply.length).isLessThanOrEqualTo(TrackerCodec.MAX_REPLY);
        Reply m =
            TrackerCodec.decodeReply(
                reply, 0, reply.length, from.getAddress().getAddress().length == 16);
        if (!idValid && !(m instanceof Connected)) {
          assertThat(reply.length).isLessThanOrEqualTo(datagram.length);
          assertThat(m).isNotInstanceOfAny(Announced.class, Scraped.class);
        }
        if (m instanceof Connected) {
          assertThat(reply).hasSize(16); // as long as the shortest connect
        }
      }
      now += data.consumeInt(0, 100_000);
      handler.tick(now);
    }
  }
}
