package io.peershare.index.soak;

import io.peershare.index.TestServers;

/** {@link SpoofingTest} with the registry, cookie secrets and replies in Redis. */
class RedisSpoofingTest extends SpoofingTest {
  @Override
  TestServers store() {
    return TestServers.REDIS;
  }
}
