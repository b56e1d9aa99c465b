package io.peershare.index;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits the requests per second of each source IP address (whatever its ports): a token bucket per
 * address, so one flooding address cannot starve the others. It is not a quota: the default lets
 * each address make 20,000 requests a second (the spec asks for at least 10,000) with a burst of as
 * many. At most {@code maxSources} buckets are kept, the least recently used going first; a
 * forgotten address starts again with a full bucket. Thread-safe: one limiter serves every server
 * thread, so an address spreading its requests over several ports (and so over several sockets)
 * still gets one bucket.
 */
public final class AddressRateLimiter {
  public static final long DEFAULT_PER_SECOND = 20_000;
  public static final int DEFAULT_MAX_SOURCES = 65_536;

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }

  private final double perMilli;
  private final double burst;
  private final Map<InetAddress, Bucket> buckets;

  /** {@code perSecond} of 0 turns limiting off. */
  public AddressRateLimiter(long perSecond, int maxSources) {
    if (perSecond < 0 || maxSources < 1) {
      throw new IllegalArgumentException("rate and sources must not be negative");
    }
    this.perMilli = perSecond / 1000.0;
    this.burst = perSecond;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > maxSources;
          }
        };
  }

  /** Takes one token for {@code source}; false when its bucket is empty. */
  public synchronized boolean tryAcquire(InetAddress source, long nowMillis) {
    if (burst == 0) {
      return true;
    }
    Bucket b = buckets.get(source);
    if (b == null) {
      buckets.put(source, new Bucket(burst - 1, nowMillis));
      return true;
    }
    if (nowMillis > b.last) {
      b.tokens = Math.min(burst, b.tokens + (nowMillis - b.last) * perMilli);
      b.last = nowMillis;
    }
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  synchronized int sources() {
    return buckets.size();
  }
}
