package io.peershare.peer.index;

import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.ProtocolException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the reading side of the client's socket: one thread reads every datagram and completes the
 * caller waiting on its request id. Replies from addresses that are not index nodes, with ids
 * nobody waits for (late duplicates of a retransmission) or that do not decode are dropped.
 *
 * <p>The kernel reports an ICMP port unreachable for the node the socket is connected to as a
 * {@link PortUnreachableException} on the next read: every caller waiting on a request sent to that
 * node fails at once with it, instead of waiting out the retry schedule.
 *
 * <p>The socket is read through a selector, not a blocking read: a blocking read holds the
 * channel's read lock, and {@code connect} (moving to another node) would wait for it.
 */
final class ReplyReceiver {
  private static final Logger log = LoggerFactory.getLogger(ReplyReceiver.class);

  /** A caller waiting for a reply, and the node its request last went to. */
  private static final class Pending {
    final CompletableFuture<IndexMessage.Reply> reply;
    volatile InetSocketAddress sentTo;

    Pending(CompletableFuture<IndexMessage.Reply> reply) {
      this.reply = reply;
    }
  }

  private final DatagramChannel channel;
  private final Set<InetSocketAddress> nodes;
  private final Selector selector;
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Thread thread;

  /** {@code channel} must be non-blocking. */
  ReplyReceiver(DatagramChannel channel, Set<InetSocketAddress> nodes, String name)
      throws IOException {
    this.channel = channel;
    this.nodes = Set.copyOf(nodes);
    this.selector = Selector.open();
    try {
      channel.register(selector, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      selector.close();
      throw e;
    }
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** A fresh request id no other caller is waiting on, and the future its reply completes. */
  int reserve(CompletableFuture<IndexMessage.Reply> reply) {
    while (true) {
      int id = ThreadLocalRandom.current().nextInt();
      if (pending.putIfAbsent(id, new Pending(reply)) == null) {
        return id;
      }
    }
  }

  /** Waits on {@code id} again (a request sent on to another node); false if another caller is. */
  boolean reserve(int id, CompletableFuture<IndexMessage.Reply> reply) {
    return pending.putIfAbsent(id, new Pending(reply)) == null;
  }

  /** The request {@code id} was just sent to {@code node}. */
  void sentTo(int id, InetSocketAddress node) {
    Pending p = pending.get(id);
    if (p != null) {
      p.sentTo = node;
    }
  }

  void release(int id) {
    pending.remove(id);
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocate(IndexMessage.MAX_DATAGRAM + 1);
    try {
      while (channel.isOpen()) {
        selector.select();
        selector.selectedKeys().clear();
        drain(buf);
      }
    } catch (ClosedSelectorException | IOException e) {
      // closed under us: the client is closing
    } finally {
      IOException closed = new IOException("the index client is closed");
      pending.values().forEach(p -> p.reply.completeExceptionally(closed));
    }
  }

  /** Reads every datagram waiting; returns when none is left or the channel closed. */
  private void drain(ByteBuffer buf) {
    while (channel.isOpen()) {
      try {
        buf.clear();
        SocketAddress from = channel.receive(buf);
        if (from == null) {
          return;
        }
        if (nodes.contains(from)) {
          dispatch(buf.array(), buf.position());
        }
      } catch (PortUnreachableException e) {
        refused(e);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.debug("index client receive", e);
        return;
      }
    }
  }

  /** Fails every caller whose request went to the node the socket is connected to. */
  private void refused(PortUnreachableException e) {
    SocketAddress node;
    try {
      node = channel.getRemoteAddress();
    } catch (IOException closed) {
      return;
    }
    if (node == null) {
      return; // moved off that node already: its callers have gone on
    }
    for (Pending p : pending.values()) {
      if (node.equals(p.sentTo)) {
        p.reply.completeExceptionally(e);
      }
    }
  }

  private void dispatch(byte[] datagram, int length) {
    IndexMessage m;
    try {
      m = IndexCodec.decode(datagram, 0, length);
    } catch (ProtocolException e) {
      log.debug("undecodable reply: {}", e.getMessage());
      return;
    }
    if (m instanceof IndexMessage.Reply reply) {
      Pending p = pending.get(reply.requestId());
      if (p != null) {
        p.reply.complete(reply);
      }
    }
  }

  /** Stops the thread (the channel is closed by then) and waits for it. */
  void stop() throws InterruptedException {
    selector.wakeup();
    thread.join();
    try {
      selector.close();
    } catch (IOException e) {
      // nothing to do: the client is closing
    }
  }
}
