package io.peershare.metrics.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests, one at a time: reads a request, has the handler answer it on the page
 * thread, sends the answer, and only then reads the next. Every method here runs on the
 * connection's event loop (timers and the way back from the page thread included), so its fields
 * need no lock. See {@link HttpServer} for the limits it enforces.
 */
final class Exchange extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  /** Pages are same-origin only: no script, style or image from elsewhere, no framing. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self';"
          + " form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final HttpHandler handler;
  private final Executor pages;
  private final HttpServer.Limits limits;
  private HttpRequest current; // read, waiting for the end of its (empty) body
  private boolean answering;
  private boolean closeAfterAnswer;
  private ScheduledFuture<?> deadline;

  Exchange(HttpHandler handler, Executor pages, HttpServer.Limits limits) {
    this.handler = handler;
    this.pages = pages;
    this.limits = limits;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx, limits.requestTimeout());
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarm();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest request) {
        if (answering || current != null) {
          closeAfterAnswer = true; // pipelined: the one being answered is the last
          return;
        }
        HttpResponseStatus refusal = refusal(request);
        if (refusal != null) {
          refuse(ctx, refusal, request.method());
          return;
        }
        current = request;
      }
      if (msg instanceof LastHttpContent && current != null) {
        HttpRequest request = current;
        current = null;
        answer(ctx, request);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null && !answering) {
      ctx.read(); // the request's head is in, its end is not yet
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("metrics http connection: {}", cause.toString());
    ctx.close();
  }

  /** Why a request is not answered, or null when it is a plain GET or HEAD. */
  private static HttpResponseStatus refusal(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      if (cause instanceof TooLongHttpLineException) {
        return HttpResponseStatus.REQUEST_URI_TOO_LONG;
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      }
      return HttpResponseStatus.BAD_REQUEST;
    }
    if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
      return HttpResponseStatus.METHOD_NOT_ALLOWED;
    }
    if (HttpUtil.isTransferEncodingChunked(request)
        || HttpUtil.getContentLength(request, 0L) != 0) {
      return HttpResponseStatus.BAD_REQUEST; // a GET has no body: nothing here reads one
    }
    return null;
  }

  private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, HttpMethod method) {
    closeAfterAnswer = true;
    arm(ctx, limits.requestTimeout());
    String text = status.code() + " " + status.reasonPhrase().toLowerCase(Locale.ROOT);
    HttpAnswer a =
        new HttpAnswer(
            status.code(),
            HttpAnswer.TEXT,
            (text + "\n").getBytes(StandardCharsets.UTF_8),
            status == HttpResponseStatus.METHOD_NOT_ALLOWED
                ? Map.of("Allow", "GET, HEAD")
                : Map.of());
    send(ctx, a, HttpMethod.HEAD.equals(method), false);
  }

  private void answer(ChannelHandlerContext ctx, HttpRequest request) {
    answering = true;
    arm(ctx, limits.requestTimeout()); // answering and sending, all in this time
    boolean head = HttpMethod.HEAD.equals(request.method());
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String uri = request.uri();
    String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
    try {
      pages.execute(
          () -> {
            HttpAnswer a = answer(uri, accept);
            ctx.executor().execute(() -> send(ctx, a, head, keepAlive));
          });
    } catch (RejectedExecutionException e) {
      ctx.close(); // the server is stopping
    }
  }

  /** On the page thread. */
  private HttpAnswer answer(String uri, String accept) {
    QueryStringDecoder q;
    try {
      q = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, HttpQuery.MAX_PARAMETERS);
      q.path(); // decoded here, so a malformed %-escape is the client's fault
      q.parameters();
    } catch (IllegalArgumentException e) {
      return HttpAnswer.text(400, "400 bad request\n");
    }
    try {
      return handler.answer(new HttpQuery(q.path(), q.parameters(), accept));
    } catch (Exception | LinkageError e) {
      log.warn("the metrics page failed: {}", e.toString());
      return HttpAnswer.text(500, "500 internal error\n");
    }
  }

  private void send(ChannelHandlerContext ctx, HttpAnswer a, boolean head, boolean keepAlive) {
    boolean keep = keepAlive && !closeAfterAnswer;
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(a.status()),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(a.body()));
    HttpHeaders h = response.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
    h.set(HttpHeaderNames.CONTENT_LENGTH, a.body().length);
    h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    a.headers().forEach(h::set);
    h.set(HttpHeaderNames.CONNECTION, keep ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    answering = true;
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess() || !keep) {
                    f.channel().close();
                  } else {
                    readNext(ctx);
                  }
                });
  }

  private void readNext(ChannelHandlerContext ctx) {
    answering = false;
    if (closeAfterAnswer) {
      ctx.close(); // a request came in behind the one answered: pipelining is not served
      return;
    }
    if (!ctx.channel().isActive()) {
      return;
    }
    arm(ctx, limits.idleTimeout().plus(limits.requestTimeout()));
    ctx.read();
  }

  private void arm(ChannelHandlerContext ctx, Duration d) {
    disarm();
    deadline = ctx.executor().schedule(() -> ctx.close(), d.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void disarm() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
