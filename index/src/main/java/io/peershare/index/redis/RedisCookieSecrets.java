package io.peershare.index.redis;

import io.lettuce.core.SetArgs;
import io.peershare.index.CookieJar;
import io.peershare.index.CookieSecrets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cookie secrets kept in the store, one key per epoch ({@code ps:cookie:EPOCH}), so every node
 * issues and accepts the same cookies. The first node to need an epoch's secret proposes a random
 * one with {@code SET NX}; everyone then reads what won. The key lives three epochs, long past the
 * last cookie made with it.
 *
 * <p>The store may be away when a secret is needed: the node then uses a random one of its own (its
 * cookies work on it alone meanwhile, and nothing else works without the store anyway) and proposes
 * it again on every {@link #secret} call after {@link #RECHECK}: once the store answers, all nodes
 * settle on the one secret there. The same recheck heals a store that restarted empty while nodes
 * kept secrets in memory: the first to propose wins, the rest adopt it, and their clients fetch new
 * cookies after one {@code BAD_COOKIE}. Thread-safe.
 */
public final class RedisCookieSecrets implements CookieSecrets {
  private static final Logger log = LoggerFactory.getLogger(RedisCookieSecrets.class);

  /** How often a node compares its secrets with the store's. */
  static final Duration RECHECK = Duration.ofSeconds(5);

  private static final long KEEP_MILLIS =
      3 * CookieJar.BUCKET_MILLIS * 60; // three epochs of 60 buckets

  private record Known(byte[] secret, long checkedAt, CompletableFuture<byte[]> inFlight) {}

  private final RedisStore store;
  private final SecureRandom random = new SecureRandom();
  private final Map<Long, Known> known = new ConcurrentHashMap<>();

  private final String prefix;

  public RedisCookieSecrets(RedisStore store) {
    this(store, "ps:cookie:");
  }

  /** Secrets under keys {@code prefix + epoch}: the tracker's connection ids have their own. */
  public RedisCookieSecrets(RedisStore store, String prefix) {
    this.store = store;
    this.prefix = prefix;
  }

  @Override
  public byte[] secret(long epoch) {
    long now = System.nanoTime();
    Known k = known.get(epoch);
    if (k == null) {
      byte[] mine = new byte[CookieSecrets.LENGTH];
      random.nextBytes(mine);
      byte[] agreed = agree(epoch, mine);
      known.put(epoch, new Known(agreed, now, null));
      known.keySet().removeIf(e -> e < epoch - 2);
      return agreed;
    }
    if (k.inFlight() != null && k.inFlight().isDone()) {
      byte[] agreed = k.inFlight().getNow(k.secret());
      known.put(epoch, new Known(agreed, now, null));
      return agreed;
    }
    if (k.inFlight() == null && now - k.checkedAt() > RECHECK.toNanos()) {
      // ask without waiting: the answer is taken at the next call
      CompletableFuture<byte[]> f =
          propose(epoch, k.secret()).exceptionally(e -> k.secret()).toCompletableFuture();
      known.put(epoch, new Known(k.secret(), now, f));
    }
    return k.secret();
  }

  /** Proposes {@code mine} and returns what the store holds; {@code mine} when it is away. */
  private byte[] agree(long epoch, byte[] mine) {
    try {
      return propose(epoch, mine).get(store.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn(
          "cookie secret: the store did not answer ({}); using one of this node's own for now",
          RedisStore.reason(e));
      return mine;
    }
  }

  private CompletableFuture<byte[]> propose(long epoch, byte[] mine) {
    byte[] key = Keys.ascii(prefix + epoch);
    return store
        .commands()
        .set(key, mine, SetArgs.Builder.nx().px(KEEP_MILLIS))
        .toCompletableFuture()
        .thenCompose(ok -> store.commands().get(key).toCompletableFuture())
        .thenApply(v -> v == null || v.length != CookieSecrets.LENGTH ? mine : v);
  }
}
