package io.peershare.peer;

import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.IndexServer;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.download.ProgressListener;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.peer.serve.SharedContent;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peer's {@code D}: it downloads a content and then provides it too. */
class PeerNodeDownloadTest {
  @TempDir Path anaDir;
  @TempDir Path boDir;

  private static PeerConfig config(String name, IndexServer index, Path dir) {
    return new PeerConfig(
        PeerName.of(name),
        List.of(index.localAddress()),
        dir,
        ServeOptions.defaults(),
        DownloadOptions.defaults());
  }

  /**
   * The file is shared with the manifest its download verified, not one made by reading it back
   * from the disk: here a byte of the file changes the moment it is in place, and what the peer
   * registers is still the verified content. (A peer that hashed the file again would register the
   * changed one; the content server then refuses to send the changed bytes, see ContentGuard.)
   */
  @Test
  void sharesTheDownloadWithTheManifestItVerifiedWithoutHashingTheFileAgain() throws Exception {
    byte[] data = random(3 * (1 << 20) + 5, 71);
    Files.write(anaDir.resolve("song.bin"), data);
    ContentName song = ContentName.of("song.bin");
    Manifest verified = Manifest.of(data);
    ProgressListener changesTheFileWhenInPlace =
        new ProgressListener() {
          @Override
          public void started(ContentName content, long size, long alreadyVerified) {}

          @Override
          public void progress(long verifiedBytes, long totalBytes) {}

          @Override
          public void finished(Path file) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
              ch.write(ByteBuffer.wrap(new byte[] {(byte) ~data[0]}), 0);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    try (IndexServer index =
            new IndexServer(
                    IndexServer.Config.defaults()
                        .withPort(0)
                        .withBind(InetAddress.getLoopbackAddress())
                        .withLease(Duration.ofSeconds(60)))
                .start();
        PeerNode ana = PeerNode.start(config("ana-d", index, anaDir));
        PeerNode bo = PeerNode.start(config("bo-d", index, boDir))) {
      ana.register(song);

      SharedContent shared = bo.download(song, changesTheFileWhenInPlace);

      assertThat(shared.file()).isEqualTo(boDir.resolve("song.bin").toAbsolutePath());
      assertThat(Manifest.of(shared.file())).as("the file did change").isNotEqualTo(verified);
      assertThat(shared.manifest()).isEqualTo(verified);
      assertThat(bo.list("song"))
          .singleElement()
          .satisfies(e -> assertThat(e.providers()).isEqualTo(2));
    }
  }
}
