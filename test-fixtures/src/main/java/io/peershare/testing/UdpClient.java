package io.peershare.testing;

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
 * A bare UDP socket speaking index-protocol datagrams to one server, for tests: bound to a chosen
 * loopback address (127.0.0.1, 127.0.0.2, ...), so one test can play several hosts. Request ids
 * count up, so no two requests of one socket meet in the server's reply cache. Every wait is
 * bounded by a socket timeout: a bound on a broken test, never a timing assertion.
 */
public final class UdpClient implements AutoCloseable {
  /** What {@link #receive} does with a datagram from anyone but the server. */
  public enum Strangers {
    /** Fail the test: it checks that every reply comes from the server's own address. */
    FAIL,
    /** Pass over it: the test has other senders on the wire (spoofers, floods). */
    SKIP
  }

  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final Strangers strangers;
  private int nextId = 1;
  private long cookie;
  private long cookieAt = Long.MIN_VALUE;

  public UdpClient(InetSocketAddress server, String localIp, Strangers strangers)
      throws IOException {
    this.server = server;
    this.strangers = strangers;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(localIp), 0));
    this.socket.setSoTimeout(5_000);
  }

  public InetAddress ip() {
    return socket.getLocalAddress();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  public void receiveBuffer(int bytes) throws IOException {
    socket.setReceiveBufferSize(bytes);
  }

  /** A fresh request id. */
  public int nextId() {
    return nextId++;
  }

  /** The cookie this client sends, from {@link #hello} or {@link #useCookie}. */
  public long cookie() {
    return cookie;
  }

  /** When the cookie was taken, by the test's clock; {@code Long.MIN_VALUE} before any. */
  public long cookieAt() {
    return cookieAt;
  }

  /** Sends {@code cookie} from now on, as if taken at {@code at}. */
  public void useCookie(long cookie, long at) {
    this.cookie = cookie;
    this.cookieAt = at;
  }

  public void send(byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, server));
  }

  /** The next datagram from the server; fails the test after the socket timeout. */
  public byte[] receive() throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    while (true) {
      socket.receive(p);
      if (p.getSocketAddress().equals(server)) {
        return Arrays.copyOf(p.getData(), p.getLength());
      }
      if (strangers == Strangers.FAIL) {
        throw new IOException("a datagram from " + p.getSocketAddress() + ", not " + server);
      }
    }
  }

  /** The next datagram, or null when none comes within {@code millis}. */
  public byte[] receive(int millis) throws IOException {
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

  public byte[] exchange(byte[] datagram) throws IOException {
    send(datagram);
    return receive();
  }

  public IndexMessage call(IndexMessage request) throws IOException, ProtocolException {
    return IndexCodec.decode(exchange(IndexCodec.encode(request)));
  }

  /** Takes a fresh cookie with {@code H}. */
  public UdpClient hello() throws IOException, ProtocolException {
    return hello(Long.MIN_VALUE);
  }

  /** Takes a fresh cookie with {@code H}, noting that it was taken at {@code now}. */
  public UdpClient hello(long now) throws IOException, ProtocolException {
    IndexMessage.CookieReply y = (IndexMessage.CookieReply) call(new IndexMessage.Hello(nextId()));
    useCookie(y.cookie(), now);
    return this;
  }

  /**
   * Sends {@code H} and collects every datagram that arrives before its {@code Y}. The server
   * answers one source in order, so these are the replies to whatever this socket sent before: "no
   * reply" is proven without waiting for a timeout.
   */
  public List<byte[]> drainUntilHello() throws IOException, ProtocolException {
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

  /** Fails unless the next datagram is the {@code Y} to a fresh {@code H}: nothing else is due. */
  public void assertNothingPending() throws IOException, ProtocolException {
    List<byte[]> before = drainUntilHello();
    if (!before.isEmpty()) {
      throw new AssertionError(before.size() + " datagrams came before the Y of a fresh H");
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
