package io.peershare.index.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a Redis deployment, standalone (with or without TLS) or a Redis Cluster,
 * through Lettuce: commands are pipelined on one connection per node, so many requests in flight
 * share round trips. Commands fail rather than wait when the store is away (a command timeout, and
 * commands refused while disconnected); Lettuce reconnects by itself, so the node recovers when the
 * store comes back. Thread-safe.
 */
public final class RedisStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);

  /**
   * How long one command, and one whole operation (several commands), may take before it fails: the
   * request then gets {@code INTERNAL} within a second. Tests on a loaded machine give more.
   *
   * @param command one command
   * @param operation all the commands of one operation
   */
  public record Timeouts(Duration command, Duration operation) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofMillis(400), Duration.ofMillis(900));
  }

  private static final java.util.regex.Pattern NATIVE_CALL =
      java.util.regex.Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

  /** How long connecting and its handshake may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final StoreUrl url;
  private final Timeouts timeouts;
  private final AtomicBoolean answering = new AtomicBoolean(true);
  private final AbstractRedisClient client;
  private final StatefulConnection<byte[], byte[]> connection;
  private final RedisClusterAsyncCommands<byte[], byte[]> commands;
  private final ThreadLocal<List<RedisCommand<byte[], byte[], ?>>> gathering = new ThreadLocal<>();

  private RedisStore(
      StoreUrl url,
      Timeouts timeouts,
      AbstractRedisClient client,
      StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> commands) {
    this.url = url;
    this.timeouts = timeouts;
    this.client = client;
    this.connection = connection;
    this.commands = commands;
  }

  /**
   * Connects and checks the store answers.
   *
   * @throws StoreException with a one-line reason when it cannot be reached
   */
  public static RedisStore connect(StoreUrl url) {
    return connect(url, Timeouts.DEFAULT);
  }

  /** Connects with other timeouts (tests on a busy machine). */
  public static RedisStore connect(StoreUrl url, Timeouts limits) {
    if (url.kind() == StoreUrl.Kind.MEMORY) {
      throw new IllegalArgumentException("the memory store needs no connection");
    }
    List<RedisURI> uris = url.nodes().stream().map(n -> uri(url, n)).toList();
    SocketOptions socket =
        SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(limits.command());
    AbstractRedisClient client = null;
    // reconnect soon after the store is back (the default backs off to 30 s)
    ClientResources resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(20), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
            .threadFactoryProvider(StoreThreads::new)
            .build();
    try {
      if (url.kind() == StoreUrl.Kind.CLUSTER) {
        RedisClusterClient c = RedisClusterClient.create(resources, uris);
        c.setOptions(
            ClusterClientOptions.builder()
                .socketOptions(socket)
                .timeoutOptions(timeouts)
                .protocolVersion(ProtocolVersion.RESP2)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .topologyRefreshOptions(
                    ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build())
                .build());
        client = c;
        var conn = c.connect(ByteArrayCodec.INSTANCE);
        return checked(new RedisStore(url, limits, c, conn, conn.async()));
      }
      RedisClient c = RedisClient.create(resources, uris.get(0));
      c.setOptions(
          ClientOptions.builder()
              .socketOptions(socket)
              .timeoutOptions(timeouts)
              .protocolVersion(ProtocolVersion.RESP2)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .build());
      client = c;
      var conn = c.connect(ByteArrayCodec.INSTANCE);
      return checked(new RedisStore(url, limits, c, conn, conn.async()));
    } catch (RedisException | StoreException e) {
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      }
      resources.shutdown(0, 1, TimeUnit.SECONDS);
      throw new StoreException("cannot reach the store " + url + ": " + reason(e), e);
    }
  }

  private static RedisStore checked(RedisStore s) {
    s.await(s.commands.ping().toCompletableFuture());
    return s;
  }

  /**
   * Notes how the last operation went: one log line when the store stops answering and one when it
   * answers again, not one per request.
   */
  public void noteOutcome(Throwable failure) {
    boolean failed = failure instanceof StoreException;
    if (failed && answering.compareAndSet(true, false)) {
      log.warn(
          "the store {} does not answer ({}): requests get INTERNAL until it is back",
          url,
          reason(failure));
    } else if (failure == null && answering.compareAndSet(false, true)) {
      log.info("the store {} answers again", url);
    }
  }

  private static RedisURI uri(StoreUrl url, StoreUrl.HostPort n) {
    RedisURI.Builder b =
        RedisURI.builder()
            .withHost(n.host())
            .withPort(n.port())
            .withSsl(url.tls())
            .withTimeout(CONNECT_TIMEOUT); // the handshake; commands have their own timeout
    if (url.kind() == StoreUrl.Kind.STANDALONE) {
      b.withDatabase(url.database());
    }
    if (url.password() != null) {
      if (url.user() != null) {
        b.withAuthentication(url.user(), url.password());
      } else {
        b.withPassword(url.password().toCharArray());
      }
    }
    return b.build();
  }

  /** The deepest message: Lettuce wraps the one that says what happened. */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t.getSuppressed().length > 0) {
      // a cluster's seeds each failed: say why the first did
      return "no node answered (" + reason(t.getSuppressed()[0]) + ")";
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    // Netty's native transport names its system call first: "finishConnect(..) failed with
    // error(-111): Connection refused"; the user needs the last part only
    return NATIVE_CALL.matcher(m.lines().findFirst().get()).replaceFirst("");
  }

  public StoreUrl url() {
    return url;
  }

  public boolean isCluster() {
    return url.kind() == StoreUrl.Kind.CLUSTER;
  }

  /** The async commands; on a cluster each is routed to the node that owns its key. */
  public RedisClusterAsyncCommands<byte[], byte[]> commands() {
    return commands;
  }

  /**
   * From now until {@link #sendGathered}, the commands this thread sends are kept back and then
   * written together with one flush, instead of one write and flush each: a receive batch's first
   * steps leave in one system call (per cluster master), not one per request. Commands already kept
   * back on this thread (a store thread's, see {@link #send}) stay, ahead of the new ones.
   */
  void gather() {
    if (gathering.get() == null) {
      gathering.set(new ArrayList<>());
    }
  }

  /** Sends what {@link #gather} kept back, in order. */
  void sendGathered() {
    List<RedisCommand<byte[], byte[], ?>> gathered = gathering.get();
    gathering.remove();
    if (gathered == null || gathered.isEmpty()) {
      return;
    }
    try {
      connection.dispatch(gathered);
    } catch (RuntimeException e) {
      for (RedisCommand<byte[], byte[], ?> c : gathered) {
        c.completeExceptionally(e); // refused at once, as a single command would be
      }
    }
  }

  /**
   * Sends {@code c}: kept back with the others when this thread gathers. A store thread (where
   * Lettuce completes replies, so where an operation's next step starts) always gathers: the steps
   * started while it reads one batch of replies leave in one write when its loop turns, not one
   * write each. Nothing ever blocks on a store thread, so nothing waits for that turn.
   */
  private <T> CompletableFuture<T> send(AsyncCommand<byte[], byte[], T> c) {
    if (gathering.get() == null && Thread.currentThread() instanceof StoreThread) {
      sendSoon();
    }
    List<RedisCommand<byte[], byte[], ?>> gathered = gathering.get();
    if (gathered != null) {
      gathered.add(c);
      return c;
    }
    try {
      connection.dispatch(c);
    } catch (RuntimeException e) {
      c.completeExceptionally(e);
    }
    return c;
  }

  /**
   * Gathers what this thread sends until the task it is running ends, this thread being a Netty
   * event loop (then one write carries it all). Only for a thread that never waits for what it
   * sends (it would wait for its own next turn).
   */
  private void sendSoon() {
    EventExecutor loop = ThreadExecutorMap.currentExecutor();
    if (loop == null || gathering.get() != null) {
      return;
    }
    gathering.set(new ArrayList<>());
    try {
      loop.execute(this::sendGathered);
    } catch (RejectedExecutionException e) {
      gathering.remove(); // the loop is shutting down: send at once
    }
  }

  /** A command of {@code type} with {@code output}, sent through {@link #send}. */
  private <T> CompletableFuture<T> send(
      CommandType type, CommandOutput<byte[], byte[], T> output, CommandArgs<byte[], byte[]> a) {
    return send(new AsyncCommand<>(new Command<>(type, output, a)));
  }

  private static CommandArgs<byte[], byte[]> args() {
    return new CommandArgs<>(ByteArrayCodec.INSTANCE);
  }

  /** ZADD key 0 member (the listing), sent with the others of this thread's batch. */
  CompletableFuture<Long> zaddZero(byte[] key, byte[] member) {
    return send(
        CommandType.ZADD,
        new IntegerOutput<>(ByteArrayCodec.INSTANCE),
        args().addKey(key).add(0).addValue(member));
  }

  /** SET key value PX millis, sent with the others of this thread's batch. */
  CompletableFuture<String> setPx(byte[] key, byte[] value, long millis) {
    return send(
        CommandType.SET,
        new StatusOutput<>(ByteArrayCodec.INSTANCE),
        args().addKey(key).addValue(value).add("PX").add(millis));
  }

  /**
   * Runs a script with EVALSHA, falling back to EVAL when the server does not know it. On a
   * standalone store the call's bytes are written here, on the calling thread, and Lettuce's event
   * loop copies them out in one go ({@link WrittenCall}).
   */
  <T> CompletableFuture<T> run(Script s, ScriptOutputType type, byte[][] keys, byte[]... args) {
    CompletableFuture<T> first =
        isCluster()
            ? send(
                CommandType.EVALSHA,
                scriptOutput(type),
                args().add(s.sha).add(keys.length).addKeys(keys).addValues(args))
            : send(new AsyncCommand<>(new WrittenCall<>(s, scriptOutput(type), keys, args)));
    return first.exceptionallyCompose(
        e ->
            unwrap(e) instanceof RedisNoScriptException
                ? commands.<T>eval(s.source, type, keys, args).toCompletableFuture()
                : CompletableFuture.failedFuture(e));
  }

  @SuppressWarnings("unchecked")
  private static <T> CommandOutput<byte[], byte[], T> scriptOutput(ScriptOutputType type) {
    CommandOutput<byte[], byte[], ?> out =
        switch (type) {
          case MULTI, OBJECT -> new NestedMultiOutput<>(ByteArrayCodec.INSTANCE);
          case INTEGER -> new IntegerOutput<>(ByteArrayCodec.INSTANCE);
          case STATUS -> new StatusOutput<>(ByteArrayCodec.INSTANCE);
          case BOOLEAN -> new BooleanOutput<>(ByteArrayCodec.INSTANCE);
          case VALUE -> new ValueOutput<>(ByteArrayCodec.INSTANCE);
        };
    return (CommandOutput<byte[], byte[], T>) out;
  }

  /** Lettuce's threads, marked: replies complete here, and nothing here ever blocks. */
  private static final class StoreThread extends FastThreadLocalThread {
    StoreThread(ThreadGroup group, Runnable r, String name) {
      super(group, r, name);
    }
  }

  private static final class StoreThreads extends DefaultThreadFactory {
    StoreThreads(String poolName) {
      super(poolName, true);
    }

    @Override
    protected Thread newThread(Runnable r, String name) {
      return new StoreThread(threadGroup, r, name);
    }
  }

  /** How long one operation may take. */
  public Duration operationTimeout() {
    return timeouts.operation();
  }

  /**
   * Completes {@code f} with {@code value} when it is not done within {@link #operationTimeout}
   * (what {@link CompletableFuture#completeOnTimeout} does), timed by the calling thread's event
   * loop when it runs on one: a node's socket thread applying a batch. The JDK's own timer is a
   * thread of its own (since JDK 25 {@code ForkJoinPool.commonPool-delayScheduler}), which every
   * timeout set and every timeout cancelled wakes: two wake-ups of another thread per batch, on top
   * of the batch's hand-offs to Lettuce and back (docs/benchmarks.md, run P). The loop's timer is a
   * queue the loop reads in its own turns: setting it from the loop wakes nobody, and cancelling it
   * from Lettuce's thread queues the removal lazily. Off an event loop, or on one shutting down,
   * the JDK's timer as before. Returns {@code f}.
   */
  public <T> CompletableFuture<T> completeOnTimeout(CompletableFuture<T> f, T value) {
    long millis = timeouts.operation().toMillis();
    EventExecutor loop = ThreadExecutorMap.currentExecutor();
    if (loop != null && !loop.isShuttingDown() && !f.isDone()) {
      try {
        var timer = loop.schedule(() -> f.complete(value), millis, TimeUnit.MILLISECONDS);
        f.whenComplete((x, e) -> timer.cancel(false));
        return f;
      } catch (RejectedExecutionException e) {
        // shut down in between: the JDK's timer below
      }
    }
    return f.completeOnTimeout(value, millis, TimeUnit.MILLISECONDS);
  }

  /** Waits for {@code f} at most {@link #operationTimeout}; store failures become unchecked. */
  public <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(timeouts.operation().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new StoreException("the store did not answer within " + timeouts.operation(), e);
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted waiting for the store", e);
    }
  }

  static RuntimeException failure(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof StoreException s) {
      return s;
    }
    if (e instanceof RuntimeException r && !(e instanceof RedisException)) {
      return r; // a bug of ours, not the store's: keep it as it is
    }
    return new StoreException("store failure: " + reason(e), e);
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  public boolean isOpen() {
    return connection.isOpen();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
  }
}
