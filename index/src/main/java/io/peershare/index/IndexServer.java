package io.peershare.index;

import io.peershare.index.udp.UdpTransport;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index server: the index protocol ({@link DatagramHandler}) over a {@link UdpTransport}, in
 * front of a {@link Registry}.
 *
 * <p>Threads: {@code threads} sockets on one port (epoll, {@code SO_REUSEPORT}), each with its own
 * handler and reply cache, served by one thread until that thread is busy and a core is free, then
 * each by its own ({@link io.peershare.index.udp.UdpTransport}); the kernel sends each source
 * address and port to one socket, so a client's requests are answered in order and its
 * retransmissions meet its reply cache. The registry, the cookie secret and the per-address rate
 * limit are shared. Each thread reads a batch ({@code recvmmsg}), answers what needs no registry
 * (H, errors, cached replies), hands the rest to the registry as one batch, and sends all replies
 * with one {@code sendmmsg}. Between batches it sweeps due leases in bounded slices. Without the
 * native transport: Java NIO, one thread.
 *
 * <pre>{@code
 * try (IndexServer server = new IndexServer(IndexServer.Config.defaults().withPort(0)).start()) {
 *   InetSocketAddress at = server.localAddress();
 * }
 * }</pre>
 */
public final class IndexServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IndexServer.class);

  /** Reply cache memory for the whole server, shared out among the threads: R, T, Q, K. */
  static final int LONG_REPLIES_BYTES = 32 << 20;

  /** Reply cache memory for S, O and H replies. */
  static final int SHORT_REPLIES_BYTES = 32 << 20;

  /**
   * How the server runs.
   *
   * @param port UDP port, 0 for any free one
   * @param bind local address; replies leave from it, so bind the address peers are given on a host
   *     with several
   * @param lease how long a registration lives without R or K (whole seconds)
   * @param limits registrations per peer and in total
   * @param ratePerSecond requests per second each source IP may make (0: no limit)
   * @param clock time for leases, cookies and the reply cache
   * @param threads sockets and threads serving the port (the NIO fallback uses one)
   * @param nativeTransport false forces the Java NIO fallback even where epoll is available
   * @param events told of every request's outcome (metrics); {@link IndexEvents#NONE} by default
   */
  public record Config(
      int port,
      InetAddress bind,
      Duration lease,
      RegistryLimits limits,
      long ratePerSecond,
      Clock clock,
      int threads,
      boolean nativeTransport,
      IndexEvents events) {
    public static final int DEFAULT_PORT = 3000;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(90);

    public Config {
      if (port < 0 || port > 0xffff) {
        throw new IllegalArgumentException("port must be 0-65535");
      }
      Objects.requireNonNull(bind);
      if (lease.toSeconds() < 1 || lease.toSeconds() > 0xffff_ffffL) {
        throw new IllegalArgumentException("lease must be at least a second");
      }
      Objects.requireNonNull(limits);
      Objects.requireNonNull(clock);
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("threads must be 1-256");
      }
      Objects.requireNonNull(events);
    }

    /**
     * Every local address, IPv6 and IPv4 ({@code ::}, dual stack; {@code 0.0.0.0} where there is no
     * IPv6).
     */
    public static final InetAddress ANY = anyAddress();

    private static InetAddress anyAddress() {
      try {
        return InetAddress.getByAddress(new byte[16]);
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError("16 bytes are an IPv6 address", e);
      }
    }

    /**
     * Port 3000 on every address, 90 s leases, the default limits, the system clock, one thread
     * (the command line gives one per core), the native transport where there is one.
     */
    public static Config defaults() {
      return new Config(
          DEFAULT_PORT,
          ANY,
          DEFAULT_LEASE,
          RegistryLimits.defaults(),
          AddressRateLimiter.DEFAULT_PER_SECOND,
          Clock.systemUTC(),
          1,
          true,
          IndexEvents.NONE);
    }

    /**
     * The defaults on a free port of the loopback address: an index for tests, benchmarks and a
     * process that should not be reachable from other hosts.
     */
    public static Config loopback() {
      return defaults().withPort(0).withBind(InetAddress.getLoopbackAddress());
    }

    public Config withPort(int p) {
      return new Config(
          p, bind, lease, limits, ratePerSecond, clock, threads, nativeTransport, events);
    }

    public Config withBind(InetAddress b) {
      return new Config(
          port, b, lease, limits, ratePerSecond, clock, threads, nativeTransport, events);
    }

    public Config withLease(Duration l) {
      return new Config(
          port, bind, l, limits, ratePerSecond, clock, threads, nativeTransport, events);
    }

    public Config withLimits(RegistryLimits l) {
      return new Config(
          port, bind, lease, l, ratePerSecond, clock, threads, nativeTransport, events);
    }

    public Config withRatePerSecond(long r) {
      return new Config(port, bind, lease, limits, r, clock, threads, nativeTransport, events);
    }

    public Config withClock(Clock c) {
      return new Config(
          port, bind, lease, limits, ratePerSecond, c, threads, nativeTransport, events);
    }

    public Config withThreads(int t) {
      return new Config(
          port, bind, lease, limits, ratePerSecond, clock, t, nativeTransport, events);
    }

    public Config withNativeTransport(boolean n) {
      return new Config(port, bind, lease, limits, ratePerSecond, clock, threads, n, events);
    }

    public Config withEvents(IndexEvents e) {
      return new Config(
          port, bind, lease, limits, ratePerSecond, clock, threads, nativeTransport, e);
    }
  }

  /**
   * How long a socket thread of a node on a shared store polls before it sleeps (see {@link
   * UdpTransport#DEFAULT_SPIN_MICROS}): 0 by default, {@code -Dpeershare.udp.storeSpinMicros=N}
   * sets it. Measured in docs/benchmarks.md (registry in Redis, run M).
   */
  static final int STORE_SPIN_MICROS =
      Math.clamp(Integer.getInteger("peershare.udp.storeSpinMicros", 0), 0, 1_000_000);

  private final Config config;
  private final Registry registry;
  private final CookieSecrets secrets;
  private final SharedReplies shared;
  private UdpTransport transport;
  private boolean closed;

  /** A server over a fresh in-memory registry. */
  public IndexServer(Config config) {
    this(config, new MemoryRegistry(config.lease().toSeconds() * 1000, config.limits()));
  }

  /**
   * A server over {@code registry} (another store, or one filled beforehand), whose lease then
   * counts instead of the config's.
   */
  public IndexServer(Config config, Registry registry) {
    this(config, registry, null, null);
  }

  /**
   * A server that is one node of a shared registry: cookie secrets and mutation replies shared with
   * the other nodes ({@code secrets} null: this node's own; {@code shared} null: none).
   */
  public IndexServer(
      Config config, Registry registry, CookieSecrets secrets, SharedReplies shared) {
    this.config = config;
    this.registry = registry;
    this.secrets = secrets;
    this.shared = shared;
  }

  /** The registry this server answers from (for counts and health, read off the request path). */
  public Registry registry() {
    return registry;
  }

  /** Binds the socket(s) and starts the threads; returns this. */
  public synchronized IndexServer start() throws IOException {
    if (transport != null || closed) {
      throw new IllegalStateException("already started");
    }
    CookieJar cookies =
        secrets == null ? new CookieJar(new SecureRandom()) : new CookieJar(secrets);
    AddressRateLimiter limiter =
        new AddressRateLimiter(config.ratePerSecond(), AddressRateLimiter.DEFAULT_MAX_SOURCES);
    int threads = config.threads();
    UdpTransport.Options options =
        new UdpTransport.Options(
            config.bind(),
            config.port(),
            threads,
            IndexMessage.MAX_DATAGRAM,
            config.nativeTransport(),
            "index");
    if (shared != null) {
      // a node of a shared store: its thread waits for the store through most of a batch, and a
      // poll there (nothing to read until the store answers) takes the cores Redis needs
      options = options.withSpinMicros(STORE_SPIN_MICROS);
    }
    transport = startTransport(options, registry, cookies, limiter, threads);
    InetSocketAddress at = transport.localAddress();
    answerOneHello(at);
    log.info(
        "index server listening on {}, lease {} s; transport: {}",
        transport.where(),
        registry.leaseMillis() / 1000,
        transport.describe());
    return this;
  }

  private UdpTransport startTransport(
      UdpTransport.Options options,
      Registry registry,
      CookieJar cookies,
      AddressRateLimiter limiter,
      int threads)
      throws IOException {
    return UdpTransport.start(
        options,
        socket ->
            new DatagramHandler(
                registry,
                cookies,
                new ReplyCache(LONG_REPLIES_BYTES / threads, SHORT_REPLIES_BYTES / threads),
                limiter,
                config.clock(),
                config.events(),
                shared));
  }

  /**
   * Sends one {@code H} to the new server and waits (at most a few seconds) for its {@code Y}, so
   * that {@code start} returns a server that has answered: the first request loads and compiles the
   * whole path (Netty's pipeline and buffers, the handler, the cookie's secret), which on a busy
   * machine took longer than a client's first retransmission timeout. Only logged if it fails: a
   * host may filter its own loopback.
   */
  private static void answerOneHello(InetSocketAddress at) {
    InetAddress to = at.getAddress();
    if (to.isAnyLocalAddress()) {
      to = to instanceof java.net.Inet4Address ? InetAddress.getLoopbackAddress() : loopback6();
    }
    byte[] h = IndexCodec.encode(new IndexMessage.Hello(0));
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(250);
      for (int tries = 0; tries < 20; tries++) {
        s.send(new DatagramPacket(h, h.length, new InetSocketAddress(to, at.getPort())));
        try {
          s.receive(new DatagramPacket(new byte[64], 64));
          return;
        } catch (SocketTimeoutException e) {
          // not yet: again
        }
      }
      log.debug("the index server at {} did not answer its own H", at);
    } catch (IOException e) {
      log.debug("could not send the index server its own H", e);
    }
  }

  private static InetAddress loopback6() {
    try {
      return InetAddress.getByName("::1");
    } catch (IOException e) {
      return InetAddress.getLoopbackAddress();
    }
  }

  /** Where the server listens (the real port when started on port 0). */
  public synchronized InetSocketAddress localAddress() {
    if (transport == null) {
      throw new IllegalStateException("the server is not started");
    }
    return transport.localAddress();
  }

  /** True when it runs on the native epoll transport, false on the NIO fallback. */
  public synchronized boolean isNativeTransport() {
    return localTransport().isNative();
  }

  /** Sockets (and threads) serving. */
  public synchronized int threads() {
    return localTransport().sockets();
  }

  private UdpTransport localTransport() {
    if (transport == null) {
      throw new IllegalStateException("the server is not started");
    }
    return transport;
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
    log.info("index server on udp port {} stopped", t.localAddress().getPort());
  }
}
