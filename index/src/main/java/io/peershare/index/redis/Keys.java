package io.peershare.index.redis;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The store's key names. Every key a script touches shares one hash tag, so a script runs on one
 * Redis Cluster slot:
 *
 * <ul>
 *   <li>per content, tagged by the content name: {@code ps:c{NAME}} (hash: meta, rotation counter
 *       from the second provider on, one field per provider) and {@code ps:q{NAME}} (sorted set:
 *       the round-robin queue, only while the content has two providers or more);
 *   <li>per peer, tagged by one of {@link #BUCKETS} buckets of peer names: {@code ps:p{bN}NAME}
 *       (hash: owner IP, last renewal, one field per registration), with the bucket's lease queue
 *       {@code ps:l{bN}} and registration count {@code ps:n{bN}} in the same slot;
 *   <li>{@code ps:names}: the listing, every content name with a provider;
 *   <li>{@code ps:r} + tag + source address, port and request id: a mutation's shared reply, tagged
 *       like the keys of the request's first step (the peer's bucket for R, Q and K, the content
 *       for T), so that step claims it in the same script;
 *   <li>{@code ps:rb:N} (a standalone store only): the shared replies of R, a field per request
 *       (source address, port and request id), in hashes of {@link RedisReplies#BUCKET_MILLIS} each
 *       (N: the time in ms divided by that width), each dropped as a whole by the nodes' lease
 *       sweeps ({@code UNLINK}) once no step reads it, or else by its expiry a bucket later.
 * </ul>
 *
 * A tag ends at the first '}', so a '}' in a content name is written as byte 0x01 inside the tag
 * (names never hold control characters, so the mapping is one to one).
 */
final class Keys {
  /** Peer buckets: enough to spread peers over any cluster, few enough to sweep every one. */
  static final int BUCKETS = 64;

  static final byte[] NAMES = ascii("ps:names");

  private static final byte[][] LEASES = new byte[BUCKETS][];
  private static final byte[][] COUNTS = new byte[BUCKETS][];
  private static final byte[][] PEERS = new byte[BUCKETS][];
  private static final byte[][] REPLIES = new byte[BUCKETS][];

  static {
    for (int b = 0; b < BUCKETS; b++) {
      LEASES[b] = ascii("ps:l{b" + b + "}");
      COUNTS[b] = ascii("ps:n{b" + b + "}");
      PEERS[b] = ascii("ps:p{b" + b + "}");
      REPLIES[b] = ascii("ps:r{b" + b + "}");
    }
  }

  private Keys() {}

  static int bucket(byte[] peer) {
    CRC32 crc = new CRC32();
    crc.update(peer);
    return (int) (crc.getValue() % BUCKETS);
  }

  static byte[] peer(byte[] peer) {
    return concat(PEERS[bucket(peer)], peer);
  }

  static byte[] leases(int bucket) {
    return LEASES[bucket];
  }

  static byte[] count(int bucket) {
    return COUNTS[bucket];
  }

  /** The peer hash, its bucket's lease queue and its bucket's count: one slot. */
  static byte[][] peerKeys(byte[] peer) {
    int b = bucket(peer);
    return new byte[][] {concat(PEERS[b], peer), LEASES[b], COUNTS[b]};
  }

  /** A shared reply in the peer's slot: {@code ps:r{bN}} + {@code source}. */
  static byte[] peerReply(byte[] peer, byte[] source) {
    return concat(REPLIES[bucket(peer)], source);
  }

  /** A shared reply in the content's slot: {@code ps:r{NAME}} + {@code source}. */
  static byte[] contentReply(byte[] content, byte[] source) {
    return concat(tagged('r', content), source);
  }

  /** The hash of R's shared replies made in time bucket {@code bucket}: {@code ps:rb:N}. */
  static byte[] claims(long bucket) {
    return ascii("ps:rb:" + bucket);
  }

  /** The content hash and its rotation queue: one slot. */
  static byte[][] contentKeys(byte[] content) {
    return new byte[][] {tagged('c', content), tagged('q', content)};
  }

  static byte[] contentHash(byte[] content) {
    return tagged('c', content);
  }

  static byte[] queue(byte[] content) {
    return tagged('q', content);
  }

  private static byte[] tagged(char kind, byte[] name) {
    byte[] k = new byte[name.length + 6];
    k[0] = 'p';
    k[1] = 's';
    k[2] = ':';
    k[3] = (byte) kind;
    k[4] = '{';
    for (int i = 0; i < name.length; i++) {
      k[5 + i] = name[i] == '}' ? 1 : name[i];
    }
    k[k.length - 1] = '}';
    return k;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
