package io.peershare.peer.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which provider a download tries next, when it asks the index again, and how it gives up. */
class ProviderPoolTest {
  private static final ContentName F = ContentName.of("f");
  private static final Digest DIGEST = Digest.sha256(new byte[] {1});

  /** The index's answers, one per locate, in order; the asked-for maxima are recorded. */
  private final Deque<Providers> answers = new ArrayDeque<>();

  private final List<Integer> asked = new ArrayList<>();

  private static Provider peer(String name, int port) {
    return new Provider(PeerName.of(name), InetAddress.getLoopbackAddress(), port);
  }

  private static Providers answer(Provider... ps) {
    return new Providers(1, 100, DIGEST, List.of(ps));
  }

  private ProviderPool pool(int maxLocateRounds, Provider... first) {
    return new ProviderPool(
        F,
        answer(first),
        max -> {
          asked.add(max);
          return answers.removeFirst();
        },
        4,
        maxLocateRounds);
  }

  @Test
  void triesTheIndexsProvidersInItsOrderAndThoseGivenBackAfterThem() throws Exception {
    Provider a = peer("a", 1001);
    Provider b = peer("b", 1002);
    Provider c = peer("c", 1003);
    ProviderPool pool = pool(1, a, b, c);

    assertThat(pool.next()).isEqualTo(a);
    pool.putBack(a);
    assertThat(pool.next()).isEqualTo(b);
    pool.putFirst(b); // it gave a good manifest: try it first
    assertThat(pool.next()).isEqualTo(b);
    assertThat(pool.next()).isEqualTo(c);
    assertThat(pool.next()).isEqualTo(a);
    assertThat(pool.hasCandidate()).isFalse();
    assertThat(asked).isEmpty();
  }

  @Test
  void asksTheIndexAgainWhenNoneIsLeftAndTakesOnlyProvidersItHasNotSeen() throws Exception {
    Provider a = peer("a", 1001);
    Provider b = peer("b", 1002);
    ProviderPool pool = pool(3, a);
    answers.add(answer(a, b)); // a again, b new; same address, another port is another provider

    assertThat(pool.next()).isEqualTo(a);
    pool.drop(a, "it broke");
    assertThat(pool.next()).isEqualTo(b);

    assertThat(asked).containsExactly(4); // maxSources, asked once
  }

  @Test
  void aProviderIsItsAddressAndPortWhateverNameTheIndexGivesIt() throws Exception {
    Provider a = peer("a", 1001);
    Provider b = peer("b", 1002);
    ProviderPool pool = pool(3, a);
    answers.add(answer(peer("a-again", 1001), b));

    pool.drop(pool.next(), "it broke");

    assertThat(pool.next()).isEqualTo(b); // not the one that broke, under its new name
    assertThat(pool.hasCandidate()).isFalse();
  }

  @Test
  void saysNobodyIsOnlineWhenTheIndexNamesNobodyNewAndNoneFailed() throws Exception {
    ProviderPool pool = pool(3);
    answers.add(answer());

    DownloadException e = assertThrows(DownloadException.class, pool::next);

    assertThat(e.getMessage()).isEqualTo("No provider of \"f\" is online right now.");
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(asked).hasSize(1); // nobody new: no use asking a third time
  }

  @Test
  void givesTheLastReasonWhenEveryProviderFailed() throws Exception {
    Provider a = peer("a", 1001);
    Provider b = peer("b", 1002);
    ProviderPool pool = pool(3, a, b);
    answers.add(answer(a, b));

    pool.drop(pool.next(), "a stalled");
    pool.drop(pool.next(), "b sent piece 3 with a wrong hash");
    DownloadException e = assertThrows(DownloadException.class, pool::next);

    assertThat(e.getMessage())
        .isEqualTo("All 2 providers of \"f\" failed: b sent piece 3 with a wrong hash.");
  }

  @Test
  void asksTheIndexAtMostTheRoundsAllowedTheFirstIncluded() throws Exception {
    Provider a = peer("a", 1001);
    ProviderPool pool = pool(2, a);
    answers.add(answer(peer("b", 1002)));
    answers.add(answer(peer("c", 1003)));

    pool.drop(pool.next(), "gone");
    pool.drop(pool.next(), "gone too");
    assertThrows(DownloadException.class, pool::next);

    assertThat(asked).hasSize(1);
  }

  @Test
  void failsWhenTheContentChangedOnTheIndex() throws Exception {
    ProviderPool pool = pool(3, peer("a", 1001));
    answers.add(new Providers(1, 101, DIGEST, List.of(peer("b", 1002))));

    pool.next();
    DownloadException e = assertThrows(DownloadException.class, pool::relocate);

    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).contains("changed on the index");
  }
}
