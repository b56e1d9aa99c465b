package io.peershare.peer.download;

import static io.peershare.peer.download.TestData.MIB;
import static io.peershare.peer.download.TestData.fetch;
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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A download that stops leaves .part and .state; the next run fetches only what is missing. */
class DownloaderResumeTest {
  @TempDir Path dir;

  @Test
  void resumesAfterAFailureWithoutFetchingVerifiedPiecesAgain() throws Exception {
    byte[] data = random(7 * MIB + 3, 20);
    try (FakeContentServer dying = server(data).dieAfter(3 * MIB + MIB / 2)) {
      Downloader d =
          new Downloader(
              options(1).withMaxLocateRounds(1), TestClock.ticking(Duration.ofSeconds(1)));
      assertThrows(
          DownloadException.class,
          () ->
              d.download(
                  ContentName.of("f"),
                  dir,
                  max -> providers(data, dying),
                  ProgressListener.none()));
    }
    assertThat(verifiedOnDisk()).isEqualTo(BitSet.valueOf(new long[] {0b111}));

    try (FakeContentServer good = server(data)) {
      RecordingListener listener = new RecordingListener();
      Path file =
          new Downloader(options(2), TestClock.ticking(Duration.ofSeconds(1)))
              .download(ContentName.of("f"), dir, max -> providers(data, good), listener)
              .file();

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(listener.alreadyVerified).hasValue(3L * MIB);
      await().untilAsserted(() -> assertThat(good.bytesServed).hasValue(data.length - 3L * MIB));
      assertThat(listener.received).hasValue(data.length - 3L * MIB);
      assertThat(good.downloads)
          .allSatisfy(r -> assertThat(r.offset()).isGreaterThanOrEqualTo(3L * MIB));
    }
  }

  @Test
  void interruptKeepsThePartClosesConnectionsAndResumes() throws Exception {
    byte[] data = random(6 * MIB, 21);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try (FakeContentServer stalling = server(data).stallAfter(2 * MIB + 5)) {
      Downloader d = new Downloader(options(1), TestClock.ticking(Duration.ofSeconds(1)));
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      d.download(
                          ContentName.of("f"),
                          dir,
                          max -> providers(data, stalling),
                          ProgressListener.none());
                    } catch (Exception e) {
                      thrown.set(e);
                    }
                  });
      await().until(() -> verifiedOnDisk().cardinality() == 2);

      t.interrupt();

      await().until(() -> !t.isAlive());
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
      await().untilAsserted(() -> assertThat(stalling.closedByClient).hasValue(1));
    }
    assertThat(dir.resolve(".f.part")).exists();
    assertThat(verifiedOnDisk()).isEqualTo(BitSet.valueOf(new long[] {0b11}));

    try (FakeContentServer good = server(data)) {
      Path file = fetch(options(3), dir, data, good);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(good.requested(0)).isFalse();
      assertThat(good.requested(1)).isFalse();
      await().untilAsserted(() -> assertThat(good.bytesServed).hasValue(4L * MIB));
    }
  }

  @Test
  void interruptWhileWaitingForTheManifestClosesTheConnection() throws Exception {
    byte[] data = random(MIB, 26);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try (FakeContentServer silent = server(data).stallManifest()) {
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      new Downloader(options(1))
                          .download(
                              ContentName.of("f"),
                              dir,
                              max -> providers(data, silent),
                              ProgressListener.none());
                    } catch (Exception e) {
                      thrown.set(e);
                    }
                  });
      await().until(() -> silent.manifestRequests.get() == 1);

      t.interrupt();

      await().until(() -> !t.isAlive());
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
      await().untilAsserted(() -> assertThat(silent.closedByClient).hasValue(1));
    }
  }

  @Test
  void refetchesPiecesThatAnEarlierRunMarkedButTheDiskLost() throws Exception {
    byte[] data = random(4 * MIB, 22);
    Path part = dir.resolve(".f.part");
    Files.write(part, data);
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), MIB + 100); // piece 1 rots
    }
    BitSet all = new BitSet();
    all.set(0, 4);
    new PartState(Manifest.of(data).digest(), data.length, all)
        .write(dir.resolve(".f.part.state"), dir.resolve(".f.part.state.tmp"));

    try (FakeContentServer good = server(data)) {
      Path file = fetch(options(2), dir, data, good);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      await().untilAsserted(() -> assertThat(good.bytesServed).hasValue(MIB));
      assertThat(good.requested(1)).isTrue();
    }
  }

  @Test
  void startsOverWhenTheStateIsForOtherContent() throws Exception {
    byte[] old = random(3 * MIB, 23);
    byte[] data = random(3 * MIB, 24);
    Files.write(dir.resolve(".f.part"), old);
    BitSet all = new BitSet();
    all.set(0, 3);
    new PartState(Manifest.of(old).digest(), old.length, all)
        .write(dir.resolve(".f.part.state"), dir.resolve(".f.part.state.tmp"));

    try (FakeContentServer good = server(data)) {
      Path file = fetch(options(2), dir, data, good);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      await().untilAsserted(() -> assertThat(good.bytesServed).hasValue(data.length));
    }
  }

  @Test
  void aStateTempLeftByAKilledRunIsRemovedAtTheEnd() throws Exception {
    byte[] data = random(2 * MIB, 26);
    Files.write(dir.resolve(".f.part.state.tmp"), new byte[] {'h', 'a', 'l', 'f'});

    try (FakeContentServer good = server(data)) {
      new Downloader(options(1))
          .download(
              ContentName.of("f"), dir, max -> providers(data, good), ProgressListener.none());
    }

    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("f");
    }
  }

  @Test
  void startsOverWhenTheStateIsUnreadable() throws Exception {
    byte[] data = random(2 * MIB, 25);
    Files.write(dir.resolve(".f.part"), data);
    Files.write(dir.resolve(".f.part.state"), new byte[] {'j', 'u', 'n', 'k'});

    try (FakeContentServer good = server(data)) {
      Path file = fetch(options(2), dir, data, good);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      await().untilAsserted(() -> assertThat(good.bytesServed).hasValue(data.length));
    }
  }

  private BitSet verifiedOnDisk() throws IOException {
    return PartState.read(dir.resolve(".f.part.state"))
        .map(PartState::verified)
        .orElse(new BitSet());
  }

  private static FakeContentServer server(byte[] data) throws IOException {
    return new FakeContentServer("f", data);
  }
}
