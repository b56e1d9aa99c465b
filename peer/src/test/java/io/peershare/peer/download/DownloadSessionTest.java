package io.peershare.peer.download;

import static io.peershare.peer.download.TestData.MIB;
import static io.peershare.peer.download.TestData.options;
import static io.peershare.peer.download.TestData.providers;
import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Manifest;
import io.peershare.testing.TestClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a download session owns: its threads end with it, its one failure is what the caller gets,
 * unwrapped, and the listener hears how it went.
 */
class DownloadSessionTest {
  @TempDir Path dir;

  private static boolean sessionThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("peershare-download-") && t.isAlive());
  }

  @Test
  void returnsTheFileWithTheManifestItWasVerifiedAgainst() throws Exception {
    byte[] data = random(3 * MIB + 9, 51);
    try (FakeContentServer a = new FakeContentServer("f", data)) {
      Downloaded d =
          new Downloader(options(2))
              .download(
                  ContentName.of("f"), dir, max -> providers(data, a), ProgressListener.none());

      assertThat(d.file()).isEqualTo(dir.resolve("f"));
      assertThat(d.manifest()).isEqualTo(Manifest.of(data));
    }
  }

  @Test
  @Timeout(60) // without the stall watch the manifest read would wait forever
  void aProviderThatNeverSendsTheManifestIsLeftForTheNext() throws Exception {
    byte[] data = random(2 * MIB + 3, 57);
    try (FakeContentServer silent = new FakeContentServer("f", data).stallManifest();
        FakeContentServer good = new FakeContentServer("f", data)) {
      Downloaded d =
          new Downloader(options(1).withStallTimeout(Duration.ofSeconds(1)))
              .download(
                  ContentName.of("f"),
                  dir,
                  max -> providers(data, silent, good),
                  ProgressListener.none());

      assertThat(Files.readAllBytes(d.file())).isEqualTo(data);
      assertThat(silent.manifestRequests).hasValue(1);
      assertThat(silent.downloads).as("a dropped provider is not asked for pieces").isEmpty();
      await().untilAsserted(() -> assertThat(silent.closedByClient).hasValue(1));
    }
  }

  @Test
  void noThreadOutlivesTheSessionWhetherItWorksOrFails() throws Exception {
    byte[] data = random(6 * MIB, 52);
    try (FakeContentServer a = new FakeContentServer("f", data);
        FakeContentServer b = new FakeContentServer("f", data);
        FakeContentServer bad = new FakeContentServer("f", data).corruptPiece(0)) {
      new Downloader(options(2))
          .download(
              ContentName.of("f"), dir, max -> providers(data, a, b), ProgressListener.none());
      await("no session thread is left").until(() -> !sessionThreadsAlive());

      Files.delete(dir.resolve("f"));
      assertThrows(
          DownloadException.class,
          () ->
              new Downloader(options(1).withMaxLocateRounds(1))
                  .download(
                      ContentName.of("f"),
                      dir,
                      max -> providers(data, bad),
                      ProgressListener.none()));
      await("no session thread is left").until(() -> !sessionThreadsAlive());
    }
  }

  @Test
  void aStateWriteThatFailsEndsTheDownloadWithThatVeryException() throws Exception {
    byte[] data = random(4 * MIB, 53);
    RecordingListener listener =
        new RecordingListener() {
          @Override
          public void started(ContentName content, long size, long alreadyVerified) {
            super.started(content, size, alreadyVerified);
            try { // after the first state write: every later one fails
              Files.createDirectories(dir.resolve(".f.part.state.tmp").resolve("in-the-way"));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    // sends two pieces, then holds the connection: only the failure can end this download early
    try (FakeContentServer stalling = new FakeContentServer("f", data).stallAfter(2 * MIB + 5)) {
      Downloader d = new Downloader(options(1), TestClock.ticking(Duration.ofSeconds(1)));

      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  d.download(ContentName.of("f"), dir, max -> providers(data, stalling), listener));

      assertThat(e).hasMessageContaining(".f.part.state.tmp");
      assertThat(listener.failure).isSameAs(e);
      assertThat(listener.events).endsWith("failed");
      await().untilAsserted(() -> assertThat(stalling.closedByClient).hasValue(1));
      assertThat(dir.resolve(".f.part")).exists();
    }
  }

  @Test
  void theListenerHearsEachRejectedPieceAndTheEnd() throws Exception {
    byte[] data = random(4 * MIB, 54);
    try (FakeContentServer bad = new FakeContentServer("f", data).corruptPiece(2);
        FakeContentServer good = new FakeContentServer("f", data)) {
      RecordingListener listener = new RecordingListener();

      new Downloader(options(1))
          .download(ContentName.of("f"), dir, max -> providers(data, bad, good), listener);

      assertThat(listener.events)
          .containsExactly("started f " + data.length, "rejected 2 from p0", "finished");
    }
  }

  @Test
  void theListenerHearsAFailureOnceWithWhatTheCallerGets() throws Exception {
    byte[] data = random(2 * MIB, 55);
    try (FakeContentServer closing = new FakeContentServer("f", data).closeMidRange()) {
      RecordingListener listener = new RecordingListener();

      DownloadException e =
          assertThrows(
              DownloadException.class,
              () ->
                  new Downloader(options(1).withMaxLocateRounds(1))
                      .download(
                          ContentName.of("f"), dir, max -> providers(data, closing), listener));

      assertThat(listener.events).containsExactly("started f " + data.length, "failed");
      assertThat(listener.failure).isSameAs(e);
      assertThat(listener.received).hasValue(MIB); // the half it sent
    }
  }

  @Test
  void aFileThatAppearsAtTheTargetMeanwhileFailsTheDownloadAndKeepsThePart() throws Exception {
    byte[] data = random(2 * MIB, 58);
    List<Long> receivedCalls = new CopyOnWriteArrayList<>();
    RecordingListener listener =
        new RecordingListener() {
          @Override
          public void received(long bytes) {
            super.received(bytes);
            receivedCalls.add(bytes);
            try { // every piece is in: someone else puts a file where the download goes
              Files.writeString(dir.resolve("f"), "mine");
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    try (FakeContentServer a = new FakeContentServer("f", data)) {
      DownloadException e =
          assertThrows(
              DownloadException.class,
              () ->
                  new Downloader(options(1))
                      .download(ContentName.of("f"), dir, max -> providers(data, a), listener));

      assertThat(e).hasMessageContaining("appeared while downloading");
      assertThat(listener.failure).isSameAs(e);
      assertThat(receivedCalls).as("received is heard once").containsExactly((long) data.length);
      assertThat(Files.readString(dir.resolve("f"))).isEqualTo("mine");
      assertThat(Files.readAllBytes(dir.resolve(".f.part"))).isEqualTo(data);
    }
  }

  @Test
  void anInterruptIsWhatTheCallerAndTheListenerGet() throws Exception {
    byte[] data = random(4 * MIB, 56);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    RecordingListener listener = new RecordingListener();
    try (FakeContentServer stalling = new FakeContentServer("f", data).stallAfter(MIB + 5)) {
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      new Downloader(options(1))
                          .download(
                              ContentName.of("f"), dir, max -> providers(data, stalling), listener);
                    } catch (Exception e) {
                      thrown.set(e);
                    }
                  });
      await().until(() -> listener.lastProgress.get() == MIB);

      t.interrupt();

      await().until(() -> !t.isAlive());
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
      assertThat(listener.failure).isSameAs(thrown.get());
      await("no session thread is left").until(() -> !sessionThreadsAlive());
    }
  }
}
