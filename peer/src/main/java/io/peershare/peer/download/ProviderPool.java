package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one download: which to try next, which failed and why. A provider that fails is
 * dropped for the rest of the download; when none is left to try, the index is asked again (its
 * round robin hands out others), up to {@code maxLocateRounds} times in all, the first included.
 * Providers are told apart by address and port.
 *
 * <p>Only the session's coordinating thread takes providers ({@link #next}, {@link #relocate});
 * workers give theirs back or drop them from their own threads.
 */
final class ProviderPool {
  private static final Logger log = LoggerFactory.getLogger(ProviderPool.class);

  private final ContentName content;
  private final long size;
  private final Digest digest;
  private final ProviderSource source;
  private final int maxSources;
  private final int maxLocateRounds;
  private final Deque<Provider> candidates = new ArrayDeque<>(); // guarded by this
  private final Set<InetSocketAddress> known = new HashSet<>(); // guarded by this
  private final Set<InetSocketAddress> dropped = new HashSet<>(); // guarded by this
  private String lastReason; // guarded by this
  private int rounds = 1;

  /**
   * @param first the index's first answer, which started the download
   */
  ProviderPool(
      ContentName content,
      Providers first,
      ProviderSource source,
      int maxSources,
      int maxLocateRounds) {
    this.content = content;
    this.size = first.size();
    this.digest = first.digest();
    this.source = source;
    this.maxSources = maxSources;
    this.maxLocateRounds = maxLocateRounds;
    addAll(first);
  }

  synchronized boolean hasCandidate() {
    return !candidates.isEmpty();
  }

  /**
   * The next provider to try, asking the index again when none is left.
   *
   * @throws DownloadException when no provider is left and the index names no new one, or the
   *     content changed on the index
   * @throws IOException when the index cannot be reached
   */
  Provider next() throws DownloadException, IOException {
    while (true) {
      synchronized (this) {
        if (!candidates.isEmpty()) {
          return candidates.pollFirst();
        }
      }
      relocate();
    }
  }

  /** A provider that answered well: it is the next one tried. */
  synchronized void putFirst(Provider p) {
    candidates.addFirst(p);
  }

  /** A provider that did nothing wrong: it is tried again after the others. */
  synchronized void putBack(Provider p) {
    candidates.addLast(p);
  }

  /** A provider that failed: it is not tried again in this download. */
  synchronized void drop(Provider p, String reason) {
    dropped.add(key(p));
    lastReason = reason;
    log.info("dropping {} for \"{}\": {}", ProviderConnection.describe(p), content, reason);
  }

  /** Asks the index for providers not tried yet, or fails when the rounds are used up. */
  void relocate() throws DownloadException, IOException {
    if (rounds >= maxLocateRounds) {
      throw exhausted();
    }
    rounds++;
    Providers again = source.locate(maxSources);
    if (again.size() != size || !again.digest().equals(digest)) {
      throw new DownloadException(
          ErrorCode.CONFLICT,
          "The content \"" + content + "\" changed on the index while it was downloading.");
    }
    if (addAll(again) == 0) {
      throw exhausted();
    }
  }

  private synchronized int addAll(Providers found) {
    int added = 0;
    for (Provider p : found.providers()) {
      if (known.add(key(p))) {
        candidates.addLast(p);
        added++;
      }
    }
    return added;
  }

  private synchronized DownloadException exhausted() {
    if (dropped.isEmpty()) {
      return new DownloadException(
          ErrorCode.NOT_FOUND, "No provider of \"" + content + "\" is online right now.");
    }
    return new DownloadException(
        "All " + dropped.size() + " providers of \"" + content + "\" failed: " + lastReason + ".");
  }

  private static InetSocketAddress key(Provider p) {
    return new InetSocketAddress(p.address(), p.tcpPort());
  }
}
