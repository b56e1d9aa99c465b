package io.peershare.peer.serve;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ContentServer} listens and what it allows.
 *
 * @param sharedPort -1: one port per content (the default; unsharing closes it); 0: one ephemeral
 *     port for all content; N: that port for all content
 * @param maxConnections open connections across all ports; over it a connection gets {@code E
 *     LIMIT}
 * @param uploadBytesPerSecond shared by all uploads; 0 = unlimited
 * @param idleTimeout a connection that sends no complete request in this time, or whose reader
 *     stalls this long, is closed
 * @param bindAddress the local address to listen on; null means any
 */
public record ServeOptions(
    int sharedPort,
    int maxConnections,
    long uploadBytesPerSecond,
    Duration idleTimeout,
    InetAddress bindAddress) {
  public static final int PORT_PER_CONTENT = -1;
  public static final int DEFAULT_MAX_CONNECTIONS = 64;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  public ServeOptions {
    if (sharedPort < -1 || sharedPort > 65535) {
      throw new IllegalArgumentException(
          "port must be -1 (one per content), 0 (any) or 1-65535, not " + sharedPort);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("at least 1 connection, not " + maxConnections);
    }
    if (uploadBytesPerSecond < 0) {
      throw new IllegalArgumentException("upload limit cannot be negative");
    }
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive, not " + idleTimeout);
    }
    if (bindAddress == null) {
      bindAddress = new InetSocketAddress(0).getAddress();
    }
  }

  /** One port per content, 64 connections, no upload limit, 30 s idle timeout, any address. */
  public static ServeOptions defaults() {
    return new ServeOptions(
        PORT_PER_CONTENT, DEFAULT_MAX_CONNECTIONS, 0, DEFAULT_IDLE_TIMEOUT, null);
  }

  public boolean portPerContent() {
    return sharedPort == PORT_PER_CONTENT;
  }

  public ServeOptions withSharedPort(int port) {
    return new ServeOptions(port, maxConnections, uploadBytesPerSecond, idleTimeout, bindAddress);
  }

  public ServeOptions withMaxConnections(int max) {
    return new ServeOptions(sharedPort, max, uploadBytesPerSecond, idleTimeout, bindAddress);
  }

  public ServeOptions withUploadBytesPerSecond(long rate) {
    return new ServeOptions(sharedPort, maxConnections, rate, idleTimeout, bindAddress);
  }

  public ServeOptions withIdleTimeout(Duration timeout) {
    return new ServeOptions(sharedPort, maxConnections, uploadBytesPerSecond, timeout, bindAddress);
  }

  public ServeOptions withBindAddress(InetAddress address) {
    return new ServeOptions(sharedPort, maxConnections, uploadBytesPerSecond, idleTimeout, address);
  }
}
