package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import java.nio.file.Path;

/**
 * Hears how a download goes. Calls come from the downloader's threads, one at a time, never
 * concurrently; {@link #progress} at most about every 100 ms (and once when the last piece
 * verifies). A listener must return quickly.
 */
public interface ProgressListener {
  /**
   * Before any byte is fetched; {@code alreadyVerified} bytes came from an earlier, resumed run.
   */
  void started(ContentName content, long size, long alreadyVerified);

  /** {@code verifiedBytes} of {@code totalBytes} are fetched and verified. */
  void progress(long verifiedBytes, long totalBytes);

  /**
   * How many bytes of the file this run received from providers, counted as they arrived: what the
   * network really carried, including endgame duplicates and pieces that failed their hash, and
   * none of what a resumed run already had. Called at most once, just before {@link #finished}.
   */
  default void received(long bytes) {}

  /** The file is complete, verified and in place. */
  void finished(Path file);

  /** A listener that ignores everything. */
  static ProgressListener none() {
    return new ProgressListener() {
      @Override
      public void started(ContentName content, long size, long alreadyVerified) {}

      @Override
      public void progress(long verifiedBytes, long totalBytes) {}

      @Override
      public void finished(Path file) {}
    };
  }
}
