package io.peershare.metrics.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.index.MemoryRegistry;
import io.peershare.index.RegistryLimits;
import io.peershare.metrics.MetricsServer;
import io.peershare.metrics.http.HttpQuery;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexType;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The index's status page over a registry filled by hand: paging, filtering, rates, health. */
class IndexStatusTest {
  private static final Pattern NAME = Pattern.compile("<td class=\"name\">([^<]*)</td>");
  private static final Pattern NEXT = Pattern.compile("class=\"next\" href=\"([^\"]*)\"");

  private final TestClock clock = new TestClock();
  private final MemoryRegistry store = new MemoryRegistry(60_000, RegistryLimits.defaults());
  private final PrometheusMeterRegistry registry = MetricsServer.newRegistry();
  private final IndexMeters meters = new IndexMeters(registry);
  private final IndexStatus status =
      new IndexStatus(
          meters, store, new IndexStatus.Facts("127.0.0.1:3000", "test", 60, null), null, clock);

  @AfterEach
  void close() {
    registry.close();
  }

  private void fill(int contents) throws Exception {
    InetAddress ip = InetAddress.getLoopbackAddress();
    for (int i = 0; i < contents; i++) {
      store.register(
          PeerName.of("p" + (i % 7)),
          ip,
          ContentName.of(String.format("file-%03d", i)),
          4000,
          10,
          Digest.of(new byte[32]),
          clock.millis());
    }
  }

  private static List<String> names(String page) {
    return NAME.matcher(page).results().map(m -> m.group(1)).toList();
  }

  private static HttpQuery query(String q, String after) {
    return new HttpQuery("/", Map.of("q", List.of(q), "after", List.of(after)), "");
  }

  @Test
  void contentsArePagedByNameWithALinkToTheNext() throws Exception {
    fill(120);
    String first = status.page(query("", ""));
    assertThat(names(first)).hasSize(IndexStatus.PAGE).startsWith("file-000").endsWith("file-049");
    Matcher next = NEXT.matcher(first);
    assertThat(next.find()).isTrue();
    assertThat(next.group(1)).isEqualTo("/?after=file-049");
    String second = status.page(query("", "file-049"));
    assertThat(names(second)).hasSize(IndexStatus.PAGE).startsWith("file-050");
    String last = status.page(query("", "file-099"));
    assertThat(names(last)).hasSize(20).endsWith("file-119");
    assertThat(NEXT.matcher(last).find()).as("no next page after the last").isFalse();
  }

  @Test
  void theFilterKeepsItsTextInLinksAndTheField() throws Exception {
    fill(120);
    String page = status.page(query("E-0", "")); // ASCII case folded, as O does
    assertThat(names(page)).hasSize(IndexStatus.PAGE).allMatch(n -> n.startsWith("file-0"));
    assertThat(page).contains("value=\"E-0\"").contains("href=\"/?q=E-0&amp;after=file-049\"");
    assertThat(names(status.page(query("nothing", "")))).isEmpty();
    assertThat(status.page(query("<i>", ""))).contains("value=\"&lt;i&gt;\"").doesNotContain("<i>");
  }

  @Test
  void ratesComeFromTheLastMinuteOfSamples() {
    for (int s = 0; s <= 10; s++) {
      for (int i = 0; i < 5; i++) {
        meters.answered(IndexType.LOCATE, null, false, 20_000);
      }
      meters.answered(IndexType.REGISTER, ErrorCode.NAME_TAKEN, false, 20_000);
      status.tick(s * 1_000_000_000L);
    }
    String page = status.page(query("", ""));
    // 10 s between the first sample and the last, 50 S and 10 R counted between them
    assertThat(page).contains("6/s").contains("name_taken");
    assertThat(status.problem()).isEqualTo(Optional.empty());
    status.stopping();
    assertThat(status.problem()).contains("stopping");
  }
}
