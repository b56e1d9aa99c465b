package io.peershare.peer.download;

import static io.peershare.peer.download.TestData.MIB;
import static io.peershare.peer.download.TestData.options;
import static io.peershare.peer.download.TestData.providers;
import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Providers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a download checks before it fetches anything, and the trivial cases. */
class DownloadValidationTest {
  @TempDir Path dir;

  private final AtomicInteger locates = new AtomicInteger();

  @Test
  void refusesAFolderThatDoesNotExist() {
    DownloadException e =
        assertThrows(
            DownloadException.class, () -> download("f", dir.resolve("missing"), new byte[0]));

    assertThat(e.getMessage()).endsWith("missing does not exist.");
  }

  @Test
  void refusesAFileAsTheFolder() throws Exception {
    Path file = Files.write(dir.resolve("plain"), new byte[1]);

    DownloadException e =
        assertThrows(DownloadException.class, () -> download("f", file, new byte[0]));

    assertThat(e.getMessage()).endsWith("plain does not exist.");
  }

  @Test
  void refusesAFolderItCannotWrite() throws Exception {
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    assumeFalse(Files.isWritable(ro), "root can write anywhere");

    DownloadException e =
        assertThrows(DownloadException.class, () -> download("f", ro, new byte[0]));

    assertThat(e.getMessage()).endsWith("is not writable.");
  }

  @Test
  void returnsTheTargetWhenItAlreadyHoldsTheContent() throws Exception {
    byte[] data = random(2 * MIB + 1, 30);
    Path target = Files.write(dir.resolve("f"), data);
    FileTime before = Files.getLastModifiedTime(target);
    try (FakeContentServer a = new FakeContentServer("f", data)) {
      RecordingListener listener = new RecordingListener();

      Path file =
          new Downloader(options(2))
              .download(ContentName.of("f"), dir, max -> providers(data, a), listener)
              .file();

      assertThat(file).isEqualTo(target);
      assertThat(Files.getLastModifiedTime(target)).isEqualTo(before);
      assertThat(a.connections).hasValue(0);
      assertThat(listener.finished).isEqualTo(target);
    }
  }

  @Test
  void refusesToOverwriteOtherContent() throws Exception {
    byte[] data = random(MIB, 31);
    byte[] other = random(MIB, 32);
    Files.write(dir.resolve("f"), other);
    try (FakeContentServer a = new FakeContentServer("f", data)) {
      DownloadException e =
          assertThrows(
              DownloadException.class,
              () ->
                  new Downloader(options(2))
                      .download(
                          ContentName.of("f"),
                          dir,
                          max -> providers(data, a),
                          ProgressListener.none()));

      assertThat(e.getMessage()).contains("already exists with other content");
      assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(other);
      assertThat(a.connections).hasValue(0);
    }
  }

  @Test
  void downloadsAnEmptyContentWithoutAConnection() throws Exception {
    try (FakeContentServer a = new FakeContentServer("empty", new byte[0])) {
      Path file =
          new Downloader(options(2))
              .download(
                  ContentName.of("empty"),
                  dir,
                  max -> providers(new byte[0], a),
                  ProgressListener.none())
              .file();

      assertThat(file).isEqualTo(dir.resolve("empty"));
      assertThat(Files.size(file)).isZero();
      assertThat(a.connections).hasValue(0);
      assertThat(dir.resolve(".empty.part.state")).doesNotExist();
    }
  }

  @Test
  void saysSoWhenNoProviderIsOnline() {
    byte[] data = random(1000, 33);
    DownloadException e = assertThrows(DownloadException.class, () -> download("f", dir, data));

    assertThat(e.getMessage()).isEqualTo("No provider of \"f\" is online right now.");
    assertThat(locates).hasValue(2); // asked again once: nobody new, so no third time
  }

  /** A download whose index knows {@code data} but names no provider. */
  private Path download(String name, Path folder, byte[] data) throws Exception {
    Providers none =
        new Providers(1, data.length, io.peershare.protocol.Manifest.of(data).digest(), List.of());
    return new Downloader(options(2))
        .download(
            ContentName.of(name),
            folder,
            max -> {
              locates.incrementAndGet();
              return none;
            },
            ProgressListener.none())
        .file();
  }
}
