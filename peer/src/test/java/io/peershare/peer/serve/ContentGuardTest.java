package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.peer.serve.ContentGuard.Mode;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Manifest;
import io.peershare.testing.TestBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which sending mode the guard picks, against an injected clock. */
class ContentGuardTest {
  @TempDir Path dir;

  private ContentGuard guard(Path file, Clock clock) throws IOException {
    SharedContent sc = new SharedContent(ContentName.of("c"), file, Manifest.of(file), 1);
    return new ContentGuard(sc, FileStamp.of(file), clock, Runnable::run);
  }

  @Test
  void anOldStampIsTrustedForZeroCopy() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(5000, 1));
    assertThat(guard(file, Fixture.LATER).check().mode()).isEqualTo(Mode.ZERO_COPY);
  }

  @Test
  void aRacyStampIsVerifiedUntilProvenAfterTheWindow() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(5000, 1));
    MutableClock clock = new MutableClock(Clock.systemUTC().instant());
    ContentGuard g = guard(file, clock);
    assertThat(g.check().mode()).isEqualTo(Mode.VERIFIED);
    clock.advance(Duration.ofSeconds(3)); // the re-hash now runs (inline here) and proves it
    assertThat(g.check().mode()).isEqualTo(Mode.VERIFIED);
    assertThat(g.check().mode()).isEqualTo(Mode.ZERO_COPY);
  }

  @Test
  void aTouchedButUnchangedFileIsProvenAgain() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(5000, 1));
    ContentGuard g = guard(file, Fixture.LATER);
    Files.setLastModifiedTime(file, FileTime.from(Clock.systemUTC().instant().minusSeconds(60)));
    assertThat(g.check().mode()).isEqualTo(Mode.VERIFIED);
    await().atMost(Duration.ofSeconds(5)).until(() -> g.check().mode() == Mode.ZERO_COPY);
  }

  @Test
  void anEditWithItsModificationTimeSetBackIsSeenByItsChangeTime() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(5000, 1));
    FileTime mtime = Files.getLastModifiedTime(file);
    ContentGuard g = guard(file, Fixture.LATER);
    assertThat(g.check().mode()).isEqualTo(Mode.ZERO_COPY);

    Files.write(file, TestBytes.random(5000, 2)); // same size, other bytes
    Files.setLastModifiedTime(file, mtime); // as a copy tool that keeps times would leave it
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);

    assertThat(g.check().mode())
        .as("not sent zero-copy as the old bytes")
        .isNotEqualTo(Mode.ZERO_COPY);
    await().atMost(Duration.ofSeconds(5)).until(() -> g.check().mode() == Mode.CONFLICT);
  }

  @Test
  void anEditIsFoundByTheReHash() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(5000, 1));
    ContentGuard g = guard(file, Fixture.LATER);
    Files.write(file, TestBytes.random(5000, 2));
    assertThat(g.check().mode()).isEqualTo(Mode.VERIFIED);
    await().atMost(Duration.ofSeconds(5)).until(() -> g.check().mode() == Mode.CONFLICT);
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private java.time.Instant now;

    MutableClock(java.time.Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }
}
