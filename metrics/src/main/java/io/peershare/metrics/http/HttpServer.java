package io.peershare.metrics.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small HTTP/1.1 server for GET requests: the metrics port. Built for hostile clients as much as
 * for Prometheus and browsers:
 *
 * <ul>
 *   <li>One event loop thread does all socket work without blocking, so a connection that sends its
 *       request a byte a minute (slowloris) costs a socket and a few hundred bytes, never a thread;
 *       answers are made on one more thread, so a slow page never holds up the sockets.
 *   <li>A request line over {@link Limits#maxLine} bytes gets {@code 414}, headers over {@link
 *       Limits#maxHeaders} bytes {@code 431}, anything unparseable {@code 400}; then the connection
 *       closes. No allocation is sized by what a client declares.
 *   <li>Each connection must deliver a whole request within {@link Limits#requestTimeout}, and take
 *       its whole answer within that time again; between requests it may idle for {@link
 *       Limits#idleTimeout}. Past that it is closed.
 *   <li>At most {@link Limits#maxConnections} connections, {@link Limits#maxPerAddress} from one
 *       address; beyond that a new connection is closed at once.
 *   <li>One request per connection at a time: the next is read only once the answer went out, so a
 *       client that pipelines requests without reading answers makes the server hold one answer,
 *       not thousands.
 * </ul>
 *
 * It binds exactly the address it is given and nothing else.
 */
public final class HttpServer implements AutoCloseable {

  /**
   * What a client may cost.
   *
   * @param maxConnections connections open at once, all clients together
   * @param maxPerAddress connections open at once from one IP address
   * @param requestTimeout time to send a whole request, and again to take its whole answer
   * @param idleTimeout time a kept-alive connection may wait before its next request begins
   * @param maxLine longest request line, in bytes
   * @param maxHeaders most bytes of headers in one request
   */
  public record Limits(
      int maxConnections,
      int maxPerAddress,
      Duration requestTimeout,
      Duration idleTimeout,
      int maxLine,
      int maxHeaders) {
    public Limits {
      if (maxConnections < 1 || maxPerAddress < 1 || maxLine < 64 || maxHeaders < 256) {
        throw new IllegalArgumentException("limits too small");
      }
      Objects.requireNonNull(requestTimeout);
      Objects.requireNonNull(idleTimeout);
    }

    /**
     * 128 connections, 16 per address, 10 s per request and per answer, 30 s idle, 4 KiB request
     * line, 8 KiB of headers (browsers send about 1 KiB; Prometheus less).
     */
    public static Limits defaults() {
      return new Limits(128, 16, Duration.ofSeconds(10), Duration.ofSeconds(30), 4096, 8192);
    }

    public Limits withTimeouts(Duration request, Duration idle) {
      return new Limits(maxConnections, maxPerAddress, request, idle, maxLine, maxHeaders);
    }

    public Limits withConnections(int max, int perAddress) {
      return new Limits(max, perAddress, requestTimeout, idleTimeout, maxLine, maxHeaders);
    }
  }

  private final EventLoopGroup loop;
  private final ExecutorService pages;
  private final Channel server;
  private final ConnectionCount connections;
  private final AtomicBoolean closed = new AtomicBoolean();

  private HttpServer(
      EventLoopGroup loop, ExecutorService pages, Channel server, ConnectionCount connections) {
    this.loop = loop;
    this.pages = pages;
    this.server = server;
    this.connections = connections;
  }

  /**
   * Listens on {@code at} (port 0: a free port) and answers every request with {@code handler},
   * called on a thread of the server's own (not the event loop), one request at a time.
   *
   * @throws BindException when the address is taken or not local
   */
  public static HttpServer start(InetSocketAddress at, Limits limits, HttpHandler handler)
      throws IOException {
    Objects.requireNonNull(handler);
    EventLoopGroup loop =
        new MultiThreadIoEventLoopGroup(1, daemon("peershare-http"), NioIoHandler.newFactory());
    // answers are made off the event loop, one at a time (at most one per connection waits)
    ExecutorService pages = Executors.newSingleThreadExecutor(daemon("peershare-http-page"));
    ConnectionCount connections =
        new ConnectionCount(limits.maxConnections(), limits.maxPerAddress());
    HttpDecoderConfig decoding =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(limits.maxLine())
            .setMaxHeaderSize(limits.maxHeaders())
            .setMaxChunkSize(8192)
            .setInitialBufferSize(256);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 64)
            .option(ChannelOption.SO_REUSEADDR, true)
            // reads are asked for one request at a time (Exchange)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    InetSocketAddress from = ch.remoteAddress();
                    if (!connections.tryOpen(from)) {
                      ch.close();
                      return;
                    }
                    ch.closeFuture().addListener(f -> connections.release(from));
                    ch.pipeline()
                        .addLast("codec", new HttpServerCodec(decoding))
                        .addLast("exchange", new Exchange(handler, pages, limits));
                  }
                });
    ChannelFuture bound = b.bind(at).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      shutdown(loop, pages);
      throw bound.cause() instanceof IOException io ? io : new IOException(bound.cause());
    }
    return new HttpServer(loop, pages, bound.channel(), connections);
  }

  /** Where it listens (the real port when started on port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Connections open now. */
  public int openConnections() {
    return connections.total();
  }

  /** Stops listening, closes every connection and waits for the threads. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.close().awaitUninterruptibly();
      shutdown(loop, pages);
    }
  }

  private static void shutdown(EventLoopGroup loop, ExecutorService pages) {
    loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    pages.shutdownNow();
  }

  private static ThreadFactory daemon(String name) {
    return Thread.ofPlatform().name(name).daemon().factory();
  }
}
