package io.peershare.index.tracker;

import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage.Announce;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import io.peershare.protocol.bittorrent.TrackerMessage.Connect;
import io.peershare.protocol.bittorrent.TrackerMessage.Connected;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.Reply;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A BEP 15 client on a socket bound to a chosen address, for tests against the real server. Waits
 * are bounded by a socket timeout (a bound on a broken test, never a timing assertion).
 */
final class TrackerClient implements AutoCloseable {
  final DatagramSocket socket;
  private final InetSocketAddress server;
  private int nextId = 1;
  long connectionId;
  int resends;

  TrackerClient(InetSocketAddress server, String localIp) throws IOException {
    this.server = server;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(localIp), 0));
    this.socket.setSoTimeout(5_000);
  }

  int nextId() {
    return nextId++;
  }

  void send(byte[] d) throws IOException {
    socket.send(new DatagramPacket(d, d.length, server));
  }

  byte[] receive() throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
    while (true) {
      socket.receive(p);
      if (p.getSocketAddress().equals(server)) {
        return Arrays.copyOf(p.getData(), p.getLength());
      }
    }
  }

  /**
   * Sends {@code request} and returns the reply with its transaction id, sending again after each
   * 250 ms of silence as real clients do (a flood may fill the server's socket buffer).
   */
  Reply call(byte[] request) throws Exception {
    int id = TrackerCodec.transactionId(request, 0);
    boolean ipv6 = socket.getLocalAddress().getAddress().length == 16;
    int old = socket.getSoTimeout();
    socket.setSoTimeout(250);
    try {
      for (int attempt = 0; attempt < 40; attempt++) {
        send(request);
        try {
          while (true) {
            byte[] r = receive();
            Reply m = TrackerCodec.decodeReply(r, 0, r.length, ipv6);
            if (m.transactionId() == id) {
              resends += attempt;
              return m;
            }
          }
        } catch (SocketTimeoutException e) {
          // lost on the way: send again
        }
      }
      throw new AssertionError("no reply to transaction " + id + " in 40 tries");
    } finally {
      socket.setSoTimeout(old);
    }
  }

  TrackerClient connect() throws Exception {
    connectionId = ((Connected) call(TrackerCodec.encode(new Connect(nextId())))).connectionId();
    return this;
  }

  Announce announceRequest(InfoHash hash, int port, long left, Event event) {
    return new Announce(
        connectionId,
        nextId(),
        hash,
        "-TC0001-000000000000",
        0,
        left,
        0,
        event,
        0,
        0,
        -1,
        port,
        "");
  }

  Announced announce(InfoHash hash, int port, long left) throws Exception {
    return (Announced) call(TrackerCodec.encode(announceRequest(hash, port, left, Event.STARTED)));
  }

  @Override
  public void close() {
    socket.close();
  }
}
