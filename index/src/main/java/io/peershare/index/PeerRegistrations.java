package io.peershare.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Consumer;

/**
 * Everything one peer (name at one IP address) provides, oldest registration first. Because the
 * lease is the same for all, the oldest entry is always the next to expire, and a keepalive renews
 * them all by setting one timestamp.
 */
final class PeerRegistrations {
  private final PeerName name;
  private final InetAddress ip;
  private final LinkedHashMap<ContentName, Registration> byContent = new LinkedHashMap<>(4);
  private long renewedAt = Long.MIN_VALUE;

  PeerRegistrations(PeerName name, InetAddress ip) {
    this.name = name;
    this.ip = ip;
  }

  PeerName name() {
    return name;
  }

  InetAddress ip() {
    return ip;
  }

  long renewedAt() {
    return renewedAt;
  }

  void renew(long now) {
    renewedAt = Math.max(renewedAt, now);
  }

  int count() {
    return byContent.size();
  }

  boolean isEmpty() {
    return byContent.isEmpty();
  }

  Registration get(ContentName content) {
    return byContent.get(content);
  }

  void add(Registration r) {
    byContent.put(r.content().name(), r);
  }

  void remove(Registration r) {
    byContent.remove(r.content().name(), r);
  }

  Iterable<Registration> all() {
    return byContent.values();
  }

  /** When the oldest registration expires, or {@code Long.MAX_VALUE} when there is none. */
  long nextDeadline(long leaseMillis) {
    Iterator<Registration> it = byContent.values().iterator();
    return it.hasNext() ? it.next().deadline(leaseMillis) : Long.MAX_VALUE;
  }

  /** Removes, oldest first, up to {@code max} registrations whose lease ended by {@code now}. */
  int expire(long now, long leaseMillis, int max, Consumer<Registration> onRemoved) {
    int n = 0;
    Iterator<Registration> it = byContent.values().iterator();
    while (n < max && it.hasNext()) {
      Registration r = it.next();
      if (r.deadline(leaseMillis) > now) {
        break;
      }
      it.remove();
      onRemoved.accept(r);
      n++;
    }
    return n;
  }
}
