package io.peershare.metrics.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An HTTP client made of a bare socket, for requests no decent client would send. */
final class RawHttp implements AutoCloseable {
  /** A response: status, headers (names in lower case) and body. */
  record Response(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;

  RawHttp(InetSocketAddress server) throws IOException {
    this(server, null);
  }

  /** A connection from {@code local} (another loopback address, say). */
  RawHttp(InetSocketAddress server, InetSocketAddress local) throws IOException {
    socket = new Socket();
    if (local != null) {
      socket.bind(local);
    }
    socket.connect(server, 5_000);
    socket.setSoTimeout(20_000); // only so a broken test fails instead of hanging
    in = socket.getInputStream();
  }

  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** GET {@code path} on this connection, kept alive. */
  Response get(String path) throws IOException {
    send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
    return read();
  }

  /** Reads one response: head, then Content-Length bytes of body. */
  Response read() throws IOException {
    return read(false);
  }

  /** Reads the response to a HEAD request: a head and no body, whatever Content-Length says. */
  Response readHead() throws IOException {
    return read(true);
  }

  private Response read(boolean headOnly) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new SocketException("closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    int length = headOnly ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True when the server closed the connection (end of stream, or reset). */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
