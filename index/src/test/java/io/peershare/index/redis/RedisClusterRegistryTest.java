package io.peershare.index.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.peershare.index.Registry;
import io.peershare.index.RegistryContractTest;
import io.peershare.index.RegistryLimits;
import io.peershare.index.TestServers;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The registry contract against a 3-master Redis Cluster. */
class RedisClusterRegistryTest extends RegistryContractTest {
  private static RedisStore store;

  @Override
  protected Registry newRegistry(long lease, RegistryLimits limits) {
    if (store == null) {
      store = TestServers.REDIS_CLUSTER.store();
    }
    return new RedisRegistry(RedisRegistryTest.fresh(store), lease, limits, 0);
  }

  @Test
  void aContentHasARotationQueueOnlyWhileItHasTwoProvidersOrMore() throws Exception {
    Registry reg = newRegistry(90_000, RegistryLimits.defaults());
    RedisRegistryTest.queueFollowsProviders(store, reg);
  }

  @Test
  void theDataSpreadsOverEveryMaster() throws Exception {
    Registry reg = newRegistry(90_000, RegistryLimits.defaults());
    Digest d = Digest.sha256(new byte[] {1});
    for (int i = 0; i < 300; i++) {
      reg.register(
          PeerName.of("peer-" + (i / 3)),
          InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) (i / 3)}),
          ContentName.of("content-" + i),
          4000,
          1,
          d,
          0);
    }
    var cluster = (RedisAdvancedClusterAsyncCommands<byte[], byte[]>) store.commands();
    List<Long> keysPerMaster =
        cluster.upstream().commands().dbsize().toCompletableFuture().get(5, TimeUnit.SECONDS);
    System.out.println("[cluster] keys per master after 300 registrations: " + keysPerMaster);
    assertThat(keysPerMaster).hasSize(3);
    long total = keysPerMaster.stream().mapToLong(Long::longValue).sum();
    // 300 contents x 2 keys, 100 peers, 64 buckets x up to 2, the listing: about a third each
    assertThat(keysPerMaster).allSatisfy(n -> assertThat(n).isGreaterThan(total / 5));
  }
}
