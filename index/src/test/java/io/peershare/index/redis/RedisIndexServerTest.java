package io.peershare.index.redis;

import io.peershare.index.IndexServerTest;
import io.peershare.index.TestServers;

/** Every server test, with the registry in a standalone Redis. */
class RedisIndexServerTest extends IndexServerTest {
  @Override
  protected TestServers store() {
    return TestServers.REDIS;
  }
}
