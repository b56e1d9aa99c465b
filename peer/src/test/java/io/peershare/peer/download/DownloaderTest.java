package io.peershare.peer.download;

import static io.peershare.peer.download.TestData.MIB;
import static io.peershare.peer.download.TestData.fetch;
import static io.peershare.peer.download.TestData.options;
import static io.peershare.peer.download.TestData.providers;
import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from fake content servers over loopback: one source, several, and bad ones. */
class DownloaderTest {
  @TempDir Path dir;

  @Test
  void downloadsFromOneSourceByteForByte() throws Exception {
    byte[] data = random(5 * MIB + 12_345, 1);
    try (FakeContentServer a = new FakeContentServer("movie.bin", data)) {
      RecordingListener listener = new RecordingListener();

      Path file =
          new Downloader(options(4))
              .download(ContentName.of("movie.bin"), dir, max -> providers(data, a), listener)
              .file();

      assertThat(file).isEqualTo(dir.resolve("movie.bin"));
      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(dir.resolve(".movie.bin.part")).doesNotExist();
      assertThat(dir.resolve(".movie.bin.part.state")).doesNotExist();
      assertThat(listener.events).containsExactly("started movie.bin " + data.length, "finished");
      assertThat(listener.lastProgress).hasValue(data.length);
      await().untilAsserted(() -> assertThat(a.bytesServed).hasValue(data.length));
      assertThat(listener.received).hasValue(data.length);
    }
  }

  @Test
  void flushesToTheDiskWhenAskedAndStillFinishesByteForByte() throws Exception {
    byte[] data = random(3 * MIB + 7, 11);
    try (FakeContentServer a = new FakeContentServer("f", data)) {
      Path file = fetch(options(1).withFsync(true), dir, data, a);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(dir.resolve(".f.part")).doesNotExist();
    }
  }

  @Test
  void aLoneProviderOfALargeContentServesTwoConnectionsAtOnceAndNoByteTwice() throws Exception {
    byte[] data = random(DownloadSession.LANES_MIN_PIECES * MIB + 3, 5);
    CountDownLatch bothAsked = new CountDownLatch(2); // a D waits until a second one is asked
    try (FakeContentServer a = server(data).holdDownloads(bothAsked, bothAsked)) {
      Path file = fetch(options(1), dir, data, a);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(a.downloads).hasSizeGreaterThanOrEqualTo(2);
      // the two workers share one provider: no endgame copy of a piece from the same place
      await().untilAsserted(() -> assertThat(a.bytesServed).hasValue(data.length));
    }
  }

  @Test
  void usesThreeSourcesAtOnce() throws Exception {
    byte[] data = random(12 * MIB, 2);
    CountDownLatch allAsked = new CountDownLatch(3);
    try (FakeContentServer a = server(data).holdDownloads(allAsked, allAsked);
        FakeContentServer b = server(data).holdDownloads(allAsked, allAsked);
        FakeContentServer c = server(data).holdDownloads(allAsked, allAsked)) {
      Path file = fetch(options(3), dir, data, a, b, c);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(a.downloads).isNotEmpty();
      assertThat(b.downloads).isNotEmpty();
      assertThat(c.downloads).isNotEmpty();
      await() // endgame may fetch a last piece twice
          .untilAsserted(
              () ->
                  assertThat(a.bytesServed.get() + b.bytesServed.get() + c.bytesServed.get())
                      .isGreaterThanOrEqualTo(data.length));
    }
  }

  @Test
  void fetchesACorruptPieceAgainFromAnotherProvider() throws Exception {
    byte[] data = random(8 * MIB, 3);
    try (FakeContentServer bad = server(data).corruptPiece(1);
        FakeContentServer good = server(data)) {
      Path file = fetch(options(1), dir, data, bad, good);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(bad.requested(1)).isTrue();
      assertThat(good.requested(1)).isTrue();
      assertThat(good.requested(0)).isFalse(); // piece 0 verified from the bad one is kept
    }
  }

  @Test
  void neverWritesTheBytesOfACorruptPiece() throws Exception {
    byte[] data = random(4 * MIB, 4);
    try (FakeContentServer bad = server(data).corruptPiece(2)) {
      Downloader d = new Downloader(options(1).withMaxLocateRounds(1));

      DownloadException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              DownloadException.class,
              () ->
                  d.download(
                      ContentName.of("f"),
                      dir,
                      max -> providers(data, bad),
                      ProgressListener.none()));

      assertThat(e.getMessage()).contains("piece 2 with a wrong hash");
      byte[] part = Files.readAllBytes(dir.resolve(".f.part"));
      assertThat(java.util.Arrays.copyOfRange(part, 0, 2 * MIB))
          .isEqualTo(java.util.Arrays.copyOfRange(data, 0, 2 * MIB));
      assertThat(java.util.Arrays.copyOfRange(part, 2 * MIB, 3 * MIB)).containsOnly(0);
    }
  }

  @Test
  void finishesFromOthersWhenAProviderDiesMidDownload() throws Exception {
    byte[] data = random(6 * MIB + 1, 5);
    try (FakeContentServer dying = server(data).dieAfter(2 * MIB + MIB / 2);
        FakeContentServer good = server(data)) {
      Path file = fetch(options(1), dir, data, dying, good);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(good.requested(0)).isFalse();
      assertThat(good.requested(1)).isFalse();
      assertThat(good.requested(2)).isTrue();
    }
  }

  @Test
  void dropsAProviderThatStalls() throws Exception {
    byte[] data = random(3 * MIB, 6);
    try (FakeContentServer stalling = server(data).stallAfter(MIB + 10);
        FakeContentServer good = server(data)) {
      DownloadOptions o = options(1).withStallTimeout(java.time.Duration.ofSeconds(1));

      Path file = fetch(o, dir, data, stalling, good);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(good.requested(0)).isFalse();
      assertThat(good.requested(1)).isTrue();
    }
  }

  @Test
  void dropsAProviderThatSendsMoreThanAsked() throws Exception {
    byte[] data = random(2 * MIB, 7);
    try (FakeContentServer chatty = server(data).extraBytes(10);
        FakeContentServer good = server(data)) {
      Path file = fetch(options(1), dir, data, chatty, good);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(chatty.downloads).hasSize(1);
    }
  }

  @Test
  void takesOverPiecesOfASlowProviderInTheEndgame() throws Exception {
    byte[] data = random(6 * MIB, 8);
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch slowAsked = new CountDownLatch(1);
    // the fast one sends nothing before the slow one has its request: both hold a run
    try (FakeContentServer slow = server(data).holdDownloads(slowAsked, never);
        FakeContentServer fast = server(data).holdDownloads(new CountDownLatch(1), slowAsked)) {
      Path file = fetch(options(2), dir, data, slow, fast);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(slow.downloads).isNotEmpty();
      assertThat(slow.bytesServed).hasValue(0);
      await().untilAsserted(() -> assertThat(fast.bytesServed).hasValue(data.length));
    }
  }

  @Test
  void failsClearlyWhenAllProvidersFailAndKeepsThePart() throws Exception {
    byte[] data = random(4 * MIB, 9);
    try (FakeContentServer a = server(data).closeMidRange();
        FakeContentServer b = server(data).stallAfter(0)) {
      DownloadOptions o = options(2).withStallTimeout(java.time.Duration.ofMillis(300));
      AtomicInteger locates = new AtomicInteger();

      DownloadException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              DownloadException.class,
              () ->
                  new Downloader(o)
                      .download(
                          ContentName.of("f"),
                          dir,
                          max -> {
                            locates.incrementAndGet();
                            return providers(data, a, b);
                          },
                          ProgressListener.none()));

      assertThat(e.getMessage()).startsWith("All 2 providers of \"f\" failed: ");
      assertThat(locates).hasValue(2); // asked again, nobody new
      assertThat(dir.resolve(".f.part")).exists();
      assertThat(dir.resolve(".f.part.state")).exists();
      assertThat(dir.resolve("f")).doesNotExist();
    }
  }

  @Test
  void asksTheIndexAgainWhenTheFirstProvidersFail() throws Exception {
    byte[] data = random(3 * MIB + 5, 10);
    try (FakeContentServer refusing = server(data).answerError(ErrorCode.LIMIT);
        FakeContentServer closing = server(data).closeMidRange();
        FakeContentServer good = server(data)) {
      AtomicInteger locates = new AtomicInteger();
      ProviderSource source =
          max ->
              locates.incrementAndGet() == 1
                  ? providers(data, refusing, closing)
                  : providers(data, good);

      Path file =
          new Downloader(options(2))
              .download(ContentName.of("f"), dir, source, ProgressListener.none())
              .file();

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      assertThat(locates).hasValue(2);
      assertThat(good.bytesServed.get()).isPositive();
    }
  }

  @Test
  void downloadsUnderARateCap() throws Exception {
    byte[] data = random(MIB + 77, 11);
    try (FakeContentServer a = server(data)) {
      DownloadOptions o = options(2).withDownloadBytesPerSecond(16 * MIB);

      Path file = fetch(o, dir, data, a);

      assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }
  }

  private static FakeContentServer server(byte[] data) throws java.io.IOException {
    return new FakeContentServer("f", data);
  }
}
