package io.peershare.peer.download;

import io.peershare.protocol.Addresses;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection to a provider, for one request: {@code M} and its answer, or {@code D} and its
 * frames (the protocol answers one request per connection). A blocking channel, read straight into
 * the caller's buffers.
 *
 * <p>Channel reads have no timeout, so every read is marked while it waits: {@link Connections}
 * closes a connection whose read has waited longer than the stall timeout for a byte, and the
 * reader then learns it {@link #stalled}. The connection keeps the first wrong hash found in a
 * piece read over it ({@link #reject}, {@link #rejection}), so that its reader throws the real
 * reason, not "connection closed".
 */
final class ProviderConnection implements AutoCloseable {
  /** Receive buffer: large, so the sender rarely waits for window. */
  private static final int RECEIVE_BUFFER = 4 << 20;

  private final Provider provider;
  private final String who;
  private final SocketChannel channel;
  private volatile long readingSince; // System.nanoTime() when the current read began; 0: none
  private volatile boolean stalled;
  private final ReentrantLock lock = new ReentrantLock();
  private ProviderFailure rejected; // the first wrong hash

  private ProviderConnection(Provider provider, SocketChannel channel) {
    this.provider = provider;
    this.who = describe(provider);
    this.channel = channel;
  }

  /**
   * Connects to {@code provider}; an interrupt of the calling thread closes the channel and ends a
   * connect or a read at once.
   */
  static ProviderConnection open(Provider provider, int connectMillis) throws ProviderFailure {
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open();
      ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
      ch.socket()
          .connect(new InetSocketAddress(provider.address(), provider.tcpPort()), connectMillis);
      return new ProviderConnection(provider, ch);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw new ProviderFailure(
          "could not connect to " + describe(provider) + ": " + e.getMessage(), e);
    }
  }

  /** How a provider is named in messages: its peer name and address. */
  static String describe(Provider p) {
    return "peer \"" + p.peer() + "\" (" + Addresses.format(p.address(), p.tcpPort()) + ")";
  }

  Provider provider() {
    return provider;
  }

  /** The provider as messages name it. */
  String who() {
    return who;
  }

  /** Sends all of {@code request}. */
  void send(byte[] request) throws ProviderFailure {
    try {
      ByteBuffer b = ByteBuffer.wrap(request);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    } catch (IOException e) {
      throw lost(e);
    }
  }

  /**
   * Reads at least one byte into {@code into}, under the stall watch.
   *
   * @throws ProviderFailure when the connection fails, stalls or ends first
   */
  int read(ByteBuffer into) throws ProviderFailure {
    int k;
    try {
      k = watchedRead(into);
    } catch (IOException e) {
      throw lost(e);
    }
    if (k < 0) {
      throw new ProviderFailure(who + " closed the connection in the middle of a frame");
    }
    return k;
  }

  private int watchedRead(ByteBuffer into) throws IOException {
    readingSince = System.nanoTime() | 1; // never 0, which means "not reading"
    try {
      return channel.read(into);
    } finally {
      readingSince = 0;
    }
  }

  /** The answer as a stream, for the codec's readers; its reads are watched like {@link #read}. */
  InputStream in() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return len == 0 ? 0 : watchedRead(ByteBuffer.wrap(b, off, len));
      }
    };
  }

  /**
   * What to throw for an I/O error of this connection: the wrong hash that made the hashing close
   * it, the stall that made the watch close it, or else the error itself.
   */
  ProviderFailure lost(Exception e) {
    ProviderFailure r = rejection();
    if (r != null) {
      return r;
    }
    if (stalled) {
      return new ProviderFailure(who + " stopped sending", e);
    }
    if (e instanceof ProtocolException) {
      return new ProviderFailure(who + " broke the protocol: " + e.getMessage(), e);
    }
    return new ProviderFailure("the connection to " + who + " failed: " + e.getMessage(), e);
  }

  /** True when the stall watch closed the connection. */
  boolean stalled() {
    return stalled;
  }

  /**
   * Closes the connection when a read has waited more than {@code stallNanos} for a byte, as seen
   * at {@code now}; true when it did.
   */
  boolean closeIfStalled(long now, long stallNanos) {
    long since = readingSince;
    if (since == 0 || now - since <= stallNanos) {
      return false;
    }
    stalled = true;
    close();
    return true;
  }

  /**
   * A piece read over this connection failed its hash: the provider is not to be trusted with the
   * rest, so the connection is closed, which stops its reader at once.
   */
  void reject(ProviderFailure why) {
    lock.lock();
    try {
      if (rejected == null) {
        rejected = why;
      }
    } finally {
      lock.unlock();
    }
    close();
  }

  /** The first wrong hash found in a piece read over this connection, or null. */
  ProviderFailure rejection() {
    lock.lock();
    try {
      return rejected;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      // nothing left to do with a connection that fails to close
    }
  }
}
