package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderQueueTest {
  private final ProviderQueue q =
      new ProviderQueue(new byte[] {'x'}, 7, 1, Digest.sha256(new byte[0]));

  private Registration add(String peer) {
    Registration r =
        new Registration(
            new PeerRegistrations(PeerName.of(peer), InetAddress.getLoopbackAddress(), 0), q, 1, 0);
    q.add(r);
    return r;
  }

  /** Takes {@code n} with one rotation and names them in order. */
  private List<String> take(int n) {
    List<String> names = new ArrayList<>();
    Registration r = q.rotate(n);
    for (int i = 0; i < n; i++, r = r.next) {
      names.add(r.peer().name().toString());
    }
    return names;
  }

  /** The whole queue, front to back; taking all n moves all n to the back, leaving it as it was. */
  private List<String> order() {
    return take(q.providers());
  }

  @Test
  void addsAtTheBackAndRotatesRoundRobin() {
    for (String p : List.of("a", "b", "c", "d")) {
      add(p);
    }
    assertThat(q.providers()).isEqualTo(4);
    assertThat(take(2)).containsExactly("a", "b");
    assertThat(take(3)).containsExactly("c", "d", "a");
    assertThat(take(4)).containsExactly("b", "c", "d", "a");
    assertThat(take(1)).containsExactly("b");
    assertThat(order()).containsExactly("c", "d", "a", "b");
  }

  @Test
  void removingInTheMiddleKeepsTheOthersInOrder() {
    add("a");
    Registration b = add("b");
    add("c");
    add("d");
    assertThat(take(1)).containsExactly("a"); // queue: b c d a
    Registration c = b.next;
    q.remove(c);
    assertThat(q.providers()).isEqualTo(3);
    assertThat(order()).containsExactly("b", "d", "a");
    add("e");
    assertThat(order()).containsExactly("b", "d", "a", "e");
  }

  @Test
  void removingTheHeadMakesItsSuccessorNext() {
    Registration a = add("a");
    add("b");
    add("c");
    q.remove(a);
    assertThat(take(1)).containsExactly("b");
    assertThat(order()).containsExactly("c", "b");
  }

  @Test
  void removingTheLastProviderEmptiesTheQueueAndItCanFillAgain() {
    Registration a = add("a");
    Registration b = add("b");
    q.remove(b);
    assertThat(order()).containsExactly("a");
    assertThat(take(1)).containsExactly("a");
    q.remove(a);
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.providers()).isZero();
    assertThat(q.rotate(0)).isNull();
    assertThat(a.next).isNull();
    assertThat(a.prev).isNull();
    q.add(a); // an unlinked entry may be queued again
    add("c");
    assertThat(order()).containsExactly("a", "c");
  }

  @Test
  void removingTwiceOrAnUnqueuedEntryChangesNothing() {
    Registration a = add("a");
    add("b");
    q.remove(a);
    q.remove(a);
    assertThat(q.providers()).isEqualTo(1);
    assertThat(order()).containsExactly("b");
  }

  @Test
  void refusesToQueueAnEntryTwiceOrTakeMoreThanItHolds() {
    Registration a = add("a");
    assertThatThrownBy(() -> q.add(a)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> q.rotate(2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> q.rotate(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keepsItsNameAndDigestAsBytes() {
    ProviderQueue named =
        new ProviderQueue(
            "caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            1,
            9,
            Digest.sha256(new byte[] {1}));
    assertThat(named.name()).isEqualTo(ContentName.of("caf\u00e9"));
    assertThat(named.nameLength()).isEqualTo(5);
    assertThat(named.size()).isEqualTo(9);
    assertThat(named.digest()).isEqualTo(Digest.sha256(new byte[] {1}));
    assertThat(named.hasDigest(Digest.sha256(new byte[] {1}))).isTrue();
    assertThat(named.hasDigest(Digest.sha256(new byte[] {2}))).isFalse();
    assertThat(named.nameContains(new byte[] {'A', 'f'})).isTrue();
    assertThat(named.nameContains(new byte[] {'x'})).isFalse();
  }

  @Test
  void aSingleProviderIsReturnedEveryTime() {
    add("a");
    for (int i = 0; i < 3; i++) {
      assertThat(take(1)).containsExactly("a");
    }
  }
}
