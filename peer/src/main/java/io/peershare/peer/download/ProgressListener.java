package io.peershare.peer.download;

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
  void started(String content, long size, long alreadyVerified);

  /** {@code verifiedBytes} of {@code totalBytes} are fetched and verified. */
  void progress(long verifiedBytes, long totalBytes);

  /** The file is complete, verified and in place. */
  void finished(Path file);

  /** A listener that ignores everything. */
  static ProgressListener none() {
    return new ProgressListener() {
      @Override
      public void started(String content, long size, long alreadyVerified) {}

      @Override
      public void progress(long verifiedBytes, long totalBytes) {}

      @Override
      public void finished(Path file) {}
    };
  }
}
