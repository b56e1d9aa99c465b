package io.peershare.peer.download;

import java.time.Duration;
import java.util.Objects;

/**
 * How a download behaves.
 *
 * @param maxSources providers fetched from at once (1–16; the index hands out at most 16)
 * @param downloadBytesPerSecond a cap on the bytes received per second, all providers together; 0
 *     for none
 * @param connectTimeout how long a TCP connect to a provider may take
 * @param stallTimeout how long a provider may send nothing before it is dropped
 * @param maxLocateRounds how many times the index is asked for providers in all, the first included
 * @param fsync whether a finished download is flushed to the disk ({@code fsync}) before it is
 *     moved into place. Off by default, as in curl, wget and aria2: the file is in the page cache
 *     and reaches the disk with the system's write-back. With it, whole pieces go to the disk by
 *     direct I/O where the file system allows it, and the flush also makes the new blocks'
 *     allocation and the device's cache durable. Integrity does not depend on it: every piece is
 *     verified before it is written, and a resumed download re-checks what an earlier run left.
 */
public record DownloadOptions(
    int maxSources,
    long downloadBytesPerSecond,
    Duration connectTimeout,
    Duration stallTimeout,
    int maxLocateRounds,
    boolean fsync) {

  public DownloadOptions {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(stallTimeout, "stallTimeout");
    if (maxSources < 1 || maxSources > 16) {
      throw new IllegalArgumentException("maxSources must be 1 to 16, not " + maxSources);
    }
    if (downloadBytesPerSecond < 0) {
      throw new IllegalArgumentException("downloadBytesPerSecond cannot be negative");
    }
    if (!isPositiveMillis(connectTimeout) || !isPositiveMillis(stallTimeout)) {
      throw new IllegalArgumentException("timeouts must be at least 1 ms and fit an int");
    }
    if (maxLocateRounds < 1) {
      throw new IllegalArgumentException("maxLocateRounds must be at least 1");
    }
  }

  /** 4 sources, no rate cap, 5 s connect timeout, 15 s stall timeout, 3 locate rounds, no fsync. */
  public static DownloadOptions defaults() {
    return new DownloadOptions(4, 0, Duration.ofSeconds(5), Duration.ofSeconds(15), 3, false);
  }

  public DownloadOptions withMaxSources(int n) {
    return new DownloadOptions(
        n, downloadBytesPerSecond, connectTimeout, stallTimeout, maxLocateRounds, fsync);
  }

  public DownloadOptions withDownloadBytesPerSecond(long rate) {
    return new DownloadOptions(
        maxSources, rate, connectTimeout, stallTimeout, maxLocateRounds, fsync);
  }

  public DownloadOptions withStallTimeout(Duration d) {
    return new DownloadOptions(
        maxSources, downloadBytesPerSecond, connectTimeout, d, maxLocateRounds, fsync);
  }

  public DownloadOptions withMaxLocateRounds(int n) {
    return new DownloadOptions(
        maxSources, downloadBytesPerSecond, connectTimeout, stallTimeout, n, fsync);
  }

  public DownloadOptions withFsync(boolean on) {
    return new DownloadOptions(
        maxSources, downloadBytesPerSecond, connectTimeout, stallTimeout, maxLocateRounds, on);
  }

  private static boolean isPositiveMillis(Duration d) {
    return !d.isNegative() && d.toMillis() >= 1 && d.toMillis() <= Integer.MAX_VALUE;
  }
}
