package io.peershare.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Addresses written the way people and other tools write them: {@code 127.0.0.1:3000}, {@code
 * [::1]:3000}, {@code [2001:db8::7]:40215} (RFC 5952: lower case, no leading zeros, the longest run
 * of zero groups as {@code ::}), an IPv4-mapped IPv6 address as plain IPv4. Java's own {@code
 * getHostAddress} writes every group ({@code 0:0:0:0:0:0:0:1}) and {@code toString} adds a slash.
 */
public final class Addresses {
  private Addresses() {}

  /** {@code 192.0.2.1:3000} or {@code [2001:db8::1]:3000}; an unresolved host as it was given. */
  public static String format(InetSocketAddress a) {
    String host = a.getAddress() == null ? a.getHostString() : host(a.getAddress());
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** {@code host:port} of an address and a port, as {@link #format(InetSocketAddress)}. */
  public static String format(InetAddress address, int port) {
    return format(new InetSocketAddress(address, port));
  }

  /** The address alone, without brackets: {@code 192.0.2.1}, {@code ::1}, {@code fe80::1%eth0}. */
  public static String host(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    if (isV4Mapped(b)) {
      return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
    }
    String text = compress(b);
    if (address instanceof Inet6Address v6) {
      if (v6.getScopedInterface() != null) {
        return text + "%" + v6.getScopedInterface().getName();
      }
      if (v6.getScopeId() != 0) {
        return text + "%" + v6.getScopeId();
      }
    }
    return text;
  }

  private static boolean isV4Mapped(byte[] b) {
    if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** RFC 5952 section 4: the first longest run of two or more zero groups becomes {@code ::}. */
  private static String compress(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group stays "0"
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }
}
