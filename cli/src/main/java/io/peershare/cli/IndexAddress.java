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
    String host;
    String port;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) {
        throw bad(value);
      }
      host = value.substring(1, close);
      String rest = value.substring(close + 1);
      port =
          rest.isEmpty()
              ? String.valueOf(DEFAULT_PORT)
              : rest.startsWith(":") ? rest.substring(1) : null;
    } else {
      int colon = value.lastIndexOf(':');
      if (colon >= 0 && value.indexOf(':') != colon) {
        throw bad(value); // bare IPv6 needs brackets
      }
      host = colon < 0 ? value : value.substring(0, colon);
      port = colon < 0 ? String.valueOf(DEFAULT_PORT) : value.substring(colon + 1);
    }
    if (host.isEmpty() || port == null) {
      throw bad(value);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw bad(value);
    }
    if (p < 1 || p > 65535) {
      throw bad(value);
    }
    InetSocketAddress a = new InetSocketAddress(host, p);
    if (a.isUnresolved()) {
      throw new CommandLine.TypeConversionException("unknown host '" + host + "'");
    }
    return a;
  }

  private static CommandLine.TypeConversionException bad(String value) {
    return new CommandLine.TypeConversionException(
        "'" + value + "' is not HOST:PORT (for example 127.0.0.1:3000 or [::1]:3000)");
  }
}
