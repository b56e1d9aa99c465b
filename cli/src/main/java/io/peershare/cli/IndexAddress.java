package io.peershare.cli;

import io.peershare.index.IndexServer;
import java.net.InetSocketAddress;
import picocli.CommandLine;

/**
 * Parses one index node: {@code HOST:PORT} (or {@code [v6]:PORT}, or {@code HOST} for port 3000).
 * The option splits a list at commas first.
 */
final class IndexAddress implements CommandLine.ITypeConverter<InetSocketAddress> {
  /** The port of a {@code HOST} given alone. */
  static final int DEFAULT_PORT = IndexServer.Config.DEFAULT_PORT;

  @Override
  public InetSocketAddress convert(String value) {
    return parse(value);
  }

  static InetSocketAddress parse(String value) {
    return parse(value, DEFAULT_PORT, 1, "127.0.0.1:3000 or [::1]:3000");
  }

  /**
   * Parses {@code HOST:PORT} with the port in {@code [minPort, 65535]}; {@code HOST} alone takes
   * {@code defaultPort}, or is refused when that is -1.
   */
  static InetSocketAddress parse(String value, int defaultPort, int minPort, String example) {
    String host;
    String port;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) {
        throw bad(value, example);
      }
      host = value.substring(1, close);
      String rest = value.substring(close + 1);
      port =
          rest.isEmpty()
              ? (defaultPort < 0 ? null : String.valueOf(defaultPort))
              : rest.startsWith(":") ? rest.substring(1) : null;
    } else {
      int colon = value.lastIndexOf(':');
      if (colon >= 0 && value.indexOf(':') != colon) {
        throw bad(value, example); // bare IPv6 needs brackets
      }
      host = colon < 0 ? value : value.substring(0, colon);
      port =
          colon >= 0
              ? value.substring(colon + 1)
              : defaultPort < 0 ? null : String.valueOf(defaultPort);
    }
    if (host.isEmpty() || port == null) {
      throw bad(value, example);
    }
    if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(value, example); // no sign, no spaces: Integer.parseInt would take "+80"
    }
    int p = port.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(port);
    if (p < minPort || p > 65535) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "': the port must be " + minPort + " to 65535");
    }
    InetSocketAddress a = new InetSocketAddress(host, p);
    if (a.isUnresolved()) {
      throw new CommandLine.TypeConversionException("unknown host '" + host + "'");
    }
    return a;
  }

  private static CommandLine.TypeConversionException bad(String value, String example) {
    return new CommandLine.TypeConversionException(
        "'" + value + "' is not HOST:PORT (for example " + example + ")");
  }
}
