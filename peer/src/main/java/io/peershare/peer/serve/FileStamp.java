package io.peershare.peer.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What the file system says about a file without reading it: size, modification time, change time
 * (ctime, which no user can set back, where the platform reports it) and file key (device and
 * inode). Any write to the file changes mtime and ctime, so an equal stamp means an unchanged file,
 * except for writes made within one timestamp tick of each other: see {@link #isRacy}.
 *
 * @param ctime null where the platform has no {@code unix:ctime}
 * @param fileKey null where the platform has none
 */
record FileStamp(long size, FileTime mtime, FileTime ctime, Object fileKey) {
  /**
   * How close to "now" a change time must be for the stamp to be untrustworthy. Timestamps are
   * coarse (a few ms on Linux, 1 s or 2 s on some file systems), so a file stamped within this
   * window of being hashed may have changed again with the very same stamp.
   */
  static final Duration RACY_WINDOW = Duration.ofSeconds(2);

  /** The attributes a stamp holds, read with one {@code stat} where the platform has them. */
  private static final String UNIX = "unix:isRegularFile,size,lastModifiedTime,ctime,fileKey";

  /**
   * The file's stamp now. One {@code stat} call: a provider takes a stamp before every frame it
   * sends (a {@code Files.readAttributes} for the basic ones and a {@code getAttribute} for the
   * change time made two).
   */
  static FileStamp of(Path file) throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, UNIX);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return basic(file); // no unix view here: no change time either
    }
    if (!(Boolean) a.get("isRegularFile")) {
      throw new IOException(file + " is not a regular file");
    }
    return new FileStamp(
        (Long) a.get("size"),
        (FileTime) a.get("lastModifiedTime"),
        (FileTime) a.get("ctime"),
        a.get("fileKey"));
  }

  private static FileStamp basic(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      throw new IOException(file + " is not a regular file");
    }
    return new FileStamp(a.size(), a.lastModifiedTime(), null, a.fileKey());
  }

  /** The later of mtime and ctime: when the file last changed, as far as anyone can tell. */
  Instant changedAt() {
    Instant m = mtime.toInstant();
    return ctime == null || ctime.toInstant().isBefore(m) ? m : ctime.toInstant();
  }

  /**
   * True when the file changed so close to {@code hashedAt} (or after it, by a skewed clock) that a
   * later write in the same timestamp tick would leave this stamp as it is: the stamp cannot vouch
   * for a hash made at {@code hashedAt}.
   */
  boolean isRacy(Instant hashedAt) {
    return !changedAt().isBefore(hashedAt.minus(RACY_WINDOW));
  }
}
