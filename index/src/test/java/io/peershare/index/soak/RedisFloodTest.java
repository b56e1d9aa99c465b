package io.peershare.index.soak;

import io.peershare.index.TestServers;

/** {@link FloodTest} with the registry, cookie secrets and replies in Redis. */
class RedisFloodTest extends FloodTest {
  @Override
  TestServers store() {
    return TestServers.REDIS;
  }
}
