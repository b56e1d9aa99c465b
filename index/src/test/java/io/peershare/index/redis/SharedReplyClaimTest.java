package io.peershare.index.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.index.RegistryException;
import io.peershare.index.RegistryLimits;
import io.peershare.index.ReplyCache;
import io.peershare.index.SharedReplies;
import io.peershare.index.TestServers;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Deregister;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shared-reply claim of one datagram as three nodes see it, step by step: a node giving up a
 * claim that has meanwhile expired and been taken by another node must leave the other's claim in
 * place, or a retransmission through a third node would act a second time while the second node is
 * still at it.
 */
class SharedReplyClaimTest {
  private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 5000);
  private static final Deregister T = new Deregister(7, 0, PeerName.of("mai"), ContentName.of("a"));
  private static final byte[] BYTES = IndexCodec.encode(T);

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void aLateReleaseLeavesTheClaimAnotherNodeMadeSince(TestServers kind) throws Exception {
    RedisStore store = kind.emptyStore();
    RedisRegistry registry = new RedisRegistry(store, 90_000, RegistryLimits.defaults());
    RedisReplies a = new RedisReplies(store);
    RedisReplies b = new RedisReplies(store);
    RedisReplies c = new RedisReplies(store);

    RedisReplies.Ticket ta = ticket(a);
    assertThat(acts(registry, ta)).isTrue();
    // A is slow: its claim runs out (as its PX would make it), and B takes the retransmission
    store.await(store.commands().del(ta.key()).toCompletableFuture());
    RedisReplies.Ticket tb = ticket(b);
    assertThat(acts(registry, tb)).isTrue();
    // A fails at last and gives its claim up: B's must stay, so C, seeing the datagram again,
    // leaves it to B
    store.await(a.releaseAsync(ta));
    assertThat(acts(registry, ticket(c))).isFalse();
    // B gives up: now the datagram is free again
    store.await(b.releaseAsync(tb));
    assertThat(acts(registry, ticket(c))).isTrue();
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void anRThatActsLeavesItsAAndARefusedOneAClaimItsNodeCanGiveUp(TestServers kind)
      throws Exception {
    // On a standalone store the R's one script writes its claim as the A it will get and turns it
    // back into a plain claim when the R is refused: a node that then fails must be able to give
    // it up, and no resend may ever get an A for an R that did nothing.
    RedisStore store = kind.emptyStore();
    RedisRegistry registry = new RedisRegistry(store, 90_000, RegistryLimits.defaults());
    RedisReplies node = new RedisReplies(store);
    InetAddress ip = InetAddress.getLoopbackAddress();
    Digest d = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
    long now = System.currentTimeMillis();
    // the first R goes in steps and reads the store's count; the next ones, within its second,
    // in one script on a standalone store
    store.await(
        registry.registerAsync(PeerName.of("ana"), ip, ContentName.of("a"), 4000, 9, d, now));

    Register refused = new Register(1, 0, PeerName.of("mai"), ContentName.of("a"), 4000, 1, d);
    RedisReplies.Ticket t1 = registerTicket(node, refused);
    assertThatThrownBy(() -> register(registry, refused, t1, now).join())
        .cause()
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(plain(t1, stored(store, t1))).isEqualTo(t1.claim());
    store.await(node.releaseAsync(t1));
    assertThat(stored(store, t1)).isNull();

    Register acts = new Register(2, 0, PeerName.of("mai"), ContentName.of("b"), 4000, 1, d);
    RedisReplies.Ticket t2 = registerTicket(node, acts);
    store.await(register(registry, acts, t2, now + 1));
    byte[] stored = stored(store, t2);
    assertThat(stored[0]).isEqualTo((byte) (kind == TestServers.REDIS ? 'D' : 'P'));
    if (kind == TestServers.REDIS) {
      byte[] a = IndexCodec.encode(new IndexMessage.Ack(2, 90));
      assertThat(java.util.Arrays.copyOfRange(stored, 1 + t2.hash().length, stored.length))
          .isEqualTo(a);
      // a failing node's release leaves a reply it did not claim as a plain claim
      store.await(node.releaseAsync(t2));
      assertThat(stored(store, t2)).isEqualTo(stored);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void aKThatRenewsLeavesItsAAndARefusedOneAClaimItsNodeCanGiveUp(TestServers kind)
      throws Exception {
    // K stores its A in its own claim, as R in one step does: a refused K must leave a plain claim
    // its node can give up, so no resend ever gets an A for a K that renewed nothing
    RedisStore store = kind.emptyStore();
    RedisRegistry registry = new RedisRegistry(store, 90_000, RegistryLimits.defaults());
    RedisReplies node = new RedisReplies(store);
    long now = System.currentTimeMillis();

    IndexMessage.Keepalive refused = new IndexMessage.Keepalive(1, 0, PeerName.of("mai"));
    RedisReplies.Ticket t1 = keepaliveTicket(node, refused);
    assertThatThrownBy(() -> keepalive(registry, t1, now).join())
        .cause()
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(store.await(store.commands().get(t1.key()).toCompletableFuture()))
        .isEqualTo(t1.claim());
    store.await(node.releaseAsync(t1));
    assertThat(store.await(store.commands().exists(t1.key()).toCompletableFuture())).isZero();

    Digest d = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
    store.await(
        registry.registerAsync(
            PeerName.of("mai"), FROM.getAddress(), ContentName.of("a"), 4000, 1, d, now));
    IndexMessage.Keepalive renews = new IndexMessage.Keepalive(2, 0, PeerName.of("mai"));
    RedisReplies.Ticket t2 = keepaliveTicket(node, renews);
    store.await(keepalive(registry, t2, now + 1));
    byte[] stored = store.await(store.commands().get(t2.key()).toCompletableFuture());
    assertThat(stored[0]).isEqualTo((byte) 'D');
    assertThat(java.util.Arrays.copyOfRange(stored, 1 + t2.hash().length, stored.length))
        .isEqualTo(IndexCodec.encode(new IndexMessage.Ack(2, 90)));
    // the reply the node then sends is the one stored: nothing more to write
    store.await(node.releaseAsync(t2));
    assertThat(store.await(store.commands().get(t2.key()).toCompletableFuture())).isEqualTo(stored);
  }

  @Test
  void aPlainClaimOfANodeThatDiedHoldsAnROnlyUntilItsDeadline() throws Exception {
    // On a standalone store an R's claim is a field of a time bucket, which has no expiry of its
    // own: a plain claim carries its deadline, and a node that died holding it (it never stored a
    // reply nor gave the claim up) holds a resend back only that long, as a key's PX would
    RedisStore store = TestServers.REDIS.emptyStore();
    Register r = new Register(1, 0, PeerName.of("mai"), ContentName.of("a"), 4000, 1, D);
    long now = System.currentTimeMillis();
    RedisReplies a = new RedisReplies(store);
    RedisReplies.Ticket ta = registerTicket(a, r);
    // a fresh node takes its first R in steps (claim.lua claims it) and dies before it replies
    assertThat(outcome(registry(store), r, ta, now)).isEqualTo("acted");
    assertThat(plain(ta, stored(store, ta))).isEqualTo(ta.claim());

    RedisRegistry other = registry(store);
    RedisReplies b = new RedisReplies(store);
    assertThat(outcome(other, r, registerTicket(b, r), now + 1_000)).isEqualTo("wait");
    RedisReplies.Ticket tb = registerTicket(b, r);
    long late = now + RedisReplies.PENDING_MILLIS + 1;
    assertThat(outcome(other, r, tb, late)).isEqualTo("acted");
    // the dead node's late release leaves the new claim, which holds the datagram in turn
    store.await(a.releaseAsync(ta));
    assertThat(plain(tb, stored(store, tb))).isEqualTo(tb.claim());
    RedisReplies c = new RedisReplies(store);
    assertThat(outcome(other, r, registerTicket(c, r), late + 1)).isEqualTo("wait");
    store.await(b.releaseAsync(tb));
    assertThat(outcome(other, r, registerTicket(c, r), late + 2)).isEqualTo("acted");
  }

  @Test
  void anRsReplyIsFoundInTheTimeBucketsAfterItsOwn() throws Exception {
    // an R taken in one step (register_all.lua) stores its A in the bucket of its time; a resend
    // through another node in the next bucket, or two buckets on within a reply's keep, gets it
    RedisStore store = TestServers.REDIS.emptyStore();
    long width = RedisReplies.BUCKET_MILLIS;
    long now = (Math.floorDiv(System.currentTimeMillis(), width) + 1) * width - 2;
    RedisRegistry one = registry(store);
    // the first R goes in steps and reads the store's count; the next, within its second, in one
    // script
    assertThat(outcome(one, register(9, "ana", "x"), null, now)).isEqualTo("acted");
    Register r = register(1, "mai", "a");
    RedisReplies.Ticket t = registerTicket(new RedisReplies(store), r);
    assertThat(outcome(one, r, t, now + 1)).isEqualTo("acted");
    byte[] ack = IndexCodec.encode(new IndexMessage.Ack(1, 90));
    assertThat(stored(store, t)).endsWith(ack).startsWith((byte) 'D');

    RedisRegistry other = registry(store);
    RedisReplies node = new RedisReplies(store);
    for (long at : new long[] {now + 3, now + 1 + ReplyCache.LONG_KEEP_MILLIS - 2}) {
      assertThat(outcome(other, register(10, "bo", "y" + at), null, at)).isEqualTo("acted");
      assertThat(outcome(other, r, registerTicket(node, r), at + 1))
          .as("at %d", at - now)
          .isEqualTo("done " + Arrays.toString(ack));
    }
  }

  @Test
  void theSweepDropsTheTimeBucketNoStepReadsBeforeItExpiresAndKeepsTheOthers() throws Exception {
    // a bucket expiring is freed in Redis's main thread (~0.6 s at 1,000,000 fields) unless
    // lazyfree-lazy-expire is on, so the lease sweep UNLINKs (freed in the background) the bucket
    // out of every step's reach, a bucket's width of clock skew included, before its expiry; the
    // buckets a step, or a node up to a bucket's width behind, may still read stay
    RedisStore store = TestServers.REDIS.emptyStore();
    long width = RedisReplies.BUCKET_MILLIS;
    long first = Math.floorDiv(System.currentTimeMillis(), width);
    RedisRegistry one = registry(store);
    RedisReplies node = new RedisReplies(store);
    for (int i = 0; i <= 4; i++) {
      Register r = register(20 + i, "mai", "b" + i);
      assertThat(outcome(one, r, registerTicket(node, r), (first + i) * width + 1))
          .isEqualTo("acted");
    }
    var redis = store.commands();
    for (int i = 0; i <= 4; i++) {
      assertThat(store.await(redis.pttl(Keys.claims(first + i)).toCompletableFuture()))
          .as("bucket %d's expiry", i)
          .isGreaterThan(0);
    }

    // a sweep (of a node that took no R) in bucket first + 4: steps read first + 4 to first + 2,
    // a node up to a bucket's width behind first + 1 too; nobody reads first
    long sweep = (first + 4) * width + 2;
    assertThat(RedisReplies.unread(sweep)).isEqualTo(first);
    // and its expiry, the backstop when no node sweeps, a whole bucket later still
    assertThat(new String(RedisReplies.bucketTtl(first * width), StandardCharsets.US_ASCII))
        .isEqualTo(Long.toString(5 * width));
    assertThat(registry(store).expire(sweep, 0)).isZero();
    assertThat(store.await(redis.exists(Keys.claims(first)).toCompletableFuture()))
        .as("the bucket out of reach")
        .isZero();
    for (int i = 1; i <= 4; i++) {
      assertThat(store.await(redis.exists(Keys.claims(first + i)).toCompletableFuture()))
          .as("bucket %d", i)
          .isEqualTo(1L);
    }
  }

  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));

  private static Register register(int id, String peer, String content) {
    return new Register(id, 0, PeerName.of(peer), ContentName.of(content), 4000, 1, D);
  }

  private static RedisRegistry registry(RedisStore store) {
    return new RedisRegistry(store, 90_000, RegistryLimits.defaults());
  }

  /** What an R does at {@code now}: "acted" (or was refused), "wait", or "done" and a reply. */
  private static String outcome(
      RedisRegistry registry, Register r, RedisReplies.Ticket t, long now) {
    try {
      register(registry, r, t, now).join();
      return "acted";
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RedisRegistry.AnsweredElsewhere a) {
        return a.reply == SharedReplies.IN_PROGRESS ? "wait" : "done " + Arrays.toString(a.reply);
      }
      if (e.getCause() instanceof RegistryException) {
        return "acted";
      }
      throw e;
    }
  }

  /**
   * What the store holds for the ticket's request: its key's value, or on a standalone store an R's
   * field in the time buckets of its claim's step, newest first (null: nothing).
   */
  static byte[] stored(RedisStore store, RedisReplies.Ticket t) {
    if (!t.inBuckets()) {
      return store.await(store.commands().get(t.key()).toCompletableFuture());
    }
    for (byte[] bucket : RedisReplies.buckets(t.at())) {
      byte[] v = store.await(store.commands().hget(bucket, t.field()).toCompletableFuture());
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** A plain claim without the deadline it carries in a time bucket. */
  static byte[] plain(RedisReplies.Ticket t, byte[] v) {
    return t.inBuckets() && v != null && v[0] == 'P' ? Arrays.copyOf(v, v.length - 8) : v;
  }

  private static RedisReplies.Ticket keepaliveTicket(RedisReplies node, IndexMessage.Keepalive k) {
    byte[] bytes = IndexCodec.encode(k);
    return (RedisReplies.Ticket) node.ticket(FROM, k, bytes, 0, bytes.length);
  }

  private static java.util.concurrent.CompletableFuture<Void> keepalive(
      RedisRegistry registry, RedisReplies.Ticket t, long now) {
    return registry.keepaliveAsync(PeerName.of("mai"), FROM.getAddress(), now, t);
  }

  private static RedisReplies.Ticket registerTicket(RedisReplies node, Register r) {
    byte[] bytes = IndexCodec.encode(r);
    return (RedisReplies.Ticket) node.ticket(FROM, r, bytes, 0, bytes.length);
  }

  private static java.util.concurrent.CompletableFuture<Void> register(
      RedisRegistry registry, Register r, RedisReplies.Ticket t, long now) {
    return registry.registerAsync(
        r.peer(), FROM.getAddress(), r.content(), r.tcpPort(), r.size(), r.digest(), now, t);
  }

  private static RedisReplies.Ticket ticket(RedisReplies node) {
    return (RedisReplies.Ticket) node.ticket(FROM, T, BYTES, 0, BYTES.length);
  }

  /** Whether the node holding {@code ticket} claims the T and acts, or leaves it to another. */
  private static boolean acts(RedisRegistry registry, RedisReplies.Ticket ticket) throws Exception {
    try {
      registry
          .store()
          .await(
              registry.firstStep(
                  Script.DEREGISTER,
                  Keys.contentKeys(Keys.utf8("a")),
                  ticket,
                  Keys.utf8("mai"),
                  InetAddress.getLoopbackAddress().getAddress()));
      return true;
    } catch (RedisRegistry.AnsweredElsewhere e) {
      assertThat(e.reply).isSameAs(SharedReplies.IN_PROGRESS);
      return false;
    }
  }
}
