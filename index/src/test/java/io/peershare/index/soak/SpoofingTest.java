package io.peershare.index.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.IndexServer;
import io.peershare.index.TestServers;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Request;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests without the right cookie act on nothing, and a sender without a valid cookie never gets
 * a reply longer than what it sent (the server cannot be used to amplify a spoofed flood). Over the
 * real socket; "no reply" is proven by a following H whose Y comes first, never by waiting.
 */
class SpoofingTest {
  /** The store under the server: a subclass runs every test again on Redis. */
  TestServers store() {
    return TestServers.MEMORY;
  }

  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
  private static final long HOUR = Duration.ofHours(1).toMillis();

  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private IndexServer server;
  private UdpClient owner;

  @BeforeEach
  void start() throws Exception {
    server =
        store()
            .start(
                IndexServer.Config.loopback()
                    .withRatePerSecond(0) // these tests send more than a burst at a still clock
                    .withClock(clock));
    owner = new UdpClient(server.localAddress(), "127.0.0.1", Strangers.SKIP).hello(clock.millis());
    assertThat(owner.call(register(owner.nextId(), owner.cookie(), "mai", "song.ogg")))
        .isInstanceOf(Ack.class);
  }

  @AfterEach
  void stop() {
    owner.close();
    server.close();
  }

  private static Request register(int id, long cookie, String peer, String content) {
    return new IndexMessage.Register(
        id, cookie, PeerName.of(peer), ContentName.of(content), 4000, 1, D);
  }

  /** Every request that could act on mai's registration, or read, with the cookie given. */
  private static List<LongFunction<Request>> everyRequest(UdpClient from) {
    return List.of(
        k ->
            new IndexMessage.Deregister(
                from.nextId(), k, PeerName.of("mai"), ContentName.of("song.ogg")),
        k -> new IndexMessage.Quit(from.nextId(), k, PeerName.of("mai")),
        k -> new IndexMessage.Keepalive(from.nextId(), k, PeerName.of("mai")),
        k -> register(from.nextId(), k, "mai", "other.ogg"),
        k -> register(from.nextId(), k, "eve", "song.ogg"),
        k ->
            new IndexMessage.Locate(
                from.nextId(), k, PeerName.of("eve"), ContentName.of("song.ogg"), 16),
        k -> new IndexMessage.ListRequest(from.nextId(), k, "", ""));
  }

  /** mai still provides song.ogg, alone, from 127.0.0.1, and nothing else was registered. */
  private void assertUntouched() throws Exception {
    Listing l =
        (Listing) owner.call(new IndexMessage.ListRequest(owner.nextId(), owner.cookie(), "", ""));
    assertThat(l.entries()).containsExactly(new ListingEntry(ContentName.of("song.ogg"), 1, 1));
    Providers p =
        (Providers)
            owner.call(
                new IndexMessage.Locate(
                    owner.nextId(),
                    owner.cookie(),
                    PeerName.of("x"),
                    ContentName.of("song.ogg"),
                    16));
    assertThat(p.providers()).containsExactly(new Provider(PeerName.of("mai"), owner.ip(), 4000));
  }

  /** Sends {@code request} and expects only a BAD_COOKIE no longer than it. */
  private static void assertBadCookie(UdpClient from, Request request, String why)
      throws Exception {
    byte[] out = IndexCodec.encode(request);
    byte[] reply = from.exchange(out);
    assertThat(reply.length).as(why + ": reply length").isLessThanOrEqualTo(out.length);
    IndexMessage m = IndexCodec.decode(reply);
    assertThat(m).as(why).isInstanceOf(ErrorReply.class);
    assertThat(((ErrorReply) m).code()).as(why).isEqualTo(ErrorCode.BAD_COOKIE);
    assertThat(m.requestId()).isEqualTo(request.requestId());
  }

  @Test
  void aCookieTakenFromAnotherAddressOrPortActsOnNothing() throws Exception {
    try (UdpClient eve = new UdpClient(server.localAddress(), "127.0.0.2", Strangers.SKIP);
        UdpClient sameHostOtherPort =
            new UdpClient(server.localAddress(), "127.0.0.1", Strangers.SKIP)) {
      // the cookie seen on the wire, replayed from another host and from another port of the
      // owner's host (which would own mai's registrations, since ownership goes by IP)
      for (UdpClient thief : List.of(eve, sameHostOtherPort)) {
        for (LongFunction<Request> r : everyRequest(thief)) {
          Request req = r.apply(owner.cookie());
          assertBadCookie(thief, req, "stolen cookie from " + thief.address() + ": " + req);
        }
      }
      assertUntouched();
    }
  }

  @Test
  void forgedCookiesActOnNothing() throws Exception {
    SplittableRandom random = new SplittableRandom(99);
    int tried = 0;
    try (UdpClient sameHost = new UdpClient(server.localAddress(), "127.0.0.1", Strangers.SKIP)) {
      for (int i = 0; i < 700; i++) {
        for (LongFunction<Request> r : everyRequest(sameHost)) {
          long forged = i == 0 ? 0 : i == 1 ? owner.cookie() + 1 : random.nextLong();
          assertBadCookie(sameHost, r.apply(forged), "forged cookie " + forged);
          tried++;
        }
      }
    }
    System.out.printf("[spoof] %d forged cookies, all BAD_COOKIE%n", tried);
    assertUntouched();
  }

  @Test
  void anOldCookieIsRefusedOnceTheSecretHasTurnedTwice() throws Exception {
    long old = owner.cookie();
    for (int i = 0; i < 2; i++) { // renewing the 90 s lease; 120 s is the cookie's minimum life
      clock.advance(Duration.ofSeconds(60));
      assertThat(owner.call(new IndexMessage.Keepalive(owner.nextId(), old, PeerName.of("mai"))))
          .isInstanceOf(Ack.class);
    }
    for (int turns = 0; turns < 2; turns++) {
      clock.advance(Duration.ofMillis(HOUR));
      owner.hello(clock.millis()); // the server is in use all along: fresh cookies still work
      assertThat(owner.call(register(owner.nextId(), owner.cookie(), "mai", "song.ogg")))
          .isInstanceOf(Ack.class);
    }
    for (LongFunction<Request> r : everyRequest(owner)) {
      assertBadCookie(owner, r.apply(old), "a cookie from two secrets ago");
    }
    assertUntouched();
  }

  /**
   * Every request type, reply type and unknown letter, both versions, every length from 0 to 1201,
   * with a cookie that is not valid (zero, random): each reply is at most as long as its request.
   * Sent in batches; each datagram carries its own request id, and a batch ends with an H whose Y
   * proves every reply of the batch has arrived.
   */
  @Test
  void aSenderWithoutAValidCookieNeverGetsMoreBytesThanItSent() throws Exception {
    String letters = "HRTQKOSYLPAEZh\0\u00ff";
    SplittableRandom random = new SplittableRandom(7);
    Map<Integer, Integer> lengthById = new HashMap<>();
    int sent = 0;
    int answered = 0;
    int nextId = 1_000_000;
    try (UdpClient eve = new UdpClient(server.localAddress(), "127.0.0.2", Strangers.SKIP)) {
      for (char letter : letters.toCharArray()) {
        for (int version = 1; version <= 2; version++) {
          for (int len = 0; len <= 1201; len++) {
            byte[] d = new byte[len];
            random.nextBytes(d);
            ByteBuffer b = ByteBuffer.wrap(d);
            if (len >= 1) {
              d[0] = (byte) letter;
            }
            if (len >= 2) {
              d[1] = (byte) version;
            }
            if (len >= 6) {
              b.putInt(2, nextId);
              lengthById.put(nextId, len);
              nextId++;
            }
            if (len >= 14 && random.nextBoolean()) {
              b.putLong(6, 0);
            }
            eve.send(d);
            sent++;
            if (sent % 32 == 0 || len == 1201) {
              for (byte[] reply : eve.drainUntilHello()) {
                int id = ByteBuffer.wrap(reply).getInt(2);
                assertThat(lengthById).as("reply to an id never sent").containsKey(id);
                assertThat(reply.length)
                    .as(
                        "reply %c to '%c' v%d of %d bytes",
                        reply[0], letter, version, lengthById.get(id))
                    .isLessThanOrEqualTo(lengthById.get(id));
                answered++;
              }
              lengthById.clear();
            }
          }
        }
      }
    }
    System.out.printf(
        "[spoof] %d cookie-less datagrams of 0-1201 bytes, %d answered, none longer%n",
        sent, answered);
    assertThat(answered).isPositive();
    assertUntouched();
  }
}
