package io.peershare.peer.index;

import io.peershare.peer.index.ErrorSentences.Subject;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.ListingEntry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to one index server over UDP. Thread-safe: any number of threads may call at once; each
 * call blocks until its reply, an {@link IndexException} ({@code E} reply) or an {@link
 * IndexUnreachableException} (no reply after every retry). Names that break the spec's rules are a
 * caller bug and throw {@link IllegalArgumentException}.
 */
public final class IndexClient implements AutoCloseable {
  /** A cookie is fetched again at this age (servers keep them valid for at least 120 s). */
  static final Duration COOKIE_REFRESH = Duration.ofSeconds(60);

  /** Makes the request for a request id and cookie (resends reuse the bytes, not this). */
  private interface RequestMaker {
    IndexMessage.Request make(int requestId, long cookie);
  }

  private final InetSocketAddress server;
  private final RetrySchedule schedule;
  private final Clock clock;
  private final DatagramChannel channel;
  private final ReplyReceiver receiver;
  private final Object cookieLock = new Object();
  private long cookie; // guarded by cookieLock
  private long cookieAt = Long.MIN_VALUE; // guarded by cookieLock; MIN_VALUE: none yet

  /** A client with the spec's retry schedule and the system clock. */
  public IndexClient(InetSocketAddress server) throws IOException {
    this(server, RetrySchedule.standard(), Clock.systemUTC());
  }

  public IndexClient(InetSocketAddress server, RetrySchedule schedule, Clock clock)
      throws IOException {
    this.server = server;
    this.schedule = schedule;
    this.clock = clock;
    this.channel = DatagramChannel.open();
    try {
      channel.connect(server); // the kernel then drops datagrams from anyone else
      this.receiver = new ReplyReceiver(channel, (InetSocketAddress) channel.getRemoteAddress());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    receiver.start();
  }

  /** Registers {@code content}, served on {@code tcpPort}; returns the lease in seconds. */
  public long register(String peer, String content, int tcpPort, long size, Digest digest)
      throws IndexException, IOException {
    return ack(
        call(
            (id, c) -> new IndexMessage.Register(id, c, peer, content, tcpPort, size, digest),
            new Subject(peer, content)));
  }

  public void deregister(String peer, String content) throws IndexException, IOException {
    ack(
        call(
            (id, c) -> new IndexMessage.Deregister(id, c, peer, content),
            new Subject(peer, content)));
  }

  /** Removes all of {@code peer}'s registrations from this address (none is fine). */
  public void quit(String peer) throws IndexException, IOException {
    ack(call((id, c) -> new IndexMessage.Quit(id, c, peer), new Subject(peer, null)));
  }

  /**
   * Renews all of {@code peer}'s leases; returns the lease in seconds.
   *
   * @throws IndexException NOT_FOUND when the peer has no registration from this address
   */
  public long keepalive(String peer) throws IndexException, IOException {
    return ack(call((id, c) -> new IndexMessage.Keepalive(id, c, peer), new Subject(peer, null)));
  }

  /** Up to {@code max} (1–16) providers of {@code content}, round robin. */
  public IndexMessage.Providers locate(String peer, String content, int max)
      throws IndexException, IOException {
    return expect(
        IndexMessage.Providers.class,
        call(
            (id, c) -> new IndexMessage.Locate(id, c, peer, content, max),
            new Subject(peer, content)));
  }

  /** One page of names after {@code after} (empty: from the start) containing {@code filter}. */
  public ListingPage list(String after, String filter) throws IndexException, IOException {
    IndexMessage.Listing l =
        expect(
            IndexMessage.Listing.class,
            call(
                (id, c) -> new IndexMessage.ListRequest(id, c, after, filter),
                new Subject("", null)));
    return new ListingPage(l.entries(), l.more());
  }

  /** Every name containing {@code filter}, paging through the listing. */
  public List<ListingEntry> listAll(String filter) throws IndexException, IOException {
    List<ListingEntry> all = new ArrayList<>();
    String after = "";
    while (true) {
      ListingPage page = list(after, filter);
      all.addAll(page.entries());
      if (!page.more()) {
        return all;
      }
      if (page.entries().isEmpty()) {
        throw new IOException("the index server at " + server + " sent an empty page with more");
      }
      after = page.entries().get(page.entries().size() - 1).content();
    }
  }

  public InetSocketAddress server() {
    return server;
  }

  @Override
  public void close() {
    try {
      channel.close();
      receiver.join();
    } catch (IOException e) {
      // closing a datagram channel does not fail in practice; nothing to do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends with the current cookie; on BAD_COOKIE fetches a new one and sends once more. */
  private IndexMessage.Reply call(RequestMaker maker, Subject subject)
      throws IndexException, IOException {
    long c = cookie();
    IndexMessage.Reply reply = exchange(id -> maker.make(id, c));
    if (reply instanceof ErrorReply e && e.code() == ErrorCode.BAD_COOKIE) {
      long fresh = refreshCookie(c);
      reply = exchange(id -> maker.make(id, fresh));
    }
    if (reply instanceof ErrorReply e) {
      throw ErrorSentences.toException(e.code(), e.message(), subject);
    }
    return reply;
  }

  private long cookie() throws IndexException, IOException {
    synchronized (cookieLock) {
      long now = clock.millis();
      if (cookieAt == Long.MIN_VALUE || now - cookieAt >= COOKIE_REFRESH.toMillis()) {
        fetchCookie();
      }
      return cookie;
    }
  }

  /** A new cookie unless another thread already replaced {@code stale}. */
  private long refreshCookie(long stale) throws IndexException, IOException {
    synchronized (cookieLock) {
      if (cookie == stale) {
        fetchCookie();
      }
      return cookie;
    }
  }

  private void fetchCookie() throws IndexException, IOException {
    long askedAt = clock.millis();
    IndexMessage.Reply reply = exchange(IndexMessage.Hello::new);
    if (reply instanceof ErrorReply e) {
      throw ErrorSentences.toException(e.code(), e.message(), new Subject("", null));
    }
    cookie = expect(CookieReply.class, reply).cookie();
    cookieAt = askedAt; // its age counts from before the H, to be safe
  }

  /** One request: the same datagram sent on the retry schedule until a reply comes. */
  private IndexMessage.Reply exchange(java.util.function.IntFunction<IndexMessage.Request> maker)
      throws IOException {
    CompletableFuture<IndexMessage.Reply> reply = new CompletableFuture<>();
    int id = receiver.reserve(reply);
    try {
      ByteBuffer datagram = ByteBuffer.wrap(IndexCodec.encode(maker.apply(id)));
      for (Duration wait : schedule.waits()) {
        send(datagram.rewind());
        try {
          return reply.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          continue; // lost, or slow: send the same bytes again
        } catch (ExecutionException e) {
          throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for the index server");
        }
      }
      throw new IndexUnreachableException(server, schedule.tries(), schedule.total());
    } finally {
      receiver.release(id);
    }
  }

  private void send(ByteBuffer datagram) throws IOException {
    try {
      channel.write(datagram);
    } catch (PortUnreachableException e) {
      // an ICMP error from an earlier send; this one may still go: count it as lost
    }
  }

  private static long ack(IndexMessage.Reply reply) throws IOException {
    return expect(Ack.class, reply).leaseSeconds();
  }

  private static <T extends IndexMessage.Reply> T expect(Class<T> type, IndexMessage.Reply reply)
      throws IOException {
    if (!type.isInstance(reply)) {
      throw new IOException("the index server answered " + reply.type() + " to a request");
    }
    return type.cast(reply);
  }
}
