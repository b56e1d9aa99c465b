package io.peershare.index.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
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
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
 * SpinThenSleep}): with two threads on two busy cores that keeps batches large and saves a wake-up
 * per batch. Where the native transport cannot load, it falls back to Java NIO with one socket and
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

  /** Receive buffer asked of each socket. */
  static final int RECEIVE_BUFFER = 4 << 20;

  private final EventLoopGroup group;
  private final List<Channel> channels;
  private final boolean nativeTransport;
  private final InetSocketAddress localAddress;
  private final int spinMicros;

  private UdpTransport(
      EventLoopGroup group,
      List<Channel> channels,
      boolean nativeTransport,
      InetSocketAddress at,
      int spinMicros) {
    this.group = group;
    this.channels = channels;
    this.nativeTransport = nativeTransport;
    this.localAddress = at;
    this.spinMicros = spinMicros;
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
    IoHandlerFactory io =
        useNative
            ? SpinThenSleep.epoll(TimeUnit.MICROSECONDS.toNanos(options.spinMicros()))
            : NioIoHandler.newFactory();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory(options.name() + "-udp", false), io);
    List<Channel> channels = new ArrayList<>();
    try {
      int port = options.port();
      for (int i = 0; i < threads; i++) {
        Bootstrap b = bootstrap(group, useNative, options, handlers, i);
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
    return new UdpTransport(group, List.copyOf(channels), useNative, at, options.spinMicros());
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
      EventLoopGroup group,
      boolean useNative,
      Options options,
      BatchHandler.Factory handlers,
      int index) {
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
            .handler(new Batcher(handlers.newHandler(index), keep));
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
        : "Java NIO, 1 socket";
  }

  /** Stops reading, closes the sockets and waits for the threads. Idempotent. */
  @Override
  public void close() {
    for (Channel ch : channels) {
      ch.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
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
    private ChannelHandlerContext ctx;
    private boolean housekeepingQueued;
    private boolean waiting;

    Batcher(BatchHandler handler, int keep) {
      this.handler = handler;
      this.batch = new DatagramBatch(keep);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      ctx.executor().scheduleAtFixedRate(this::afterBatch, 1, 1, TimeUnit.SECONDS);
      ctx.fireChannelActive();
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
      housekeepingQueued = true;
      ctx.executor().schedule(housekeeping, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("udp socket error", cause); // e.g. ICMP unreachable reported on a send: go on
    }
  }
}
