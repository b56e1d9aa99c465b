package io.peershare.index.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.index.redis.StoreUrl.HostPort;
import io.peershare.index.redis.StoreUrl.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreUrlTest {
  @Test
  void everyFormTheIndexTakes() {
    assertThat(StoreUrl.parse("memory")).isSameAs(StoreUrl.MEMORY);
    assertThat(StoreUrl.parse("redis://r.internal:6379"))
        .isEqualTo(
            new StoreUrl(
                Kind.STANDALONE, List.of(new HostPort("r.internal", 6379)), 0, false, null, null));
    assertThat(StoreUrl.parse("rediss://app:s%40cret@10.0.0.5:6380/3"))
        .isEqualTo(
            new StoreUrl(
                Kind.STANDALONE,
                List.of(new HostPort("10.0.0.5", 6380)),
                3,
                true,
                "app",
                "s@cret"));
    assertThat(StoreUrl.parse("redis://:pw@[::1]:7000"))
        .isEqualTo(
            new StoreUrl(
                Kind.STANDALONE, List.of(new HostPort("::1", 7000)), 0, false, null, "pw"));
    StoreUrl c = StoreUrl.parse("redis-cluster://r1:7000,r2:7001,r3:7002");
    assertThat(c.kind()).isEqualTo(Kind.CLUSTER);
    assertThat(c.nodes()).extracting(HostPort::port).containsExactly(7000, 7001, 7002);
    assertThat(StoreUrl.parse("rediss-cluster://r1:7000").tls()).isTrue();
  }

  @Test
  void aPasswordFromTheEnvironmentFillsOnlyAGap() {
    assertThat(StoreUrl.parse("redis://h:1").withPassword("env").password()).isEqualTo("env");
    assertThat(StoreUrl.parse("redis://:url@h:1").withPassword("env").password()).isEqualTo("url");
    assertThat(StoreUrl.parse("redis://h:1").withPassword(null).password()).isNull();
  }

  @Test
  void theTextShownNeverHoldsThePassword() {
    assertThat(StoreUrl.parse("redis://app:secret@h:1/2").toString())
        .isEqualTo("redis://app:***@h:1/2");
    assertThat(StoreUrl.parse("redis-cluster://a:1,b:2").toString())
        .isEqualTo("redis-cluster://a:1,b:2");
  }

  @Test
  void malformedUrlsSayWhatIsWrong() {
    assertThatThrownBy(() -> StoreUrl.parse("http://h:1")).hasMessageContaining("unknown scheme");
    assertThatThrownBy(() -> StoreUrl.parse("redis://h")).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> StoreUrl.parse("redis://h:70000")).hasMessageContaining("port");
    assertThatThrownBy(() -> StoreUrl.parse("redis://h:1,g:2"))
        .hasMessageContaining("redis-cluster://");
    assertThatThrownBy(() -> StoreUrl.parse("redis-cluster://h:1/2"))
        .hasMessageContaining("no database");
    assertThatThrownBy(() -> StoreUrl.parse("redis://h:1/99999")).hasMessageContaining("database");
  }
}
