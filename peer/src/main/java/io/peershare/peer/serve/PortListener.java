package io.peershare.peer.serve;

import io.peershare.protocol.Addresses;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.TransferCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening TCP port: an accept loop on a virtual thread of its own, and a platform thread per
 * connection (their number is capped) that reads one request, answers it and closes. Over the
 * connection cap, a connection gets {@code E LIMIT} from the accept loop itself, written without
 * blocking, and is closed.
 *
 * <p>Connections get platform threads so that their sockets stay blocking: {@code sendfile} then
 * waits for room in the socket, where under a virtual thread (whose sockets the JDK keeps
 * non-blocking underneath) it gives up with 0 and the bytes go through a copy instead (see {@link
 * RangeSender}; the CPU this saves is in docs/benchmarks.md, "Transfers").
 */
final class PortListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PortListener.class);

  /** What is read, at most, from a client after its answer, so closing sends FIN, not RST. */
  private static final int DRAIN_LIMIT = 4096;

  private final ServerSocketChannel server;
  private final int port;
  private final RequestHandler handler;
  private final OpenConnections connections;
  private final Thread acceptor;

  PortListener(
      InetAddress bind, int port, RequestHandler handler, OpenConnections connections, String what)
      throws IOException {
    this.server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(bind, port), 128);
    } catch (IOException e) {
      server.close();
      throw new IOException("cannot listen on port " + port + " for " + what + ": " + e, e);
    }
    this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    this.handler = handler;
    this.connections = connections;
    this.acceptor = Thread.ofVirtual().name("peershare-serve-accept-" + this.port).start(this::run);
    LOG.debug("serving {} on port {}", what, this.port);
  }

  int port() {
    return port;
  }

  private void run() {
    while (server.isOpen()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        LOG.warn("accept on port {} failed: {}", port, e.toString());
        continue;
      }
      OpenConnections.Tracked t = connections.tryOpen(ch);
      if (t == null) {
        refuse(ch);
      } else {
        // a platform thread, so the socket stays blocking and every byte goes out zero-copy
        Thread.ofPlatform().daemon().name("peershare-serve-" + port).start(() -> serve(t));
      }
    }
  }

  private void serve(OpenConnections.Tracked t) {
    SocketChannel ch = t.channel();
    try (ch) {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      InputStream in = Channels.newInputStream(ch);
      handler.handle(in, ch, describe(ch.getRemoteAddress()), t::touch);
      ch.shutdownOutput();
      drain(in);
    } catch (IOException | RuntimeException e) {
      LOG.debug("connection on port {} ended: {}", port, e.toString());
    } finally {
      connections.release(t);
    }
  }

  private static String describe(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null
        ? Addresses.format(i)
        : String.valueOf(a);
  }

  /** Reads what the client still sends (normally nothing: it closes after the answer). */
  private static void drain(InputStream in) throws IOException {
    byte[] sink = new byte[512];
    int total = 0;
    for (int n; total < DRAIN_LIMIT && (n = in.read(sink)) >= 0; ) {
      total += n;
    }
  }

  private void refuse(SocketChannel ch) {
    try (ch) {
      ch.configureBlocking(false);
      ch.write(ByteBuffer.wrap(TransferCodec.encodeError(ErrorCode.LIMIT, "server busy")));
      ch.shutdownOutput();
      ch.read(ByteBuffer.allocate(DRAIN_LIMIT)); // what already came, so closing sends FIN
    } catch (IOException e) {
      LOG.debug("refusing a connection on port {}: {}", port, e.toString());
    }
    LOG.debug("port {}: connection cap reached, answered LIMIT", port);
  }

  /**
   * Stops accepting and returns once the port is really closed (the kernel socket is released only
   * when the accept loop has left {@code accept}); connections already open finish their answer.
   */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      LOG.debug("closing port {}: {}", port, e.toString());
    }
    acceptor.interrupt();
    try {
      acceptor.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
