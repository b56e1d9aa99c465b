package io.peershare.peer.download;

import io.peershare.protocol.IndexMessage.Provider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Opens the connections of one download, with its connect and stall timeouts, and keeps track of
 * them so that an interrupt, or the end of the download, can close every one at once.
 */
final class Connector {
  private final int connectMillis;
  private final int stallMillis;
  private final Set<Socket> open = new HashSet<>();
  private boolean closed;

  Connector(Duration connectTimeout, Duration stallTimeout) {
    this.connectMillis = (int) connectTimeout.toMillis();
    this.stallMillis = (int) stallTimeout.toMillis();
  }

  /** A connected socket whose reads fail after the stall timeout without a byte. */
  Socket open(Provider provider) throws IOException {
    Socket s = new Socket();
    synchronized (this) {
      if (closed) {
        throw new SocketException("the download is over");
      }
      open.add(s);
    }
    try {
      s.setSoTimeout(stallMillis);
      s.setReceiveBufferSize(1 << 20);
      s.connect(new InetSocketAddress(provider.address(), provider.tcpPort()), connectMillis);
      return s;
    } catch (IOException | RuntimeException e) {
      close(s);
      throw e;
    }
  }

  /** Closes one socket the caller is done with. */
  void close(Socket s) {
    synchronized (this) {
      open.remove(s);
    }
    closeQuietly(s);
  }

  /** Closes every open socket and refuses new ones until {@link #reopen}. */
  void closeAll() {
    Set<Socket> copy;
    synchronized (this) {
      closed = true;
      copy = Set.copyOf(open);
      open.clear();
    }
    copy.forEach(Connector::closeQuietly);
  }

  synchronized void reopen() {
    closed = false;
  }

  /** How a provider is named in messages: its peer name and address. */
  static String describe(Provider p) {
    return "peer \"" + p.peer() + "\" (" + p.address().getHostAddress() + ":" + p.tcpPort() + ")";
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing left to do with a socket that fails to close
    }
  }
}
