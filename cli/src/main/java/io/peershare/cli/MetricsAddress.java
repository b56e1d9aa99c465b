package io.peershare.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/**
 * Parses {@code --metrics HOST:PORT}: the address the metrics server binds, and only that one. The
 * port must be given (0: any free port, which the command then prints).
 */
final class MetricsAddress implements CommandLine.ITypeConverter<InetSocketAddress> {
  @Override
  public InetSocketAddress convert(String value) {
    return IndexAddress.parse(value, -1, 0, "127.0.0.1:9100, or 0.0.0.0:9100 for every address");
  }
}
