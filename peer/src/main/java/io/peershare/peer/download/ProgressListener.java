package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import java.nio.file.Path;

/**
 * Hears how a download goes: the one hook for whatever watches downloads (a progress bar, {@code
 * --stats}, metrics). Calls come from the downloader's threads, one at a time, never concurrently;
 * {@link #progress} at most about every 100 ms (and once when the last piece verifies). A listener
 * must return quickly: it holds up the download while it runs.
 *
 * <p>Each {@link Downloader#download} call ends with exactly one of {@link #finished} and {@link
 * #failed}; {@link #started} comes first when the download got as far as knowing the content's size
 * (an unknown content, for one, fails before it).
 */
public interface ProgressListener {
  /**
   * Before any byte is fetched; {@code alreadyVerified} bytes came from an earlier, resumed run.
   */
  void started(ContentName content, long size, long alreadyVerified);

  /** {@code verifiedBytes} of {@code totalBytes} are fetched and verified. */
  void progress(long verifiedBytes, long totalBytes);

  /**
   * A piece from {@code provider} failed its hash: its bytes were not written, the provider is
   * dropped, and the piece is fetched again from another.
   */
  default void pieceRejected(int piece, Provider provider) {}

  /**
   * How many bytes of the file this run received from providers, counted as they arrived: what the
   * network really carried, including endgame duplicates and pieces that failed their hash, and
   * none of what a resumed run already had. Called at most once, as the transfer ends (whether it
   * worked or not), just before {@link #finished} or {@link #failed}.
   */
  default void received(long bytes) {}

  /** The file is complete, verified and in place. */
  void finished(Path file);

  /**
   * The download stopped without a file; {@code cause} is what {@link Downloader#download} throws.
   * A part file may be left for a later resume.
   */
  default void failed(Exception cause) {}

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
