package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.peer.serve.RawClient.Answer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.testing.TestBytes;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A file changed after it was shared: CONFLICT, and never a wrong byte before an end frame. */
class ConflictTest {
  @TempDir Path dir;

  private final byte[] data = TestBytes.random(Fixture.SIZE, 9);

  private ContentServer server(boolean trusted, long uploadLimit) {
    return new ContentServer(
        ServeOptions.defaults().withSharedPort(0).withUploadBytesPerSecond(uploadLimit),
        trusted ? Fixture.LATER : Clock.systemUTC());
  }

  /** Overwrites bytes in place: same size; mtime moves, but may land in the same tick. */
  private static void scribble(Path file, long at) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), at);
    }
  }

  @ParameterizedTest(name = "trusted={0}")
  @ValueSource(booleans = {true, false})
  void sameSizeEditGetsConflictForTheChangedPiece(boolean trusted) throws IOException {
    Path file = Fixture.write(dir, "doc", data);
    Manifest m = Manifest.of(file);
    try (ContentServer server = server(trusted, 0)) {
      int port = server.share(ContentName.of("doc"), file, m).port();
      scribble(file, 2L * Manifest.PIECE_SIZE + 10);

      Answer whole = RawClient.download(port, "doc", m.digest(), 0, 0);
      assertThat(whole.endFrame()).isFalse();
      assertThat(whole.code()).isEqualTo(ErrorCode.CONFLICT);
      assertNoWrongByte(whole, 0);

      Answer inChanged = RawClient.download(port, "doc", m.digest(), 2L * Manifest.PIECE_SIZE, 20);
      assertThat(inChanged.code()).isEqualTo(ErrorCode.CONFLICT);
      assertThat(inChanged.data()).isEmpty();

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> RawClient.manifest(port, "doc", m.digest(), m.size()).code() != null);
      assertThat(RawClient.manifest(port, "doc", m.digest(), m.size()).code())
          .isEqualTo(ErrorCode.CONFLICT);
    }
  }

  @ParameterizedTest(name = "trusted={0}")
  @ValueSource(booleans = {true, false})
  void sizeChangeGetsConflictAtOnce(boolean trusted) throws IOException {
    Path file = Fixture.write(dir, "doc", data);
    Manifest m = Manifest.of(file);
    try (ContentServer server = server(trusted, 0)) {
      int port = server.share(ContentName.of("doc"), file, m).port();
      Files.write(file, new byte[] {9}, StandardOpenOption.APPEND);
      Answer d = RawClient.download(port, "doc", m.digest(), 0, 0);
      assertThat(d.code()).isEqualTo(ErrorCode.CONFLICT);
      assertThat(d.data()).isEmpty();
      assertThat(RawClient.manifest(port, "doc", m.digest(), m.size()).code())
          .isEqualTo(ErrorCode.CONFLICT);

      Files.delete(file);
      assertThat(RawClient.download(port, "doc", m.digest(), 0, 0).code())
          .isEqualTo(ErrorCode.CONFLICT);
    }
  }

  /** The file changes while its answer is under way (kept slow by the upload limit). */
  @ParameterizedTest(name = "trusted={0}")
  @ValueSource(booleans = {true, false})
  void editDuringTheTransferNeverEndsWithTheEndFrame(boolean trusted) throws IOException {
    Path file = Fixture.write(dir, "doc", data);
    Manifest m = Manifest.of(file);
    try (ContentServer server = server(trusted, 8L << 20);
        Socket s = RawClient.connect(server.share(ContentName.of("doc"), file, m).port())) {
      s.getOutputStream()
          .write(
              TransferCodec.encode(new DownloadRequest(ContentName.of("doc"), m.digest(), 0, 0)));
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(5 + RangeSender.LIMITED_FRAME);
      assertThat(head).hasSize(5 + RangeSender.LIMITED_FRAME);
      scribble(file, 3L * Manifest.PIECE_SIZE + 100);

      Answer rest = RawClient.read(in, -1);
      assertThat(rest.endFrame()).isFalse();
      assertThat(rest.code()).isEqualTo(ErrorCode.CONFLICT);
      if (!trusted) {
        // verified sending: every byte that came is the registered content's
        assertNoWrongByte(rest, RangeSender.LIMITED_FRAME);
      }
    }
  }

  private void assertNoWrongByte(Answer a, long from) {
    assertThat(a.data())
        .isEqualTo(Arrays.copyOfRange(data, (int) from, (int) from + a.data().length));
  }
}
