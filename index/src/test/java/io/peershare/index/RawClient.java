package io.peershare.index;

import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** A bare UDP socket speaking bytes to the server, for tests. */
final class RawClient implements AutoCloseable {
  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private int nextId = 1;
  long cookie;

  RawClient(InetSocketAddress server, String localIp) throws IOException {
    this.server = server;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(localIp), 0));
    this.socket.setSoTimeout(5_000); // a bound on a broken test, not a timing assertion
  }

  /** The local address, as text ({@code 127.0.0.5}). */
  String localIp() {
    return socket.getLocalAddress().getHostAddress();
  }

  int nextId() {
    return nextId++;
  }

  void send(byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, server));
  }

  byte[] receive() throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    socket.receive(p);
    if (!new InetSocketAddress(p.getAddress(), p.getPort()).equals(server)) {
      throw new IOException("reply from " + p.getSocketAddress());
    }
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  byte[] exchange(byte[] datagram) throws IOException {
    send(datagram);
    return receive();
  }

  IndexMessage call(IndexMessage request) throws Exception {
    return IndexCodec.decode(exchange(IndexCodec.encode(request)));
  }

  /** Gets a cookie with H. */
  RawClient hello() throws Exception {
    cookie = ((IndexMessage.CookieReply) call(new IndexMessage.Hello(nextId()))).cookie();
    return this;
  }

  /** Sends H and returns its reply: the next datagram proves nothing else was answered before. */
  void assertNothingPending() throws Exception {
    int id = nextId();
    IndexMessage m = call(new IndexMessage.Hello(id));
    if (!(m instanceof IndexMessage.CookieReply y) || y.requestId() != id) {
      throw new AssertionError("expected only the Y for " + id + " but got " + m);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
