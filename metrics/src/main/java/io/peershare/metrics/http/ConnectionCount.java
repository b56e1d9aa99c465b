package io.peershare.metrics.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/** Open connections, in all and per client address, against their caps. Thread-safe. */
final class ConnectionCount {
  private final int max;
  private final int maxPerAddress;
  private final Map<InetAddress, Integer> perAddress = new HashMap<>(); // guarded by this
  private int total; // guarded by this

  ConnectionCount(int max, int maxPerAddress) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
  }

  /** Takes a slot for a connection from {@code from}; false when a cap is reached. */
  synchronized boolean tryOpen(InetSocketAddress from) {
    InetAddress a = from == null ? null : from.getAddress();
    int mine = perAddress.getOrDefault(a, 0);
    if (total >= max || mine >= maxPerAddress) {
      return false;
    }
    total++;
    perAddress.put(a, mine + 1);
    return true;
  }

  /** Gives back the slot {@link #tryOpen} took for {@code from}. */
  synchronized void release(InetSocketAddress from) {
    InetAddress a = from == null ? null : from.getAddress();
    Integer mine = perAddress.get(a);
    if (mine == null) {
      return;
    }
    total--;
    if (mine == 1) {
      perAddress.remove(a);
    } else {
      perAddress.put(a, mine - 1);
    }
  }

  synchronized int total() {
    return total;
  }
}
