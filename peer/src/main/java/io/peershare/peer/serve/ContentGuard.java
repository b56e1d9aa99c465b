package io.peershare.peer.serve;

import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before each answer, whether a shared file still is what its manifest says, and how its
 * bytes may be sent. The guarantee it backs: <b>no byte that differs from the registered content is
 * ever followed by the end frame</b>; see {@link RangeSender} for how each mode keeps it.
 *
 * <ul>
 *   <li>{@link Mode#ZERO_COPY}: the file's {@link FileStamp} is one the manifest was proven
 *       against, and old enough not to be racy. Bytes go out with {@code transferTo}; the stamp is
 *       checked again between frames and before the end frame.
 *   <li>{@link Mode#VERIFIED}: the stamp is not proven (the file changed on disk, or was written
 *       within {@link FileStamp#RACY_WINDOW} of being shared). Each piece is read, hashed and
 *       compared with the manifest before any of its bytes are sent; a mismatch answers CONFLICT.
 *       Meanwhile a background re-hash tries to prove the new stamp (or to find a conflict).
 *   <li>{@link Mode#CONFLICT}: the size differs, the file cannot be read, or a re-hash found
 *       another digest for the current stamp.
 * </ul>
 *
 * At {@link ContentServer#share} the server trusts that the manifest it is given describes the file
 * at that moment (as {@link ManifestCache#manifestOf} just returned it) unless the stamp is racy.
 */
final class ContentGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ContentGuard.class);

  enum Mode {
    ZERO_COPY,
    VERIFIED,
    CONFLICT
  }

  /** A decision for one answer; {@code stamp} is what the file must still show at the end. */
  record Check(Mode mode, FileStamp stamp, String reason) {}

  private enum Trust {
    PROVEN,
    UNPROVEN,
    CONFLICTED
  }

  private record State(Trust trust, FileStamp stamp) {}

  private final SharedContent content;
  private final ServeCounts.Content served;
  private final Clock clock;
  private final Executor background;
  private final AtomicBoolean proving = new AtomicBoolean();
  private volatile State state;

  ContentGuard(SharedContent content, FileStamp stamp, Clock clock, Executor background) {
    this(content, stamp, clock, background, ServeCounts.Content.detached());
  }

  ContentGuard(
      SharedContent content,
      FileStamp stamp,
      Clock clock,
      Executor background,
      ServeCounts.Content served) {
    this.content = content;
    this.served = served;
    this.clock = clock;
    this.background = background;
    this.state = new State(stamp.isRacy(clock.instant()) ? Trust.UNPROVEN : Trust.PROVEN, stamp);
  }

  SharedContent content() {
    return content;
  }

  Manifest manifest() {
    return content.manifest();
  }

  /** What has been served of this content. */
  ServeCounts.Content served() {
    return served;
  }

  /** Looks at the file now and says how (and whether) to serve it. */
  Check check() {
    FileStamp now;
    try {
      now = FileStamp.of(content.file());
    } catch (IOException e) {
      return new Check(Mode.CONFLICT, null, "the shared file can no longer be read");
    }
    if (now.size() != content.size()) {
      state = new State(Trust.CONFLICTED, now);
      return new Check(Mode.CONFLICT, now, "the shared file changed size");
    }
    State s = state;
    if (!now.equals(s.stamp())) {
      s = new State(Trust.UNPROVEN, now);
      state = s;
    }
    return switch (s.trust()) {
      case PROVEN -> new Check(Mode.ZERO_COPY, now, null);
      case CONFLICTED -> new Check(Mode.CONFLICT, now, "the shared file changed on disk");
      case UNPROVEN -> {
        proveLater(now);
        yield new Check(Mode.VERIFIED, now, null);
      }
    };
  }

  /** True when the file still shows {@code stamp}: nothing wrote to it since. */
  boolean unchanged(FileStamp stamp) {
    try {
      return FileStamp.of(content.file()).equals(stamp);
    } catch (IOException e) {
      return false;
    }
  }

  /** A verified send found a piece that does not match: the file under {@code stamp} conflicts. */
  void pieceMismatch(FileStamp stamp) {
    State s = state;
    if (s.stamp().equals(stamp) && s.trust() != Trust.CONFLICTED) {
      state = new State(Trust.CONFLICTED, stamp);
      LOG.info("{}: {} no longer matches its digest", content.content(), content.file());
    }
  }

  /** Starts one background re-hash, once the stamp is old enough to vouch for what it reads. */
  private void proveLater(FileStamp stamp) {
    if (stamp.isRacy(clock.instant()) || !proving.compareAndSet(false, true)) {
      return;
    }
    background.execute(
        () -> {
          try {
            prove();
          } finally {
            proving.set(false);
          }
        });
  }

  private void prove() {
    try {
      FileStamp before = FileStamp.of(content.file());
      Instant start = clock.instant();
      Manifest m = Manifest.of(content.file());
      FileStamp after = FileStamp.of(content.file());
      if (!before.equals(after) || before.isRacy(start)) {
        return; // changing under us: stay unproven, the next request tries again
      }
      boolean same = m.equals(content.manifest());
      state = new State(same ? Trust.PROVEN : Trust.CONFLICTED, before);
      LOG.debug("{}: re-hashed, {}", content.content(), same ? "unchanged" : "changed");
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: re-hash failed: {}", content.content(), e.toString());
    }
  }
}
