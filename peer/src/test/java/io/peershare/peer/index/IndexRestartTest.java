package io.peershare.peer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.index.IndexServer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The index is stopped and a new one started on the same port: it has a new cookie secret and an
 * empty registry. A client carries on: its old cookie gets BAD_COOKIE and it fetches a new one by
 * itself; its keepalive then gets NOT_FOUND, which is how a peer learns to register again.
 */
class IndexRestartTest {
  private static final Digest D = Digest.sha256("restart".getBytes(StandardCharsets.UTF_8));
  private static final InetAddress LO = InetAddress.getLoopbackAddress();

  /**
   * Waits that only bound a broken test: the proxy's losses end a wait at once, and the port where
   * nothing listens answers with ICMP at once, so no step of this test waits them out.
   */
  private static final RetrySchedule PATIENT =
      new RetrySchedule(Collections.nCopies(5, Duration.ofSeconds(10)));

  private static IndexServer startOn(int port) throws Exception {
    return new IndexServer(
            IndexServer.Config.defaults().withPort(port).withBind(LO).withClock(new TestClock()))
        .start();
  }

  @Test
  void aClientSurvivesARestartAndLearnsToRegisterAgain() throws Exception {
    IndexServer first = startOn(0);
    int port = first.localAddress().getPort();
    try (LossyProxy proxy = new LossyProxy(first.localAddress());
        IndexClient client =
            new IndexClient(
                List.of(proxy.address()), PATIENT, Clock.systemUTC(), proxy.replyWait());
        IndexClient direct = new IndexClient(first.localAddress(), PATIENT, Clock.systemUTC())) {
      assertThat(client.register(PeerName.of("mai"), ContentName.of("song.ogg"), 4000, 1, D))
          .isEqualTo(90);
      assertThat(direct.register(PeerName.of("bo"), ContentName.of("song.ogg"), 4001, 1, D))
          .isEqualTo(90);
      assertThat(proxy.requests('H')).isEqualTo(1);

      first.close();
      // while nobody listens, a call fails with a clear error: after its tries through the proxy
      // (which loses each one, as the network would), at once where the kernel says so
      proxy.loseRequests(true);
      assertThatThrownBy(() -> client.keepalive(PeerName.of("mai")))
          .isInstanceOf(IndexUnreachableException.class)
          .hasMessageContaining("after 5 tries");
      assertThat(proxy.seen('K')).isEqualTo(5);
      assertThatThrownBy(() -> direct.keepalive(PeerName.of("bo")))
          .isInstanceOf(IndexUnreachableException.class)
          .hasMessageContaining("nothing listens");

      try (IndexServer second = startOn(port)) {
        proxy.loseRequests(false);
        assertThat(second.localAddress()).isEqualTo(first.localAddress());
        int hellos = proxy.requests('H');
        int keepalives = proxy.requests('K');
        IndexException gone = keepaliveError(client, "mai");
        assertThat(gone.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(proxy.requests('H'))
            .as("one new H, sent by the client itself")
            .isEqualTo(hellos + 1);
        assertThat(proxy.requests('K')).as("K, BAD_COOKIE, then K again").isEqualTo(keepalives + 2);
        assertThat(keepaliveError(direct, "bo").code()).isEqualTo(ErrorCode.NOT_FOUND);

        // what a peer does on NOT_FOUND: register everything again
        assertThat(client.register(PeerName.of("mai"), ContentName.of("song.ogg"), 4000, 1, D))
            .isEqualTo(90);
        assertThat(direct.register(PeerName.of("bo"), ContentName.of("song.ogg"), 4001, 1, D))
            .isEqualTo(90);
        assertThat(client.locate(PeerName.of("x"), ContentName.of("song.ogg"), 16).providers())
            .containsExactly(
                new Provider(PeerName.of("mai"), LO, 4000),
                new Provider(PeerName.of("bo"), LO, 4001));
        assertThat(client.keepalive(PeerName.of("mai"))).isEqualTo(90);
      }
    } finally {
      first.close();
    }
  }

  private static IndexException keepaliveError(IndexClient client, String peer) throws Exception {
    try {
      client.keepalive(PeerName.of(peer));
    } catch (IndexException e) {
      return e;
    }
    throw new AssertionError("keepalive of " + peer + " after a restart succeeded");
  }
}
