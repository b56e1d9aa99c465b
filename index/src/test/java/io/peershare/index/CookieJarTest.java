package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CookieJarTest {
  private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5000);
  private static final long MIN = 60_000;

  private final CookieJar jar = new CookieJar(new SplittableRandom(7));

  @Test
  void aCookieIsValidForAtLeast120SecondsFromAnyIssueTime() {
    for (long issuedAt : new long[] {0, 1, 59_999, 3_599_999, 3_600_000 - 1_000}) {
      long c = jar.issue(A, issuedAt);
      assertThat(jar.isValid(A, c, issuedAt)).isTrue();
      assertThat(jar.isValid(A, c, issuedAt + 120_000)).isTrue();
    }
  }

  @Test
  void aCookieExpiresAfterThreeBuckets() {
    long c = jar.issue(A, 0);
    assertThat(jar.isValid(A, c, 3 * MIN - 1)).isTrue();
    assertThat(jar.isValid(A, c, 3 * MIN)).isFalse();
  }

  @Test
  void aCookieIsBoundToTheAddressAndPort() {
    long c = jar.issue(A, 0);
    assertThat(jar.isValid(new InetSocketAddress("127.0.0.1", 5001), c, 0)).isFalse();
    assertThat(jar.isValid(new InetSocketAddress("127.0.0.2", 5000), c, 0)).isFalse();
    assertThat(jar.isValid(A, c + 1, 0)).isFalse();
    assertThat(jar.isValid(A, 0, 0)).isFalse();
  }

  @Test
  void cookiesSurviveASecretRotationButNotTwo() {
    long hour = CookieJar.BUCKETS_PER_SECRET * MIN;
    long c = jar.issue(A, hour - 1);
    assertThat(jar.isValid(A, c, hour + 60_000)).isTrue(); // the previous secret still checks it
    long d = jar.issue(A, hour);
    assertThat(d).isNotEqualTo(jar.issue(A, hour - 1));
    assertThat(jar.isValid(A, c, 2 * hour + 1)).isFalse();
  }

  @Test
  void anotherJarDoesNotAcceptThisJarsCookies() {
    CookieJar other = new CookieJar(new SplittableRandom(8));
    assertThat(other.isValid(A, jar.issue(A, 0), 0)).isFalse();
  }

  @Test
  void ipv6AddressesWork() {
    InetSocketAddress v6 = new InetSocketAddress("::1", 4000);
    long c = jar.issue(v6, 0);
    assertThat(jar.isValid(v6, c, 1)).isTrue();
    assertThat(jar.isValid(A, c, 1)).isFalse();
  }

  @Test
  void aClockThatGoesBackHoursStillIssuesCookies() {
    long later = 10 * CookieJar.BUCKETS_PER_SECRET * MIN;
    jar.issue(A, later);
    long c = jar.issue(A, 0);
    assertThat(jar.isValid(A, c, 1)).isTrue();
  }
}
