package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.Registry.Page;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Registry} must do, whatever holds the data: run against the in-memory registry
 * and against Redis (standalone and cluster) by the subclasses.
 */
public abstract class RegistryContractTest {
  private static final long LEASE = 90_000;
  private static final Digest D1 = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
  private static final Digest D2 = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
  private static final InetAddress IP1 = ip("10.0.0.1");
  private static final InetAddress IP2 = ip("10.0.0.2");

  private Registry reg;

  /** A fresh, empty registry. */
  protected abstract Registry newRegistry(long lease, RegistryLimits limits);

  @BeforeEach
  void freshRegistry() {
    reg = newRegistry(LEASE, new RegistryLimits(3, 10));
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private void add(String peer, InetAddress ip, String content, long now) throws RegistryException {
    reg.register(PeerName.of(peer), ip, ContentName.of(content), 4000, 10, D1, now);
  }

  private static ErrorCode codeOf(ThrowingRunnable r) {
    try {
      r.run();
    } catch (RegistryException e) {
      return e.code();
    }
    return null;
  }

  interface ThrowingRunnable {
    void run() throws RegistryException;
  }

  private List<String> names(List<Provider> ps) {
    return ps.stream().map(p -> p.peer().toString()).toList();
  }

  @Test
  void registerThenLocateReturnsProviderWithSizeDigestAndAddress() throws Exception {
    reg.register(PeerName.of("mai"), IP1, ContentName.of("song.ogg"), 4242, 1234, D1, 0);
    Registry.Located l = reg.locate(ContentName.of("song.ogg"), 16, 0);
    assertThat(l.size()).isEqualTo(1234);
    assertThat(l.digest()).isEqualTo(D1);
    assertThat(l.providers()).containsExactly(new Provider(PeerName.of("mai"), IP1, 4242));
    assertThat(reg.size()).isEqualTo(1);
  }

  @Test
  void refusesNameTakenAlreadyRegisteredConflictInThatOrder() throws Exception {
    add("mai", IP1, "a", 0);
    assertThat(codeOf(() -> add("mai", IP2, "b", 0))).isEqualTo(ErrorCode.NAME_TAKEN);
    assertThat(codeOf(() -> add("mai", IP2, "a", 0))).isEqualTo(ErrorCode.NAME_TAKEN);
    assertThat(codeOf(() -> add("mai", IP1, "a", 0))).isEqualTo(ErrorCode.ALREADY_REGISTERED);
    assertThat(
            codeOf(() -> reg.register(PeerName.of("bo"), IP1, ContentName.of("a"), 1, 11, D1, 0)))
        .isEqualTo(ErrorCode.CONFLICT);
    assertThat(
            codeOf(() -> reg.register(PeerName.of("bo"), IP1, ContentName.of("a"), 1, 10, D2, 0)))
        .isEqualTo(ErrorCode.CONFLICT);
    assertThat(reg.size()).isEqualTo(1);
  }

  @Test
  void sameNameFromAnotherAddressIsFreeOnceTheFirstQuits() throws Exception {
    add("mai", IP1, "a", 0);
    assertThat(reg.quit(PeerName.of("mai"), IP2, 0)).isZero();
    assertThat(reg.quit(PeerName.of("mai"), IP1, 0)).isEqualTo(1);
    add("mai", IP2, "a", 0);
    assertThat(reg.locate(ContentName.of("a"), 1, 0).providers().get(0).address()).isEqualTo(IP2);
  }

  @Test
  void perPeerAndTotalLimits() throws Exception {
    add("p", IP1, "a", 0);
    add("p", IP1, "b", 0);
    add("p", IP1, "c", 0);
    assertThat(codeOf(() -> add("p", IP1, "d", 0))).isEqualTo(ErrorCode.LIMIT);
    for (int i = 0; i < 7; i++) {
      add("q" + i, IP2, "x", 0);
    }
    assertThat(reg.size()).isEqualTo(10);
    assertThat(codeOf(() -> add("r", IP2, "y", 0))).isEqualTo(ErrorCode.LIMIT);
    reg.deregister(PeerName.of("q0"), IP2, ContentName.of("x"), 0);
    add("r", IP2, "y", 0);
  }

  @Test
  void defaultPerPeerLimitIsAtLeastTheSpecsThousand() {
    assertThat(RegistryLimits.defaults().perPeer()).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void locateRotatesRoundRobinMovingEachReturnedProviderToTheBackInOrder() throws Exception {
    Registry big = newRegistry(LEASE, RegistryLimits.defaults());
    for (String p : List.of("a", "b", "c", "d")) {
      big.register(
          PeerName.of(p),
          ip("10.0.1." + (p.charAt(0) - 'a' + 1)),
          ContentName.of("x"),
          1,
          1,
          D1,
          0);
    }
    assertThat(names(big.locate(ContentName.of("x"), 2, 0).providers())).containsExactly("a", "b");
    assertThat(names(big.locate(ContentName.of("x"), 3, 0).providers()))
        .containsExactly("c", "d", "a");
    assertThat(names(big.locate(ContentName.of("x"), 16, 0).providers()))
        .containsExactly("b", "c", "d", "a");
    List<String> cycle = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      cycle.addAll(names(big.locate(ContentName.of("x"), 1, 0).providers()));
    }
    assertThat(cycle).containsExactly("b", "c", "d", "a", "b", "c", "d", "a");
  }

  @Test
  void deregisteringDuringTheRoundRobinKeepsTheOthersInTheirTurn() throws Exception {
    Registry big = newRegistry(LEASE, RegistryLimits.defaults());
    for (String p : List.of("a", "b", "c", "d")) {
      big.register(
          PeerName.of(p),
          ip("10.0.1." + (p.charAt(0) - 'a' + 1)),
          ContentName.of("x"),
          1,
          1,
          D1,
          0);
    }
    assertThat(names(big.locate(ContentName.of("x"), 1, 0).providers()))
        .containsExactly("a"); // b c d a
    big.deregister(PeerName.of("c"), ip("10.0.1.3"), ContentName.of("x"), 0); // the middle
    assertThat(names(big.locate(ContentName.of("x"), 16, 0).providers()))
        .containsExactly("b", "d", "a");
    big.deregister(PeerName.of("b"), ip("10.0.1.2"), ContentName.of("x"), 0); // the next in turn
    assertThat(names(big.locate(ContentName.of("x"), 1, 0).providers())).containsExactly("d");
    big.register(
        PeerName.of("e"), ip("10.0.1.5"), ContentName.of("x"), 1, 1, D1, 0); // joins at the back
    assertThat(names(big.locate(ContentName.of("x"), 16, 0).providers()))
        .containsExactly("a", "d", "e");
    big.quit(PeerName.of("a"), ip("10.0.1.1"), 0);
    big.deregister(PeerName.of("d"), ip("10.0.1.4"), ContentName.of("x"), 0);
    assertThat(names(big.locate(ContentName.of("x"), 2, 0).providers())).containsExactly("e");
    big.deregister(
        PeerName.of("e"), ip("10.0.1.5"), ContentName.of("x"), 0); // the last one: the name goes
    assertThat(codeOf(() -> big.locate(ContentName.of("x"), 1, 0))).isEqualTo(ErrorCode.NOT_FOUND);
    big.register(PeerName.of("f"), ip("10.0.1.6"), ContentName.of("x"), 1, 1, D1, 0);
    assertThat(names(big.locate(ContentName.of("x"), 16, 0).providers())).containsExactly("f");
  }

  @Test
  void expiryInTheMiddleOfTheQueueKeepsTheOthersInOrder() throws Exception {
    Registry big = newRegistry(LEASE, RegistryLimits.defaults());
    big.register(PeerName.of("a"), IP1, ContentName.of("x"), 1, 1, D1, 0);
    big.register(PeerName.of("b"), IP2, ContentName.of("x"), 1, 1, D1, 0);
    big.register(PeerName.of("c"), ip("10.0.0.3"), ContentName.of("x"), 1, 1, D1, 0);
    big.keepalive(PeerName.of("a"), IP1, 5_000);
    big.keepalive(PeerName.of("c"), ip("10.0.0.3"), 5_000);
    assertThat(names(big.locate(ContentName.of("x"), 16, LEASE).providers()))
        .containsExactly("a", "c");
    assertThat(names(big.locate(ContentName.of("x"), 1, LEASE).providers())).containsExactly("a");
    assertThat(names(big.locate(ContentName.of("x"), 1, LEASE).providers())).containsExactly("c");
  }

  @Test
  void locateUnknownIsNotFound() {
    assertThat(codeOf(() -> reg.locate(ContentName.of("nope"), 1, 0)))
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void deregisterRules() throws Exception {
    add("mai", IP1, "a", 0);
    assertThat(codeOf(() -> reg.deregister(PeerName.of("mai"), IP1, ContentName.of("zzz"), 0)))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(codeOf(() -> reg.deregister(PeerName.of("bo"), IP1, ContentName.of("a"), 0)))
        .isEqualTo(ErrorCode.NOT_OWNER);
    assertThat(codeOf(() -> reg.deregister(PeerName.of("mai"), IP2, ContentName.of("a"), 0)))
        .isEqualTo(ErrorCode.NOT_OWNER);
    reg.deregister(PeerName.of("mai"), IP1, ContentName.of("a"), 0);
    assertThat(reg.size()).isZero();
    assertThat(reg.list("", "", 1192, 255, 0).entries()).isEmpty();
    assertThat(codeOf(() -> reg.locate(ContentName.of("a"), 1, 0))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void nameDisappearsWithItsLastProviderOnly() throws Exception {
    add("mai", IP1, "a", 0);
    add("bo", IP2, "a", 0);
    reg.deregister(PeerName.of("mai"), IP1, ContentName.of("a"), 0);
    assertThat(reg.list("", "", 1192, 255, 0).entries())
        .containsExactly(new ListingEntry(ContentName.of("a"), 1, 10));
    reg.quit(PeerName.of("bo"), IP2, 0);
    assertThat(reg.list("", "", 1192, 255, 0).entries()).isEmpty();
  }

  @Test
  void quitRemovesAllOfThePeersEntriesFromThatAddressOnly() throws Exception {
    add("mai", IP1, "a", 0);
    add("mai", IP1, "b", 0);
    add("bo", IP2, "b", 0);
    assertThat(reg.quit(PeerName.of("mai"), IP1, 0)).isEqualTo(2);
    assertThat(reg.size()).isEqualTo(1);
    assertThat(names(reg.locate(ContentName.of("b"), 16, 0).providers())).containsExactly("bo");
    assertThat(reg.quit(PeerName.of("mai"), IP1, 0)).isZero();
  }

  @Test
  void leaseExpiresRegistrationsInOrderOfTheirR() throws Exception {
    add("mai", IP1, "a", 0);
    add("mai", IP1, "b", 10_000);
    assertThat(reg.expire(LEASE - 1)).isZero();
    assertThat(reg.expire(LEASE)).isEqualTo(1);
    assertThat(codeOf(() -> reg.locate(ContentName.of("a"), 1, LEASE)))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(reg.locate(ContentName.of("b"), 1, LEASE + 9_999).providers()).hasSize(1);
    assertThat(codeOf(() -> reg.locate(ContentName.of("b"), 1, LEASE + 10_000)))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(reg.size()).isZero();
    assertThat(codeOf(() -> reg.keepalive(PeerName.of("mai"), IP1, LEASE + 10_000)))
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void everyOperationSeesExpiryWithoutAnExplicitSweep() throws Exception {
    add("mai", IP1, "a", 0);
    assertThat(reg.list("", "", 1192, 255, LEASE).entries()).isEmpty();
    add("mai", IP2, "a", LEASE); // the name is free again
  }

  @Test
  void keepaliveRenewsAllOfThePeersLeases() throws Exception {
    add("mai", IP1, "a", 0);
    add("mai", IP1, "b", 5_000);
    add("bo", IP2, "c", 0);
    reg.keepalive(PeerName.of("mai"), IP1, 60_000);
    assertThat(reg.expire(LEASE)).isEqualTo(1); // only bo's
    assertThat(reg.size()).isEqualTo(2);
    assertThat(reg.expire(60_000 + LEASE - 1)).isZero();
    assertThat(reg.expire(60_000 + LEASE)).isEqualTo(2);
  }

  @Test
  void keepaliveFromAnotherAddressOrUnknownIsNotFound() throws Exception {
    add("mai", IP1, "a", 0);
    assertThat(codeOf(() -> reg.keepalive(PeerName.of("mai"), IP2, 0)))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(codeOf(() -> reg.keepalive(PeerName.of("zed"), IP1, 0)))
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void aRegistrationAfterAKeepaliveKeepsItsOwnLeaseStart() throws Exception {
    add("mai", IP1, "a", 0);
    reg.keepalive(PeerName.of("mai"), IP1, 10_000);
    add("mai", IP1, "b", 50_000);
    assertThat(reg.expire(10_000 + LEASE)).isEqualTo(1);
    assertThat(reg.locate(ContentName.of("b"), 1, 10_000 + LEASE).providers()).hasSize(1);
    assertThat(reg.expire(50_000 + LEASE)).isEqualTo(1);
  }

  @Test
  void quitThenReRegisterIsNotExpiredByTheStaleLeaseEntry() throws Exception {
    add("mai", IP1, "a", 0);
    reg.quit(PeerName.of("mai"), IP1, 1);
    add("mai", IP1, "a", 50_000);
    assertThat(reg.expire(LEASE)).isZero();
    assertThat(reg.size()).isEqualTo(1);
    assertThat(reg.expire(50_000 + LEASE)).isEqualTo(1);
  }

  @Test
  void listIsInUnsignedByteOrderStrictlyAfterAndFiltered() throws Exception {
    Registry big = newRegistry(LEASE, RegistryLimits.defaults());
    // as UTF-8 bytes U+FF5E (EF ..) sorts before U+1F600 (F0 ..); as UTF-16 units it sorts after
    for (String c : List.of("b", "B", "a", "\uD83D\uDE00 smile", "\uFF5E wave", "Abc")) {
      big.register(PeerName.of("p"), IP1, ContentName.of(c), 1, 1, D1, 0);
    }
    List<String> all =
        big.list("", "", 1192, 255, 0).entries().stream().map(e -> e.content().toString()).toList();
    assertThat(all).containsExactly("Abc", "B", "a", "b", "\uFF5E wave", "\uD83D\uDE00 smile");
    assertThat(big.list("B", "", 1192, 255, 0).entries().get(0).content()).hasToString("a");
    assertThat(big.list("", "b", 1192, 255, 0).entries().stream().map(e -> e.content().toString()))
        .containsExactly("Abc", "B", "b");
    assertThat(big.list("", "WAVE", 1192, 255, 0).entries()).hasSize(1);
    assertThat(big.list("", "\uFF5E", 1192, 255, 0).entries()).hasSize(1);
  }

  @Test
  void listStopsWhenTheDatagramIsFullAndSaysMore() throws Exception {
    Registry big = newRegistry(LEASE, RegistryLimits.defaults());
    String pad = "x".repeat(200);
    for (int i = 0; i < 10; i++) {
      big.register(PeerName.of("p"), IP1, ContentName.of(i + pad), 1, 1, D1, 0);
    }
    Page first = big.list("", "", 1192, 255, 0); // 211 bytes each: 5 fit
    assertThat(first.entries()).hasSize(5);
    assertThat(first.more()).isTrue();
    Page second = big.list(first.entries().get(4).content().toString(), "", 1192, 255, 0);
    assertThat(second.entries()).hasSize(5);
    assertThat(second.more()).isFalse();
    assertThat(big.list("", "", 10_000, 3, 0).entries()).hasSize(3);
    assertThat(big.list("", "", 10_000, 3, 0).more()).isTrue();
    assertThat(big.list("", "", 10_000, 10, 0).more()).isFalse();
  }

  @Test
  void listCountsLiveProviders() throws Exception {
    add("mai", IP1, "a", 0);
    add("bo", IP2, "a", 1000);
    assertThat(reg.list("", "", 1192, 255, LEASE).entries())
        .containsExactly(new ListingEntry(ContentName.of("a"), 1, 10));
  }

  @Test
  void aBatchTakesEachPeersRequestsInOrderAndRecordsEveryOutcome() throws Exception {
    PeerName mai = PeerName.of("mai");
    PeerName bo = PeerName.of("bo");
    ContentName a = ContentName.of("a");
    // bo's provision of a comes first, in its own batch: requests of different peers in one
    // batch may run side by side (a store node), so only one peer's order is the contract
    RegistryBatch first = new RegistryBatch(1);
    first.add(new IndexMessage.Register(1, 0, bo, a, 4001, 10, D1), IP2);
    reg.apply(first, 0).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(RegistryBatch.isDone(first.outcome(0))).as("bo: %s", first.outcome(0)).isTrue();
    RegistryBatch b = new RegistryBatch(2); // grows
    b.add(new IndexMessage.Register(2, 0, mai, a, 4000, 10, D1), IP1);
    b.add(new IndexMessage.Register(3, 0, bo, ContentName.of("b"), 4001, 20, D2), IP2);
    b.add(new IndexMessage.Deregister(4, 0, mai, a), IP1); // after mai's R: done
    b.add(new IndexMessage.Register(5, 0, mai, a, 4000, 11, D1), IP1); // after the T: bo's size
    b.add(new IndexMessage.Keepalive(6, 0, mai), IP1); // after all of mai's: nothing left
    b.add(new IndexMessage.Locate(7, 0, mai, ContentName.of("zzz"), 4), IP1);
    b.add(new IndexMessage.ListRequest(8, 0, "", ""), IP1);
    reg.apply(b, 0).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(RegistryBatch.isDone(b.outcome(0))).as("outcome 0: %s", b.outcome(0)).isTrue();
    assertThat(RegistryBatch.isDone(b.outcome(1))).as("outcome 1: %s", b.outcome(1)).isTrue();
    assertThat(RegistryBatch.isDone(b.outcome(2))).as("outcome 2: %s", b.outcome(2)).isTrue();
    assertThat(b.outcome(3)).isInstanceOf(RegistryException.class);
    assertThat(((RegistryException) b.outcome(3)).code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(((RegistryException) b.outcome(4)).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(((RegistryException) b.outcome(5)).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(b.outcome(6)).isInstanceOf(Page.class);
    assertThat(reg.locate(a, 16, 0).providers()).containsExactly(new Provider(bo, IP2, 4001));
    assertThat(reg.size()).isEqualTo(2);
  }
}
