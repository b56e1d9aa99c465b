package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.peer.serve.RawClient.Answer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.testing.TestBytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Requests that break the spec get the right {@code E}, and the server goes on serving. */
class BadRequestTest {
  @TempDir static Path dir;

  private ContentServer server;
  private Manifest manifest;
  private int port;

  @BeforeEach
  void start() throws IOException {
    Path file = Fixture.write(dir, "song", TestBytes.random(5000, 7));
    manifest = Manifest.of(file);
    server = new ContentServer(ServeOptions.defaults().withSharedPort(0), Fixture.LATER);
    port = server.share(ContentName.of("song"), file, manifest).port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Stream<Arguments> badRequests() {
    byte[] good =
        TransferCodec.encode(
            new DownloadRequest(
                ContentName.of("song"), io.peershare.protocol.Digest.sha256(new byte[0]), 0, 0));
    byte[] badVersion = good.clone();
    badVersion[1] = 2;
    byte[] badType = good.clone();
    badType[0] = 'X';
    byte[] badName = good.clone();
    badName[3] = '/';
    byte[] hugeOffset = good.clone();
    hugeOffset[good.length - 16] = (byte) 0x80;
    return Stream.of(
        Arguments.of("version 2", badVersion, ErrorCode.UNSUPPORTED_VERSION),
        Arguments.of("type X", badType, ErrorCode.UNSUPPORTED),
        Arguments.of(
            "garbage",
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(),
            ErrorCode.UNSUPPORTED_VERSION),
        Arguments.of("truncated", Arrays.copyOf(good, good.length - 3), ErrorCode.MALFORMED),
        Arguments.of("one byte", new byte[] {'D'}, ErrorCode.MALFORMED),
        Arguments.of("nothing", new byte[0], ErrorCode.MALFORMED),
        Arguments.of("name with /", badName, ErrorCode.MALFORMED),
        Arguments.of("offset over 2^63", hugeOffset, ErrorCode.MALFORMED),
        Arguments.of("empty name", new byte[] {'M', 1, 0}, ErrorCode.MALFORMED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void answersTheCodeAndKeepsServing(String what, byte[] request, ErrorCode expected)
      throws IOException {
    Answer bad = RawClient.exchange(port, request, -1);
    assertThat(bad.code()).isEqualTo(expected);
    assertThat(bad.error().message()).doesNotContain("Exception").doesNotContain("\tat ");

    Answer next = RawClient.download(port, "song", manifest.digest(), 0, 0);
    assertThat(next.endFrame()).isTrue();
    assertThat(next.data()).hasSize(5000);
  }
}
