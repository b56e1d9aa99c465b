package io.peershare.index.tracker;

import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
import io.peershare.index.IndexServer;
import io.peershare.index.udp.UdpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BitTorrent UDP tracker (BEP 15) on a port of its own, over the same {@link UdpTransport} as
 * the index: on Linux, {@code threads} sockets on the port ({@code SO_REUSEPORT}, native epoll,
 * {@code recvmmsg}/{@code sendmmsg} per batch), each with its own thread and {@link
 * TrackerHandler}; the swarm store, the connection-id secret and the per-address rate limit are
 * shared, the store under one lock taken once per batch. Silent peers are expired in slices between
 * batches and at least once a second.
 *
 * <pre>{@code
 * try (TrackerServer t = new TrackerServer(TrackerServer.Config.defaults().withPort(0)).start()) {
 *   InetSocketAddress at = t.localAddress();
 * }
 * }</pre>
 */
public final class TrackerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrackerServer.class);

  /**
   * How the tracker runs.
   *
   * @param port UDP port, 0 for any free one
   * @param bind local address; the IPv6 wildcard {@code ::} (the default) also takes IPv4
   * @param intervalSeconds the announce interval told to clients; silent peers go after twice that
   * @param limits swarms and peers held at most
   * @param ratePerSecond requests per second each source IP may make (0: no limit)
   * @param clock time for connection ids and expiry
   * @param threads sockets and threads serving the port (the NIO fallback uses one)
   * @param nativeTransport false forces the Java NIO fallback even where epoll is available
   */
  public record Config(
      int port,
      InetAddress bind,
      int intervalSeconds,
      SwarmLimits limits,
      long ratePerSecond,
      Clock clock,
      int threads,
      boolean nativeTransport) {
    public static final int DEFAULT_INTERVAL = 1800;

    /** The shortest interval: also keeps our replies from reading as requests (see the docs). */
    public static final int MIN_INTERVAL = 10;

    public Config {
      if (port < 0 || port > 0xffff) {
        throw new IllegalArgumentException("port must be 0-65535");
      }
      Objects.requireNonNull(bind);
      if (intervalSeconds < MIN_INTERVAL || intervalSeconds > 86_400) {
        throw new IllegalArgumentException("interval must be 10-86400 seconds");
      }
      Objects.requireNonNull(limits);
      Objects.requireNonNull(clock);
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("threads must be 1-256");
      }
    }

    /**
     * A free port on every address (IPv6 and IPv4, as the index), 1800 s interval, default limits,
     * the system clock, one thread, the native transport where there is one.
     */
    public static Config defaults() {
      return new Config(
          0,
          IndexServer.Config.ANY,
          DEFAULT_INTERVAL,
          SwarmLimits.defaults(),
          AddressRateLimiter.DEFAULT_PER_SECOND,
          Clock.systemUTC(),
          1,
          true);
    }

    public Config withPort(int p) {
      return new Config(
          p, bind, intervalSeconds, limits, ratePerSecond, clock, threads, nativeTransport);
    }

    public Config withBind(InetAddress b) {
      return new Config(
          port, b, intervalSeconds, limits, ratePerSecond, clock, threads, nativeTransport);
    }

    public Config withInterval(int seconds) {
      return new Config(
          port, bind, seconds, limits, ratePerSecond, clock, threads, nativeTransport);
    }

    public Config withLimits(SwarmLimits l) {
      return new Config(
          port, bind, intervalSeconds, l, ratePerSecond, clock, threads, nativeTransport);
    }

    public Config withRatePerSecond(long r) {
      return new Config(port, bind, intervalSeconds, limits, r, clock, threads, nativeTransport);
    }

    public Config withClock(Clock c) {
      return new Config(
          port, bind, intervalSeconds, limits, ratePerSecond, c, threads, nativeTransport);
    }

    public Config withThreads(int t) {
      return new Config(
          port, bind, intervalSeconds, limits, ratePerSecond, clock, t, nativeTransport);
    }

    public Config withNativeTransport(boolean n) {
      return new Config(port, bind, intervalSeconds, limits, ratePerSecond, clock, threads, n);
    }
  }

  private final Config config;
  private final SwarmStore store;
  private final CookieJar connectionIds;
  private final ReentrantLock storeLock = new ReentrantLock();
  private UdpTransport transport;
  private boolean closed;

  /** A tracker over fresh in-memory swarms. */
  public TrackerServer(Config config) {
    this(
        config,
        new MemorySwarmStore(
            2_000L * config.intervalSeconds(), config.limits(), new SplittableRandom()));
  }

  /** A tracker over {@code store}, which it alone uses from now on. */
  public TrackerServer(Config config, SwarmStore store) {
    this(config, store, new CookieJar(new SecureRandom()));
  }

  /**
   * A tracker over {@code store} whose connection ids come from {@code connectionIds}: trackers
   * sharing one store share the secret too, so an id from any of them is good on all.
   */
  public TrackerServer(Config config, SwarmStore store, CookieJar connectionIds) {
    this.config = config;
    this.store = store;
    this.connectionIds = connectionIds;
  }

  /** Binds the socket(s) and starts the threads; returns this. */
  public synchronized TrackerServer start() throws IOException {
    if (transport != null || closed) {
      throw new IllegalStateException("already started");
    }
    AddressRateLimiter limiter =
        new AddressRateLimiter(config.ratePerSecond(), AddressRateLimiter.DEFAULT_MAX_SOURCES);
    UdpTransport.Options options =
        new UdpTransport.Options(
            config.bind(),
            config.port(),
            config.threads(),
            TrackerHandler.MAX_REQUEST,
            config.nativeTransport(),
            "bittorrent-tracker");
    transport =
        UdpTransport.start(
            options,
            socket ->
                new TrackerHandler(
                    store,
                    storeLock,
                    connectionIds,
                    limiter,
                    config.intervalSeconds(),
                    config.clock()));
    log.info(
        "bittorrent tracker listening on {} (announce URL udp://HOST:{}/announce),"
            + " interval {} s; transport: {}",
        transport.where(),
        transport.localAddress().getPort(),
        config.intervalSeconds(),
        transport.describe());
    return this;
  }

  /** Where the tracker listens (the real port when started on port 0). */
  public synchronized InetSocketAddress localAddress() {
    if (transport == null) {
      throw new IllegalStateException("the tracker is not started");
    }
    return transport.localAddress();
  }

  /** Sockets (and threads) serving. */
  public synchronized int threads() {
    if (transport == null) {
      throw new IllegalStateException("the tracker is not started");
    }
    return transport.sockets();
  }

  /** Swarms, seeders and leechers right now. */
  public SwarmStore.Totals totals() {
    storeLock.lock();
    try {
      return store.totals();
    } finally {
      storeLock.unlock();
    }
  }

  /** Stops serving, closes the sockets and waits for the threads. Idempotent. */
  @Override
  public void close() {
    UdpTransport t;
    synchronized (this) {
      if (transport == null || closed) {
        closed = true;
        return;
      }
      closed = true;
      t = transport;
    }
    t.close();
    log.info("bittorrent tracker on udp port {} stopped", t.localAddress().getPort());
  }
}
