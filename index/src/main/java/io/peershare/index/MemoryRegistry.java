package io.peershare.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The registry in one process's memory. A {@link NameTable} finds a content by name in O(1) and
 * keeps the names in the listing's byte order (UTF-8, unsigned) in the same nodes; a map finds a
 * peer; a {@link RegistrationTable} finds a peer's entry for a content; a {@link LeaseQueue} finds
 * due leases without scanning. A registration is one object threaded through all of these (see
 * {@link Registration}), and a name one {@link ProviderQueue} and its bytes: about 90 bytes of heap
 * per registration when names have several providers, under 200 when each has one (measured in
 * docs/benchmarks.md).
 *
 * <p>Thread-safe through one lock: {@link #apply} takes it once for a whole batch (tens of requests
 * of about a microsecond each), so the server threads contend once per batch, not per request, and
 * round robin and the name rule stay exactly those of one thread.
 *
 * <p>Leases: a peer's due registrations go first whenever a request names the peer (R, T, Q, K),
 * and a request that meets due providers in a content's queue ({@code S}, and the conflict check of
 * R and T) skips them and takes them out of that queue only, so those answers are exact at any
 * moment. The rest of their removal, and everything else due, goes in {@link #expire(long, int)}
 * slices that the server runs between batches; while a very large expiry is being swept (a million
 * leases take about 0.3 s of slices), a listing ({@code O}) may still show a name or count a
 * provider whose lease just ended, and {@link #size} still counts them.
 */
public final class MemoryRegistry implements Registry {
  private final long leaseMillis;
  private final RegistryLimits limits;
  private final NameTable names = new NameTable();
  private final Map<PeerName, PeerRegistrations> peers = new HashMap<>();
  private final RegistrationTable entries = new RegistrationTable();
  private final SplittableRandom salts = new SplittableRandom(new SecureRandom().nextLong());
  private final LeaseQueue leases = new LeaseQueue();
  private final ReentrantLock lock = new ReentrantLock();
  private final Registry inBatch = new InBatch();
  private int size;
  private long latest = Long.MIN_VALUE;

  /**
   * When the lease queue's first entry comes due ({@code Long.MAX_VALUE} when it is empty), set as
   * the lock is released: a sweep with nothing due returns without the lock. The server looks after
   * every batch, so otherwise each batch took the lock twice, and two server threads parked on it
   * for each other's empty sweeps (docs/benchmarks.md).
   */
  private volatile long nextDue = Long.MAX_VALUE;

  public MemoryRegistry(long leaseMillis, RegistryLimits limits) {
    if (leaseMillis <= 0) {
      throw new IllegalArgumentException("lease must be positive");
    }
    this.leaseMillis = leaseMillis;
    this.limits = limits;
  }

  /**
   * Applies the whole batch under one lock; completes before it returns. Unlike the single
   * operations it does not sweep every due lease first: the server calls {@link #expire(long, int)}
   * in slices between batches, and the batch's operations treat due registrations as gone where it
   * matters (see the class comment).
   */
  @Override
  public CompletionStage<Void> apply(RegistryBatch batch, long now) {
    lock.lock();
    try {
      long at = time(now);
      for (int i = 0; i < batch.size(); i++) {
        batch.applyTo(inBatch, i, at);
      }
    } finally {
      release();
    }
    return DONE;
  }

  // The single operations: each drops everything due first, so it is exact on its own (a batch
  // relies on the server's slices instead, see apply).

  @Override
  public void register(
      PeerName peer,
      InetAddress ip,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest,
      long now)
      throws RegistryException {
    lock.lock();
    try {
      expire(now);
      registerNow(peer, ip, content, tcpPort, size, digest, now);
    } finally {
      release();
    }
  }

  @Override
  public void deregister(PeerName peer, InetAddress ip, ContentName content, long now)
      throws RegistryException {
    lock.lock();
    try {
      expire(now);
      deregisterNow(peer, ip, content, now);
    } finally {
      release();
    }
  }

  @Override
  public int quit(PeerName peer, InetAddress ip, long now) {
    lock.lock();
    try {
      expire(now);
      return quitNow(peer, ip, now);
    } finally {
      release();
    }
  }

  @Override
  public void keepalive(PeerName peer, InetAddress ip, long now) throws RegistryException {
    lock.lock();
    try {
      expire(now);
      keepaliveNow(peer, ip, now);
    } finally {
      release();
    }
  }

  @Override
  public Located locate(ContentName content, int max, long now) throws RegistryException {
    lock.lock();
    try {
      expire(now);
      return locateNow(content, max, now);
    } finally {
      release();
    }
  }

  @Override
  public Page list(String after, String filter, int maxBytes, int maxEntries, long now) {
    lock.lock();
    try {
      expire(now);
      return listNow(after, filter, maxBytes, maxEntries, now);
    } finally {
      release();
    }
  }

  private void registerNow(
      PeerName peer,
      InetAddress ip,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest,
      long now)
      throws RegistryException {
    if (this.size >= limits.total()) {
      catchUp(now); // what counts as full is the live registrations
    }
    PeerRegistrations p = livePeer(peer, now);
    if (p != null && !p.ip().equals(ip)) {
      throw new RegistryException(
          ErrorCode.NAME_TAKEN, "peer name '" + peer + "' is in use from another address");
    }
    byte[] name = utf8(content);
    int hash = names.hash(name);
    ProviderQueue q = names.get(name, hash);
    if (p != null && q != null && entries.get(p, q) != null) {
      throw new RegistryException(
          ErrorCode.ALREADY_REGISTERED, "'" + peer + "' already provides '" + content + "'");
    }
    q = liveContent(q, now);
    if (q != null && (q.size() != size || !q.hasDigest(digest))) {
      throw new RegistryException(
          ErrorCode.CONFLICT, "'" + content + "' is provided with another size or digest");
    }
    if (p != null && p.count() >= limits.perPeer()) {
      throw new RegistryException(
          ErrorCode.LIMIT, "a peer may hold " + limits.perPeer() + " registrations");
    }
    if (this.size >= limits.total()) {
      throw new RegistryException(ErrorCode.LIMIT, "the index is full");
    }
    if (p == null) {
      p = new PeerRegistrations(peer, ip, salts.nextInt());
      peers.put(peer, p);
      leases.schedule(p, now + leaseMillis);
    }
    if (q == null) {
      q = new ProviderQueue(name, hash, size, digest);
      names.add(q);
    }
    Registration r = new Registration(p, q, tcpPort, now);
    p.add(r);
    q.add(r);
    entries.add(r);
    this.size++;
  }

  private void deregisterNow(PeerName peer, InetAddress ip, ContentName content, long now)
      throws RegistryException {
    PeerRegistrations p = livePeer(peer, now);
    ProviderQueue q = liveContent(find(content), now);
    if (q == null) {
      throw new RegistryException(ErrorCode.NOT_FOUND, "nobody provides '" + content + "'");
    }
    Registration r = p == null || !p.ip().equals(ip) ? null : entries.get(p, q);
    if (r == null) {
      throw new RegistryException(
          ErrorCode.NOT_OWNER, "'" + content + "' is not registered by '" + peer + "' here");
    }
    remove(r);
  }

  private int quitNow(PeerName peer, InetAddress ip, long now) {
    PeerRegistrations p = livePeer(peer, now);
    if (p == null || !p.ip().equals(ip)) {
      return 0;
    }
    int n = p.count();
    for (Registration r = p.oldest(); r != null; r = p.oldest()) {
      remove(r);
    }
    peers.remove(peer);
    return n;
  }

  private void keepaliveNow(PeerName peer, InetAddress ip, long now) throws RegistryException {
    PeerRegistrations p = livePeer(peer, now);
    if (p == null || !p.ip().equals(ip)) {
      throw new RegistryException(
          ErrorCode.NOT_FOUND, "'" + peer + "' has no registration from this address");
    }
    p.renew(now);
  }

  private Located locateNow(ContentName content, int max, long now) throws RegistryException {
    ProviderQueue q = find(content);
    Provider[] providers = new Provider[Math.clamp(max, 0, q == null ? 0 : q.providers())];
    int n = 0;
    Registration first = null;
    // until enough, or every live provider once: the head comes round to the first one taken
    while (q != null && n < providers.length && !q.isEmpty() && q.head() != first) {
      Registration r = q.head();
      if (isDue(r, now)) {
        unlinkDue(r); // its lease ended: the sweep has not reached it yet
        continue;
      }
      q.rotate(1); // the head, moved to the back
      if (first == null) {
        first = r;
      }
      providers[n++] = r.provider();
    }
    if (n == 0) {
      throw new RegistryException(ErrorCode.NOT_FOUND, "nobody provides '" + content + "'");
    }
    return new Located(
        q.size(),
        q.digest(),
        List.of(n == providers.length ? providers : Arrays.copyOf(providers, n)));
  }

  private Page listNow(String after, String filter, int maxBytes, int maxEntries, long now) {
    byte[] filterBytes = filter.getBytes(StandardCharsets.UTF_8);
    List<ListingEntry> listed = new ArrayList<>();
    int[] room = {maxBytes};
    boolean[] more = {false};
    // a filter that matches little makes this walk many names: the rate limit bounds the cost
    names.forEachAfter(
        after.getBytes(StandardCharsets.UTF_8),
        q -> {
          if (!q.nameContains(filterBytes)) {
            return true;
          }
          int need = 1 + q.nameLength() + 2 + 8;
          if (need > room[0] || listed.size() == maxEntries) {
            more[0] = true;
            return false;
          }
          listed.add(new ListingEntry(q.name(), Math.min(q.providers(), 0xffff), q.size()));
          room[0] -= need;
          return true;
        });
    return new Page(listed, more[0]);
  }

  /**
   * The server's slice: {@link #expire(long, int)}, but it also stops after about {@link
   * #SLICE_NANOS}, or as soon as another thread waits for the lock (the other server thread with a
   * batch), whichever comes first; the server calls again while it returns more than 0. A slice
   * bounded by its count alone now and then ran several milliseconds on its thread's CPU (code just
   * recompiled, docs/benchmarks.md), and a batch waited behind it.
   */
  @Override
  public int sweep(long now, int max) {
    return now < nextDue ? 0 : expire(now, max, true);
  }

  @Override
  public int expire(long now, int max) {
    return expire(now, max, false);
  }

  /** How long one of the server's slices runs at most (give or take {@link #LOOK_EVERY} steps). */
  static final long SLICE_NANOS = 500_000;

  /** Removals (and lease-queue polls) between two looks at the clock and at the lock's queue. */
  private static final int LOOK_EVERY = 64;

  private int expire(long now, int max, boolean yielding) {
    lock.lock();
    try {
      long start = yielding ? System.nanoTime() : 0;
      int step = yielding ? LOOK_EVERY : Integer.MAX_VALUE;
      int n = 0;
      int work = 0;
      PeerRegistrations p;
      while (n < max && (p = leases.pollDue(now)) != null) {
        work++;
        if (peers.get(p.name()) == p) { // else the peer quit or lost everything since: stale
          int removed = expireDue(p, now, Math.min(max - n, step));
          n += removed;
          work += removed;
          if (peers.get(p.name()) == p) {
            leases.schedule(p, p.nextDeadline(leaseMillis)); // still due when cut short
          }
        }
        if (yielding && work >= LOOK_EVERY) {
          work = 0;
          if (lock.hasQueuedThreads() || System.nanoTime() - start >= SLICE_NANOS) {
            break;
          }
        }
      }
      return n;
    } finally {
      release();
    }
  }

  /**
   * {@code now}, or the latest time a batch was given when that is later: the server's requests see
   * a time that never goes back. Two server threads read the clock before they wait for the lock,
   * so one may come with a time a little earlier than the other's before it; without this, a
   * registration one of them found due and took out of its content's queue ({@link #unlinkDue})
   * could be renewed by the other's {@code K} and live on outside its queue. (The sweep renews
   * nothing, so its time needs no such care; the single operations, for tests and tools, sweep
   * everything due at their own time first.) Caller holds the lock.
   */
  private long time(long now) {
    if (now > latest) {
      latest = now;
    }
    return latest;
  }

  /**
   * Removes up to {@code max} of the peer's due registrations, oldest first, and the peer itself
   * when it has none left. Its entry in the lease queue stays: when it comes due, the sweep finds
   * the real deadline and schedules again, so each live peer keeps one entry.
   */
  private int expireDue(PeerRegistrations p, long now, int max) {
    int n = p.expire(now, leaseMillis, max, this::remove);
    if (p.isEmpty()) {
      peers.remove(p.name());
    }
    return n;
  }

  /** The peer with its due registrations gone, or null when it has none left. */
  private PeerRegistrations livePeer(PeerName peer, long now) {
    PeerRegistrations p = peers.get(peer);
    if (p != null && p.nextDeadline(leaseMillis) <= now) {
      expireDue(p, now, Integer.MAX_VALUE);
      return p.isEmpty() ? null : p;
    }
    return p;
  }

  /**
   * {@code q} (a content's queue, or null), or null when no provider's lease runs on: due providers
   * met at the head go first, and a queue whose head is live has a live provider.
   */
  private ProviderQueue liveContent(ProviderQueue q, long now) {
    while (q != null && !q.isEmpty()) {
      Registration head = q.head();
      if (!isDue(head, now)) {
        return q;
      }
      unlinkDue(head);
    }
    return null;
  }

  /**
   * Takes a due registration out of its content's queue only, so that no answer shows it, and
   * leaves the rest of its removal (its peer's list, the table by peer and content, the count) to
   * the sweep, which comes to it through its peer's lease. A request that meets due providers thus
   * pays one unlink for each (two neighbours it has just read, and the name when the queue
   * empties), once in the registration's life, instead of its whole removal: an {@code S} for a
   * name of a million due providers costs what unlinking them costs, and no slice of the sweep's
   * work.
   */
  private void unlinkDue(Registration r) {
    ProviderQueue q = r.content();
    if (q.remove(r) && q.isEmpty()) {
      names.remove(q);
    }
  }

  /** Registrations {@link #catchUp} removes at most: one of the server's slices. */
  static final int CATCH_UP = 1_024;

  /**
   * One slice of the sweep inside a batch, before an answer that counts registrations (a listing; a
   * registration refused when the index is full): the server sweeps between batches only, not
   * before each (a slice there ran right after the one between batches, while the datagrams that
   * came in meanwhile waited for both), so just after leases end some may still be counted. An
   * expiry of up to a slice is gone before such an answer, as when the server swept before every
   * batch; a larger one may show in a listing until the sweep is through (the class comment).
   * Caller holds the lock.
   */
  private void catchUp(long now) {
    if (now >= leases.earliest()) {
      expire(now, CATCH_UP, true);
    }
  }

  private void release() {
    nextDue = leases.earliest();
    lock.unlock();
  }

  /** The queue of {@code content}, or null. */
  private ProviderQueue find(ContentName content) {
    byte[] name = utf8(content);
    return names.get(name, names.hash(name));
  }

  private static byte[] utf8(ContentName content) {
    return content.toString().getBytes(StandardCharsets.UTF_8);
  }

  private boolean isDue(Registration r, long now) {
    return r.deadline(leaseMillis) <= now;
  }

  /**
   * Removes a registration from everything that holds it; a content or a peer left with none goes
   * too.
   */
  private void remove(Registration r) {
    ProviderQueue q = r.content();
    PeerRegistrations p = r.peer();
    entries.remove(r);
    p.remove(r);
    size--;
    if (q.remove(r) && q.isEmpty()) { // not when a request unlinked it already (unlinkDue)
      names.remove(q);
    }
    if (p.isEmpty() && peers.get(p.name()) == p) {
      peers.remove(p.name());
    }
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return size;
    } finally {
      release();
    }
  }

  @Override
  public long leaseMillis() {
    return leaseMillis;
  }

  @Override
  public Counts counts() {
    lock.lock();
    try {
      return new Counts(size, names.size(), peers.size());
    } finally {
      release();
    }
  }

  /** The operations as a batch runs them: no full sweep first; the caller holds the lock. */
  private final class InBatch implements Registry {
    @Override
    public void register(
        PeerName peer,
        InetAddress ip,
        ContentName content,
        int tcpPort,
        long size,
        Digest digest,
        long now)
        throws RegistryException {
      registerNow(peer, ip, content, tcpPort, size, digest, now);
    }

    @Override
    public void deregister(PeerName peer, InetAddress ip, ContentName content, long now)
        throws RegistryException {
      deregisterNow(peer, ip, content, now);
    }

    @Override
    public int quit(PeerName peer, InetAddress ip, long now) {
      return quitNow(peer, ip, now);
    }

    @Override
    public void keepalive(PeerName peer, InetAddress ip, long now) throws RegistryException {
      keepaliveNow(peer, ip, now);
    }

    @Override
    public Located locate(ContentName content, int max, long now) throws RegistryException {
      return locateNow(content, max, now);
    }

    @Override
    public Page list(String after, String filter, int maxBytes, int maxEntries, long now) {
      catchUp(now);
      return listNow(after, filter, maxBytes, maxEntries, now);
    }

    @Override
    public int expire(long now, int max) {
      return MemoryRegistry.this.expire(now, max);
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public long leaseMillis() {
      return leaseMillis;
    }
  }
}
