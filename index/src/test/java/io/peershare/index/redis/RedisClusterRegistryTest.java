package io.peershare.index.redis;

import io.peershare.index.Registry;
import io.peershare.index.RegistryContractTest;
import io.peershare.index.RegistryLimits;
import org.junit.jupiter.api.AfterAll;

/** The registry contract against a 3-master Redis Cluster. */
class RedisClusterRegistryTest extends RegistryContractTest {
  private static RedisStore store;

  @Override
  protected Registry newRegistry(long lease, RegistryLimits limits) {
    if (store == null) {
      store = RedisStore.connect(RedisServers.cluster());
    }
    return new RedisRegistry(RedisRegistryTest.fresh(store), lease, limits, 0);
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.close();
      store = null;
    }
  }
}
