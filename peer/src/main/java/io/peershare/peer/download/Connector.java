package io.peershare.peer.download;

import io.peershare.protocol.Addresses;
import io.peershare.protocol.IndexMessage.Provider;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
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

  /** Receive buffer of a piece connection: large, so the sender rarely waits for window. */
  private static final int RECEIVE_BUFFER = 4 << 20;

  private final Set<Closeable> open = new HashSet<>();
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

  /**
   * A connected blocking channel for piece data, read straight into direct buffers. Channel reads
   * have no timeout: the caller watches for stalls itself ({@link #stallMillis}).
   */
  SocketChannel openChannel(Provider provider) throws IOException {
    SocketChannel ch = SocketChannel.open();
    synchronized (this) {
      if (closed) {
        ch.close();
        throw new SocketException("the download is over");
      }
      open.add(ch);
    }
    try {
      ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
      ch.socket()
          .connect(new InetSocketAddress(provider.address(), provider.tcpPort()), connectMillis);
      return ch;
    } catch (IOException | RuntimeException e) {
      close(ch);
      throw e;
    }
  }

  /** How long a read may wait for a byte before the provider counts as stalled. */
  int stallMillis() {
    return stallMillis;
  }

  /** Closes one socket or channel the caller is done with (or that must stop at once). */
  void close(Closeable s) {
    synchronized (this) {
      open.remove(s);
    }
    closeQuietly(s);
  }

  /** Closes every open socket and refuses new ones until {@link #reopen}. */
  void closeAll() {
    Set<Closeable> copy;
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
    return "peer \"" + p.peer() + "\" (" + Addresses.format(p.address(), p.tcpPort()) + ")";
  }

  private static void closeQuietly(Closeable s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing left to do with a socket that fails to close
    }
  }
}
