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

  @Test
  void aContentHasARotationQueueOnlyWhileItHasTwoProvidersOrMore() throws Exception {
    queueFollowsProviders(store, newRegistry(90_000, RegistryLimits.defaults()));
  }

  /**
   * A content with one provider has no rotation queue (a key fewer per content); the second
   * provider makes it, in rotation order, and it goes when one is left again, by {@code T} or by
   * expiry. S, T, expiry and O's provider counts hold through every transition 1, 2, 1, 2, 1, 0.
   */
  static void queueFollowsProviders(RedisStore store, Registry reg) throws Exception {
    Digest d = Digest.sha256(new byte[] {7});
    InetAddress one = InetAddress.getByName("10.0.0.1");
    InetAddress two = InetAddress.getByName("10.0.0.2");
    ContentName x = ContentName.of("x");
    byte[] q = Keys.queue(Keys.utf8("x"));
    reg.register(PeerName.of("mai"), one, x, 4000, 1, d, 0);
    assertThat(queue(store, q)).as("one provider: no queue").isEmpty();
    assertThat(fields(store, "x")).as("nor a rotation counter").containsExactly("\0m", "mai");
    assertThat(rotation(reg, x, 1, 2)).containsExactly("mai", "mai");
    assertThat(listed(reg)).containsExactly("x 1");
    // 1 -> 2: the queue holds both, the first provider at the front
    reg.register(PeerName.of("bo"), two, x, 4000, 1, d, 1_000);
    assertThat(queue(store, q)).containsExactly("mai", "bo");
    assertThat(fields(store, "x")).containsExactlyInAnyOrder("\0m", "\0s", "mai", "bo");
    assertThat(rotation(reg, x, 1, 3)).containsExactly("mai", "bo", "mai");
    assertThat(listed(reg)).containsExactly("x 2");
    // 2 -> 1 by T: no queue again; the one left is served
    reg.deregister(PeerName.of("bo"), two, x, 2_000);
    assertThat(queue(store, q)).isEmpty();
    assertThat(rotation(reg, x, 2, 2)).containsExactly("mai", "mai");
    assertThat(listed(reg)).containsExactly("x 1");
    // 1 -> 2 again, then 2 -> 1 by expiry (mai's lease runs out first)
    reg.register(PeerName.of("bo"), two, x, 4000, 1, d, 30_000);
    assertThat(queue(store, q)).hasSize(2);
    // bo comes back behind mai, as a new provider does
    assertThat(rotation(reg, x, 2, 2)).containsExactly("mai", "bo", "mai", "bo");
    assertThat(reg.expire(90_000)).isEqualTo(1);
    assertThat(queue(store, q)).isEmpty();
    assertThat(rotation(reg, x, 2, 2)).containsExactly("bo", "bo");
    assertThat(listed(reg)).containsExactly("x 1");
    // 1 -> 0: the content and its name go
    reg.deregister(PeerName.of("bo"), two, x, 91_000);
    assertThat(queue(store, q)).isEmpty();
    assertThat(
            store.await(
                store.commands().exists(Keys.contentHash(Keys.utf8("x"))).toCompletableFuture()))
        .isZero();
    assertThat(listed(reg)).isEmpty();
    // a store written by the layout before: a content with one provider has a queue of one; it is
    // served, and goes whole with its provider
    ContentName y = ContentName.of("y");
    byte[] qy = Keys.queue(Keys.utf8("y"));
    reg.register(PeerName.of("mai"), one, y, 4000, 1, d, 92_000);
    store.await(store.commands().zadd(qy, 1, Keys.utf8("mai")).toCompletableFuture());
    assertThat(rotation(reg, y, 2, 2)).containsExactly("mai", "mai");
    reg.deregister(PeerName.of("mai"), one, y, 93_000);
    assertThat(store.await(store.commands().exists(qy).toCompletableFuture())).isZero();
    assertThat(listed(reg)).isEmpty();
  }

  /** The fields of a content's hash, in its order, as Latin-1 text. */
  private static List<String> fields(RedisStore store, String content) {
    return store
        .await(store.commands().hkeys(Keys.contentHash(Keys.utf8(content))).toCompletableFuture())
        .stream()
        .map(b -> new String(b, java.nio.charset.StandardCharsets.ISO_8859_1))
        .toList();
  }

  private static List<String> queue(RedisStore store, byte[] q) {
    return store.await(store.commands().zrange(q, 0, -1).toCompletableFuture()).stream()
        .map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8))
        .toList();
  }

  /** {@code times} S with {@code max} providers each: the peers in the order they came. */
  private static List<String> rotation(Registry reg, ContentName c, int max, int times)
      throws RegistryException {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < times; i++) {
      reg.locate(c, max, 0).providers().forEach(p -> out.add(p.peer().toString()));
    }
    return out;
  }

  private static List<String> listed(Registry reg) {
    return reg.list("", "", 1192, 255, 0).entries().stream()
        .map(e -> e.content() + " " + e.providers())
        .toList();
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
