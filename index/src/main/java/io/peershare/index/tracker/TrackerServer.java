package io.peershare.index.tracker;

import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
import io.peershare.index.IndexServer;
import io.peershare.protocol.Addresses;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BitTorrent UDP tracker (BEP 15) on a port of its own: one socket and one named thread that
 * owns it and the {@link TrackerHandler} behind it, so nothing is shared and nothing locks. The
 * loop wakes at least once a second to expire silent peers. It is a plain NIO loop on purpose: the
 * handler is socket-free, so the index's batched transport can carry it instead once it exists.
 *
 * <pre>{@code
 * try (TrackerServer t = new TrackerServer(TrackerServer.Config.defaults().withPort(0)).start()) {
 *   InetSocketAddress at = t.localAddress();
 * }
 * }</pre>
 */
public final class TrackerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrackerServer.class);
  private static final long TICK_MILLIS = 1_000;
  private static final int BATCH = 256; // datagrams read before expiry gets a turn

  /**
   * How the tracker runs.
   *
   * @param port UDP port, 0 for any free one
   * @param bind local address; the IPv6 wildcard {@code ::} (the default) also takes IPv4
   * @param intervalSeconds the announce interval told to clients; silent peers go after twice that
   * @param limits swarms and peers held at most
   * @param ratePerSecond requests per second each source IP may make (0: no limit)
   * @param clock time for connection ids and expiry
   */
  public record Config(
      int port,
      InetAddress bind,
      int intervalSeconds,
      SwarmLimits limits,
      long ratePerSecond,
      Clock clock) {
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
    }

    /**
     * A free port on every address (IPv6 and IPv4, as the index), 1800 s interval, default limits,
     * the system clock.
     */
    public static Config defaults() {
      return new Config(
          0,
          IndexServer.Config.ANY,
          DEFAULT_INTERVAL,
          SwarmLimits.defaults(),
          AddressRateLimiter.DEFAULT_PER_SECOND,
          Clock.systemUTC());
    }

    public Config withPort(int p) {
      return new Config(p, bind, intervalSeconds, limits, ratePerSecond, clock);
    }

    public Config withBind(InetAddress b) {
      return new Config(port, b, intervalSeconds, limits, ratePerSecond, clock);
    }

    public Config withInterval(int seconds) {
      return new Config(port, bind, seconds, limits, ratePerSecond, clock);
    }

    public Config withLimits(SwarmLimits l) {
      return new Config(port, bind, intervalSeconds, l, ratePerSecond, clock);
    }

    public Config withRatePerSecond(long r) {
      return new Config(port, bind, intervalSeconds, limits, r, clock);
    }

    public Config withClock(Clock c) {
      return new Config(port, bind, intervalSeconds, limits, ratePerSecond, c);
    }
  }

  private final Config config;
  private final TrackerHandler handler;
  private volatile boolean running;
  private boolean closed;
  private DatagramChannel channel;
  private InetSocketAddress boundAddress;
  private Selector selector;
  private Thread thread;

  /** A tracker over fresh in-memory swarms. */
  public TrackerServer(Config config) {
    this(
        config,
        new MemorySwarmStore(
            2_000L * config.intervalSeconds(), config.limits(), new SplittableRandom()));
  }

  /** A tracker over {@code store}. */
  public TrackerServer(Config config, SwarmStore store) {
    this(config, store, new CookieJar(new SecureRandom()));
  }

  /**
   * A tracker over {@code store} whose connection ids come from {@code connectionIds}: trackers
   * sharing one store share the secret too, so an id from any of them is good on all.
   */
  public TrackerServer(Config config, SwarmStore store, CookieJar connectionIds) {
    this.config = config;
    this.handler =
        new TrackerHandler(
            store,
            connectionIds,
            new AddressRateLimiter(config.ratePerSecond(), AddressRateLimiter.DEFAULT_MAX_SOURCES),
            config.intervalSeconds());
  }

  /** Binds the socket and starts the loop thread; returns this. */
  public synchronized TrackerServer start() throws IOException {
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
    thread = new Thread(this::loop, "bittorrent-tracker-" + boundAddress.getPort());
    thread.start();
    log.info(
        "bittorrent tracker listening on udp {}{} (announce URL udp://HOST:{}/announce),"
            + " interval {} s",
        Addresses.format(boundAddress),
        isIpv6Wildcard(boundAddress.getAddress()) ? " (IPv6 and IPv4)" : "",
        boundAddress.getPort(),
        config.intervalSeconds());
    return this;
  }

  /**
   * The socket, bound as the index binds its own: the IPv6 wildcard listens on IPv6 and IPv4 at
   * once, and where there is no IPv6 the tracker listens on {@code 0.0.0.0} instead.
   */
  private DatagramChannel openBound() throws IOException {
    InetAddress bind = config.bind();
    if (isIpv6Wildcard(bind)) {
      try {
        return openBound(StandardProtocolFamily.INET6, bind);
      } catch (UnsupportedOperationException | SocketException e) {
        if (e instanceof BindException b) {
          throw b; // the port is taken: that is not about IPv6
        }
        log.info(
            "IPv6 is not available here ({}): the tracker listens on IPv4 only", e.getMessage());
        return openBound(StandardProtocolFamily.INET, InetAddress.getByAddress(new byte[4]));
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

  /** Where the tracker listens (the real port when started on port 0). */
  public synchronized InetSocketAddress localAddress() {
    if (boundAddress == null) {
      throw new IllegalStateException("the tracker is not started");
    }
    return boundAddress;
  }

  /** Swarms, seeders and leechers right now (read from the loop thread's counters). */
  public SwarmStore.Totals totals() {
    return handler.totals();
  }

  private void loop() {
    ByteBuffer in = ByteBuffer.allocate(TrackerHandler.MAX_REQUEST + 1); // +1 shows oversize
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
        log.debug("tracker loop", e); // never dies: the next datagram gets a fresh try
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
      log.debug("closing the tracker", e);
    }
    log.info("bittorrent tracker on udp port {} stopped", boundAddress.getPort());
  }
}
