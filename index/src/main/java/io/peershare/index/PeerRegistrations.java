package io.peershare.index;

import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.function.Consumer;

/**
 * Everything one peer (name at one IP address) provides, oldest registration first, as a list
 * threaded through the {@link Registration}s ({@code older}, {@code newer}). Because the lease is
 * the same for all, the oldest entry is always the next to expire, and a keepalive renews them all
 * by setting one timestamp. Finding the peer's entry for one content is the {@link
 * RegistrationTable}'s job.
 */
final class PeerRegistrations {
  private final PeerName name;
  private final InetAddress ip;
  private final int salt;
  private long renewedAt = Long.MIN_VALUE;
  private Registration oldest;
  private Registration newest;
  private int count;
  private Provider provider;

  /**
   * A peer; {@code salt} (random, secret) mixes into the hash of its entries in the {@link
   * RegistrationTable}.
   */
  PeerRegistrations(PeerName name, InetAddress ip, int salt) {
    this.name = name;
    this.ip = ip;
    this.salt = salt;
  }

  PeerName name() {
    return name;
  }

  InetAddress ip() {
    return ip;
  }

  int salt() {
    return salt;
  }

  long renewedAt() {
    return renewedAt;
  }

  void renew(long now) {
    renewedAt = Math.max(renewedAt, now);
  }

  int count() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /**
   * The peer at {@code tcpPort} as a locate lists it: peers serve all they have on one port, so
   * their entries share one record instead of one each.
   */
  Provider provider(int tcpPort) {
    Provider p = provider;
    if (p == null || p.tcpPort() != tcpPort) {
      p = new Provider(name, ip, tcpPort);
      provider = p;
    }
    return p;
  }

  /** Appends {@code r} (the newest). */
  void add(Registration r) {
    r.older = newest;
    r.newer = null;
    if (newest == null) {
      oldest = r;
    } else {
      newest.newer = r;
    }
    newest = r;
    count++;
  }

  /** Unlinks {@code r}, which must be one of this peer's; the others keep their order. */
  void remove(Registration r) {
    if (r.older == null) {
      oldest = r.newer;
    } else {
      r.older.newer = r.newer;
    }
    if (r.newer == null) {
      newest = r.older;
    } else {
      r.newer.older = r.older;
    }
    r.older = null;
    r.newer = null;
    count--;
  }

  /** The oldest registration (the next to expire), or null; {@code newer} leads to the others. */
  Registration oldest() {
    return oldest;
  }

  /** When the oldest registration expires, or {@code Long.MAX_VALUE} when there is none. */
  long nextDeadline(long leaseMillis) {
    return oldest == null ? Long.MAX_VALUE : oldest.deadline(leaseMillis);
  }

  /**
   * Hands {@code remove}, oldest first, up to {@code max} registrations whose lease ended by {@code
   * now}; {@code remove} must take each out of this peer. Returns how many.
   */
  int expire(long now, long leaseMillis, int max, Consumer<Registration> remove) {
    int n = 0;
    while (n < max && oldest != null && oldest.deadline(leaseMillis) <= now) {
      Registration r = oldest;
      remove.accept(r);
      if (oldest == r) {
        throw new IllegalStateException("the registration was not removed from its peer");
      }
      n++;
    }
    return n;
  }
}
