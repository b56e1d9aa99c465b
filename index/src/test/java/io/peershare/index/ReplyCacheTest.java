package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ReplyCacheTest {
  private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5000);
  private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5001);
  private static final byte[] REQ = {'R', 1, 0, 0, 0, 7, 9, 9};
  private static final byte[] REPLY = {'A', 1, 0, 0, 0, 7, 0, 0, 0, 90};

  private final ReplyCache cache = new ReplyCache(1000, 1 << 20);

  @Test
  void sameBytesFromSameAddressGetTheFirstReplyWithinTheWindow() {
    cache.put(A, REQ, REQ.length, REPLY, ReplyCache.LONG_KEEP_MILLIS, 1000);
    assertThat(cache.get(A, REQ.clone(), REQ.length, 1000 + 29_999)).isEqualTo(REPLY);
    assertThat(cache.get(A, REQ, REQ.length, 1000 + 30_000)).isNull();
  }

  @Test
  void anotherPortOrOtherBytesWithTheSameRequestIdMiss() {
    cache.put(A, REQ, REQ.length, REPLY, ReplyCache.LONG_KEEP_MILLIS, 0);
    assertThat(cache.get(B, REQ, REQ.length, 0)).isNull();
    byte[] other = REQ.clone();
    other[7] = 8;
    assertThat(cache.get(A, other, other.length, 0)).isNull();
  }

  @Test
  void onlyTheGivenLengthOfTheBufferCounts() {
    byte[] buf = new byte[1200];
    System.arraycopy(REQ, 0, buf, 0, REQ.length);
    cache.put(A, buf, REQ.length, REPLY, ReplyCache.SHORT_KEEP_MILLIS, 0);
    assertThat(cache.get(A, REQ, REQ.length, 0)).isEqualTo(REPLY);
  }

  @Test
  void shortLivedRepliesGoAfterTheirShorterKeep() {
    cache.put(A, REQ, REQ.length, REPLY, ReplyCache.SHORT_KEEP_MILLIS, 0);
    assertThat(ReplyCache.SHORT_KEEP_MILLIS).isGreaterThanOrEqualTo(2_000);
    assertThat(cache.get(A, REQ, REQ.length, ReplyCache.SHORT_KEEP_MILLIS - 1)).isNotNull();
    assertThat(cache.get(A, REQ, REQ.length, ReplyCache.SHORT_KEEP_MILLIS)).isNull();
    cache.purge(ReplyCache.SHORT_KEEP_MILLIS);
    assertThat(cache.size()).isZero();
  }

  @Test
  void entryCapEvictsTheOldestFirst() {
    ReplyCache small = new ReplyCache(3, 1 << 20);
    for (int i = 0; i < 5; i++) {
      byte[] req = {'S', 1, 0, 0, 0, (byte) i};
      small.put(A, req, req.length, REPLY, i % 2 == 0 ? 30_000 : 4_000, i);
    }
    assertThat(small.size()).isEqualTo(3);
    assertThat(small.get(A, new byte[] {'S', 1, 0, 0, 0, 0}, 6, 5)).isNull();
    assertThat(small.get(A, new byte[] {'S', 1, 0, 0, 0, 1}, 6, 5)).isNull();
    for (int i = 2; i < 5; i++) {
      assertThat(small.get(A, new byte[] {'S', 1, 0, 0, 0, (byte) i}, 6, 5)).isNotNull();
    }
  }

  @Test
  void byteCapBoundsMemory() {
    ReplyCache small = new ReplyCache(1_000_000, 10_000);
    byte[] big = new byte[1200];
    for (int i = 0; i < 1000; i++) {
      byte[] req = {'O', 1, 0, 0, (byte) (i >> 8), (byte) i};
      small.put(A, req, req.length, big, 4_000, i);
    }
    assertThat(small.size()).isLessThanOrEqualTo(10_000 / 1200);
  }
}
