package io.peershare.index;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless cookies, as BEP 15's connection ids: HMAC-SHA256(secret, client IP ‖ port ‖ time
 * bucket) cut to 8 bytes. Time runs in buckets of a minute; a cookie is accepted in the bucket it
 * was issued in and the two after, so it lives 120 to 180 s. The secret changes every hour; the
 * previous one is kept so cookies issued just before a change stay good. Nothing is stored per
 * client. Thread-safe.
 */
public final class CookieJar {
  /** Width of one time bucket. */
  public static final long BUCKET_MILLIS = 60_000;

  /** Buckets a cookie is accepted in after the one it was issued in. */
  static final int GRACE_BUCKETS = 2;

  /** Buckets one secret is used for; more than the grace, so only two secrets are ever needed. */
  static final int BUCKETS_PER_SECRET = 60;

  private final CookieSecrets secrets;
  private final byte[] input = new byte[16 + 2 + 8];
  private long epoch = Long.MIN_VALUE;
  private Mac current;
  private Mac previous;
  private byte[] currentSecret;
  private byte[] previousSecret;

  /** {@code random} makes the secrets: a {@code SecureRandom} in production, seeded in tests. */
  public CookieJar(RandomGenerator random) {
    this(CookieSecrets.random(random));
  }

  /** Secrets from {@code secrets}: shared by every node of one registry. */
  public CookieJar(CookieSecrets secrets) {
    this.secrets = secrets;
  }

  /**
   * Asks the secret source again for the two secrets in use and takes any that changed (nodes that
   * disagreed, say after the store lost its data, settle on one). The server calls it between
   * datagrams, so checking a cookie never waits for the source.
   */
  public synchronized void refresh() {
    if (epoch == Long.MIN_VALUE) {
      return;
    }
    byte[] c = secrets.secret(epoch);
    if (!java.util.Arrays.equals(c, currentSecret)) {
      currentSecret = c;
      current = mac(c);
    }
    byte[] p = secrets.secret(epoch - 1);
    if (!java.util.Arrays.equals(p, previousSecret)) {
      previousSecret = p;
      previous = mac(p);
    }
  }

  /** The cookie for {@code client} at {@code nowMillis}. */
  public synchronized long issue(InetSocketAddress client, long nowMillis) {
    long bucket = Math.floorDiv(nowMillis, BUCKET_MILLIS);
    return cookie(client, bucket, macFor(bucket));
  }

  /** True when {@code cookie} was issued to {@code client} in the last two to three minutes. */
  public synchronized boolean isValid(InetSocketAddress client, long cookie, long nowMillis) {
    long now = Math.floorDiv(nowMillis, BUCKET_MILLIS);
    macFor(now); // rotates the secrets first when an hour has passed
    for (long bucket = now; bucket >= now - GRACE_BUCKETS; bucket--) {
      Mac mac = macFor(bucket, now);
      if (mac != null && cookie(client, bucket, mac) == cookie) {
        return true;
      }
    }
    return false;
  }

  private long cookie(InetSocketAddress client, long bucket, Mac mac) {
    byte[] ip = client.getAddress().getAddress();
    ByteBuffer b = ByteBuffer.wrap(input);
    b.put(ip).putShort((short) client.getPort()).putLong(bucket);
    mac.update(input, 0, b.position());
    return ByteBuffer.wrap(mac.doFinal()).getLong();
  }

  /** The MAC keyed with the secret of {@code bucket}'s hour, or null when that secret is gone. */
  private Mac macFor(long bucket) {
    return macFor(bucket, bucket);
  }

  private Mac macFor(long bucket, long now) {
    long e = Math.floorDiv(bucket, BUCKETS_PER_SECRET);
    if (e > epoch) {
      if (e == epoch + 1) {
        previous = current;
        previousSecret = currentSecret;
      } else {
        previousSecret = secrets.secret(e - 1);
        previous = mac(previousSecret);
      }
      currentSecret = secrets.secret(e);
      current = mac(currentSecret);
      epoch = e;
    }
    if (e < epoch - 1 && bucket == now) {
      // the clock went back more than an hour: start over; clients fetch new cookies
      previousSecret = secrets.secret(e - 1);
      previous = mac(previousSecret);
      currentSecret = secrets.secret(e);
      current = mac(currentSecret);
      epoch = e;
    }
    if (e == epoch) {
      return current;
    }
    return e == epoch - 1 ? previous : null;
  }

  private static Mac mac(byte[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no HmacSHA256", e);
    }
  }
}
