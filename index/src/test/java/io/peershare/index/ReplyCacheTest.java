package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ReplyCacheTest {
  private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5000);
  private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5001);
  private static final InetSocketAddress V6 = new InetSocketAddress("::1", 5000);
  private static final byte[] REQ = {'R', 1, 0, 0, 0, 7, 9, 9};
  private static final byte[] REPLY = {'A', 1, 0, 0, 0, 7, 0, 0, 0, 90};

  private final ReplyCache cache = new ReplyCache(1 << 16, 1 << 16);

  @Test
  void sameBytesFromSameAddressGetTheFirstReplyWithinTheWindow() {
    cache.put(A, REQ, REQ.length, REPLY, ReplyCache.LONG_KEEP_MILLIS, 1000);
    assertThat(cache.get(A, REQ.clone(), REQ.length, 1000 + 29_999)).isEqualTo(REPLY);
    assertThat(cache.get(A, REQ, REQ.length, 1000 + 30_000)).isNull();
  }

  @Test
  void anotherPortAddressOrOtherBytesWithTheSameRequestIdMiss() {
    cache.put(A, REQ, REQ.length, REPLY, ReplyCache.LONG_KEEP_MILLIS, 0);
    cache.put(V6, REQ, REQ.length, new byte[] {6}, ReplyCache.LONG_KEEP_MILLIS, 0);
    assertThat(cache.get(B, REQ, REQ.length, 0)).isNull();
    assertThat(cache.get(new InetSocketAddress("127.0.0.2", 5000), REQ, REQ.length, 0)).isNull();
    assertThat(cache.get(V6, REQ, REQ.length, 0)).containsExactly(6);
    byte[] other = REQ.clone();
    other[7] = 8;
    assertThat(cache.get(A, other, other.length, 0)).isNull();
    assertThat(cache.get(A, REQ, REQ.length - 1, 0)).isNull();
  }

  @Test
  void onlyTheGivenRangeOfTheBufferCounts() {
    byte[] buf = new byte[1200];
    System.arraycopy(REQ, 0, buf, 100, REQ.length);
    int hash = cache.hash(A, buf, 100, REQ.length);
    cache.put(
        hash, A, buf, 100, REQ.length, REPLY, 0, REPLY.length, ReplyCache.SHORT_KEEP_MILLIS, 0);
    assertThat(cache.get(A, REQ, REQ.length, 0)).isEqualTo(REPLY);
    assertThat(cache.find(A, buf, 100, REQ.length, 0)).isTrue();
    assertThat(cache.foundLength()).isEqualTo(REPLY.length);
  }

  @Test
  void shortLivedRepliesGoAfterTheirShorterKeep() {
    cache.put(A, REQ, REQ.length, REPLY, ReplyCache.SHORT_KEEP_MILLIS, 0);
    assertThat(ReplyCache.SHORT_KEEP_MILLIS).isGreaterThanOrEqualTo(2_000);
    assertThat(cache.get(A, REQ, REQ.length, ReplyCache.SHORT_KEEP_MILLIS - 1)).isNotNull();
    assertThat(cache.get(A, REQ, REQ.length, ReplyCache.SHORT_KEEP_MILLIS)).isNull();
    assertThat(cache.size(ReplyCache.SHORT_KEEP_MILLIS)).isZero();
  }

  @Test
  void aNewReplyToTheSameRequestReplacesTheOld() {
    cache.put(A, REQ, REQ.length, REPLY, ReplyCache.LONG_KEEP_MILLIS, 0);
    cache.put(A, REQ, REQ.length, new byte[] {1, 2}, ReplyCache.LONG_KEEP_MILLIS, 1);
    assertThat(cache.get(A, REQ, REQ.length, 2)).containsExactly(1, 2);
    assertThat(cache.size(2)).isEqualTo(1);
  }

  @Test
  void aFullRingOverwritesItsOldestEntriesAndSparesTheOtherRing() {
    cache.put(A, REQ, REQ.length, REPLY, ReplyCache.LONG_KEEP_MILLIS, 0);
    byte[] big = new byte[1200];
    int n = 200; // far more than 64 KiB of short replies
    for (int i = 0; i < n; i++) {
      byte[] req = {'S', 1, 0, 0, (byte) (i >> 8), (byte) i};
      cache.put(A, req, req.length, big, ReplyCache.SHORT_KEEP_MILLIS, 0);
    }
    assertThat(cache.get(A, new byte[] {'S', 1, 0, 0, 0, 0}, 6, 0)).isNull();
    byte[] last = {'S', 1, 0, 0, (byte) ((n - 1) >> 8), (byte) (n - 1)};
    assertThat(cache.get(A, last, 6, 0)).hasSize(1200);
    assertThat(cache.size(0)).isLessThanOrEqualTo((1 << 16) / 1200 + 1);
    assertThat(cache.get(A, REQ, REQ.length, 0)).isEqualTo(REPLY); // the long ring kept it
  }

  @Test
  void manyEntriesAreAllFound() {
    ReplyCache big = new ReplyCache(1 << 22, 1 << 22);
    for (int i = 0; i < 20_000; i++) {
      byte[] req = {'S', 1, (byte) (i >> 24), (byte) (i >> 16), (byte) (i >> 8), (byte) i};
      InetSocketAddress from = new InetSocketAddress("127.0.0.1", 1000 + i % 64);
      big.put(from, req, req.length, req, ReplyCache.SHORT_KEEP_MILLIS, 0);
    }
    for (int i = 0; i < 20_000; i++) {
      byte[] req = {'S', 1, (byte) (i >> 24), (byte) (i >> 16), (byte) (i >> 8), (byte) i};
      InetSocketAddress from = new InetSocketAddress("127.0.0.1", 1000 + i % 64);
      assertThat(big.get(from, req, req.length, 1)).as("entry %d", i).isEqualTo(req);
    }
  }

  @Test
  void moreEntriesForOneRunOfSlotsThanItHoldsEvictTheOldestOnly() {
    // 1,000 entries in a table of 4,096 slots: runs of 16 fill up now and then; whatever is lost
    // is among the oldest, and the newest entries are all found
    for (int i = 0; i < 1_000; i++) {
      byte[] req = {'S', 1, 0, 0, (byte) (i >> 8), (byte) i};
      cache.put(A, req, req.length, req, ReplyCache.SHORT_KEEP_MILLIS, 0);
    }
    for (int i = 900; i < 1_000; i++) {
      byte[] req = {'S', 1, 0, 0, (byte) (i >> 8), (byte) i};
      assertThat(cache.get(A, req, req.length, 1)).as("entry %d", i).isEqualTo(req);
    }
  }

  @Test
  void aPositionIsRebuiltFromItsLow47BitsAndTheRingsHead() {
    long window = 1L << 47;
    for (long head : new long[] {1, 5_000, window - 1, window, window + 17, 3 * window + 5}) {
      for (long back = 1; back <= Math.min(head, 1L << 30); back <<= 3) {
        long position = head - back;
        assertThat(ReplyCache.unwrap(head, position & (window - 1)))
            .as("head %d, position %d", head, position)
            .isEqualTo(position);
      }
    }
    // a slot older than the window comes back as a place within it, never after the head
    assertThat(ReplyCache.unwrap(3 * window + 5, 7)).isEqualTo(3 * window + 7 - window);
  }
}
