package io.peershare.metrics.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.index.IndexEvents;
import io.peershare.index.IndexServer;
import io.peershare.index.MemoryRegistry;
import io.peershare.metrics.MetricsServer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexType;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real index server on loopback tells {@link IndexMeters} what it does; a known workload of
 * datagrams gives exact counts in the Prometheus exposition.
 */
class IndexMetersTest {
  private static final PeerName MAI = PeerName.of("mai");
  private static final ContentName LOREM = ContentName.of("lorem");

  private final TestClock clock = new TestClock();
  private PrometheusMeterRegistry registry;
  private IndexMeters meters;
  private IndexStatus status;
  private IndexServer server;
  private UdpClient client;

  @BeforeEach
  void start() throws Exception {
    registry = MetricsServer.newRegistry();
    meters = new IndexMeters(registry);
    MemoryRegistry store = new MemoryRegistry(10_000, io.peershare.index.RegistryLimits.defaults());
    server =
        new IndexServer(
                IndexServer.Config.defaults()
                    .withBind(InetAddress.getLoopbackAddress())
                    .withPort(0)
                    .withClock(clock)
                    .withEvents(meters),
                store)
            .start();
    Supplier<io.peershare.index.tracker.SwarmStore.Totals> noTracker = null;
    status =
        new IndexStatus(
            meters,
            store,
            new IndexStatus.Facts("127.0.0.1:0", "test", 10, null),
            noTracker,
            clock);
    status.bindTo(registry);
    InetSocketAddress at = server.localAddress();
    client = new UdpClient(at, "127.0.0.1", UdpClient.Strangers.FAIL);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    registry.close();
  }

  private String scrape() throws Exception {
    status.beforeScrape();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    registry.scrape(out, "text/plain; version=0.0.4; charset=utf-8");
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private IndexMessage.Register register(ContentName content) {
    return new IndexMessage.Register(
        client.nextId(), client.cookie(), MAI, content, 4000, 100, Digest.of(new byte[32]));
  }

  /** The value of one series in an exposition. */
  private static double value(String text, String series) {
    return text.lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + text));
  }

  private static final String H_OK = "peershare_index_requests_total{result=\"ok\",type=\"H\"}";
  private static final String HITS = "peershare_index_reply_cache_hits_total";

  @Test
  void aKnownWorkloadGivesExactCounts() throws Exception {
    // the server sends itself an H as it starts, again if the first reply is slow (a cache hit)
    String before = scrape();
    client.hello();
    assertThat(client.call(register(LOREM))).isInstanceOf(IndexMessage.Ack.class);
    assertThat(client.call(register(LOREM))).isInstanceOf(IndexMessage.ErrorReply.class);
    byte[] locate =
        IndexCodec.encode(new IndexMessage.Locate(client.nextId(), client.cookie(), MAI, LOREM, 4));
    byte[] first = client.exchange(locate);
    assertThat(client.exchange(locate)).as("a retransmission: the cached reply").isEqualTo(first);
    client.call(
        new IndexMessage.Locate(
            client.nextId(), client.cookie(), MAI, ContentName.of("missing"), 4));
    client.call(new IndexMessage.ListRequest(client.nextId(), client.cookie(), "", ""));
    client.call(new IndexMessage.Keepalive(client.nextId(), client.cookie() ^ 1, MAI));
    client.send(new byte[3]); // too short for a header: dropped
    byte[] y = IndexCodec.encode(new IndexMessage.CookieReply(client.nextId(), 7));
    assertThat(IndexCodec.decode(client.exchange(y)))
        .as("a reply type sent as a request")
        .isInstanceOf(IndexMessage.ErrorReply.class);
    client.assertNothingPending(); // one more H, answered after everything before it

    String text = scrape();
    assertThat(value(text, H_OK) - value(before, H_OK)).isEqualTo(2);
    assertThat(value(text, HITS) - value(before, HITS)).as("the S sent twice").isEqualTo(1);
    assertThat(text)
        .contains("peershare_index_requests_total{result=\"ok\",type=\"R\"} 1.0")
        .contains("peershare_index_requests_total{result=\"already_registered\",type=\"R\"} 1.0")
        .contains("peershare_index_requests_total{result=\"ok\",type=\"S\"} 2.0")
        .contains("peershare_index_requests_total{result=\"not_found\",type=\"S\"} 1.0")
        .contains("peershare_index_requests_total{result=\"ok\",type=\"O\"} 1.0")
        .contains("peershare_index_requests_total{result=\"bad_cookie\",type=\"K\"} 1.0")
        .contains("peershare_index_requests_total{result=\"unsupported\",type=\"other\"} 1.0")
        .contains("peershare_index_requests_total{result=\"ok\",type=\"T\"} 0.0")
        .contains("peershare_index_dropped_total{reason=\"size\"} 1.0")
        .contains("peershare_index_dropped_total{reason=\"rate_limit\"} 0.0")
        .contains("peershare_index_request_seconds_count{type=\"S\"} 2")
        .contains("peershare_index_request_seconds_count{type=\"R\"} 2")
        .contains("peershare_index_request_seconds_bucket{type=\"S\",le=\"+Inf\"} 2")
        .contains("peershare_index_registrations 1.0")
        .contains("peershare_index_contents 1.0")
        .contains("peershare_index_peers 1.0")
        .contains("peershare_index_expired_total 0.0");
    assertThat(text)
        .as("an error no request met has no series")
        .doesNotContain("result=\"name_taken\"");
    assertThat(text).as("no tracker, no tracker gauges").doesNotContain("peershare_tracker_");
  }

  @Test
  void everyThreadsTallyAndTheSharedOneAddUp() throws Exception {
    String before = scrape();
    int perThread = 100_000;
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      IndexEvents own = meters.forThread();
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      own.answered(IndexType.QUIT, null, false, 30_000_000); // the 50 ms bucket
                      own.answered(IndexType.QUIT, ErrorCode.NOT_OWNER, true, 0);
                    }
                    own.dropped(IndexEvents.Drop.RATE_LIMIT);
                    own.expired(3);
                  }));
    }
    meters.answered(IndexType.QUIT, ErrorCode.NOT_OWNER, false, 2_000_000_000L); // +Inf only
    for (Thread t : threads) {
      t.join();
    }
    String text = scrape();
    String quit = "peershare_index_requests_total{result=\"ok\",type=\"Q\"}";
    assertThat(value(text, quit) - value(before, quit)).isEqualTo(2 * perThread);
    assertThat(value(text, HITS) - value(before, HITS)).isEqualTo(2 * perThread);
    assertThat(text)
        .contains("peershare_index_requests_total{result=\"not_owner\",type=\"Q\"} 200001.0")
        .contains("peershare_index_dropped_total{reason=\"rate_limit\"} 2.0")
        .contains("peershare_index_expired_total 6.0")
        .contains("peershare_index_request_seconds_bucket{type=\"Q\",le=\"0.025\"} 0")
        .contains("peershare_index_request_seconds_bucket{type=\"Q\",le=\"0.05\"} 200000")
        .contains("peershare_index_request_seconds_bucket{type=\"Q\",le=\"1.0\"} 200000")
        .contains("peershare_index_request_seconds_bucket{type=\"Q\",le=\"+Inf\"} 200001")
        .contains("peershare_index_request_seconds_sum{type=\"Q\"} 6002.0");
  }

  @Test
  void leasesThatEndAreCountedAsExpired() throws Exception {
    client.hello();
    client.call(register(LOREM));
    client.call(register(ContentName.of("ipsum")));
    clock.advance(Duration.ofSeconds(11));
    // a batch: the expiry sweep runs after it on the server's thread (in slices, the reply first),
    // so the scrape waits for it
    client.hello();
    await()
        .untilAsserted(
            () ->
                assertThat(scrape())
                    .contains("peershare_index_expired_total 2.0")
                    .contains("peershare_index_registrations 0.0")
                    .contains("peershare_index_contents 0.0")
                    .contains("peershare_index_peers 0.0"));
  }

  @Test
  void everyTypeLabelIsALetterOrOther() throws Exception {
    assertThat(IndexMeters.TYPES).containsExactly("H", "R", "T", "Q", "K", "O", "S", "other");
    List<String> types =
        scrape()
            .lines()
            .filter(l -> l.startsWith("peershare_index_requests_total{"))
            .map(l -> l.replaceAll(".*type=\"([^\"]*)\".*", "$1"))
            .distinct()
            .toList();
    assertThat(types).containsExactlyInAnyOrderElementsOf(IndexMeters.TYPES);
  }
}
