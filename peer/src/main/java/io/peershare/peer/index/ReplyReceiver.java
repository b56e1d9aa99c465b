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
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the reading side of the client's socket: one thread reads every datagram and completes the
 * caller waiting on its request id. Replies from other addresses, with ids nobody waits for (late
 * duplicates of a retransmission) or that do not decode are dropped.
 */
final class ReplyReceiver {
  private static final Logger log = LoggerFactory.getLogger(ReplyReceiver.class);

  private final DatagramChannel channel;
  private final InetSocketAddress server;
  private final Map<Integer, CompletableFuture<IndexMessage.Reply>> pending =
      new ConcurrentHashMap<>();
  private final Thread thread;

  ReplyReceiver(DatagramChannel channel, InetSocketAddress server) {
    this.channel = channel;
    this.server = server;
    this.thread = new Thread(this::run, "index-client-" + server.getPort());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** A fresh request id no other caller is waiting on, and the future its reply completes. */
  int reserve(CompletableFuture<IndexMessage.Reply> reply) {
    while (true) {
      int id = ThreadLocalRandom.current().nextInt();
      if (pending.putIfAbsent(id, reply) == null) {
        return id;
      }
    }
  }

  void release(int id) {
    pending.remove(id);
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocate(IndexMessage.MAX_DATAGRAM + 1);
    while (channel.isOpen()) {
      try {
        buf.clear();
        SocketAddress from = channel.receive(buf);
        if (from == null || !from.equals(server)) {
          continue;
        }
        dispatch(buf.array(), buf.position());
      } catch (PortUnreachableException e) {
        continue; // ICMP from a server that is down: its callers time out and say so
      } catch (ClosedChannelException e) {
        break;
      } catch (IOException | RuntimeException e) {
        log.debug("index client receive", e);
      }
    }
    IOException closed = new IOException("the index client is closed");
    pending.values().forEach(f -> f.completeExceptionally(closed));
  }

  private void dispatch(byte[] datagram, int length) {
    IndexMessage m;
    try {
      m = IndexCodec.decode(datagram, 0, length);
    } catch (ProtocolException e) {
      log.debug("undecodable reply from {}: {}", server, e.getMessage());
      return;
    }
    if (m instanceof IndexMessage.Reply reply) {
      CompletableFuture<IndexMessage.Reply> f = pending.get(reply.requestId());
      if (f != null) {
        f.complete(reply);
      }
    }
  }

  void join() throws InterruptedException {
    thread.join();
  }
}
