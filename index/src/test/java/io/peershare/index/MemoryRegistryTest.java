package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class MemoryRegistryTest extends RegistryContractTest {
  private static final long LEASE = 90_000;
  private static final Digest D = Digest.sha256("d".getBytes(StandardCharsets.UTF_8));
  private static final Digest OTHER = Digest.sha256("e".getBytes(StandardCharsets.UTF_8));
  private static final ContentName HOT = ContentName.of("hot");

  @Override
  protected Registry newRegistry(long lease, RegistryLimits limits) {
    return new MemoryRegistry(lease, limits);
  }

  private static InetAddress ip(int i) throws UnknownHostException {
    return InetAddress.getByAddress(new byte[] {10, 9, (byte) (i >> 8), (byte) i});
  }

  private static PeerName peer(int i) {
    return PeerName.of("p" + i);
  }

  /** {@code n} peers providing {@link #HOT}, registered at time 0. */
  private static MemoryRegistry hot(int n) throws Exception {
    MemoryRegistry r = new MemoryRegistry(LEASE, RegistryLimits.defaults());
    for (int i = 0; i < n; i++) {
      r.register(peer(i), ip(i), HOT, 4000, 7, D, 0);
    }
    return r;
  }

  /** Applies one request as the server does (in a batch: no full sweep first); its outcome. */
  private static Object applyOne(MemoryRegistry r, IndexMessage.Request request, long now) {
    RegistryBatch b = new RegistryBatch(1);
    b.add(request, InetAddress.getLoopbackAddress());
    r.apply(b, now);
    return b.outcome(0);
  }

  private static List<String> located(Object outcome) {
    assertThat(outcome).isInstanceOf(Registry.Located.class);
    return ((Registry.Located) outcome).providers().stream().map(p -> p.peer().toString()).toList();
  }

  private static ErrorCode refusal(Object outcome) {
    assertThat(outcome).isInstanceOf(RegistryException.class);
    return ((RegistryException) outcome).code();
  }

  /** Runs {@code slice} (of at most 1,024) until it removes nothing; how many it removed. */
  private static int inSlices(IntSupplier slice) {
    int swept = 0;
    for (int n; (n = slice.getAsInt()) > 0; ) {
      assertThat(n).isLessThanOrEqualTo(1_024);
      swept += n;
    }
    return swept;
  }

  /** The listing as a batch's {@code O} sees it at {@code LEASE} (no full sweep first). */
  private static List<ListingEntry> listed(MemoryRegistry r) {
    Object page = applyOne(r, new IndexMessage.ListRequest(9, 0, "", ""), LEASE);
    assertThat(page).isInstanceOf(Registry.Page.class);
    return ((Registry.Page) page).entries();
  }

  private static IndexMessage.Locate locate(int max) {
    return new IndexMessage.Locate(1, 0, PeerName.of("asker"), HOT, max);
  }

  @Test
  void anSWhoseProvidersAreAllDueAnswersNotFoundAndLeavesTheirRemovalToTheSweep() throws Exception {
    MemoryRegistry r = hot(5_000);
    assertThat(refusal(applyOne(r, locate(4), LEASE))).isEqualTo(ErrorCode.NOT_FOUND);
    // the request took them out of the name's queue only: the sweep still has all of them to do
    assertThat(r.size()).isEqualTo(5_000);
    assertThat(r.counts().contents()).isZero();
    assertThat(listed(r)).isEmpty();
    // the listing swept one slice before it answered (at most 1,024; it may stop sooner on time)
    int left = r.size();
    assertThat(left).isBetween(5_000 - 1_024, 5_000 - 1);
    assertThat(refusal(applyOne(r, locate(4), LEASE))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(inSlices(() -> r.expire(LEASE, 1_024))).isEqualTo(left);
    assertThat(r.counts()).isEqualTo(new Registry.Counts(0, 0, 0));
  }

  @Test
  void aListingInABatchRightAfterASmallExpiryShowsNoneOfIt() throws Exception {
    MemoryRegistry r = new MemoryRegistry(LEASE, RegistryLimits.defaults());
    // 30 peers: fewer steps than a slice takes between two looks at the clock, so all go
    for (int i = 0; i < 30; i++) {
      r.register(peer(i), ip(i), ContentName.of("c" + i), 4000, 7, D, 0);
    }
    r.register(peer(1_000), ip(1_000), HOT, 4000, 7, D, 1);
    // the server sweeps between batches, not before each: the listing catches up itself
    assertThat(listed(r)).containsExactly(new ListingEntry(HOT, 1, 7));
    assertThat(r.size()).isEqualTo(1);
  }

  @Test
  void aRegistrationIsRefusedAsFullOnlyForLiveOnes() throws Exception {
    MemoryRegistry r = new MemoryRegistry(LEASE, new RegistryLimits(10, 100));
    for (int i = 0; i < 100; i++) {
      r.register(peer(i), ip(i), ContentName.of("c" + i), 4000, 7, D, 0);
    }
    IndexMessage.Register more =
        new IndexMessage.Register(1, 0, PeerName.of("new"), HOT, 4001, 8, OTHER);
    assertThat(refusal(applyOne(r, more, LEASE - 1))).isEqualTo(ErrorCode.LIMIT);
    // at LEASE all 100 are due, none swept yet: the index is not full
    assertThat(RegistryBatch.isDone(applyOne(r, more, LEASE))).isTrue();
  }

  @Test
  void theServersSweepEmptiesADueRegistryInSlicesAndFindsNothingBeforeTheNextDeadline()
      throws Exception {
    MemoryRegistry r = hot(3_000);
    assertThat(r.sweep(LEASE - 1, 1_024)).isZero();
    assertThat(inSlices(() -> r.sweep(LEASE, 1_024))).isEqualTo(3_000);
    assertThat(r.counts()).isEqualTo(new Registry.Counts(0, 0, 0));
    r.register(peer(1), ip(1), HOT, 4000, 7, D, LEASE); // due again only at its own lease's end
    assertThat(r.sweep(2 * LEASE - 1, 1_024)).isZero();
    assertThat(r.sweep(2 * LEASE, 1_024)).isEqualTo(1);
  }

  @Test
  void aNameWhoseProvidersAreAllDueIsFreeForAnotherSizeAndDigestBeforeTheSweep() throws Exception {
    MemoryRegistry r = hot(100);
    Object got =
        applyOne(
            r, new IndexMessage.Register(1, 0, PeerName.of("new"), HOT, 4001, 8, OTHER), LEASE);
    assertThat(RegistryBatch.isDone(got)).isTrue();
    Registry.Located l = (Registry.Located) applyOne(r, locate(16), LEASE);
    assertThat(l.size()).isEqualTo(8);
    assertThat(l.digest()).isEqualTo(OTHER);
    assertThat(l.providers()).extracting(Provider::peer).containsExactly(PeerName.of("new"));
    assertThat(r.expire(LEASE)).isEqualTo(100);
    assertThat(located(applyOne(r, locate(16), LEASE))).containsExactly("new");
    assertThat(r.counts()).isEqualTo(new Registry.Counts(1, 1, 1));
  }

  @Test
  void dueProvidersAmongLiveOnesAreNeverHandedOutAndTheLiveKeepTheirTurns() throws Exception {
    MemoryRegistry r = hot(12);
    for (int i = 0; i < 12; i += 3) { // p0, p3, p6, p9 renew; the others' leases end
      r.keepalive(peer(i), ip(i), 1_000);
    }
    List<String> turns = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      turns.addAll(located(applyOne(r, locate(1), LEASE)));
    }
    assertThat(turns).containsExactly("p0", "p3", "p6", "p9", "p0", "p3");
    assertThat(located(applyOne(r, locate(16), LEASE))).containsExactly("p6", "p9", "p0", "p3");
    assertThat(r.size()).isEqualTo(12);
    assertThat(listed(r)).containsExactly(new ListingEntry(HOT, 4, 7));
    assertThat(r.size()).as("the listing swept the 8 due first").isEqualTo(4);
    assertThat(r.expire(LEASE)).isZero();
    assertThat(located(applyOne(r, locate(2), LEASE))).containsExactly("p6", "p9");
  }

  @Test
  void anSThatMeetsDueProvidersReturnsEachLiveOneOnce() throws Exception {
    MemoryRegistry r = hot(3);
    r.keepalive(peer(2), ip(2), 1_000); // p0 and p1 end at LEASE, ahead of p2 in the queue
    assertThat(located(applyOne(r, locate(16), LEASE))).containsExactly("p2");
    assertThat(located(applyOne(r, locate(16), LEASE))).containsExactly("p2");
  }

  @Test
  void aProviderADueSTookOutCannotBeRenewedByARequestCarryingAnEarlierTime() throws Exception {
    // two server threads read the clock before taking the lock: the later may carry the earlier
    MemoryRegistry r = hot(2);
    r.keepalive(peer(1), ip(1), 1_000); // p1 lives on, p0's lease ends at LEASE
    assertThat(located(applyOne(r, locate(16), LEASE))).containsExactly("p1");
    Object k = applyOne(r, new IndexMessage.Keepalive(2, 0, peer(0)), LEASE - 1);
    assertThat(refusal(k)).isEqualTo(ErrorCode.NOT_FOUND);
    Object again =
        applyOne(r, new IndexMessage.Register(3, 0, peer(0), HOT, 4000, 7, D), LEASE - 1);
    assertThat(RegistryBatch.isDone(again)).isTrue();
    assertThat(located(applyOne(r, locate(16), LEASE))).containsExactly("p1", "p0");
    assertThat(r.size()).isEqualTo(2);
  }
}
