package io.peershare.index.soak;

import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.ProtocolException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One simulated peer host: a UDP socket bound to a chosen loopback address, speaking raw bytes to
 * the index. Request ids count up, so no two requests of one socket collide in the reply cache.
 * Waits are bounded by a socket timeout (a bound on a broken test, never a timing assertion).
 */
final class UdpPeer implements AutoCloseable {
  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private int nextId = 1;
  long cookie;
  long cookieAt = Long.MIN_VALUE;

  UdpPeer(InetSocketAddress server, String localIp) throws IOException {
    this.server = server;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(localIp), 0));
    this.socket.setSoTimeout(5_000);
  }

  InetAddress ip() {
    return socket.getLocalAddress();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  void receiveBuffer(int bytes) throws IOException {
    socket.setReceiveBufferSize(bytes);
  }

  int nextId() {
    return nextId++;
  }

  void send(byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, server));
  }

  /** The next datagram from the server; fails the test after the socket timeout. */
  byte[] receive() throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    while (true) {
      socket.receive(p);
      if (p.getSocketAddress().equals(server)) {
        return Arrays.copyOf(p.getData(), p.getLength());
      }
    }
  }

  /** The next datagram, or null when none comes within {@code millis}. */
  byte[] receive(int millis) throws IOException {
    int old = socket.getSoTimeout();
    socket.setSoTimeout(millis);
    try {
      return receive();
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(old);
    }
  }

  byte[] exchange(byte[] datagram) throws IOException {
    send(datagram);
    return receive();
  }

  IndexMessage call(IndexMessage request) throws IOException, ProtocolException {
    return IndexCodec.decode(exchange(IndexCodec.encode(request)));
  }

  /** Takes a fresh cookie with H. */
  UdpPeer hello(long now) throws IOException, ProtocolException {
    cookie = ((IndexMessage.CookieReply) call(new IndexMessage.Hello(nextId()))).cookie();
    cookieAt = now;
    return this;
  }

  /**
   * Sends H and collects every datagram that arrives before its Y. The server answers one source in
   * order, so these are the replies to whatever this socket sent before: "no reply" is proven
   * without waiting for a timeout.
   */
  List<byte[]> drainUntilHello() throws IOException, ProtocolException {
    int id = nextId();
    send(IndexCodec.encode(new IndexMessage.Hello(id)));
    List<byte[]> before = new ArrayList<>();
    while (true) {
      byte[] d = receive();
      if (d.length == 14 && d[0] == 'Y' && IndexCodec.decode(d).requestId() == id) {
        return before;
      }
      before.add(d);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
