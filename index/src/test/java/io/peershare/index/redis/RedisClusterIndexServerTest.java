package io.peershare.index.redis;

import io.peershare.index.IndexServerTest;
import io.peershare.index.TestServers;

/** Every server test, with the registry in a 3-master Redis Cluster. */
class RedisClusterIndexServerTest extends IndexServerTest {
  @Override
  protected TestServers store() {
    return TestServers.REDIS_CLUSTER;
  }
}
