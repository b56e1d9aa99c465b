package io.peershare.peer.download;

import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.PeerName;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import io.peershare.protocol.TransferMessage.Request;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Asking one provider for the manifest: a good one is checked against what the index said, and
 * every way a provider can fail to give one is a {@link ProviderFailure} that says which.
 */
class ManifestFetcherTest {
  private static final ContentName F = ContentName.of("f");

  private final byte[] data = random(2 * TestData.MIB + 17, 61);
  private final Manifest manifest = Manifest.of(data);
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Connections connections =
      new Connections(Duration.ofSeconds(5), Duration.ofMillis(300));
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger closedByClient = new AtomicInteger();
  private ServerSocket server;

  @AfterEach
  void close() throws IOException {
    connections.close();
    if (server != null) {
      server.close();
    }
    threads.shutdownNow();
  }

  /**
   * A provider that reads a request, answers every one with {@code answer}, then holds the
   * connection open until the client closes it.
   */
  private Provider answering(byte[] answer) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          try {
            while (true) {
              Socket s = server.accept();
              threads.execute(() -> serve(s, answer));
            }
          } catch (IOException e) {
            // closed at the end of the test
          }
        });
    return new Provider(PeerName.of("mo"), server.getInetAddress(), server.getLocalPort());
  }

  private void serve(Socket s, byte[] answer) {
    try (s) {
      InputStream in = s.getInputStream();
      requests.add(TransferCodec.readRequest(in));
      s.getOutputStream().write(answer);
      s.getOutputStream().flush();
      if (in.read() < 0) {
        closedByClient.incrementAndGet();
      }
    } catch (Exception e) {
      // the test is over
    }
  }

  private Manifest fetch(Provider p) throws ProviderFailure {
    return ManifestFetcher.fetch(connections, p, F, manifest.digest(), data.length);
  }

  private ProviderFailure failure(Provider p) {
    return assertThrows(ProviderFailure.class, () -> fetch(p));
  }

  @Test
  void asksForTheContentByNameAndDigestAndReturnsTheManifest() throws Exception {
    Provider p = answering(TransferCodec.encodeManifest(manifest));

    Manifest m = fetch(p);

    assertThat(m).isEqualTo(manifest);
    assertThat(requests).containsExactly(new ManifestRequest(F, manifest.digest()));
    await("the connection is closed").untilAsserted(() -> assertThat(closedByClient).hasValue(1));
    assertThat(connections.count()).isZero();
  }

  @Test
  void aRefusalSaysWhoRefusedAndWhy() throws Exception {
    Provider p = answering(TransferCodec.encodeError(ErrorCode.NOT_FOUND, "not here"));

    ProviderFailure f = failure(p);

    assertThat(f.getMessage())
        .startsWith("peer \"mo\" (127.0.0.1:")
        .contains("refused the manifest")
        .endsWith("not here");
    assertThat(connections.count()).isZero();
  }

  @Test
  void aManifestOfOtherBytesOfTheSameSizeIsRefused() throws Exception {
    byte[] other = data.clone();
    other[other.length - 1] ^= 1;
    Provider p = answering(TransferCodec.encodeManifest(Manifest.of(other)));

    ProviderFailure f = failure(p);

    assertThat(f.getMessage()).endsWith("sent a manifest that does not match the index's digest");
  }

  @Test
  void aManifestOfAnotherSizeIsABadAnswer() throws Exception {
    Provider p = answering(TransferCodec.encodeManifest(Manifest.of(Arrays.copyOf(data, 100))));

    ProviderFailure f = failure(p);

    assertThat(f.getMessage()).contains("sent a bad manifest answer").contains("size 100");
  }

  @Test
  void fileBytesInsteadOfAManifestAreRefused() throws Exception {
    Provider p = answering(TransferCodec.frameHeader(0));

    ProviderFailure f = failure(p);

    assertThat(f.getMessage()).endsWith("answered a manifest request with file bytes");
  }

  @Test
  void aManifestCutShortFailsAsTheConnectionEnding() throws Exception {
    byte[] whole = TransferCodec.encodeManifest(manifest);
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          try (Socket s = server.accept()) {
            TransferCodec.readRequest(s.getInputStream());
            s.getOutputStream().write(whole, 0, whole.length - 5); // then closes
          } catch (Exception e) {
            // the test is over
          }
        });
    Provider p = new Provider(PeerName.of("mo"), server.getInetAddress(), server.getLocalPort());

    ProviderFailure f = failure(p);

    assertThat(f.getMessage())
        .startsWith("peer \"mo\" (127.0.0.1:")
        .endsWith("sent a bad manifest answer: connection closed mid-message");
  }

  @Test
  @Timeout(30) // without the watch the read would wait forever
  void aProviderThatSaysNothingIsClosedByTheStallWatch() throws Exception {
    Provider p = answering(new byte[0]);
    threads.execute(connections::watch);

    ProviderFailure f = failure(p);

    assertThat(f.getMessage()).isEqualTo(who(p) + " stalled while sending the manifest");
    await("the connection is closed").untilAsserted(() -> assertThat(closedByClient).hasValue(1));
  }

  private static String who(Provider p) {
    return ProviderConnection.describe(p);
  }
}
