package io.peershare.index.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.index.IndexServer;
import io.peershare.index.RegistryLimits;
import io.peershare.index.TestServers;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
 * One address (127.0.0.2) floods the real server while another (127.0.0.1) goes on with normal
 * requests, which must all succeed with the right answers. The server's clock stands still during
 * the flood, so the per-address token bucket never refills: the flooder can get at most {@link
 * #RATE} datagrams answered whatever it sends, and the well-behaved address has its own bucket.
 */
class FloodTest {
  /** The store under the server: a subclass runs every test again on Redis. */
  TestServers store() {
    return TestServers.MEMORY;
  }

  static final long RATE = 1_000;
  static final int PER_PEER = 100;
  static final int MAX_FLOOD = 200_000;
  static final int GOOD_ROUNDS = 100;
  private static final Digest D = Digest.sha256("good".getBytes(StandardCharsets.UTF_8));

  enum Kind {
    /** Random bytes of random length (0–1300), some with a request letter and version 1. */
    JUNK,
    /** H with a fresh request id each time. */
    HELLO,
    /** Valid R with a valid cookie, fresh ids and fresh content names: each one would act. */
    REGISTER,
    /** Valid O with a valid cookie: each reply is larger than the request. */
    LIST
  }

  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private IndexServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        store()
            .start(
                IndexServer.Config.loopback()
                    .withLimits(new RegistryLimits(PER_PEER, 1_000_000))
                    .withRatePerSecond(RATE)
                    .withClock(clock));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aFloodFromOneAddressDoesNotHurtAnother(Kind kind) throws Exception {
    try (WellBehavedPeer good =
            new WellBehavedPeer(new UdpClient(server.localAddress(), "127.0.0.1", Strangers.SKIP))
                .hello();
        UdpClient flooder = new UdpClient(server.localAddress(), "127.0.0.2", Strangers.SKIP)) {
      flooder.receiveBuffer(4 << 20); // the kernel may cap it; the counts are reported, not exact
      if (kind == Kind.REGISTER || kind == Kind.LIST) {
        flooder.hello(clock.millis()); // one token of its bucket
      }
      Map<String, Integer> flooderReplies = new TreeMap<>();
      AtomicBoolean goodDone = new AtomicBoolean();
      AtomicLong sent = new AtomicLong();
      int probe = flooder.nextId() + MAX_FLOOD + 1; // after every id the flood uses
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread floodThread =
          Thread.ofPlatform()
              .name("flooder")
              .uncaughtExceptionHandler((t, e) -> failed.set(e))
              .start(() -> flood(kind, flooder, sent, goodDone));
      Thread reader =
          Thread.ofPlatform()
              .name("flood-replies")
              .uncaughtExceptionHandler((t, e) -> failed.set(e))
              .start(() -> countReplies(flooder, probe, flooderReplies, goodDone));
      await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() >= 2_000);

      for (int i = 0; i < GOOD_ROUNDS; i++) {
        String content = "good-" + i;
        int port = 4000 + i;
        long size = i;
        IndexMessage r =
            good.call(
                (id, k) ->
                    new IndexMessage.Register(
                        id, k, PeerName.of("good"), ContentName.of(content), port, size, D));
        assertThat(r).as("R %s during a %s flood", content, kind).isEqualTo(ack(r, 90));
        Providers p =
            (Providers)
                good.call(
                    (id, k) ->
                        new IndexMessage.Locate(
                            id, k, PeerName.of("good"), ContentName.of(content), 1));
        assertThat(p.providers())
            .containsExactly(new Provider(PeerName.of("good"), good.socket.ip(), port));
        IndexMessage k =
            good.call((id, c) -> new IndexMessage.Keepalive(id, c, PeerName.of("good")));
        assertThat(k).isInstanceOf(Ack.class);
      }
      goodDone.set(true);
      floodThread.join();
      // the server answers one socket in order: once the good peer's H is answered, everything
      // the flood queued before it has been handled; only then may the bucket refill
      good.hello();
      clock.advance(Duration.ofSeconds(1));
      flooder.send(IndexCodec.encode(new IndexMessage.Hello(probe)));
      reader.join();
      assertThat(failed.get()).as("flooder threads").isNull();

      int answered = flooderReplies.values().stream().mapToInt(Integer::intValue).sum();
      System.out.printf(
          "[flood] %s: %d datagrams from 127.0.0.2, %d answered %s; good peer %d requests,"
              + " %d resends%n",
          kind, sent.get(), answered, flooderReplies, good.requests, good.resends);
      assertThat(answered).as("replies to the flooder").isLessThanOrEqualTo((int) RATE);
      assertThat(sent.get()).isGreaterThan(RATE);
      assertThat(goodState(good)).hasSize(GOOD_ROUNDS).allMatch(e -> e.providers() == 1);
      List<ListingEntry> flood = listAll(good, "flood-");
      if (kind == Kind.REGISTER) {
        // past the per-peer limit the registry says LIMIT; past the rate the server drops
        assertThat(flood).hasSize(PER_PEER);
        assertThat(flooderReplies.get("E LIMIT")).isPositive();
      } else {
        assertThat(flood).isEmpty();
      }
    }
  }

  private static IndexMessage ack(IndexMessage reply, long lease) {
    return new Ack(reply.requestId(), lease);
  }

  /** The good peer's names, read back through the listing. */
  private static List<ListingEntry> goodState(WellBehavedPeer good) throws Exception {
    return listAll(good, "good-");
  }

  private static List<ListingEntry> listAll(WellBehavedPeer good, String filter) throws Exception {
    List<ListingEntry> all = new ArrayList<>();
    String after = "";
    Listing page;
    do {
      String a = after;
      page = (Listing) good.call((id, k) -> new IndexMessage.ListRequest(id, k, a, filter));
      all.addAll(page.entries());
      if (!page.entries().isEmpty()) {
        after = page.entries().get(page.entries().size() - 1).content().toString();
      }
    } while (page.more());
    return all;
  }

  private static void flood(Kind kind, UdpClient flooder, AtomicLong sent, AtomicBoolean stop) {
    SplittableRandom random = new SplittableRandom(kind.ordinal());
    String letters = "HRTQKOSYLPAEZ";
    try {
      for (int i = 0; i < MAX_FLOOD && !stop.get(); i++) {
        int id = flooder.nextId();
        byte[] d =
            switch (kind) {
              case JUNK -> {
                byte[] junk = new byte[random.nextInt(1301)];
                random.nextBytes(junk);
                if (junk.length >= 6 && random.nextBoolean()) {
                  junk[0] = (byte) letters.charAt(random.nextInt(letters.length()));
                  junk[1] = 1;
                }
                if (junk.length >= 6) {
                  ByteBuffer.wrap(junk).putInt(2, id);
                }
                yield junk;
              }
              case HELLO -> IndexCodec.encode(new IndexMessage.Hello(id));
              case REGISTER ->
                  IndexCodec.encode(
                      new IndexMessage.Register(
                          id,
                          flooder.cookie(),
                          PeerName.of("flood"),
                          ContentName.of("flood-" + i),
                          1,
                          1,
                          D));
              case LIST ->
                  IndexCodec.encode(new IndexMessage.ListRequest(id, flooder.cookie(), "", ""));
            };
        flooder.send(d);
        sent.incrementAndGet();
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Counts the flooder's replies by kind until the probe's Y. Once its bucket is empty the flooder
   * gets nothing for as long as the good peer's rounds take (longer on a shared store): silence
   * ends the count only after those rounds.
   */
  private static void countReplies(
      UdpClient flooder, int probe, Map<String, Integer> counts, AtomicBoolean goodDone) {
    try {
      while (true) {
        byte[] d;
        try {
          d = flooder.receive();
        } catch (SocketTimeoutException e) {
          if (goodDone.get()) {
            throw e;
          }
          continue;
        }
        IndexMessage m = IndexCodec.decode(d);
        if (m.requestId() == probe) {
          return;
        }
        String kind = m instanceof ErrorReply e ? "E " + e.code() : String.valueOf(m.type());
        synchronized (counts) {
          counts.merge(kind, 1, Integer::sum);
        }
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
