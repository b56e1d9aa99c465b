package io.peershare.index;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;

/**
 * Stateless cookies, as BEP 15's connection ids: a keyed MAC of the client's IP address, port and
 * the time bucket, so nothing is stored per client.
 *
 * <p><b>The MAC: SipHash-2-4 with a 128-bit secret</b> over {@code ip (4 or 16 bytes) ‖ port (u16)
 * ‖ bucket (u64)}, both big-endian; its 64-bit output is the cookie, whole. SipHash is a
 * pseudo-random function built for inputs this short: about 20 ns here, no allocation, where
 * HMAC-SHA256 cut to 8 bytes cost about a microsecond per request through the JCA. It keeps the
 * property the cookie exists for: nobody without the secret can compute the cookie of another
 * address, because the output of a PRF under an unknown key looks random. <b>Forgery bound</b>: an
 * attacker who has seen any number of cookies (for its own addresses) and tries {@code q} guesses
 * for an address it does not own succeeds with probability at most {@code q / 2^64} plus SipHash's
 * distinguishing advantage (no attack better than guessing the 128-bit key is known). A guess costs
 * a datagram and the per-address rate limit applies: a million guesses a second for the three
 * minutes a cookie lives is {@code 2^27.4} tries, a success probability of {@code 2^-36.6}; the
 * secret changes every hour. AES-CMAC on AES-NI was the other candidate: as strong, but through the
 * JCA it needs a {@code Cipher} per thread and allocates per call, for no gain at 14-26 bytes of
 * input. docs/benchmarks.md has the measurements.
 *
 * <p>Time runs in buckets of a minute; a cookie is accepted in the bucket it was issued in and the
 * two after, so it lives 120 to 180 s. The secret changes every hour; the previous one is kept so
 * cookies issued just before a change stay good. Thread-safe and lock-free on the request path: the
 * secrets are one immutable object read through a volatile field; only a rotation (once an hour)
 * takes the lock.
 */
public final class CookieJar {
  /** Width of one time bucket. */
  public static final long BUCKET_MILLIS = 60_000;

  /** Buckets a cookie is accepted in after the one it was issued in. */
  static final int GRACE_BUCKETS = 2;

  /** Buckets one secret is used for; more than the grace, so only two secrets are ever needed. */
  static final int BUCKETS_PER_SECRET = 60;

  /** The secrets of hour {@code epoch} and of the hour before it. */
  private record Secrets(long epoch, long k0, long k1, long previousK0, long previousK1) {}

  private final RandomGenerator random;
  private final CookieSecrets source;
  private volatile Secrets secrets;

  /** {@code random} makes the secrets: a {@code SecureRandom} in production, seeded in tests. */
  public CookieJar(RandomGenerator random) {
    this.random = random;
    this.source = null;
  }

  /**
   * Secrets from {@code source}, one per hour: nodes of one shared registry take them from the
   * store, so a cookie from any node is valid on every node.
   */
  public CookieJar(CookieSecrets source) {
    this.random = null;
    this.source = source;
  }

  /**
   * Asks the secret source again for the two secrets in use and takes any that changed (nodes that
   * disagreed, say after the store lost its data, settle on one). A server calls it between
   * batches, so checking a cookie never waits for the source. Nothing to do without a source.
   */
  public synchronized void refresh() {
    Secrets s = secrets;
    if (source == null || s == null) {
      return;
    }
    long[] k = key(source.secret(s.epoch()));
    long[] p = key(source.secret(s.epoch() - 1));
    if (k[0] != s.k0() || k[1] != s.k1() || p[0] != s.previousK0() || p[1] != s.previousK1()) {
      secrets = new Secrets(s.epoch(), k[0], k[1], p[0], p[1]);
    }
  }

  /** The cookie for {@code client} at {@code nowMillis}. */
  public long issue(InetSocketAddress client, long nowMillis) {
    return issue(client.getAddress(), client.getPort(), nowMillis);
  }

  /**
   * The cookie for {@code ip} and {@code port} at {@code nowMillis}; port 0 binds it to the address
   * alone (BEP 15 connection ids), without an {@code InetSocketAddress} per request.
   */
  public long issue(InetAddress ip, int port, long nowMillis) {
    long bucket = Math.floorDiv(nowMillis, BUCKET_MILLIS);
    Secrets s = secretsAt(bucket);
    return Math.floorDiv(bucket, BUCKETS_PER_SECRET) == s.epoch()
        ? mac(s.k0(), s.k1(), ip, port, bucket)
        : mac(s.previousK0(), s.previousK1(), ip, port, bucket);
  }

  /** True when {@code cookie} was issued to {@code client} in the last two to three minutes. */
  public boolean isValid(InetSocketAddress client, long cookie, long nowMillis) {
    return isValid(client.getAddress(), client.getPort(), cookie, nowMillis);
  }

  /** True when {@code cookie} was issued to {@code ip} and {@code port} in the last 2-3 minutes. */
  public boolean isValid(InetAddress ip, int port, long cookie, long nowMillis) {
    long now = Math.floorDiv(nowMillis, BUCKET_MILLIS);
    Secrets s = secretsAt(now); // rotates the secrets first when an hour has passed
    for (long bucket = now; bucket >= now - GRACE_BUCKETS; bucket--) {
      long e = Math.floorDiv(bucket, BUCKETS_PER_SECRET);
      long mac;
      if (e == s.epoch()) {
        mac = mac(s.k0(), s.k1(), ip, port, bucket);
      } else if (e == s.epoch() - 1) {
        mac = mac(s.previousK0(), s.previousK1(), ip, port, bucket);
      } else {
        continue; // that secret is gone
      }
      if (mac == cookie) {
        return true;
      }
    }
    return false;
  }

  /** The MAC input: ip ‖ port ‖ bucket, big-endian. */
  static long mac(long k0, long k1, InetSocketAddress client, long bucket) {
    return mac(k0, k1, client.getAddress(), client.getPort(), bucket);
  }

  private static long mac(long k0, long k1, InetAddress address, int port, long bucket) {
    byte[] ip = address.getAddress();
    byte[] m = new byte[ip.length + 2 + 8];
    System.arraycopy(ip, 0, m, 0, ip.length);
    int p = ip.length;
    m[p] = (byte) (port >>> 8);
    m[p + 1] = (byte) port;
    for (int i = 0; i < 8; i++) {
      m[p + 2 + i] = (byte) (bucket >>> (56 - 8 * i));
    }
    return SipHash.hash(k0, k1, m, 0, m.length);
  }

  private Secrets secretsAt(long bucket) {
    Secrets s = secrets;
    long e = Math.floorDiv(bucket, BUCKETS_PER_SECRET);
    if (s != null && (e == s.epoch() || e == s.epoch() - 1)) {
      return s;
    }
    return rotate(e);
  }

  private synchronized Secrets rotate(long e) {
    Secrets s = secrets;
    if (source != null) {
      if (s == null || e != s.epoch()) {
        long[] k = key(source.secret(e));
        long[] p = key(source.secret(e - 1));
        s = new Secrets(e, k[0], k[1], p[0], p[1]);
        secrets = s;
      }
      return s;
    }
    if (s == null || e > s.epoch()) {
      long pk0;
      long pk1;
      if (s != null && e == s.epoch() + 1) {
        pk0 = s.k0();
        pk1 = s.k1();
      } else {
        pk0 = random.nextLong();
        pk1 = random.nextLong();
      }
      s = new Secrets(e, random.nextLong(), random.nextLong(), pk0, pk1);
    } else if (e < s.epoch() - 1) {
      // the clock went back more than an hour: start over; clients fetch new cookies
      s =
          new Secrets(
              e, random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
    }
    secrets = s;
    return s;
  }

  /** A 16-byte secret as SipHash's two key words, little-endian (as SipHash reads its key). */
  static long[] key(byte[] secret) {
    if (secret.length != CookieSecrets.LENGTH) {
      throw new IllegalArgumentException("a cookie secret is 16 bytes");
    }
    long k0 = 0;
    long k1 = 0;
    for (int i = 7; i >= 0; i--) {
      k0 = (k0 << 8) | (secret[i] & 0xff);
      k1 = (k1 << 8) | (secret[8 + i] & 0xff);
    }
    return new long[] {k0, k1};
  }
}
