package io.peershare.metrics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The metrics port against well-behaved and hostile clients, over real loopback sockets. */
class HttpServerTest {
  private static final Duration SHORT = Duration.ofMillis(600);

  private final AtomicInteger answered = new AtomicInteger();
  private final List<AutoCloseable> open = new ArrayList<>();
  private HttpServer server;

  private HttpServer start(HttpServer.Limits limits, HttpHandler handler) throws IOException {
    server =
        HttpServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits, handler);
    return server;
  }

  private HttpServer start(HttpServer.Limits limits) throws IOException {
    return start(
        limits,
        q -> {
          answered.incrementAndGet();
          return q.path().equals("/")
              ? HttpAnswer.text(200, "hello " + q.parameter("who", "nobody") + "\n")
              : HttpAnswer.notFound();
        });
  }

  private RawHttp connect() throws IOException {
    return connect(null);
  }

  private RawHttp connect(InetSocketAddress local) throws IOException {
    RawHttp c = new RawHttp(server.localAddress(), local);
    open.add(c);
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void answersGetsOnOneKeptAliveConnection() throws IOException {
    start(HttpServer.Limits.defaults());
    try (RawHttp c = connect()) {
      RawHttp.Response first = c.get("/?who=mai%20%C3%A9");
      RawHttp.Response second = c.get("/nothing");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).isEqualTo("hello mai é\n");
      assertThat(first.headers())
          .containsEntry("content-type", "text/plain; charset=utf-8")
          .containsEntry("x-content-type-options", "nosniff")
          .containsEntry("connection", "keep-alive")
          .containsKey("content-security-policy");
      assertThat(second.status()).isEqualTo(404);
    }
  }

  @Test
  void headGetsTheHeadersAlone() throws IOException {
    start(HttpServer.Limits.defaults());
    try (RawHttp c = connect()) {
      c.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Response r = c.readHead();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers()).containsEntry("content-length", "13");
      assertThat(c.get("/").body()).startsWith("hello"); // the next response is not shifted
    }
  }

  @Test
  void bindsOnlyTheAddressItIsGiven() throws IOException {
    start(HttpServer.Limits.defaults());
    int port = server.localAddress().getPort();
    assertThat(server.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    // 127.0.0.2 is loopback too: only a socket bound to the wildcard address would answer there
    assertThatThrownBy(() -> new Socket("127.0.0.2", port).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void refusesOtherMethodsAndBodies() throws IOException {
    start(HttpServer.Limits.defaults());
    try (RawHttp c = connect()) {
      RawHttp.Response r =
          c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello").read();
      assertThat(r.status()).isEqualTo(405);
      assertThat(r.headers())
          .containsEntry("allow", "GET, HEAD")
          .containsEntry("connection", "close");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp c = connect()) {
      RawHttp.Response r =
          c.send(
                  "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
              .read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(answered).hasValue(0);
  }

  @Test
  void aMegabyteHeaderLineGets431AndBoundedMemory() throws IOException {
    start(HttpServer.Limits.defaults());
    try (RawHttp c = connect()) {
      c.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: ");
      byte[] mb = new byte[1 << 20];
      java.util.Arrays.fill(mb, (byte) 'a');
      try {
        c.send(mb).send("\r\n\r\n");
      } catch (IOException e) {
        // the server answered and closed while the megabyte was still going out: fine
      }
      RawHttp.Response r;
      try {
        r = c.read();
        assertThat(r.status()).isEqualTo(431);
      } catch (IOException e) {
        // reset before the answer could be read: the server closed with bytes unread
      }
    }
    assertStillServes();
    assertThat(answered).hasValue(1);
  }

  @Test
  void aMegabyteRequestLineGets414() throws IOException {
    start(HttpServer.Limits.defaults());
    try (RawHttp c = connect()) {
      c.send("GET /" + "a".repeat(8192));
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(414);
      assertThat(c.closedByServer()).isTrue();
    }
    assertStillServes();
  }

  @Test
  void garbageGets400OrAClosedConnection() throws IOException {
    start(HttpServer.Limits.defaults());
    Random random = new Random(15);
    for (int i = 0; i < 20; i++) {
      byte[] junk = new byte[1 + random.nextInt(4000)];
      random.nextBytes(junk);
      try (RawHttp c = connect()) {
        c.send(junk).send("\r\n\r\n");
        assertThat(c.read().status()).isIn(400, 405, 414, 431);
      } catch (IOException e) {
        // closed (or reset) before all of it was sent or the answer read: fine for noise
      }
    }
    try (RawHttp c = connect()) {
      c.send("\u0000\u0001\u0002 / HTTP/1.1\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(400);
    }
    try (RawHttp c = connect()) {
      c.send("GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n"); // a malformed escape
      assertThat(c.read().status()).isEqualTo(400);
    }
    assertStillServes();
  }

  @Test
  void slowlorisCostsNoThreadAndIsCutOff() throws Exception {
    start(HttpServer.Limits.defaults().withTimeouts(SHORT, SHORT));
    List<RawHttp> slow = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      slow.add(connect().send("GET / HTTP/1.1\r\nHost: t\r\n")); // never finishes its head
    }
    // a real client is answered while all of them hang on
    try (RawHttp c = connect()) {
      assertThat(c.get("/").status()).isEqualTo(200);
    }
    // and each slow one is closed once its time to send a request is up
    await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
    for (RawHttp s : slow) {
      assertThat(s.closedByServer()).isTrue();
    }
  }

  @Test
  void aSlowTrickleIsCutOffToo() throws Exception {
    start(HttpServer.Limits.defaults().withTimeouts(SHORT, SHORT));
    RawHttp c = connect().send("GET / HTTP/1.1\r\n");
    CountDownLatch closed = new CountDownLatch(1);
    Thread trickle =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < 1000; i++) {
                      c.send("X-" + i + ": y\r\n"); // a header line every 50 ms: alive, never done
                      Thread.sleep(50);
                    }
                  } catch (IOException | InterruptedException e) {
                    closed.countDown();
                  }
                });
    await().atMost(Duration.ofSeconds(10)).until(() -> closed.getCount() == 0);
    trickle.join();
    assertThat(answered).hasValue(0);
  }

  @Test
  void aReaderThatNeverReadsIsCutOff() throws Exception {
    byte[] big = new byte[8 << 20];
    start(
        HttpServer.Limits.defaults().withTimeouts(SHORT, SHORT),
        q -> new HttpAnswer(200, "application/octet-stream", big, Map.of()));
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(server.localAddress());
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
    }
  }

  @Test
  void pipelinedRequestsGetOneAnswerThenTheConnectionCloses() throws IOException {
    start(HttpServer.Limits.defaults());
    try (RawHttp c = connect()) {
      c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(2000));
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(answered.get()).isLessThan(2000);
    assertStillServes();
  }

  @Test
  void capsConnectionsPerAddressAndInAll() throws IOException {
    start(HttpServer.Limits.defaults().withConnections(6, 4));
    List<RawHttp> mine = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      mine.add(connect());
    }
    await().until(() -> server.openConnections() == 4);
    RawHttp fifth = connect();
    assertThat(fifth.closedByServer()).isTrue();
    // another address still gets in, up to the total cap
    InetSocketAddress other = new InetSocketAddress("127.0.0.3", 0);
    RawHttp fromOther = connect(other);
    assertThat(fromOther.get("/").status()).isEqualTo(200);
    // and a slot comes back when a connection closes
    mine.get(0).close();
    await().until(() -> server.openConnections() == 4);
    assertStillServes();
  }

  @Test
  void aFailingHandlerGets500AndTheServerGoesOn() throws IOException {
    start(
        HttpServer.Limits.defaults(),
        q -> {
          if (q.path().equals("/boom")) {
            throw new IllegalStateException("boom");
          }
          return HttpAnswer.text(200, "fine\n");
        });
    try (RawHttp c = connect()) {
      RawHttp.Response r = c.get("/boom");
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.body()).doesNotContain("boom");
      assertThat(c.get("/").body()).isEqualTo("fine\n");
    }
  }

  private void assertStillServes() throws IOException {
    try (RawHttp c = connect()) {
      assertThat(c.get("/").status()).isEqualTo(200);
    }
  }
}
