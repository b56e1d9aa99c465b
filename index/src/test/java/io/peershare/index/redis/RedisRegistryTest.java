package io.peershare.index.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ScriptOutputType;
import io.peershare.index.Registry;
import io.peershare.index.RegistryContractTest;
import io.peershare.index.RegistryException;
import io.peershare.index.RegistryLimits;
import io.peershare.index.TestServers;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry contract against a standalone Redis. */
class RedisRegistryTest extends RegistryContractTest {
  private static RedisStore store;

  static RedisStore fresh(RedisStore s) {
    s.await(s.commands().flushall().toCompletableFuture());
    return s;
  }

  @Test
  void aNameWhoseRegistrationsAreBeingRemovedIsFreeForAnotherAddress() throws Exception {
    RedisRegistry reg = (RedisRegistry) newRegistry(90_000, RegistryLimits.defaults());
    Digest d = Digest.sha256(new byte[] {1});
    InetAddress one = InetAddress.getByName("10.0.0.1");
    InetAddress two = InetAddress.getByName("10.0.0.2");
    reg.register(PeerName.of("mai"), one, ContentName.of("a"), 4000, 1, d, 0);
    // a Q whose node died after its first step: the registration is a tombstone, not yet gone
    List<Object> tombs =
        store.await(
            store.<List<Object>>run(
                Script.QUIT,
                ScriptOutputType.MULTI,
                Keys.peerKeys(Keys.utf8("mai")),
                Keys.utf8("mai"),
                one.getAddress(),
                Keys.ascii("1")));
    assertThat(tombs).hasSize(3); // OK, then the one tombstone: content and stamp
    reg.register(PeerName.of("mai"), two, ContentName.of("b"), 4000, 1, d, 2);
    assertThat(reg.locate(ContentName.of("b"), 16, 2).providers())
        .extracting(p -> p.address())
        .containsExactly(two);
    assertThatThrownByCode(() -> reg.locate(ContentName.of("a"), 16, 2), ErrorCode.NOT_FOUND);
    assertThat(reg.size()).isEqualTo(1);
  }

  @Test
  void aStoreThatForgotItsScriptsStillListsWhatIsRegistered() throws Exception {
    RedisRegistry reg = (RedisRegistry) newRegistry(90_000, RegistryLimits.defaults());
    Digest d = Digest.sha256(new byte[] {2});
    InetAddress ip = InetAddress.getByName("10.0.0.3");
    reg.register(PeerName.of("lin"), ip, ContentName.of("first"), 4000, 1, d, 0);
    // as after a restart: the steps come back NOSCRIPT and are sent again with EVAL, the content
    // step with the listing in it
    store.await(store.commands().scriptFlush().toCompletableFuture());
    reg.register(PeerName.of("lin"), ip, ContentName.of("second"), 4000, 1, d, 0);
    assertThat(reg.list("", "", 1192, 255, 0).entries())
        .extracting(e -> e.content().toString())
        .containsExactly("first", "second");
    assertThat(reg.locate(ContentName.of("second"), 16, 0).providers()).hasSize(1);
  }

  private static void assertThatThrownByCode(ThrowingCall call, ErrorCode code) {
    try {
      call.run();
    } catch (RegistryException e) {
      assertThat(e.code()).isEqualTo(code);
      return;
    }
    throw new AssertionError("expected " + code);
  }

  interface ThrowingCall {
    void run() throws RegistryException;
  }

  @Override
  protected Registry newRegistry(long lease, RegistryLimits limits) {
    if (store == null) {
      store = TestServers.REDIS.store();
    }
    return new RedisRegistry(fresh(store), lease, limits, 0); // exact expiry, as the contract asks
  }
}
