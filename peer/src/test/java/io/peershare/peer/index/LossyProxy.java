package io.peershare.peer.index;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay between one client and the index server that can lose or duplicate replies, and
 * counts requests by type letter.
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
          serverSide.send(new DatagramPacket(buf, p.getLength(), server));
          continue;
        }
        AtomicInteger drop = toDrop.get(type);
        if (drop != null && drop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
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
