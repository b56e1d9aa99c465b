package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.peer.serve.RawClient.Answer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import io.peershare.testing.TestBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cap on connections and the idle timeout. */
class ConnectionLimitsTest {
  @TempDir Path dir;

  @Test
  void overTheCapAConnectionGetsLimit() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(100, 3));
    Manifest m = Manifest.of(file);
    ServeOptions options = ServeOptions.defaults().withSharedPort(0).withMaxConnections(2);
    try (ContentServer server = new ContentServer(options, Fixture.LATER)) {
      int port = server.share(ContentName.of("f"), file, m).port();
      List<Socket> held = new ArrayList<>();
      try {
        held.add(RawClient.connect(port));
        held.add(RawClient.connect(port));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 2);

        try (Socket third = RawClient.connect(port)) {
          Answer a = RawClient.read(third.getInputStream(), -1);
          assertThat(a.code()).isEqualTo(ErrorCode.LIMIT);
        }
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
      assertThat(RawClient.download(port, "f", m.digest(), 0, 0).endFrame()).isTrue();
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterTheIdleTimeout() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(100, 3));
    ServeOptions options =
        ServeOptions.defaults().withSharedPort(0).withIdleTimeout(Duration.ofMillis(200));
    try (ContentServer server = new ContentServer(options, Fixture.LATER)) {
      int port = server.share(ContentName.of("f"), file, Manifest.of(file)).port();
      try (Socket silent = RawClient.connect(port)) {
        silent.getOutputStream().write(new byte[] {'D', 1, 1}); // a request begun, never finished
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> readOne(silent));
        await().atMost(Duration.ofSeconds(5)).until(read::isDone);
        assertThat(read.join()).isEqualTo(-1);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }
  }

  @Test
  void aReaderThatStallsIsClosedAfterTheIdleTimeout() throws IOException {
    // large enough that the answer cannot all sit in socket buffers
    Path file = Fixture.write(dir, "big", TestBytes.random(24 << 20, 5));
    ServeOptions options =
        ServeOptions.defaults().withSharedPort(0).withIdleTimeout(Duration.ofMillis(300));
    try (ContentServer server = new ContentServer(options, Fixture.LATER)) {
      Manifest m = Manifest.of(file);
      int port = server.share(ContentName.of("big"), file, m).port();
      Socket stalled = RawClient.connect(port);
      stalled.setReceiveBufferSize(64 << 10);
      try (stalled) {
        stalled
            .getOutputStream()
            .write(
                io.peershare.protocol.TransferCodec.encode(
                    new io.peershare.protocol.TransferMessage.DownloadRequest(
                        ContentName.of("big"), m.digest(), 0, 0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 1);
        // reads nothing: the server's writes block until the reaper closes the connection
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
      }
    }
  }

  private static int readOne(Socket s) {
    try {
      return s.getInputStream().read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
