package io.peershare.index;

import io.peershare.protocol.Addresses;
import io.peershare.protocol.IndexMessage;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index server: one UDP socket and one named thread that owns it and all state behind it (the
 * registry, cookies, reply cache, rate limit), so nothing is shared and nothing locks. The loop
 * wakes at least once a second to expire leases even when no datagram comes.
 *
 * <pre>{@code
 * try (IndexServer server = new IndexServer(IndexServer.Config.defaults().withPort(0)).start()) {
 *   InetSocketAddress at = server.localAddress();
 * }
 * }</pre>
 */
public final class IndexServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IndexServer.class);
  private static final long TICK_MILLIS = 1_000;
  private static final int BATCH = 256; // datagrams read before expiry gets a turn

  /**
   * How the server runs.
   *
   * @param port UDP port, 0 for any free one
   * @param bind local address; replies leave from it, so bind the address peers are given on a host
   *     with several; {@link #ANY} listens on every address, IPv6 and IPv4
   * @param lease how long a registration lives without R or K (whole seconds)
   * @param limits registrations per peer and in total
   * @param ratePerSecond requests per second each source IP may make (0: no limit)
   * @param clock time for leases, cookies and the reply cache
   */
  public record Config(
      int port,
      InetAddress bind,
      Duration lease,
      RegistryLimits limits,
      long ratePerSecond,
      Clock clock) {
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
    }

    /**
     * Every local address, IPv6 and IPv4 ({@code ::}, dual stack; {@code 0.0.0.0} where there is no
     * IPv6).
     */
    public static final InetAddress ANY = anyAddress();

    private static InetAddress anyAddress() {
      try {
        return InetAddress.getByAddress(new byte[16]);
      } catch (UnknownHostException e) {
        throw new AssertionError("16 bytes are an IPv6 address", e);
      }
    }

    /** Port 3000 on every address, 90 s leases, the default limits, the system clock. */
    public static Config defaults() {
      return new Config(
          DEFAULT_PORT,
          ANY,
          DEFAULT_LEASE,
          RegistryLimits.defaults(),
          RateLimiter.DEFAULT_PER_SECOND,
          Clock.systemUTC());
    }

    public Config withPort(int p) {
      return new Config(p, bind, lease, limits, ratePerSecond, clock);
    }

    public Config withBind(InetAddress b) {
      return new Config(port, b, lease, limits, ratePerSecond, clock);
    }

    public Config withLease(Duration l) {
      return new Config(port, bind, l, limits, ratePerSecond, clock);
    }

    public Config withLimits(RegistryLimits l) {
      return new Config(port, bind, lease, l, ratePerSecond, clock);
    }

    public Config withRatePerSecond(long r) {
      return new Config(port, bind, lease, limits, r, clock);
    }

    public Config withClock(Clock c) {
      return new Config(port, bind, lease, limits, ratePerSecond, c);
    }
  }

  private final Config config;
  private final DatagramHandler handler;
  private volatile boolean running;
  private boolean closed;
  private DatagramChannel channel;
  private InetSocketAddress boundAddress;
  private Selector selector;
  private Thread thread;

  /** A server over a fresh in-memory registry. */
  public IndexServer(Config config) {
    this(config, new MemoryRegistry(config.lease().toSeconds() * 1000, config.limits()));
  }

  /** A server over {@code registry}, whose lease then counts instead of the config's. */
  public IndexServer(Config config, Registry registry) {
    this(config, registry, CookieSecrets.random(new SecureRandom()), null);
  }

  /**
   * A server that is one node of a shared registry: cookie secrets and mutation replies shared with
   * the other nodes ({@code shared} null for none).
   */
  public IndexServer(
      Config config, Registry registry, CookieSecrets secrets, SharedReplies shared) {
    this.config = config;
    this.handler = newHandler(registry, config.ratePerSecond(), secrets, shared);
  }

  /** The per-datagram pipeline the server runs, with production cookies and caches. */
  public static DatagramHandler newHandler(Registry registry, long ratePerSecond) {
    return newHandler(registry, ratePerSecond, CookieSecrets.random(new SecureRandom()), null);
  }

  static DatagramHandler newHandler(
      Registry registry, long ratePerSecond, CookieSecrets secrets, SharedReplies shared) {
    return new DatagramHandler(
        registry,
        new CookieJar(secrets),
        new ReplyCache(200_000, 64L << 20),
        new RateLimiter(ratePerSecond, RateLimiter.DEFAULT_MAX_SOURCES),
        shared);
  }

  /** Binds the socket and starts the loop thread; returns this. */
  public synchronized IndexServer start() throws IOException {
    if (channel != null) {
      throw new IllegalStateException("already started");
    }
    DatagramChannel ch = openBound();
    try {
      ch.configureBlocking(false);
      selector = Selector.open();
      ch.register(selector, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    channel = ch;
    boundAddress = (InetSocketAddress) ch.getLocalAddress();
    running = true;
    InetSocketAddress at = boundAddress;
    thread = new Thread(this::loop, "index-server-" + at.getPort());
    thread.start();
    log.info(
        "index server listening on udp {}{}, lease {} s",
        Addresses.format(at),
        isIpv6Wildcard(at.getAddress()) ? " (IPv6 and IPv4)" : "",
        config.lease().toSeconds());
    return this;
  }

  /**
   * The socket, bound. The IPv6 wildcard {@code ::} (the default) listens on IPv6 and IPv4 at once:
   * the JDK opens IPv6 sockets with {@code IPV6_V6ONLY} off, so IPv4 clients arrive as IPv4-mapped
   * addresses (which Java hands over as plain IPv4) and replies go back to them the same way. Where
   * the system or the JVM has no IPv6 ({@code ipv6.disable=1}, {@code -Djava.net.preferIPv4Stack})
   * it listens on {@code 0.0.0.0} instead and says so in one line.
   */
  private DatagramChannel openBound() throws IOException {
    InetAddress bind = config.bind();
    if (isIpv6Wildcard(bind)) {
      try {
        return openBound(StandardProtocolFamily.INET6, bind);
      } catch (UnsupportedOperationException | SocketException e) {
        if (e instanceof BindException) {
          throw (BindException) e; // the port is taken: that is not about IPv6
        }
        InetAddress v4 = InetAddress.getByAddress(new byte[4]);
        log.info("IPv6 is not available here ({}): listening on IPv4 only", e.getMessage());
        return openBound(StandardProtocolFamily.INET, v4);
      }
    }
    return openBound(
        bind instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6,
        bind);
  }

  private DatagramChannel openBound(StandardProtocolFamily family, InetAddress bind)
      throws IOException {
    DatagramChannel ch = DatagramChannel.open(family);
    try {
      ch.bind(new InetSocketAddress(bind, config.port()));
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static boolean isIpv6Wildcard(InetAddress a) {
    return a instanceof Inet6Address && a.isAnyLocalAddress();
  }

  /** Where the server listens (the real port when started on port 0). */
  public synchronized InetSocketAddress localAddress() {
    if (boundAddress == null) {
      throw new IllegalStateException("the server is not started");
    }
    return boundAddress;
  }

  private void loop() {
    ByteBuffer in = ByteBuffer.allocate(IndexMessage.MAX_DATAGRAM + 1); // +1 shows oversize
    while (running) {
      try {
        selector.select(TICK_MILLIS);
        selector.selectedKeys().clear();
        for (int i = 0; i < BATCH && running; i++) {
          in.clear();
          SocketAddress from = channel.receive(in);
          if (from == null) {
            break;
          }
          serve((InetSocketAddress) from, in.array(), in.position());
        }
        handler.tick(config.clock().millis());
      } catch (ClosedChannelException e) {
        break;
      } catch (IOException | RuntimeException e) {
        log.debug("index server loop", e); // never dies: the next datagram gets a fresh try
      }
    }
  }

  private void serve(InetSocketAddress from, byte[] buf, int length) {
    byte[] reply = handler.handle(from, buf, length, config.clock().millis());
    if (reply == null) {
      return;
    }
    try {
      channel.send(ByteBuffer.wrap(reply), from);
    } catch (ClosedChannelException e) {
      running = false;
    } catch (IOException e) {
      log.debug("could not answer {}", from, e);
    }
  }

  /** Stops the loop and closes the socket; waits for the loop thread. Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (thread == null || closed) {
        return;
      }
      closed = true;
      running = false;
      t = thread;
      selector.wakeup();
    }
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      selector.close();
      channel.close();
    } catch (IOException e) {
      log.debug("closing the index server", e);
    }
    log.info("index server on udp port {} stopped", boundAddress.getPort());
  }
}
