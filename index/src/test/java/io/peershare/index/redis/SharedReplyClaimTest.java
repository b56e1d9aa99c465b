package io.peershare.index.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.RegistryLimits;
import io.peershare.index.SharedReplies;
import io.peershare.index.TestServers;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage.Deregister;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shared-reply claim of one datagram as three nodes see it, step by step: a node giving up a
 * claim that has meanwhile expired and been taken by another node must leave the other's claim in
 * place, or a retransmission through a third node would act a second time while the second node is
 * still at it.
 */
class SharedReplyClaimTest {
  private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 5000);
  private static final Deregister T = new Deregister(7, 0, PeerName.of("mai"), ContentName.of("a"));
  private static final byte[] BYTES = IndexCodec.encode(T);

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void aLateReleaseLeavesTheClaimAnotherNodeMadeSince(TestServers kind) throws Exception {
    RedisStore store = kind.emptyStore();
    RedisRegistry registry = new RedisRegistry(store, 90_000, RegistryLimits.defaults());
    RedisReplies a = new RedisReplies(store);
    RedisReplies b = new RedisReplies(store);
    RedisReplies c = new RedisReplies(store);

    RedisReplies.Ticket ta = ticket(a);
    assertThat(acts(registry, ta)).isTrue();
    // A is slow: its claim runs out (as its PX would make it), and B takes the retransmission
    store.await(store.commands().del(ta.key()).toCompletableFuture());
    RedisReplies.Ticket tb = ticket(b);
    assertThat(acts(registry, tb)).isTrue();
    // A fails at last and gives its claim up: B's must stay, so C, seeing the datagram again,
    // leaves it to B
    store.await(a.releaseAsync(ta));
    assertThat(acts(registry, ticket(c))).isFalse();
    // B gives up: now the datagram is free again
    store.await(b.releaseAsync(tb));
    assertThat(acts(registry, ticket(c))).isTrue();
  }

  private static RedisReplies.Ticket ticket(RedisReplies node) {
    return (RedisReplies.Ticket) node.ticket(FROM, T, BYTES, 0, BYTES.length);
  }

  /** Whether the node holding {@code ticket} claims the T and acts, or leaves it to another. */
  private static boolean acts(RedisRegistry registry, RedisReplies.Ticket ticket) throws Exception {
    try {
      registry
          .store()
          .await(
              registry.firstStep(
                  Script.DEREGISTER,
                  Keys.contentKeys(Keys.utf8("a")),
                  ticket,
                  Keys.utf8("mai"),
                  InetAddress.getLoopbackAddress().getAddress()));
      return true;
    } catch (RedisRegistry.AnsweredElsewhere e) {
      assertThat(e.reply).isSameAs(SharedReplies.IN_PROGRESS);
      return false;
    }
  }
}
