package io.peershare.peer.serve;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a content server has sent since it started, in all: bytes of content (the payload of {@code
 * C} frames, as they leave) and downloads served. Counts only grow, also past an unshare, so they
 * can back Prometheus counters. Thread-safe and cheap: one {@link LongAdder} add per chunk sent.
 *
 * <p>A <b>download served</b> is a manifest ({@code M}) answered: every download asks one provider
 * for the manifest before it fetches pieces (from that provider and others), so over all providers
 * each download counts once.
 */
public final class ServeCounts {
  private final LongAdder bytes = new LongAdder();
  private final LongAdder downloads = new LongAdder();

  /** Bytes of content sent, all contents together. */
  public long bytes() {
    return bytes.sum();
  }

  /** Manifests answered, all contents together. */
  public long downloads() {
    return downloads.sum();
  }

  /** A fresh count for one shared content, adding to these totals as well. */
  Content newContent() {
    return new Content(this);
  }

  /** The counts of one shared content. */
  static final class Content {
    private final ServeCounts totals;
    private final LongAdder bytes = new LongAdder();
    private final LongAdder downloads = new LongAdder();

    private Content(ServeCounts totals) {
      this.totals = totals;
    }

    /** A count that adds to no server's totals (for a guard made alone, in tests). */
    static Content detached() {
      return new ServeCounts().newContent();
    }

    void sent(long n) {
      bytes.add(n);
      totals.bytes.add(n);
    }

    void manifestAnswered() {
      downloads.increment();
      totals.downloads.increment();
    }

    long bytes() {
      return bytes.sum();
    }

    long downloads() {
      return downloads.sum();
    }
  }
}
