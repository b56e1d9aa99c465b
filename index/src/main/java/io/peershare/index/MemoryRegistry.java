package io.peershare.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The registry in one process's memory. Hash maps find a content or a peer in O(1); a tree keyed by
 * the names' UTF-8 bytes (unsigned) gives the listing's byte order; a {@link LeaseQueue} finds due
 * leases without scanning. Not thread-safe: one owner thread.
 */
public final class MemoryRegistry implements Registry {
  private final long leaseMillis;
  private final RegistryLimits limits;
  private final Map<ContentName, ProviderQueue> contents = new HashMap<>();
  private final NavigableMap<byte[], ProviderQueue> ordered =
      new TreeMap<>(Arrays::compareUnsigned);
  private final Map<PeerName, PeerRegistrations> peers = new HashMap<>();
  private final LeaseQueue leases = new LeaseQueue();
  private int size;

  public MemoryRegistry(long leaseMillis, RegistryLimits limits) {
    if (leaseMillis <= 0) {
      throw new IllegalArgumentException("lease must be positive");
    }
    this.leaseMillis = leaseMillis;
    this.limits = limits;
  }

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
    expire(now);
    PeerRegistrations p = peers.get(peer);
    if (p != null && !p.ip().equals(ip)) {
      throw new RegistryException(
          ErrorCode.NAME_TAKEN, "peer name '" + peer + "' is in use from another address");
    }
    if (p != null && p.get(content) != null) {
      throw new RegistryException(
          ErrorCode.ALREADY_REGISTERED, "'" + peer + "' already provides '" + content + "'");
    }
    ProviderQueue q = contents.get(content);
    if (q != null && (q.size() != size || !q.digest().equals(digest))) {
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
      p = new PeerRegistrations(peer, ip);
      peers.put(peer, p);
      leases.schedule(p, now + leaseMillis);
    }
    if (q == null) {
      q = new ProviderQueue(content, size, digest);
      contents.put(content, q);
      ordered.put(q.nameBytes(), q);
    }
    Registration r = new Registration(p, q, tcpPort, now);
    p.add(r);
    q.add(r);
    this.size++;
  }

  @Override
  public void deregister(PeerName peer, InetAddress ip, ContentName content, long now)
      throws RegistryException {
    expire(now);
    ProviderQueue q = contents.get(content);
    if (q == null) {
      throw new RegistryException(ErrorCode.NOT_FOUND, "nobody provides '" + content + "'");
    }
    PeerRegistrations p = peers.get(peer);
    Registration r = p == null || !p.ip().equals(ip) ? null : p.get(content);
    if (r == null) {
      throw new RegistryException(
          ErrorCode.NOT_OWNER, "'" + content + "' is not registered by '" + peer + "' here");
    }
    p.remove(r);
    unlink(r);
  }

  @Override
  public int quit(PeerName peer, InetAddress ip, long now) {
    expire(now);
    PeerRegistrations p = peers.get(peer);
    if (p == null || !p.ip().equals(ip)) {
      return 0;
    }
    int n = p.count();
    for (Registration r : p.all()) {
      unlink(r);
    }
    peers.remove(peer);
    return n;
  }

  @Override
  public void keepalive(PeerName peer, InetAddress ip, long now) throws RegistryException {
    expire(now);
    PeerRegistrations p = peers.get(peer);
    if (p == null || !p.ip().equals(ip)) {
      throw new RegistryException(
          ErrorCode.NOT_FOUND, "'" + peer + "' has no registration from this address");
    }
    p.renew(now);
  }

  @Override
  public Located locate(ContentName content, int max, long now) throws RegistryException {
    expire(now);
    ProviderQueue q = contents.get(content);
    if (q == null) {
      throw new RegistryException(ErrorCode.NOT_FOUND, "nobody provides '" + content + "'");
    }
    int n = Math.clamp(max, 0, q.providers());
    Provider[] providers = new Provider[n];
    Registration r = q.rotate(n);
    for (int i = 0; i < n; i++, r = r.next) {
      providers[i] = new Provider(r.peer().name(), r.peer().ip(), r.tcpPort());
    }
    return new Located(q.size(), q.digest(), List.of(providers));
  }

  @Override
  public Page list(String after, String filter, int maxBytes, int maxEntries, long now) {
    expire(now);
    byte[] filterBytes = filter.getBytes(StandardCharsets.UTF_8);
    List<ListingEntry> entries = new ArrayList<>();
    int room = maxBytes;
    // a filter that matches little makes this walk many names: the rate limit bounds the cost
    for (ProviderQueue q :
        ordered.tailMap(after.getBytes(StandardCharsets.UTF_8), false).values()) {
      if (!NameFilter.contains(q.nameBytes(), filterBytes)) {
        continue;
      }
      int need = 1 + q.nameBytes().length + 2 + 8;
      if (need > room || entries.size() == maxEntries) {
        return new Page(entries, true);
      }
      entries.add(new ListingEntry(q.name(), Math.min(q.providers(), 0xffff), q.size()));
      room -= need;
    }
    return new Page(entries, false);
  }

  @Override
  public int expire(long now) {
    int n = 0;
    PeerRegistrations p;
    while ((p = leases.pollDue(now)) != null) {
      if (peers.get(p.name()) != p) {
        continue; // the peer quit or lost everything since; its entry is stale
      }
      n += p.expire(now, leaseMillis, this::unlink);
      if (p.isEmpty()) {
        peers.remove(p.name());
      } else {
        leases.schedule(p, p.nextDeadline(leaseMillis));
      }
    }
    return n;
  }

  /** Removes a registration from its content queue (the caller removes it from its peer). */
  private void unlink(Registration r) {
    ProviderQueue q = r.content();
    q.remove(r);
    size--;
    if (q.isEmpty()) {
      contents.remove(q.name());
      ordered.remove(q.nameBytes());
    }
    PeerRegistrations p = r.peer();
    if (p.isEmpty() && peers.get(p.name()) == p) {
      peers.remove(p.name());
    }
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
