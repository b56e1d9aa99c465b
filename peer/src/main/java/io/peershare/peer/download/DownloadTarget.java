package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a download goes: the target {@code dir/<content>} and its two companions, the partial file
 * {@code dir/.<content>.part} and its state {@code dir/.<content>.part.state}. Every path comes
 * from the content name the user asked for, which its type keeps to the spec's rules; nothing a
 * provider sends is ever made into a path.
 *
 * <p>When the companions' names would pass 255 bytes (the usual file name limit) they become {@code
 * dir/.peershare-<16 hex digits of SHA-256(content)>.part[.state]} instead.
 */
record DownloadTarget(ContentName content, Path dir, Path target, Path part, Path state) {
  private static final int MAX_FILE_NAME_BYTES = 255;
  private static final String TMP_SUFFIX = ".tmp";

  /** Checks the folder and names the files, or says what is wrong. */
  static DownloadTarget of(ContentName content, Path dir) throws DownloadException {
    String name = content.toString();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new DownloadException("The download folder " + dir + " does not exist.");
    }
    if (!Files.isWritable(dir)) {
      throw new DownloadException("The download folder " + dir + " is not writable.");
    }
    Path target;
    try {
      target = dir.resolve(name);
    } catch (InvalidPathException e) {
      throw new DownloadException(
          "The content name \"" + content + "\" cannot be a file name on this system.");
    }
    // the name rules forbid separators, "." and "..": this only guards against a platform surprise
    if (!dir.equals(target.getParent()) || !name.equals(target.getFileName().toString())) {
      throw new DownloadException(
          "The content name \"" + content + "\" cannot be a file name on this system.");
    }
    String base = "." + name + ".part";
    if (bytes(base + ".state" + TMP_SUFFIX) > MAX_FILE_NAME_BYTES) {
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      base = ".peershare-" + Digest.sha256(bytes).toHex().substring(0, 16) + ".part";
    }
    return new DownloadTarget(
        content, dir, target, dir.resolve(base), dir.resolve(base + ".state"));
  }

  /**
   * Moves the complete part file into place and removes its state: the download is done.
   *
   * @throws DownloadException when a file appeared at the target meanwhile; the part file stays
   */
  Path moveIntoPlace() throws DownloadException, IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new DownloadException(
          ErrorCode.CONFLICT,
          target + " appeared while downloading; the download is kept in " + part + ".");
    }
    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(state);
    Files.deleteIfExists(stateTemp()); // left by a run killed between writing and renaming it
    return target;
  }

  /** Where the state is written before it is renamed over {@link #state()}. */
  Path stateTemp() {
    return state.resolveSibling(state.getFileName() + TMP_SUFFIX);
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
