package io.peershare.index.soak;

import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Request;
import io.peershare.protocol.ProtocolException;
import io.peershare.testing.UdpClient;
import java.io.IOException;
import java.util.function.BiFunction;

/**
 * A peer that behaves as the spec asks of a client: one request at a time, the same bytes resent
 * after 250 ms, 500 ms, 1 s, 2 s when no reply comes (a flood can fill the server's socket buffer,
 * and the kernel then drops anyone's datagrams), a reply matched by its request id.
 */
final class WellBehavedPeer implements AutoCloseable {
  private static final int[] WAITS = {250, 500, 1_000, 2_000, 4_000};

  final UdpClient socket;
  int requests;
  int resends;

  WellBehavedPeer(UdpClient socket) {
    this.socket = socket;
  }

  /** Sends the request (made with a fresh id and the cookie) until its reply comes. */
  IndexMessage call(BiFunction<Integer, Long, Request> maker)
      throws IOException, ProtocolException {
    int id = socket.nextId();
    byte[] request = IndexCodec.encode(maker.apply(id, socket.cookie()));
    requests++;
    for (int i = 0; i < WAITS.length; i++) {
      if (i > 0) {
        resends++;
      }
      socket.send(request);
      byte[] reply;
      while ((reply = socket.receive(WAITS[i])) != null) {
        IndexMessage m = IndexCodec.decode(reply);
        if (m.requestId() == id) {
          return m;
        }
      }
    }
    throw new AssertionError("no reply to " + (char) request[0] + " after 5 tries");
  }

  WellBehavedPeer hello() throws IOException, ProtocolException {
    IndexMessage.CookieReply y =
        (IndexMessage.CookieReply) call((id, k) -> new IndexMessage.Hello(id));
    socket.useCookie(y.cookie(), Long.MIN_VALUE);
    return this;
  }

  @Override
  public void close() {
    socket.close();
  }
}
