package io.peershare.peer.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.ContentName;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadTargetTest {
  @TempDir Path dir;

  @Test
  void namesThePartAndStateAfterTheContent() throws Exception {
    DownloadTarget t = DownloadTarget.of(ContentName.of("movie.mkv"), dir);

    assertThat(t.target()).isEqualTo(dir.resolve("movie.mkv"));
    assertThat(t.part()).isEqualTo(dir.resolve(".movie.mkv.part"));
    assertThat(t.state()).isEqualTo(dir.resolve(".movie.mkv.part.state"));
    assertThat(t.stateTemp()).isEqualTo(dir.resolve(".movie.mkv.part.state.tmp"));
  }

  @Test
  void usesAHashedNameWhenTheNameWouldPassTheFileNameLimit() throws Exception {
    String longName = "é".repeat(120) + "x"; // 241 bytes of UTF-8

    DownloadTarget t = DownloadTarget.of(ContentName.of(longName), dir);

    assertThat(t.target().getFileName().toString()).isEqualTo(longName);
    assertThat(t.part().getFileName().toString()).matches("\\.peershare-[0-9a-f]{16}\\.part");
    assertThat(t.state()).isEqualTo(t.part().resolveSibling(t.part().getFileName() + ".state"));
  }
}
