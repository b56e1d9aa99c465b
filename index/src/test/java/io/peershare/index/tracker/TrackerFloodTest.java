package io.peershare.index.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import io.peershare.protocol.bittorrent.TrackerMessage.Connect;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.Failure;
import io.peershare.protocol.bittorrent.TrackerMessage.Reply;
import io.peershare.protocol.bittorrent.TrackerMessage.Scrape;
import io.peershare.protocol.bittorrent.TrackerMessage.Scraped;
import io.peershare.testing.TestClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The index's flood test, against the tracker's port: one address (127.0.0.2) floods while another
 * (127.0.0.1) announces and scrapes, and must get every answer right. The clock stands still, so
 * the flooder's token bucket never refills: at most {@link #RATE} of its datagrams are answered
 * whatever it sends, and it cannot push the tracker past its limits.
 */
class TrackerFloodTest {
  static final long RATE = 1_000;
  static final int MAX_FLOOD = 200_000;
  static final int GOOD_ROUNDS = 100;
  static final int PROBE = MAX_FLOOD + 1;

  enum Kind {
    /** Random bytes of random length (0-1600), many with action 0-3 and a random id. */
    JUNK,
    /** Valid connects. */
    CONNECT,
    /** Valid announces with a valid connection id, each to a new torrent and port. */
    ANNOUNCE,
    /** Valid scrapes of 74 hashes: each reply is the largest scrape reply. */
    SCRAPE
  }

  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private TrackerServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        new TrackerServer(
                TrackerServer.Config.defaults()
                    .withBind(InetAddress.getLoopbackAddress())
                    .withLimits(new SwarmLimits(500, 5_000, 300))
                    .withRatePerSecond(RATE)
                    .withClock(clock))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aFloodFromOneAddressDoesNotHurtAnother(Kind kind) throws Exception {
    InetSocketAddress at = server.localAddress();
    try (TrackerClient good = new TrackerClient(at, "127.0.0.1").connect();
        TrackerClient flooder = new TrackerClient(at, "127.0.0.2")) {
      flooder.socket.setReceiveBufferSize(4 << 20);
      if (kind == Kind.ANNOUNCE || kind == Kind.SCRAPE) {
        flooder.connect(); // one token of its bucket
      }
      Map<String, Integer> replies = new TreeMap<>();
      AtomicBoolean goodDone = new AtomicBoolean();
      AtomicLong sent = new AtomicLong();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread floodThread =
          Thread.ofPlatform()
              .name("tracker-flooder")
              .uncaughtExceptionHandler((t, e) -> failed.set(e))
              .start(() -> flood(kind, flooder, sent, goodDone));
      Thread reader =
          Thread.ofPlatform()
              .name("tracker-flood-replies")
              .uncaughtExceptionHandler((t, e) -> failed.set(e))
              .start(() -> countReplies(flooder, replies));
      await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() >= 2_000);

      List<InfoHash> mine = new ArrayList<>();
      for (int i = 0; i < GOOD_ROUNDS; i++) {
        InfoHash h = hash(0x6000_0000 + i);
        mine.add(h);
        Reply r = good.call(TrackerCodec.encode(good.announceRequest(h, 7000, 0, Event.STARTED)));
        assertThat(r).as("announce %d during a %s flood", i, kind).isInstanceOf(Announced.class);
        assertThat(((Announced) r).seeders()).isEqualTo(1);
      }
      Scraped s =
          (Scraped)
              good.call(TrackerCodec.encode(new Scrape(good.connectionId, 9, mine.subList(0, 74))));
      assertThat(s.counts()).hasSize(74).allMatch(c -> c.seeders() == 1 && c.leechers() == 0);
      goodDone.set(true);
      floodThread.join();
      // one socket, answered in order: once this is answered, every flood datagram sent before
      // it has been handled; only then may the flooder's bucket refill for the probe
      good.call(TrackerCodec.encode(new Connect(good.nextId())));
      clock.advance(Duration.ofSeconds(1));
      flooder.send(TrackerCodec.encode(new Connect(PROBE)));
      reader.join();
      assertThat(failed.get()).as("flooder threads").isNull();

      int answered = replies.values().stream().mapToInt(Integer::intValue).sum();
      System.out.printf(
          "[tracker flood] %s: %d datagrams from 127.0.0.2, %d answered %s; tracker holds %s;"
              + " good client resent %d%n",
          kind, sent.get(), answered, replies, server.totals(), good.resends);
      assertThat(sent.get()).isGreaterThan(RATE);
      assertThat(answered).as("replies to the flooder").isLessThanOrEqualTo((int) RATE);
      assertThat(server.totals().swarms()).isLessThanOrEqualTo(500);
      if (kind == Kind.ANNOUNCE) {
        assertThat(replies.get("error")).as("past the per-address limit, errors").isPositive();
        assertThat(server.totals().swarms()).isEqualTo(300 + GOOD_ROUNDS);
      }
    }
  }

  static InfoHash hash(int n) {
    return InfoHash.of(ByteBuffer.allocate(20).putInt(n).putInt(0x5eed).array());
  }

  private static void flood(Kind kind, TrackerClient f, AtomicLong sent, AtomicBoolean stop) {
    SplittableRandom random = new SplittableRandom(kind.ordinal());
    List<InfoHash> many = Collections.nCopies(74, hash(1));
    try {
      for (int i = 0; i < MAX_FLOOD && !stop.get(); i++) {
        byte[] d =
            switch (kind) {
              case JUNK -> {
                byte[] junk = new byte[random.nextInt(1601)];
                random.nextBytes(junk);
                if (junk.length >= 16) {
                  ByteBuffer b = ByteBuffer.wrap(junk);
                  if (random.nextBoolean()) {
                    b.putInt(8, random.nextInt(4));
                  }
                  b.putInt(12, i); // never the probe's id
                }
                yield junk;
              }
              case CONNECT -> TrackerCodec.encode(new Connect(i));
              case ANNOUNCE ->
                  TrackerCodec.encode(f.announceRequest(hash(i), 1 + i % 60_000, 5, Event.STARTED));
              case SCRAPE -> TrackerCodec.encode(new Scrape(f.connectionId, i, many));
            };
        f.send(d);
        sent.incrementAndGet();
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Counts the flooder's replies by kind until the probe's connect reply. */
  private static void countReplies(TrackerClient f, Map<String, Integer> counts) {
    try {
      while (true) {
        byte[] d = f.receive();
        Reply m = TrackerCodec.decodeReply(d, 0, d.length, false);
        if (m.transactionId() == PROBE) {
          return;
        }
        String k = m instanceof Failure ? "error" : m.getClass().getSimpleName();
        synchronized (counts) {
          counts.merge(k, 1, Integer::sum);
        }
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
