package io.peershare.peer.index;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay between one client and the index server that can lose requests or replies and
 * duplicate replies, and counts requests by type letter. Its {@link #replyWait()} makes the
 * client's retransmissions exact: a wait for a reply ends when the reply comes or the moment this
 * proxy loses it, never because the machine was slow (the schedule's waits are then only a bound on
 * a broken test).
 */
final class LossyProxy implements AutoCloseable {
  private final DatagramSocket clientSide;
  private final DatagramSocket serverSide;
  private final InetSocketAddress server;
  private final Map<Character, AtomicInteger> toDrop = new ConcurrentHashMap<>();
  private final Map<Character, AtomicInteger> seen = new ConcurrentHashMap<>();
  private final Set<Long> requests = ConcurrentHashMap.newKeySet();
  private volatile SocketAddress client;
  private volatile boolean duplicate;
  private volatile boolean loseRequests;
  private final Object lossLock = new Object();
  private int lossesNotWaitedFor; // guarded by lossLock
  private CompletableFuture<Void> waiting; // guarded by lossLock: the client's wait, if any

  LossyProxy(InetSocketAddress server) throws IOException {
    this.server = server;
    InetAddress lo = InetAddress.getLoopbackAddress();
    clientSide = new DatagramSocket(new InetSocketAddress(lo, 0));
    serverSide = new DatagramSocket(new InetSocketAddress(lo, 0));
    start("proxy-up", clientSide, true);
    start("proxy-down", serverSide, false);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) clientSide.getLocalSocketAddress();
  }

  /** Loses the next {@code n} replies of type {@code letter}. */
  void dropReplies(char letter, int n) {
    toDrop.computeIfAbsent(letter, k -> new AtomicInteger()).addAndGet(n);
  }

  /** While on, requests go nowhere, as to a server that is gone; each is a loss. */
  void loseRequests(boolean on) {
    loseRequests = on;
  }

  /**
   * The wait for a client of this proxy: over when the reply comes or this proxy loses the request
   * or its reply, or at the schedule's wait (a bound on a broken test: use long ones).
   */
  IndexClient.ReplyWait replyWait() {
    return (reply, wait) -> {
      CompletableFuture<Void> loss = new CompletableFuture<>();
      synchronized (lossLock) {
        if (lossesNotWaitedFor > 0 && !reply.isDone()) {
          lossesNotWaitedFor--; // lost before the client began to wait
          return null;
        }
        waiting = loss;
      }
      try {
        CompletableFuture.anyOf(reply, loss).get(wait.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // told apart below
      } finally {
        synchronized (lossLock) {
          if (waiting == loss) {
            waiting = null;
          }
        }
      }
      return reply.isDone() ? reply.get() : null;
    };
  }

  private void lost() {
    synchronized (lossLock) {
      if (waiting != null && !waiting.isDone()) {
        waiting.complete(null);
      } else {
        lossesNotWaitedFor++;
      }
    }
  }

  /** Sends every reply twice. */
  void duplicateReplies(boolean on) {
    duplicate = on;
  }

  /** Distinct requests of this type (by request id): retransmissions count once. */
  int requests(char letter) {
    return (int) requests.stream().filter(k -> (k >>> 32) == letter).count();
  }

  /** Requests of type {@code letter} relayed so far, retransmissions included. */
  int seen(char letter) {
    AtomicInteger n = seen.get(letter);
    return n == null ? 0 : n.get();
  }

  private void start(String name, DatagramSocket from, boolean up) {
    Thread t = new Thread(() -> relay(from, up), name);
    t.setDaemon(true);
    t.start();
  }

  private void relay(DatagramSocket from, boolean up) {
    byte[] buf = new byte[2048];
    while (!from.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        from.receive(p);
        char type = (char) (buf[0] & 0xff);
        if (up) {
          client = p.getSocketAddress();
          seen.computeIfAbsent(type, k -> new AtomicInteger()).incrementAndGet();
          if (p.getLength() >= 6) {
            int id =
                ((buf[2] & 0xff) << 24)
                    | ((buf[3] & 0xff) << 16)
                    | ((buf[4] & 0xff) << 8)
                    | (buf[5] & 0xff);
            requests.add(((long) type << 32) | (id & 0xffff_ffffL));
          }
          if (loseRequests) {
            lost();
            continue;
          }
          serverSide.send(new DatagramPacket(buf, p.getLength(), server));
          continue;
        }
        AtomicInteger drop = toDrop.get(type);
        if (drop != null && drop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          lost();
          continue;
        }
        DatagramPacket out = new DatagramPacket(buf, p.getLength(), client);
        clientSide.send(out);
        if (duplicate) {
          clientSide.send(out);
        }
      } catch (IOException e) {
        // closed: the loop ends
      }
    }
  }

  @Override
  public void close() {
    clientSide.close();
    serverSide.close();
  }
}
