package io.peershare.index.tracker;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * A peer of a swarm as BEP 15 puts it on the wire: its IP address (4 or 16 bytes) and TCP port, 6
 * or 18 bytes in all. Those bytes are the peer's identity in its swarm (as in opentracker and
 * aquatic): the address is the datagram's source, which the connection id vouches for, so a client
 * can only ever add or remove peers at its own address. Immutable.
 */
public final class PeerEndpoint {
  private final byte[] compact;
  private final int hash;

  private PeerEndpoint(byte[] compact) {
    this.compact = compact;
    this.hash = Arrays.hashCode(compact);
  }

  /** {@code ip} (an IPv4-mapped IPv6 address counts as IPv4) and {@code port} (0-65535). */
  public static PeerEndpoint of(InetAddress ip, int port) {
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("port must be 0-65535");
    }
    byte[] addr = ip.getAddress(); // Java already turns ::ffff:a.b.c.d into an Inet4Address
    byte[] c = Arrays.copyOf(addr, addr.length + 2);
    c[addr.length] = (byte) (port >>> 8);
    c[addr.length + 1] = (byte) port;
    return new PeerEndpoint(c);
  }

  public boolean ipv6() {
    return compact.length == 18;
  }

  /**
   * Who holds this peer, for the per-address limit: the IPv4 address, or the IPv6 address's first
   * 64 bits (one site's subnet: a host there has as many addresses as it likes). Families never
   * share a value: IPv4 ones have bit 32 set and the rest of the high half zero, which no IPv6
   * unicast prefix has (they start 2000::/3 or fc00::/7).
   */
  long holder() {
    long first = 0;
    if (ipv6()) {
      for (int i = 0; i < 8; i++) {
        first = (first << 8) | (compact[i] & 0xff);
      }
      return first;
    }
    for (int i = 0; i < 4; i++) {
      first = (first << 8) | (compact[i] & 0xff);
    }
    return first | (1L << 32);
  }

  /** The wire form, 6 or 18 bytes, in a new array (a shared store keeps peers by it). */
  public byte[] toBytes() {
    return compact.clone();
  }

  /** The wire form: 6 or 18 bytes. Do not change the array. */
  byte[] compact() {
    return compact;
  }

  /** The wire form's length for {@code ip}'s family. */
  static int sizeFor(InetAddress ip) {
    return ip instanceof Inet4Address ? 6 : 18;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerEndpoint p && hash == p.hash && Arrays.equals(compact, p.compact);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    try {
      InetAddress ip = InetAddress.getByAddress(Arrays.copyOf(compact, compact.length - 2));
      int port = ((compact[compact.length - 2] & 0xff) << 8) | (compact[compact.length - 1] & 0xff);
      String host = ip.getHostAddress();
      return (ipv6() ? "[" + host + "]" : host) + ":" + port;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
