package io.peershare.index.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.peershare.protocol.Addresses;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP server transport for any bytes-in, bytes-out protocol: binds one port and runs a {@link
 * BatchHandler} per socket on that socket's own thread. The index runs one; a second protocol (a
 * BitTorrent tracker, say) runs another on its own port in the same process with its own handler.
 *
 * <p>On Linux it uses Netty's native epoll transport: {@code threads} sockets bound to the same
 * port with {@code SO_REUSEPORT} (the kernel spreads sources over them by a hash of address and
 * port, so one source always reaches the same socket and thread), each read with {@code recvmmsg}
 * into one buffer and answered with one {@code sendmmsg} per batch (replies are written, then
 * flushed once). A thread that runs out of datagrams polls its socket, yielding the core between
 * polls, for {@link Options#spinMicros()} (default 200 µs) before it sleeps ({@code
 * SpinThenSleep}): that keeps batches large and saves a wake-up per batch. With several threads,
 * the first serves all sockets until it is busy and a core is free for the others, and they are
 * gathered on it again when the threads wait for cores ({@link LoopBalancer}): on a machine whose
 * cores are all taken, a socket pinned to a thread that waits behind another process would hold its
 * requests for a scheduler tick. A socket moves between threads whole, between batches, with its
 * handler. Where the native transport cannot load, it falls back to Java NIO with one socket and
 * one thread, and says so in one log line.
 *
 * <p>An IPv6 wildcard ({@code ::}) listens on both IPv6 and IPv4 where the OS allows: IPv4 senders
 * then appear as IPv4 addresses, not as {@code ::ffff:} mapped ones.
 */
public final class UdpTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);

  static {
    // Netty's leak detector takes a stack trace of one buffer in 128: on a path that allocates
    // one small buffer per reply, that was the costliest thing it did. Every buffer here is
    // released where it is made (a reply is written and flushed at once), so there is nothing to
    // detect; -Dio.netty.leakDetection.level still turns it on.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /**
   * How to listen.
   *
   * @param bind local address (a wildcard listens on all)
   * @param port UDP port, 0 for any free one
   * @param threads sockets and threads with the native transport (NIO always uses one)
   * @param maxDatagram the longest datagram the handler accepts; longer ones reach it cut to {@code
   *     maxDatagram + 1} bytes, so it can tell and drop them
   * @param allowNative false forces the NIO fallback (tests of that path)
   * @param name thread name prefix, e.g. {@code index}
   * @param spinMicros with the native transport, how long a thread that has run out of datagrams
   *     polls its socket, yielding the core between polls, before it sleeps ({@code
   *     SpinThenSleep}); 0 sleeps at once
   */
  public record Options(
      InetAddress bind,
      int port,
      int threads,
      int maxDatagram,
      boolean allowNative,
      String name,
      int spinMicros) {
    public Options {
      Objects.requireNonNull(bind);
      Objects.requireNonNull(name);
      if (port < 0
          || port > 0xffff
          || threads < 1
          || maxDatagram < 1
          || maxDatagram > 65_507
          || spinMicros < 0
          || spinMicros > 1_000_000) {
        throw new IllegalArgumentException("bad transport options");
      }
    }

    /** Options with the default spin ({@link #DEFAULT_SPIN_MICROS}). */
    public Options(
        InetAddress bind,
        int port,
        int threads,
        int maxDatagram,
        boolean allowNative,
        String name) {
      this(bind, port, threads, maxDatagram, allowNative, name, DEFAULT_SPIN_MICROS);
    }

    public Options withBind(InetAddress b) {
      return new Options(b, port, threads, maxDatagram, allowNative, name, spinMicros);
    }

    public Options withSpinMicros(int micros) {
      return new Options(bind, port, threads, maxDatagram, allowNative, name, micros);
    }
  }

  /**
   * How long a thread polls before it sleeps, by default: {@code -Dpeershare.udp.spinMicros=N} sets
   * it (0 turns the spin off). Measured in {@code docs/benchmarks.md}.
   */
  public static final int DEFAULT_SPIN_MICROS =
      Math.clamp(Integer.getInteger("peershare.udp.spinMicros", 200), 0, 1_000_000);

  /**
   * How the sockets are spread over the threads: {@code auto} (the default) serves all sockets from
   * one thread and spreads them, one per thread, only while a core is free for the others ({@link
   * LoopBalancer}); {@code spread} keeps one socket per thread always (as before). {@code
   * -Dpeershare.udp.balance=spread} sets it, read when a transport starts. With a spin of 0 the
   * sockets are always spread (the balance reads how busy a thread is from its polls).
   */
  public static final String BALANCE_PROPERTY = "peershare.udp.balance";

  private static boolean balanceWanted() {
    return !"spread".equals(System.getProperty(BALANCE_PROPERTY, "auto"));
  }

  /** Receive buffer asked of each socket. */
  static final int RECEIVE_BUFFER = 4 << 20;

  private final EventLoopGroup group;
  private final List<Channel> channels;
  private final boolean nativeTransport;
  private final InetSocketAddress localAddress;
  private final int spinMicros;
  private final Balance balance; // null: one socket per thread, always

  private UdpTransport(
      EventLoopGroup group,
      List<Channel> channels,
      boolean nativeTransport,
      InetSocketAddress at,
      int spinMicros,
      Balance balance) {
    this.group = group;
    this.channels = channels;
    this.nativeTransport = nativeTransport;
    this.localAddress = at;
    this.spinMicros = spinMicros;
    this.balance = balance;
  }

  /** True when the native epoll transport could be loaded here. */
  public static boolean nativeAvailable() {
    return Epoll.isAvailable();
  }

  /**
   * Binds the port and starts serving; every socket's handler comes from {@code handlers}. The IPv6
   * wildcard ({@code ::}) falls back to {@code 0.0.0.0} where the system has no IPv6, and says so
   * in one log line; a port in use is a {@link BindException} either way.
   */
  public static UdpTransport start(Options options, BatchHandler.Factory handlers)
      throws IOException {
    try {
      return startOn(options, handlers);
    } catch (IOException | UnsupportedOperationException e) {
      InetAddress bind = options.bind();
      if (e instanceof BindException
          || !(bind instanceof Inet6Address && bind.isAnyLocalAddress())) {
        throw e;
      }
      log.info(
          "{}: IPv6 is not available here ({}): listening on IPv4 only",
          options.name(),
          e.getMessage());
      return startOn(options.withBind(InetAddress.getByAddress(new byte[4])), handlers);
    }
  }

  private static UdpTransport startOn(Options options, BatchHandler.Factory handlers)
      throws IOException {
    boolean useNative = options.allowNative() && Epoll.isAvailable();
    if (options.allowNative() && !useNative) {
      log.info(
          "{}: the native epoll transport is not available ({}); using Java NIO, one thread",
          options.name(),
          Epoll.unavailabilityCause() == null ? "?" : Epoll.unavailabilityCause().toString());
    }
    int threads = useNative ? options.threads() : 1;
    if (useNative && options.port() != 0) {
      refuseAPortInUse(options);
    }
    Map<Object, SpinThenSleep> strategies = new ConcurrentHashMap<>();
    IoHandlerFactory io =
        useNative
            ? SpinThenSleep.epoll(TimeUnit.MICROSECONDS.toNanos(options.spinMicros()), strategies)
            : NioIoHandler.newFactory();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory(options.name() + "-udp", false), io);
    List<EventLoop> loops = new ArrayList<>();
    group.forEach(e -> loops.add((EventLoop) e));
    List<SpinThenSleep> spins = loops.stream().map(strategies::get).toList();
    boolean balanced =
        useNative
            && threads > 1
            && balanceWanted()
            && options.spinMicros() > 0
            && loops.size() == threads
            && !spins.contains(null);
    List<Channel> channels = new ArrayList<>();
    List<Batcher> batchers = new ArrayList<>();
    try {
      int port = options.port();
      for (int i = 0; i < threads; i++) {
        Batcher batcher = new Batcher(handlers.newHandler(i), options.maxDatagram() + 1);
        batchers.add(batcher);
        // balanced, all sockets start on the first thread; the balance spreads them
        Bootstrap b =
            bootstrap(balanced ? loops.get(0) : loops.get(i), useNative, options, batcher);
        Channel ch = b.bind(new InetSocketAddress(options.bind(), port)).sync().channel();
        channels.add(ch);
        port = ((InetSocketAddress) ch.localAddress()).getPort(); // the rest join this port
      }
    } catch (Exception e) {
      for (Channel ch : channels) {
        ch.close().syncUninterruptibly();
      }
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
      if (e instanceof IOException io2) {
        throw io2.getMessage() != null && io2.getMessage().contains("in use")
            ? (BindException) new BindException(io2.getMessage()).initCause(io2)
            : io2;
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("could not listen on UDP " + options.bind() + ":" + options.port(), e);
    }
    InetSocketAddress at = (InetSocketAddress) channels.get(0).localAddress();
    Balance balance = balanced ? new Balance(loops, batchers, spins) : null;
    if (balance != null) {
      balance.start();
    }
    return new UdpTransport(
        group, List.copyOf(channels), useNative, at, options.spinMicros(), balance);
  }

  /**
   * Fails when anything already holds the port. Our sockets share it with {@code SO_REUSEPORT},
   * which would also let them join the group of another process that set it (a second index on the
   * same port, splitting the traffic between two registries): a socket without the option can bind
   * only a free port, so one is bound and closed first.
   */
  private static void refuseAPortInUse(Options options) throws IOException {
    SocketProtocolFamily family =
        options.bind() instanceof Inet4Address
            ? SocketProtocolFamily.INET
            : SocketProtocolFamily.INET6;
    try (DatagramChannel probe = DatagramChannel.open(family.toJdkFamily())) {
      probe.bind(new InetSocketAddress(options.bind(), options.port()));
    }
  }

  private static Bootstrap bootstrap(
      EventLoopGroup group, boolean useNative, Options options, Batcher batcher) {
    int keep = options.maxDatagram() + 1;
    // an IPv4 address gets an IPv4 socket (the kernel's shorter path); an IPv6 one (the wildcard
    // :: included) an IPv6 socket, which takes IPv4 too where the OS allows
    SocketProtocolFamily family =
        options.bind() instanceof Inet4Address
            ? SocketProtocolFamily.INET
            : SocketProtocolFamily.INET6;
    ChannelFactory<Channel> factory =
        useNative ? () -> new EpollDatagramChannel(family) : () -> new NioDatagramChannel(family);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channelFactory(factory)
            // room for bursts and pauses (a GC, a thread the OS set aside) without drops; the
            // kernel caps it at net.core.rmem_max
            .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
            .handler(batcher);
    if (useNative) {
      // a batch is one recvmmsg into one buffer of keep-byte slots; the loop reads again only
      // after the replies of this batch are out
      b.option(EpollChannelOption.SO_REUSEPORT, true)
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, keep)
          .option(
              ChannelOption.RECVBUF_ALLOCATOR,
              new FixedRecvByteBufAllocator(keep * DatagramBatch.CAPACITY).maxMessagesPerRead(1));
    } else {
      b.option(
          ChannelOption.RECVBUF_ALLOCATOR,
          new FixedRecvByteBufAllocator(keep).maxMessagesPerRead(DatagramBatch.CAPACITY));
    }
    return b;
  }

  /** Where it listens (the real port when started on port 0). */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** True on the native epoll transport (batched system calls), false on the NIO fallback. */
  public boolean isNative() {
    return nativeTransport;
  }

  /** Sockets (and threads) serving. */
  public int sockets() {
    return channels.size();
  }

  /**
   * Where it listens, the usual way, for the log: {@code udp [::]:3000 (IPv6 and IPv4)} on a
   * dual-stack wildcard, {@code udp 127.0.0.1:3000} otherwise.
   */
  public String where() {
    InetAddress a = localAddress.getAddress();
    return "udp "
        + Addresses.format(localAddress)
        + (a instanceof Inet6Address && a.isAnyLocalAddress() ? " (IPv6 and IPv4)" : "");
  }

  /** A one-line description for the log. */
  public String describe() {
    return nativeTransport
        ? "epoll, "
            + channels.size()
            + " socket(s) with SO_REUSEPORT, recvmmsg/sendmmsg"
            + (spinMicros > 0 ? ", polls " + spinMicros + " us before sleeping" : "")
            + (balance != null
                ? ", one thread serves all sockets until it is busy and a core is free"
                : "")
        : "Java NIO, 1 socket";
  }

  /**
   * Threads serving sockets now: 1 while one thread serves all (a balanced transport that has not
   * spread them), else {@link #sockets()}.
   */
  public int threadsServing() {
    return (int) channels.stream().map(Channel::eventLoop).distinct().count();
  }

  /**
   * Moves every socket to the first thread ({@code true}) or each to its own, and keeps them there:
   * the balance stops deciding. For tests.
   */
  void place(boolean gather) {
    if (balance != null) {
      balance.placed = true;
      balance.move(gather);
    }
  }

  /** Stops reading, closes the sockets and waits for the threads. Idempotent. */
  @Override
  public void close() {
    if (balance != null) {
      balance.stop();
    }
    for (Channel ch : channels) {
      ch.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * Runs the {@link LoopBalancer}: every thread reads its own time waiting for a core once per
   * {@link LoopBalancer#INTERVAL_NANOS}; the first thread also looks at the figures and moves the
   * sockets.
   */
  private static final class Balance {
    private final List<EventLoop> loops;
    private final List<Batcher> batchers;
    private final List<SpinThenSleep> spins;
    private final AtomicLongArray waits;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final LoopBalancer policy = new LoopBalancer();
    private long lastAt;
    private long lastFirst;
    private long lastAll;
    private long lastWait;
    private double lastIdle;
    private volatile boolean placed;
    private volatile boolean reading; // spread: every thread reads its own wait for a core
    private boolean fresh; // the last look read the files: deltas from it span one interval
    private int settle; // looks left that only take the baseline

    Balance(List<EventLoop> loops, List<Batcher> batchers, List<SpinThenSleep> spins) {
      this.loops = loops;
      this.batchers = batchers;
      this.spins = spins;
      this.waits = new AtomicLongArray(loops.size());
    }

    synchronized void start() {
      long every = LoopBalancer.INTERVAL_NANOS;
      for (int i = 0; i < loops.size(); i++) {
        int k = i;
        tasks.add(
            loops.get(i).scheduleAtFixedRate(() -> sample(k), every, every, TimeUnit.NANOSECONDS));
      }
    }

    synchronized void stop() {
      tasks.forEach(t -> t.cancel(false));
    }

    private void sample(int k) {
      if (reading) {
        long w = LoopBalancer.ownWaitNanos();
        if (w >= 0) {
          waits.set(k, w);
        }
      }
      if (k == 0 && !placed) {
        look();
      }
    }

    /**
     * One look. The files are read only when a decision needs them: while spread, or while the
     * first thread was busy enough to spread; an idle or lightly loaded server reads nothing. A
     * look that reads them after one that did not only takes their values as the baseline.
     */
    private void look() {
      long now = System.nanoTime();
      long first = spins.get(0).busyNanos();
      long all = spins.stream().mapToLong(SpinThenSleep::busyNanos).sum();
      long dt = now - lastAt;
      boolean wanted =
          policy.spread() || (lastAt != 0 && first - lastFirst >= LoopBalancer.SATURATED * dt);
      if (!wanted) {
        if (lastAt != 0) {
          policy.look(dt, first - lastFirst, all - lastAll, Double.NaN, 0); // does not qualify
        }
        lastAt = now;
        lastFirst = first;
        lastAll = all;
        fresh = false;
        return;
      }
      long wait = 0;
      for (int i = 0; i < waits.length(); i++) {
        wait += waits.get(i);
      }
      double idle = LoopBalancer.idleSeconds();
      if (fresh && settle == 0) {
        LoopBalancer.Move m =
            policy.look(
                dt,
                first - lastFirst,
                all - lastAll,
                (idle - lastIdle) * 1e9 / dt,
                wait - lastWait);
        if (m != LoopBalancer.Move.STAY) {
          log.debug("{} the sockets ({})", m, policy.hold());
          reading = m == LoopBalancer.Move.SPREAD;
          // spread, the threads read their waits from their next turns on: the next two looks
          // only take the figures as the baseline
          settle = reading ? 3 : 0;
          move(m == LoopBalancer.Move.GATHER);
        }
      }
      if (settle > 0) {
        settle--;
      }
      lastAt = now;
      lastFirst = first;
      lastAll = all;
      lastWait = wait;
      lastIdle = idle;
      fresh = true;
    }

    void move(boolean gather) {
      for (int i = 0; i < batchers.size(); i++) {
        batchers.get(i).moveTo(loops.get(gather ? 0 : i));
      }
    }
  }

  /**
   * The pipeline's one handler: copies each datagram of a read into the socket's batch, hands the
   * batch to the {@link BatchHandler} when the read ends (or the batch is full), writes the replies
   * and flushes once.
   */
  private static final class Batcher extends ChannelInboundHandlerAdapter {
    private final BatchHandler handler;
    private final DatagramBatch batch;
    private final Runnable housekeeping = this::housekeeping;
    private final Runnable later = this::later;
    private final Runnable moveNow = this::moveNow;
    private volatile ChannelHandlerContext ctx;
    private volatile EventLoop moveTo; // where the balance wants this socket served
    private ScheduledFuture<?> tick;
    private boolean housekeepingQueued;
    private boolean waiting;

    Batcher(BatchHandler handler, int keep) {
      this.handler = handler;
      this.batch = new DatagramBatch(keep);
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
      // on every registration: the balance may move the socket to another thread, and the
      // once-a-second call moves with it
      this.ctx = ctx;
      tick = ctx.executor().scheduleAtFixedRate(this::afterBatch, 1, 1, TimeUnit.SECONDS);
      ctx.fireChannelRegistered();
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
      if (tick != null) {
        tick.cancel(false);
        tick = null;
      }
      ctx.fireChannelUnregistered();
    }

    /**
     * Has this socket served by {@code target} from its next turn on: between batches, never while
     * a batch waits for an asynchronous store (it moves when that answers). Any thread.
     */
    void moveTo(EventLoop target) {
      ChannelHandlerContext c = ctx;
      if (c == null) {
        return;
      }
      moveTo = target;
      c.channel().eventLoop().execute(moveNow);
    }

    private void moveNow() {
      Channel ch = ctx.channel();
      EventLoop target = moveTo;
      if (!ch.eventLoop().inEventLoop()) {
        ch.eventLoop().execute(moveNow); // it moved in between: ask its thread now
        return;
      }
      if (waiting || target == null || target == ch.eventLoop() || !ch.isRegistered()) {
        return;
      }
      // deregistered on this thread, registered on the target's from this thread's listener: the
      // channel's loop is the target before this thread runs anything else of it
      ch.deregister()
          .addListener(
              f -> {
                if (ch.isOpen()) {
                  target
                      .register(ch)
                      .addListener(
                          r -> {
                            if (!r.isSuccess()) {
                              log.warn("a socket could not move to another thread", r.cause());
                            }
                          });
                }
              });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      DatagramPacket p = (DatagramPacket) msg;
      try {
        ByteBuf content = p.content();
        int at = batch.start(p.sender());
        int n = Math.min(content.readableBytes(), batch.maxDatagram());
        content.getBytes(content.readerIndex(), batch.data(), at, n);
        batch.finish(n);
      } finally {
        p.release();
      }
      if (batch.isFull()) {
        runBatch();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (batch.size() > 0 && !waiting) {
        runBatch();
      }
    }

    private void runBatch() {
      CompletionStage<Void> done;
      try {
        done = handler.handle(batch);
      } catch (RuntimeException e) {
        log.debug("a batch handler failed; its {} datagrams get no reply", batch.size(), e);
        batch.clear();
        return;
      }
      if (done == BatchHandler.DONE || done.toCompletableFuture().isDone()) {
        finishAndSend();
        afterBatch();
        return;
      }
      waiting = true; // an asynchronous store: read nothing more until it answers
      ctx.channel().config().setAutoRead(false);
      done.whenComplete(
          (v, e) ->
              ctx.executor()
                  .execute(
                      () -> {
                        if (e != null) {
                          log.debug("a batch completed with a failure", e);
                        }
                        finishAndSend();
                        waiting = false;
                        ctx.channel().config().setAutoRead(true);
                        afterBatch();
                        if (moveTo != null && moveTo != ctx.channel().eventLoop()) {
                          moveNow();
                        }
                      }));
    }

    private void finishAndSend() {
      try {
        handler.finish(batch);
      } catch (RuntimeException e) {
        log.debug("a batch handler failed to finish; its replies so far go out", e);
      }
      sendReplies();
    }

    private void sendReplies() {
      int n = batch.size();
      boolean any = false;
      for (int i = 0; i < n; i++) {
        int len = batch.replyLength(i);
        if (len < 0) {
          continue;
        }
        ByteBuf out = ctx.alloc().directBuffer(len, len);
        out.writeBytes(batch.replies(), batch.replyOffset(i), len);
        ctx.write(new DatagramPacket(out, batch.sender(i)), ctx.voidPromise());
        any = true;
      }
      batch.clear();
      if (any) {
        ctx.flush(); // one sendmmsg for the batch
      }
    }

    /**
     * Housekeeping after a batch, and once a second: only when no slice is queued. (The
     * once-a-second call used to run it regardless, and in a sweep longer than a second queued a
     * second chain of slices beside the first.) After a batch, a slice that leaves work queues the
     * next one for the loop's next turn, not this one's: this turn's tasks run right after it, and
     * a datagram that came in during the first would wait for both.
     */
    private void afterBatch() {
      if (!housekeepingQueued && handler.housekeeping()) {
        housekeepingQueued = true;
        ctx.executor().execute(later); // runs with this turn's tasks and queues the slice
      }
    }

    private void housekeeping() {
      if (!ctx.channel().eventLoop().inEventLoop()) {
        ctx.channel().eventLoop().execute(housekeeping); // queued before the socket moved
        return;
      }
      housekeepingQueued = false;
      if (handler.housekeeping() && !housekeepingQueued) {
        later();
      }
    }

    /**
     * Runs housekeeping again after the I/O that is ready by then. Scheduled, not executed: the
     * loop runs every queued task (for up to a second) before it polls the sockets again, but takes
     * scheduled tasks in only once per turn, so a slice that schedules the next one leaves room for
     * a batch in between. Called from a task (a slice, or the hop after a batch's slice), so the
     * slice it schedules runs in the next turn.
     */
    private void later() {
      if (!ctx.channel().eventLoop().inEventLoop()) {
        ctx.channel().eventLoop().execute(later); // queued before the socket moved
        return;
      }
      housekeepingQueued = true;
      ctx.executor().schedule(housekeeping, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("udp socket error", cause); // e.g. ICMP unreachable reported on a send: go on
    }
  }
}
