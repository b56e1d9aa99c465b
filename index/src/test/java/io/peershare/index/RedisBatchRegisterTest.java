package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.redis.RedisRegistry;
import io.peershare.index.redis.RedisReplies;
import io.peershare.index.redis.RedisStore;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * On a standalone store a node takes the R of a receive batch in one script call ({@code
 * register_many.lua}). Each must come out exactly as it would alone, in the batch's order: the same
 * outcomes, the same stored replies, the same registry after, as the same R sent one per batch.
 */
class RedisBatchRegisterTest {
  private static final long LEASE = 90_000;
  private static final Digest D1 = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
  private static final Digest D2 = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
  private static final String[] PEERS = {"mai", "bo", "ana", "li"};
  private static final String[] CONTENTS = {"a", "b", "c", "d", "e", "f"};
  private static final InetSocketAddress[] FROM = {
    new InetSocketAddress("10.0.0.1", 5000), new InetSocketAddress("10.0.0.2", 5001)
  };

  /** One R as a client sends it: the request and where from. */
  private record Sent(Register request, InetSocketAddress from) {}

  @Test
  void aBatchOfRActsAsTheSameROneAtATime() throws Exception {
    StringBuilder all = new StringBuilder();
    for (long seed = 1; seed <= 12; seed++) {
      List<List<Sent>> batches = script(new Random(seed), false);
      List<String> together = run(batches, false, 3);
      List<String> alone = run(batches, true, 3);
      assertThat(together).as("seed %d", seed).isEqualTo(alone);
      all.append(String.join(" ", together)).append(' ');
    }
    // the runs saw refusals of every kind, retransmissions and successes alike
    assertThat(all.toString())
        .contains("done", "elsewhere", "NAME_TAKEN", "ALREADY_REGISTERED", "CONFLICT", "LIMIT");
  }

  @Test
  void aBatchOfNewContentsActsAsTheSameROneAtATime() throws Exception {
    // mostly contents nobody has registered yet, as a peer sharing new files sends them: the
    // script's path for such a call (every content new, each peer's R from its own address with
    // room under its limit) must come out exactly as the general one and as one R at a time,
    // and so must the calls that only nearly fit it (a name from another address, the per-peer
    // limit, a content two peers register in the call or one that exists, datagrams sent again)
    StringBuilder all = new StringBuilder();
    for (long seed = 1; seed <= 12; seed++) {
      List<List<Sent>> batches = script(new Random(seed), true);
      // a per-peer limit of 6: room for a batch's R of a peer that has registrations, mostly
      List<String> together = run(batches, false, 6);
      List<String> alone = run(batches, true, 6);
      assertThat(together).as("seed %d", seed).isEqualTo(alone);
      all.append(String.join(" ", together)).append(' ');
    }
    assertThat(all.toString()).contains("done", "elsewhere", "NAME_TAKEN", "CONFLICT", "LIMIT");
  }

  @Test
  void aBatchOfRIsOneScriptCall() throws Exception {
    Node node = new Node(RegistryLimits.defaults(), 60_000);
    long now = System.currentTimeMillis();
    // the node's first R reads the store's count (so the next ones know there is room)
    node.apply(List.of(register(1, "mai", "a", D1, FROM[0])), now);
    // and a first batch has the store learn the script (EVALSHA, then EVAL)
    node.apply(
        List.of(register(2, "mai", "b", D1, FROM[0]), register(3, "mai", "c", D1, FROM[0])), now);
    List<Sent> batch = batch(8, i -> register(10 + i, PEERS[i % 2], "x" + i, D1, FROM[i % 2]));
    assertThat(node.callsActing("evalsha", batch, now + 1)).isEqualTo(1);
    assertThat(node.reg.size()).isEqualTo(11);
    assertThat(node.providers("x3", 4, now + 1)).containsExactly("bo");
  }

  @Test
  void aBatchWithOneRPerPeerGoesOneScriptPerR() throws Exception {
    // the batch script pays only where a peer has two or more R in it: with one R per peer each
    // R is its own register_all.lua, cheaper in Redis than one register_many.lua for all of them
    Node node = new Node(RegistryLimits.defaults(), 60_000);
    long now = System.currentTimeMillis();
    node.apply(List.of(register(1, "mai", "a", D1, FROM[0])), now);
    List<Sent> batch = batch(8, i -> register(10 + i, "p" + i, "x" + i, D1, FROM[i % 2]));
    assertThat(node.callsActing("evalsha", batch, now + 1)).isEqualTo(8);
    assertThat(node.reg.size()).isEqualTo(9);
    // the same eight peers with two R each: one call again
    batch = batch(16, i -> register(30 + i, "p" + (i % 8), "y" + i, D1, FROM[(i % 8) % 2]));
    assertThat(node.callsActing("evalsha", batch, now + 2)).isEqualTo(1);
    assertThat(node.reg.size()).isEqualTo(25);
  }

  @Test
  void aBatchOfNewContentsReadsNoContentYetSeesTheOnesThatExist() throws Exception {
    // one EXISTS of the batch's contents: when none exists, no content is read one by one; when
    // one does, each is read as before, so its provider and digest still count
    Node node = new Node(RegistryLimits.defaults(), 60_000);
    long now = System.currentTimeMillis();
    node.apply(List.of(register(1, "bo", "x", D2, FROM[1])), now);
    node.apply(List.of(register(2, "mai", "v", D1, FROM[0])), now);
    List<Sent> fresh = batch(8, i -> register(10 + i, "mai", "n" + i, D1, FROM[0]));
    assertThat(node.callsActing("hmget", fresh, now + 1))
        .as("HMGETs: the peer's, and one per time bucket of R's replies (the R's claims)")
        .isEqualTo(1 + RedisReplies.BUCKETS);
    // the same peer: two contents that exist (one with another digest, one it provides) among new
    List<Sent> mixed =
        List.of(
            register(20, "mai", "m0", D1, FROM[0]),
            register(21, "mai", "x", D1, FROM[0]),
            register(22, "mai", "m1", D1, FROM[0]),
            register(23, "mai", "v", D1, FROM[0]),
            register(24, "mai", "m2", D1, FROM[0]));
    RegistryBatch m = node.apply(mixed, now + 2);
    assertThat(List.of(0, 1, 2, 3, 4).stream().map(i -> describe(m.outcome(i))))
        .containsExactly("done", "CONFLICT", "done", "ALREADY_REGISTERED", "done");
    assertThat(node.providers("x", 4, now + 2)).containsExactly("bo");
    assertThat(node.providers("n5", 4, now + 2)).containsExactly("mai");
    assertThat(node.reg.size()).isEqualTo(13);
  }

  @Test
  void aRegistrationMissingFromItsContentIsCompletedWithItsOwnStamp() throws Exception {
    // a T's first step took mai's provider out of "a" (the content's hash went with it, mai being
    // its only provider), its last step yet to come: mai's record still holds "a" with the stamp
    // of its first R. An R of "a" then completes the content with that stamp (OLD), in a batch
    // (the script gets the provider value with a new registration's stamp and puts the old one in
    // its place) as alone
    for (boolean alone : new boolean[] {false, true}) {
      Node node = new Node(RegistryLimits.defaults(), 60_000);
      long first = 1_000_000;
      node.apply(List.of(register(1, "mai", "a", D1, FROM[0])), first);
      node.delete("ps:c{a}");
      List<Sent> again =
          List.of(register(2, "mai", "a", D1, FROM[0]), register(3, "mai", "b", D1, FROM[0]));
      long before = node.calls("evalsha");
      if (alone) {
        assertAllDone(node.apply(again.subList(0, 1), first + 5_000), 1);
        assertAllDone(node.apply(again.subList(1, 2), first + 5_000), 1);
      } else {
        assertAllDone(node.apply(again, first + 5_000), 2);
      }
      if (!alone) {
        assertThat(node.calls("evalsha") - before).as("one script call").isEqualTo(1);
      }
      String a = node.field("a", "mai");
      assertThat(a).as("alone %s", alone).endsWith("1000000");
      assertThat(node.field("b", "mai")).as("alone %s", alone).endsWith("1005000");
      assertThat(a.length()).isEqualTo(node.field("b", "mai").length());
      assertThat(node.reg.size()).isEqualTo(2);
      assertThat(node.providers("a", 4, first + 5_000)).containsExactly("mai");
    }
  }

  @Test
  void aBatchMakesTheQueueOfAContentOnlyWithItsSecondProvider() throws Exception {
    // a content with one provider has no rotation queue; in one script call a second provider
    // makes it (for a content with one provider before the call, and for one new in it), in
    // rotation order, and a first provider alone makes none
    Node node = new Node(RegistryLimits.defaults(), 60_000);
    long now = System.currentTimeMillis();
    node.apply(List.of(register(1, "ana", "z", D1, FROM[0])), now);
    List<Sent> first = batch(4, i -> register(10 + i, "mai", "n" + i, D1, FROM[0]));
    assertThat(node.callsActing("evalsha", first, now)).isEqualTo(1);
    for (int i = 0; i < 4; i++) {
      assertThat(node.queue("n" + i)).as("n%d", i).isEmpty();
    }
    List<Sent> second =
        List.of(
            register(20, "bo", "n0", D1, FROM[1]),
            register(21, "bo", "w", D1, FROM[1]),
            register(22, "li", "w", D1, FROM[0]),
            register(23, "li", "n1", D1, FROM[0]),
            register(24, "bo", "v", D1, FROM[1]),
            register(25, "li", "n1x", D1, FROM[0]));
    assertThat(node.callsActing("evalsha", second, now + 1)).isEqualTo(1);
    assertThat(node.queue("n0")).containsExactly("mai", "bo");
    assertThat(node.queue("n1")).containsExactly("mai", "li");
    assertThat(node.queue("w")).containsExactly("bo", "li");
    assertThat(node.queue("v")).isEmpty();
    assertThat(node.queue("n2")).isEmpty();
    assertThat(node.providers("n0", 1, now + 1)).containsExactly("mai");
    assertThat(node.providers("n0", 1, now + 1)).containsExactly("bo");
    assertThat(node.providers("v", 4, now + 1)).containsExactly("bo");
    assertThat(node.reg.list("", "n1", 1_000, 100, now + 1).entries())
        .extracting(e -> e.content() + " " + e.providers())
        .containsExactly("n1 2", "n1x 1");
  }

  @Test
  void aContentGetsItsRotationCounterOnlyWithItsSecondProvider() throws Exception {
    // a content with one provider holds its meta and its provider's field, no rotation counter
    // (two fields, not three: read as 1 where absent), whichever script wrote it: one R alone,
    // a batch of new contents in one pass, the general path; the second provider writes the
    // counter with the queue, and a content left with one provider keeps it
    Node node = new Node(RegistryLimits.defaults(), 60_000);
    long now = System.currentTimeMillis();
    node.apply(List.of(register(1, "ana", "z", D1, FROM[0])), now);
    assertAllDone(node.apply(batch(4, i -> register(10 + i, "mai", "n" + i, D1, FROM[0])), now), 4);
    // z has a provider, so this call takes the general path: z's second provider, g's first
    assertAllDone(
        node.apply(
            List.of(register(20, "bo", "z", D1, FROM[1]), register(21, "bo", "g", D1, FROM[1])),
            now + 1),
        2);
    for (String c : List.of("n0", "n1", "n2", "n3")) {
      assertThat(node.fields(c)).as(c).containsExactly("\0m", "mai");
    }
    assertThat(node.fields("g")).containsExactly("\0m", "bo");
    assertThat(node.fields("z")).containsExactlyInAnyOrder("\0m", "\0s", "ana", "bo");
    assertThat(node.field("z", "\0s")).isEqualTo("2");
    assertThat(node.queue("z")).containsExactly("ana", "bo");
    assertThat(node.providers("z", 1, now + 1)).containsExactly("ana");
    assertThat(node.providers("z", 1, now + 1)).containsExactly("bo");
    assertThat(node.providers("g", 4, now + 1)).containsExactly("bo");
    assertThat(listed(node, "")).containsExactly("g 1", "n0 1", "n1 1", "n2 1", "n3 1", "z 2");
    // 2 -> 1: the counter stays (it orders the queue if a second provider comes again), O counts
    // one; 1 -> 0: the hash and the name go
    node.reg.deregister(PeerName.of("ana"), FROM[0].getAddress(), ContentName.of("z"), now + 2);
    assertThat(node.fields("z")).containsExactlyInAnyOrder("\0m", "\0s", "bo");
    assertThat(listed(node, "z")).containsExactly("z 1");
    assertThat(node.providers("z", 4, now + 2)).containsExactly("bo");
    node.reg.deregister(PeerName.of("bo"), FROM[1].getAddress(), ContentName.of("z"), now + 2);
    assertThat(node.fields("z")).isEmpty();
    assertThat(listed(node, "z")).isEmpty();
    // a content written with a counter of 1 (the layout before): read as before, its second
    // provider behind its first
    node.hset("n0", "\0s", "1");
    assertThat(listed(node, "n0")).containsExactly("n0 1");
    assertAllDone(
        node.apply(
            List.of(register(30, "bo", "n0", D1, FROM[1]), register(31, "bo", "h", D1, FROM[1])),
            now + 3),
        2);
    assertThat(node.field("n0", "\0s")).isEqualTo("2");
    assertThat(node.queue("n0")).containsExactly("mai", "bo");
    assertThat(listed(node, "n0")).containsExactly("n0 2");
  }

  private static List<String> listed(Node node, String filter) {
    return node.reg.list("", filter, 1_000, 100, 0).entries().stream()
        .map(e -> e.content() + " " + e.providers())
        .toList();
  }

  @Test
  void aDatagramSentAgainInABatchOfNewContentsGetsWhatItGotBefore() throws Exception {
    // a call whose contents are all new goes the script's one-pass path; a datagram sent again
    // can be in such a call when its content was deregistered since (or its peer quit). It gets
    // the reply kept for it (DONE) or, while a claim of it holds, nothing (WAIT: the node that
    // claimed it died before storing its reply), each at its own place in the batch, and changes
    // nothing; the R beside it act
    Node node = new Node(RegistryLimits.defaults(), 60_000);
    long now = System.currentTimeMillis();
    Sent first = register(1, "mai", "a", D1, FROM[0]);
    assertAllDone(node.apply(List.of(first), now), 1);
    node.reg.deregister(PeerName.of("mai"), FROM[0].getAddress(), ContentName.of("a"), now + 1);
    assertAllDone(node.apply(List.of(register(2, "li", "p", D1, FROM[0])), now + 1), 1);
    Sent held = register(3, "li", "q", D1, FROM[1]);
    RegistryBatch refused = node.apply(List.of(held), now + 2, false);
    assertThat(describe(refused.outcome(0))).isEqualTo("NAME_TAKEN");
    node.reg.quit(PeerName.of("li"), FROM[0].getAddress(), now + 3);

    List<Sent> again =
        List.of(
            register(4, "li", "r", D1, FROM[1]),
            first,
            register(5, "mai", "b", D1, FROM[0]),
            held,
            register(6, "mai", "c", D1, FROM[0]),
            register(7, "li", "s", D1, FROM[1]));
    long before = node.calls("evalsha");
    RegistryBatch b = node.apply(again, now + 4);
    assertThat(node.calls("evalsha") - before).as("one script call").isEqualTo(1);
    assertThat(RegistryBatch.isDone(b.outcome(0))).isTrue();
    assertThat(RegistryBatch.elsewhere(b.outcome(1)))
        .as("the A kept for the first R")
        .isEqualTo(IndexCodec.encode(new IndexMessage.Ack(1, LEASE / 1000)));
    assertThat(RegistryBatch.isDone(b.outcome(2))).isTrue();
    assertThat(RegistryBatch.elsewhere(b.outcome(3))).isSameAs(SharedReplies.IN_PROGRESS);
    assertThat(RegistryBatch.isDone(b.outcome(4))).isTrue();
    assertThat(RegistryBatch.isDone(b.outcome(5))).isTrue();
    // acted once: neither "a" nor "q" is back
    for (String gone : List.of("a", "q")) {
      assertThat(locateCode(node, gone, now + 4)).as(gone).isEqualTo("NOT_FOUND");
    }
    assertThat(node.providers("b", 4, now + 4)).containsExactly("mai");
    assertThat(node.providers("c", 4, now + 4)).containsExactly("mai");
    assertThat(node.providers("r", 4, now + 4)).containsExactly("li");
    assertThat(node.providers("s", 4, now + 4)).containsExactly("li");
    assertThat(node.reg.size()).isEqualTo(4);
  }

  @Test
  void aDatagramSentAgainAfterItsTimeBucketRolledGetsWhatItGotBefore() throws Exception {
    // On a standalone store R's replies are fields of hashes of one time bucket each, a step
    // reading the buckets a reply kept 30 s can be in: a datagram sent again in the next bucket,
    // or two buckets on, still gets its reply; a plain claim a node left there (it died before
    // storing its refusal) holds the datagram back only until its deadline, as a key's expiry
    // would have, not as long as its bucket lives
    Node node = new Node(RegistryLimits.defaults(), 60_000);
    long width = RedisReplies.BUCKET_MILLIS;
    long now =
        (Math.floorDiv(System.currentTimeMillis(), width) + 1) * width - 1; // a bucket's last ms
    Sent a = register(1, "mai", "a", D1, FROM[0]);
    Sent b = register(2, "mai", "b", D1, FROM[0]);
    assertAllDone(node.apply(List.of(a, b), now), 2);
    assertAllDone(
        node.apply(
            List.of(register(3, "li", "p", D1, FROM[0]), register(4, "li", "p2", D1, FROM[0])),
            now),
        2);
    // li from another address: refused, and the node stops before it stores the replies
    Sent held = register(5, "li", "q", D1, FROM[1]);
    RegistryBatch refused =
        node.apply(List.of(held, register(6, "li", "q2", D1, FROM[1])), now, false);
    assertThat(describe(refused.outcome(0))).isEqualTo("NAME_TAKEN");

    // the next bucket: the A kept for a, and nothing for the held one (its claim holds)
    long before = node.calls("evalsha");
    RegistryBatch next =
        node.apply(
            List.of(
                a,
                register(7, "mai", "c", D1, FROM[0]),
                held,
                register(8, "mai", "d", D1, FROM[0])),
            now + 2);
    assertThat(node.calls("evalsha") - before).as("one script call").isEqualTo(1);
    assertThat(RegistryBatch.elsewhere(next.outcome(0)))
        .isEqualTo(IndexCodec.encode(new IndexMessage.Ack(1, LEASE / 1000)));
    assertThat(RegistryBatch.isDone(next.outcome(1))).isTrue();
    assertThat(RegistryBatch.elsewhere(next.outcome(2))).isSameAs(SharedReplies.IN_PROGRESS);
    assertThat(RegistryBatch.isDone(next.outcome(3))).isTrue();

    // past the plain claim's deadline the held datagram is taken again (refused again), though
    // its bucket lives on
    RegistryBatch after =
        node.apply(
            List.of(held, register(9, "li", "s", D1, FROM[1])),
            now + RedisReplies.PENDING_MILLIS + 2);
    assertThat(describe(after.outcome(0))).isEqualTo("NAME_TAKEN");

    // two buckets on, within a reply's keep: a and b still get their As, and act no more
    RegistryBatch late = node.apply(List.of(a, b), now + ReplyCache.LONG_KEEP_MILLIS - 1);
    assertThat(RegistryBatch.elsewhere(late.outcome(0)))
        .isEqualTo(IndexCodec.encode(new IndexMessage.Ack(1, LEASE / 1000)));
    assertThat(RegistryBatch.elsewhere(late.outcome(1)))
        .isEqualTo(IndexCodec.encode(new IndexMessage.Ack(2, LEASE / 1000)));
  }

  private static String locateCode(Node node, String content, long now) {
    try {
      return node.providers(content, 4, now).toString();
    } catch (RegistryException e) {
      return e.code().toString();
    }
  }

  /** The batch of {@code size} requests {@code request} makes of 0, 1, 2, ... */
  private static List<Sent> batch(int size, IntFunction<Sent> request) {
    return IntStream.range(0, size).mapToObj(request).toList();
  }

  private static void assertAllDone(RegistryBatch b, int size) {
    for (int i = 0; i < size; i++) {
      assertThat(RegistryBatch.isDone(b.outcome(i))).as("outcome %d", i).isTrue();
    }
  }

  /**
   * Batches of R from a few peers and two addresses: sizes and digests that conflict, names taken
   * from another address, the per-peer limit, time moving on past leases, and datagrams sent again
   * (the same bytes, from the same source) in a later batch; with {@code fresh}, most R are of a
   * content no R has named before.
   */
  private static List<List<Sent>> script(Random rnd, boolean fresh) {
    List<List<Sent>> batches = new ArrayList<>();
    List<Sent> sent = new ArrayList<>();
    int id = 1;
    for (int b = 0; b < 8; b++) {
      List<Sent> batch = batch(rnd, sent, id, fresh);
      // dense enough for the node to take it in one script call (two R per peer on average; a
      // sparser batch goes one script per R, each peer's in order, other peers beside them)
      while (batch.size() >= 2
          && batch.size() < 2 * batch.stream().map(x -> x.request().peer()).distinct().count()) {
        batch = batch(rnd, sent, id, fresh);
      }
      id += 100;
      sent.addAll(batch);
      batches.add(batch);
    }
    return batches;
  }

  /** One batch: new R numbered from {@code id}, and some of {@code sent} again. */
  private static List<Sent> batch(Random rnd, List<Sent> sent, int id, boolean fresh) {
    List<Sent> batch = new ArrayList<>();
    Set<String> inBatch = new HashSet<>();
    int n = 1 + rnd.nextInt(12);
    // with fresh, each peer sends from one address per batch (the other one time in four; and one
    // R in sixteen from the other address than its peer's others in the batch), and
    // fewer datagrams are sent again (a resent R's content mostly exists)
    int[] from = new int[PEERS.length];
    for (int p = 0; p < from.length; p++) {
      from[p] = rnd.nextInt(4) == 0 ? 1 : 0;
    }
    for (int tries = 0; batch.size() < n && tries < 100; tries++) {
      Sent s;
      if (!sent.isEmpty() && rnd.nextInt(fresh ? 12 : 4) == 0) {
        s = sent.get(rnd.nextInt(sent.size()));
      } else {
        int p = rnd.nextInt(PEERS.length);
        s =
            register(
                id++,
                PEERS[p],
                content(rnd, batch, id, fresh),
                rnd.nextInt(3) == 0 ? D2 : D1,
                FROM[
                    fresh
                        ? from[p] ^ (rnd.nextInt(16) == 0 ? 1 : 0)
                        : rnd.nextInt(4) == 0 ? 1 : 0]);
      }
      String key = s.request().peer() + "/" + s.request().content();
      if (inBatch.add(key + "/" + s.request().requestId()) && !inBatch.contains(key)) {
        inBatch.add(key);
        batch.add(s);
      }
    }
    return batch;
  }

  /**
   * The content of a new R: one of a few names, or with {@code fresh} mostly a name never used
   * before, sometimes that of an earlier R of the batch (two peers, one new content).
   */
  private static String content(Random rnd, List<Sent> batch, int id, boolean fresh) {
    int r = fresh ? rnd.nextInt(10) : 0;
    if (r == 0) {
      return CONTENTS[rnd.nextInt(CONTENTS.length)];
    }
    if (r == 1 && !batch.isEmpty()) {
      return batch.get(rnd.nextInt(batch.size())).request().content().toString();
    }
    return "n" + id;
  }

  private static Sent register(
      int id, String peer, String content, Digest digest, InetSocketAddress from) {
    return new Sent(
        new Register(id, 0, PeerName.of(peer), ContentName.of(content), from.getPort(), 10, digest),
        from);
  }

  /**
   * The batches through a fresh registry with a per-peer limit of {@code perPeer}, each in one
   * {@code apply} (or each R in one of its own when {@code alone}); the outcomes in order, then
   * every content's providers and the listing.
   */
  private static List<String> run(List<List<Sent>> batches, boolean alone, int perPeer)
      throws Exception {
    // a small per-peer limit, so LIMIT comes up; exact expiry
    Node node = new Node(new RegistryLimits(perPeer, 1_000), 0);
    List<String> out = new ArrayList<>();
    long now = 1_000_000;
    long[] steps = {1, 1_000, 60_000, 100_000};
    for (int b = 0; b < batches.size(); b++) {
      now += steps[b % steps.length];
      // a node reads the store's count at most once a second, and takes a batch's R in one call
      // only while its count is fresh: a first R of another peer reads it
      node.apply(List.of(register(90_000 + b, "zed" + b, "z", D1, FROM[0])), now);
      List<List<Sent>> parts = new ArrayList<>();
      if (alone) {
        batches.get(b).forEach(s -> parts.add(List.of(s)));
      } else {
        parts.add(batches.get(b));
      }
      for (List<Sent> part : parts) {
        RegistryBatch done = node.apply(part, now);
        for (int i = 0; i < part.size(); i++) {
          out.add(describe(done.outcome(i)));
        }
      }
    }
    TreeMap<String, String> state = new TreeMap<>();
    for (String c : CONTENTS) {
      try {
        state.put(c, node.reg.locate(ContentName.of(c), 16, now).providers().toString());
      } catch (RegistryException e) {
        state.put(c, e.code().toString());
      }
    }
    out.add(state.toString());
    out.add(node.reg.list("", "", 1_000, 100, now).entries().toString());
    out.add("size " + node.reg.size());
    return out;
  }

  /** One node on an empty store: its registry and its stored replies, as a server holds them. */
  private static final class Node {
    final RedisStore store = TestServers.REDIS.emptyStore();
    final RedisRegistry reg;
    final RedisReplies replies = new RedisReplies(store);

    Node(RegistryLimits limits, long sweepIntervalMillis) {
      reg = new RedisRegistry(store, LEASE, limits, sweepIntervalMillis);
    }

    /** How many times the store has run {@code command} (INFO commandstats). */
    long calls(String command) {
      String stats = store.await(store.commands().info("commandstats").toCompletableFuture());
      return stats
          .lines()
          .filter(l -> l.startsWith("cmdstat_" + command + ":"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("^cmdstat_[a-z]+:calls=(\\d+),.*", "$1")))
          .sum();
    }

    /**
     * Applies {@code batch}, asserting that every R of it acted, and returns how many times the
     * store ran {@code command} for it.
     */
    long callsActing(String command, List<Sent> batch, long now) throws Exception {
      long before = calls(command);
      assertAllDone(apply(batch, now), batch.size());
      return calls(command) - before;
    }

    void delete(String key) {
      store.await(store.commands().del(key.getBytes(StandardCharsets.UTF_8)).toCompletableFuture());
    }

    /** The fields of a content's hash, in its order, as Latin-1 text. */
    List<String> fields(String content) {
      return store.await(store.commands().hkeys(contentKey(content)).toCompletableFuture()).stream()
          .map(b -> new String(b, StandardCharsets.ISO_8859_1))
          .toList();
    }

    /**
     * The value of a field of a content's hash (a provider's value under its peer name), as Latin-1
     * text (null when it has none).
     */
    String field(String content, String field) {
      byte[] v =
          store.await(
              store
                  .commands()
                  .hget(contentKey(content), field.getBytes(StandardCharsets.ISO_8859_1))
                  .toCompletableFuture());
      return v == null ? null : new String(v, StandardCharsets.ISO_8859_1);
    }

    void hset(String content, String field, String value) {
      store.await(
          store
              .commands()
              .hset(
                  contentKey(content),
                  field.getBytes(StandardCharsets.ISO_8859_1),
                  value.getBytes(StandardCharsets.ISO_8859_1))
              .toCompletableFuture());
    }

    private static byte[] contentKey(String content) {
      return ("ps:c{" + content + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** The rotation queue of a content, in order; empty when it has none. */
    List<String> queue(String content) {
      byte[] q = ("ps:q{" + content + "}").getBytes(StandardCharsets.UTF_8);
      return store.await(store.commands().zrange(q, 0, -1).toCompletableFuture()).stream()
          .map(b -> new String(b, StandardCharsets.UTF_8))
          .toList();
    }

    /** The peers an S for {@code content} gets. */
    List<String> providers(String content, int max, long now) throws RegistryException {
      return reg.locate(ContentName.of(content), max, now).providers().stream()
          .map(p -> p.peer().toString())
          .toList();
    }

    RegistryBatch apply(List<Sent> part, long now) throws Exception {
      return apply(part, now, true);
    }

    /**
     * Applies {@code part} as a node does; with {@code remember} false, as a node that stops before
     * it stores its refusals' replies (their claims stay held).
     */
    RegistryBatch apply(List<Sent> part, long now, boolean remember) throws Exception {
      RegistryBatch batch = new RegistryBatch(part.size());
      List<Object> tickets = new ArrayList<>();
      for (Sent s : part) {
        byte[] bytes = IndexCodec.encode(s.request());
        Object ticket = replies.ticket(s.from(), s.request(), bytes, 0, bytes.length);
        tickets.add(ticket);
        batch.add(s.request(), s.from().getAddress(), ticket);
      }
      reg.apply(batch, now).toCompletableFuture().get(30, TimeUnit.SECONDS);
      // as the server does: a refusal's reply is stored, so a resend gets it
      for (int i = 0; i < part.size(); i++) {
        Object o = batch.outcome(i);
        if (o instanceof RegistryException e) {
          if (!remember) {
            continue;
          }
          byte[] reply =
              IndexCodec.encode(
                  new IndexMessage.ErrorReply(part.get(i).request().requestId(), e.code(), ""));
          replies.remember(tickets.get(i), reply, 0, reply.length);
        } else if (RegistryBatch.isDone(o)) {
          byte[] reply =
              IndexCodec.encode(
                  new IndexMessage.Ack(part.get(i).request().requestId(), LEASE / 1000));
          replies.remember(tickets.get(i), reply, 0, reply.length);
        }
      }
      // the stored replies are sent without waiting: wait here, so the next batch sees them
      store.await(store.commands().ping().toCompletableFuture());
      return batch;
    }
  }

  private static String describe(Object outcome) {
    if (RegistryBatch.isDone(outcome)) {
      return "done";
    }
    if (outcome instanceof RegistryException e) {
      return e.code().toString();
    }
    byte[] elsewhere = RegistryBatch.elsewhere(outcome);
    if (elsewhere != null) {
      return "elsewhere " + Arrays.toString(elsewhere);
    }
    return String.valueOf(outcome);
  }
}
