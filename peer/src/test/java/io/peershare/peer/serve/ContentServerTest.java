package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.peer.serve.RawClient.Answer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import io.peershare.testing.TestBytes;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code D} and {@code M} answers over real loopback sockets, in both sending modes. */
class ContentServerTest {
  @TempDir Path dir;

  private final byte[] data = TestBytes.random(Fixture.SIZE, 42);

  /** trusted: zero-copy; not trusted (file just written, real clock): verified pieces. */
  private ContentServer server(boolean trusted) {
    return new ContentServer(
        ServeOptions.defaults().withBindAddress(java.net.InetAddress.getLoopbackAddress()),
        trusted ? Fixture.LATER : Clock.systemUTC());
  }

  @ParameterizedTest(name = "trusted={0}")
  @ValueSource(booleans = {true, false})
  void servesTheWholeFileAndRanges(boolean trusted) throws IOException {
    Path file = Fixture.write(dir, "movie.bin", data);
    Manifest m = Manifest.of(file);
    try (ContentServer server = server(trusted)) {
      SharedContent sc = server.share(ContentName.of("movie"), file, m);
      int port = sc.port();

      Answer whole = RawClient.download(port, "movie", m.digest(), 0, 0);
      assertThat(whole.endFrame()).isTrue();
      assertThat(whole.data()).isEqualTo(data);

      long[][] ranges = {
        {0, 1},
        {1, 10},
        {Manifest.PIECE_SIZE - 5, 10},
        {Manifest.PIECE_SIZE, Manifest.PIECE_SIZE},
        {123_456, 2 * Manifest.PIECE_SIZE + 7},
        {Fixture.SIZE - 1, 1},
        {Fixture.SIZE - 100, 0}
      };
      for (long[] r : ranges) {
        long end = r[1] == 0 ? Fixture.SIZE : r[0] + r[1];
        Answer a = RawClient.download(port, "movie", m.digest(), r[0], r[1]);
        assertThat(a.endFrame()).as("range %d+%d", r[0], r[1]).isTrue();
        assertThat(a.data())
            .as("range %d+%d", r[0], r[1])
            .isEqualTo(Fixture.range(data, r[0], end));
      }
    }
  }

  @Test
  void answersTheManifest() throws IOException {
    Path file = Fixture.write(dir, "movie.bin", data);
    Manifest m = Manifest.of(file);
    try (ContentServer server = server(true)) {
      int port = server.share(ContentName.of("movie"), file, m).port();
      Answer a = RawClient.manifest(port, "movie", m.digest(), m.size());
      assertThat(a.manifest()).isEqualTo(m);
      assertThat(a.manifest().digest()).isEqualTo(m.digest());
    }
  }

  @ParameterizedTest(name = "trusted={0}")
  @ValueSource(booleans = {true, false})
  void countsWhatItServesPerContentAndInAll(boolean trusted) throws IOException {
    Path file = Fixture.write(dir, "movie.bin", data);
    Path other = Fixture.write(dir, "other.bin", TestBytes.random(1000, 7));
    Manifest m = Manifest.of(file);
    Manifest o = Manifest.of(other);
    try (ContentServer server = server(trusted)) {
      int port = server.share(ContentName.of("movie"), file, m).port();
      int otherPort = server.share(ContentName.of("other"), other, o).port();
      RawClient.manifest(port, "movie", m.digest(), m.size());
      RawClient.download(port, "movie", m.digest(), 0, 0);
      RawClient.download(port, "movie", m.digest(), 10, 90);
      RawClient.download(otherPort, "other", o.digest(), 0, 0);
      RawClient.download(port, "movie", m.digest(), Fixture.SIZE + 1, 0); // refused: no bytes
      RawClient.manifest(port, "movie", Digest.of(new byte[32]), m.size()); // not found

      assertThat(server.serving())
          .extracting(
              s -> s.content().content().toString(), Serving::bytesServed, Serving::downloadsServed)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("movie", (long) Fixture.SIZE + 90, 1L),
              org.assertj.core.groups.Tuple.tuple("other", 1000L, 0L));
      assertThat(server.counts().bytes()).isEqualTo(Fixture.SIZE + 90 + 1000L);
      assertThat(server.counts().downloads()).isEqualTo(1);

      server.unshare(ContentName.of("movie")); // totals only grow: they back Prometheus counters
      assertThat(server.serving()).hasSize(1);
      assertThat(server.counts().bytes()).isEqualTo(Fixture.SIZE + 90 + 1000L);
    }
  }

  @Test
  void offsetAtTheEndGetsTheEndFrameAlone() throws IOException {
    Path file = Fixture.write(dir, "movie.bin", data);
    Manifest m = Manifest.of(file);
    try (ContentServer server = server(true)) {
      int port = server.share(ContentName.of("movie"), file, m).port();
      Answer a = RawClient.download(port, "movie", m.digest(), Fixture.SIZE, 0);
      assertThat(a.endFrame()).isTrue();
      assertThat(a.data()).isEmpty();
    }
  }

  @Test
  void emptyFileIsServed() throws IOException {
    Path file = Fixture.write(dir, "empty", new byte[0]);
    Manifest m = Manifest.of(file);
    try (ContentServer server = server(false)) {
      int port = server.share(ContentName.of("empty"), file, m).port();
      Answer a = RawClient.download(port, "empty", m.digest(), 0, 0);
      assertThat(a.endFrame()).isTrue();
      assertThat(a.data()).isEmpty();
    }
  }

  @Test
  void rangeBeyondTheFileIsMalformed() throws IOException {
    Path file = Fixture.write(dir, "movie.bin", data);
    Manifest m = Manifest.of(file);
    try (ContentServer server = server(true)) {
      int port = server.share(ContentName.of("movie"), file, m).port();
      assertThat(RawClient.download(port, "movie", m.digest(), Fixture.SIZE + 1, 0).code())
          .isEqualTo(ErrorCode.MALFORMED);
      assertThat(RawClient.download(port, "movie", m.digest(), 10, Fixture.SIZE).code())
          .isEqualTo(ErrorCode.MALFORMED);
      assertThat(RawClient.download(port, "movie", m.digest(), Long.MAX_VALUE, 1).code())
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void unknownContentOrWrongDigestIsNotFound() throws IOException {
    Path file = Fixture.write(dir, "movie.bin", data);
    Manifest m = Manifest.of(file);
    Digest other = Digest.sha256(new byte[] {1});
    try (ContentServer server =
        new ContentServer(ServeOptions.defaults().withSharedPort(0), Fixture.LATER)) {
      int port = server.share(ContentName.of("movie"), file, m).port();
      assertThat(RawClient.download(port, "film", m.digest(), 0, 0).code())
          .isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(RawClient.download(port, "movie", other, 0, 0).code())
          .isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(RawClient.manifest(port, "movie", other, m.size()).code())
          .isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(RawClient.manifest(port, "../etc/passwd".replace("/", "_"), m.digest(), 0).code())
          .isEqualTo(ErrorCode.NOT_FOUND);
    }
  }

  @Test
  void eachContentHasItsOwnPortAndUnshareClosesIt() throws IOException {
    Path a = Fixture.write(dir, "a", TestBytes.random(1000, 1));
    Path b = Fixture.write(dir, "b", TestBytes.random(2000, 2));
    Manifest ma = Manifest.of(a);
    Manifest mb = Manifest.of(b);
    try (ContentServer server = server(true)) {
      SharedContent sa = server.share(ContentName.of("a"), a, ma);
      SharedContent sb = server.share(ContentName.of("b"), b, mb);
      assertThat(sa.port()).isNotEqualTo(sb.port());
      assertThat(server.shared()).containsExactly(sa, sb);
      assertThat(server.find(ContentName.of("b"))).contains(sb);
      // a port serves only its own content
      assertThat(RawClient.download(sa.port(), "b", mb.digest(), 0, 0).code())
          .isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(RawClient.download(sb.port(), "b", mb.digest(), 0, 0).data())
          .isEqualTo(Files.readAllBytes(b));

      assertThat(server.unshare(ContentName.of("a"))).isTrue();
      assertThat(server.unshare(ContentName.of("a"))).isFalse();
      assertThat(server.find(ContentName.of("a"))).isEmpty();
      assertThatThrownBy(() -> RawClient.connect(sa.port()).close())
          .isInstanceOf(ConnectException.class);
      assertThat(RawClient.download(sb.port(), "b", mb.digest(), 0, 0).endFrame()).isTrue();
    }
  }

  @Test
  void oneSharedPortServesEveryContent() throws IOException {
    Path a = Fixture.write(dir, "a", TestBytes.random(1000, 1));
    Path b = Fixture.write(dir, "b", TestBytes.random(2000, 2));
    Manifest ma = Manifest.of(a);
    Manifest mb = Manifest.of(b);
    try (ContentServer server =
        new ContentServer(ServeOptions.defaults().withSharedPort(0), Fixture.LATER)) {
      SharedContent sa = server.share(ContentName.of("a"), a, ma);
      SharedContent sb = server.share(ContentName.of("b"), b, mb);
      assertThat(sa.port()).isEqualTo(sb.port()).isPositive();
      int port = sa.port();
      assertThat(RawClient.download(port, "a", ma.digest(), 0, 0).data())
          .isEqualTo(Files.readAllBytes(a));
      assertThat(RawClient.download(port, "b", mb.digest(), 0, 0).data())
          .isEqualTo(Files.readAllBytes(b));

      server.unshare(ContentName.of("a"));
      assertThat(RawClient.download(port, "a", ma.digest(), 0, 0).code())
          .isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(RawClient.download(port, "b", mb.digest(), 0, 0).endFrame()).isTrue();
    }
  }

  @Test
  void shareRejectsDuplicatesAndWrongSizes() throws IOException {
    Path a = Fixture.write(dir, "a", TestBytes.random(1000, 1));
    Manifest ma = Manifest.of(a);
    try (ContentServer server = server(true)) {
      server.share(ContentName.of("a"), a, ma);
      assertThatThrownBy(() -> server.share(ContentName.of("a"), a, ma))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already shared");
      assertThatThrownBy(() -> server.share(ContentName.of("c"), a, Manifest.of(new byte[5])))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> server.share(ContentName.of("d"), dir.resolve("missing"), ma))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void closeClosesEveryPort() throws IOException {
    Path a = Fixture.write(dir, "a", TestBytes.random(1000, 1));
    ContentServer server = server(true);
    int port = server.share(ContentName.of("a"), a, Manifest.of(a)).port();
    server.close();
    server.close();
    assertThatThrownBy(() -> RawClient.connect(port).close()).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> server.share(ContentName.of("b"), a, Manifest.of(a)))
        .isInstanceOf(IllegalStateException.class);
  }
}
