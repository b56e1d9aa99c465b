package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.peershare.index.redis.RedisRegistry;
import io.peershare.index.redis.RedisServers;
import io.peershare.index.redis.RedisStore;
import io.peershare.index.redis.StoreUrl;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch the store does not answer in time is refused with {@code INTERNAL} by the timer of the
 * socket thread that applied it, not by another thread's: the JDK's own timer for {@link
 * java.util.concurrent.CompletableFuture#completeOnTimeout} is a thread of its own, which every
 * batch woke twice (setting the timeout and cancelling it; docs/benchmarks.md, run P).
 */
class RedisBatchTimeoutTest {
  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));

  private final Path dir =
      Path.of("target", "redis", "batch-timeout-" + ProcessHandle.current().pid()).toAbsolutePath();
  private int port;
  private EventLoopGroup loops;

  @BeforeEach
  void start() {
    port = RedisServers.startPrivate(dir, 0);
    loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterEach
  void stop() throws Exception {
    signal("CONT");
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    RedisServers.stop(dir);
  }

  /** Sends {@code sig} (STOP, CONT) to this test's Redis: a store that holds every answer. */
  private void signal(String sig) throws Exception {
    long pid = RedisServers.pid(dir, port);
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    assertThat(p.waitFor()).as("kill -%s %d", sig, pid).isZero();
  }

  @Test
  void aBatchTheStoreHoldsIsRefusedInternalOnTheSocketThreadThatAppliedIt() throws Exception {
    // commands may wait 30 s, an operation 300 ms: the operation's timer is what ends the batch
    RedisStore.Timeouts limits =
        new RedisStore.Timeouts(Duration.ofSeconds(30), Duration.ofMillis(300));
    try (RedisStore store =
        RedisStore.connect(StoreUrl.parse("redis://127.0.0.1:" + port), limits)) {
      RedisRegistry registry =
          new RedisRegistry(store, 60_000, RegistryLimits.defaults(), Long.MAX_VALUE);
      RegistryBatch batch = new RegistryBatch(2);
      for (int i = 0; i < 2; i++) {
        batch.add(
            new Register(i + 1, 7, PeerName.of("mai"), ContentName.of("f" + i), 4000, 1, D),
            InetAddress.getLoopbackAddress());
      }
      EventLoop loop = loops.next();
      Thread socketThread = loop.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
      signal("STOP");
      CompletableFuture<Thread> endedOn = new CompletableFuture<>();
      loop.execute(
          () ->
              registry
                  .apply(batch, System.currentTimeMillis())
                  .whenComplete((x, e) -> endedOn.complete(Thread.currentThread())));
      // the bound of a broken test, not a timing assertion
      assertThat(endedOn.get(20, TimeUnit.SECONDS)).isSameAs(socketThread);
      for (int i = 0; i < 2; i++) {
        assertThat(batch.outcome(i))
            .isInstanceOfSatisfying(
                RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
      }
      signal("CONT");
      // and the store, answering again, takes the next batch
      batch.clear();
      batch.add(
          new Register(3, 7, PeerName.of("mai"), ContentName.of("g"), 4000, 1, D),
          InetAddress.getLoopbackAddress());
      CompletableFuture<Void> next = new CompletableFuture<>();
      loop.execute(
          () ->
              registry
                  .apply(batch, System.currentTimeMillis())
                  .whenComplete((x, e) -> next.complete(null)));
      next.get(20, TimeUnit.SECONDS);
      assertThat(RegistryBatch.isDone(batch.outcome(0))).isTrue();
    }
  }
}
