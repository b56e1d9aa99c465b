package io.peershare.peer.index;

import io.peershare.peer.index.ErrorSentences.Subject;
import io.peershare.peer.index.IndexUnreachableException.NodeFailure;
import io.peershare.protocol.Addresses;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to an index over UDP: one server, or several nodes of one index tried in the order given.
 * Thread-safe: any number of threads may call at once; each call blocks until its reply, an {@link
 * IndexException} ({@code E} reply) or an {@link IndexUnreachableException} (no node answered).
 * Names come typed ({@link PeerName}, {@link ContentName}), so every request keeps the name rules.
 *
 * <p>One socket, connected to the node in use, so the kernel drops datagrams from anyone else and
 * reports an ICMP port unreachable from that node: a node where nothing listens is given up on at
 * once, a silent one after the whole retry schedule. The client then goes on with the next node and
 * stays there. The request it gave up on is first sent on unchanged (same request id, cookie and
 * source port), so a node that shares the first one's cookie secret and reply cache answers it as
 * the first would have, acting once; a node that does not know that cookie answers {@code
 * BAD_COOKIE}, and the request goes again with a cookie of its own. Each node has its own cookie.
 */
public final class IndexClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IndexClient.class);

  /** A cookie is fetched again at this age (servers keep them valid for at least 120 s). */
  static final Duration COOKIE_REFRESH = Duration.ofSeconds(60);

  /** Makes the request for a request id and cookie (resends reuse the bytes, not this). */
  private interface RequestMaker {
    IndexMessage.Request make(int requestId, long cookie);
  }

  /** One node's cookie; guarded by itself. */
  private static final class Cookie {
    long value;
    long fetchedAt = Long.MIN_VALUE; // MIN_VALUE: none yet
  }

  /**
   * How one send waits for its reply. In use: for the schedule's wait, by the clock. Tests that
   * lose datagrams on purpose end a wait the moment they lose one, so that a resend follows each
   * loss and nothing else, however slow the machine.
   */
  @FunctionalInterface
  interface ReplyWait {
    ReplyWait TIMED =
        (reply, wait) -> {
          try {
            return reply.get(wait.toNanos(), TimeUnit.NANOSECONDS);
          } catch (TimeoutException e) {
            return null;
          }
        };

    /**
     * The reply once {@code reply} completes, or null when the wait is over first (the datagram is
     * then sent again, or the node given up on after the last wait).
     *
     * @throws ExecutionException {@code reply} failed (an ICMP port unreachable)
     */
    IndexMessage.Reply await(CompletableFuture<IndexMessage.Reply> reply, Duration wait)
        throws ExecutionException, InterruptedException;
  }

  /** The bytes of a request as sent, with its id. */
  private record Sent(int id, byte[] datagram) {}

  /** A node gave up on a request ({@code request} null when it was an H: not worth sending on). */
  private static final class NodeGaveUp extends Exception {
    private static final long serialVersionUID = 1L;
    final transient NodeFailure failure;
    final transient Sent request;

    NodeGaveUp(NodeFailure failure, Sent request) {
      super(failure.reason(), null, false, false);
      this.failure = failure;
      this.request = request;
    }
  }

  /** Another thread moved the client to another node while this request was out. */
  private static final class Moved extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Sent request;

    Moved(Sent request) {
      super(null, null, false, false);
      this.request = request;
    }
  }

  private final List<InetSocketAddress> nodes;
  private final Cookie[] cookies;
  private final RetrySchedule schedule;
  private final Clock clock;
  private final ReplyWait replyWait;
  private final DatagramChannel channel;
  private final ReplyReceiver receiver;
  private final List<Consumer<InetSocketAddress>> moveListeners = new CopyOnWriteArrayList<>();
  // sends hold the read lock; connecting the socket to another node and moving hold the write lock
  private final ReadWriteLock route = new ReentrantReadWriteLock();
  private volatile int current; // the node in use
  private volatile int connected = -1; // the node the socket is connected to; -1: none yet

  /** A client of one server with the spec's retry schedule and the system clock. */
  public IndexClient(InetSocketAddress server) throws IOException {
    this(List.of(server));
  }

  /**
   * A client of the nodes of one index, in the order to try them; spec's schedule, system clock.
   */
  public IndexClient(List<InetSocketAddress> nodes) throws IOException {
    this(nodes, RetrySchedule.standard(), Clock.systemUTC());
  }

  public IndexClient(InetSocketAddress server, RetrySchedule schedule, Clock clock)
      throws IOException {
    this(List.of(server), schedule, clock);
  }

  public IndexClient(List<InetSocketAddress> nodes, RetrySchedule schedule, Clock clock)
      throws IOException {
    this(nodes, schedule, clock, ReplyWait.TIMED);
  }

  /** A client whose sends wait for their replies as {@code replyWait} says (tests). */
  IndexClient(
      List<InetSocketAddress> nodes, RetrySchedule schedule, Clock clock, ReplyWait replyWait)
      throws IOException {
    this.replyWait = replyWait;
    this.nodes = List.copyOf(new LinkedHashSet<>(nodes));
    if (this.nodes.isEmpty()) {
      throw new IllegalArgumentException("an index client needs at least one node");
    }
    this.cookies = new Cookie[this.nodes.size()];
    for (int i = 0; i < cookies.length; i++) {
      cookies[i] = new Cookie();
    }
    this.schedule = schedule;
    this.clock = clock;
    this.channel = DatagramChannel.open();
    try {
      // bound once, explicitly, so the source port stays the same whichever node is in use
      channel.bind(new InetSocketAddress(0));
      channel.configureBlocking(false);
      this.receiver =
          new ReplyReceiver(
              channel,
              new LinkedHashSet<>(this.nodes),
              "index-client-" + this.nodes.get(0).getPort());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    receiver.start();
  }

  /** Registers {@code content}, served on {@code tcpPort}; returns the lease in seconds. */
  public long register(PeerName peer, ContentName content, int tcpPort, long size, Digest digest)
      throws IndexException, IOException {
    return ack(
        call(
            (id, c) -> new IndexMessage.Register(id, c, peer, content, tcpPort, size, digest),
            new Subject(peer, content)));
  }

  public void deregister(PeerName peer, ContentName content) throws IndexException, IOException {
    ack(
        call(
            (id, c) -> new IndexMessage.Deregister(id, c, peer, content),
            new Subject(peer, content)));
  }

  /** Removes all of {@code peer}'s registrations from this address (none is fine). */
  public void quit(PeerName peer) throws IndexException, IOException {
    ack(call((id, c) -> new IndexMessage.Quit(id, c, peer), new Subject(peer, null)));
  }

  /**
   * Renews all of {@code peer}'s leases; returns the lease in seconds.
   *
   * @throws IndexException NOT_FOUND when the peer has no registration from this address
   */
  public long keepalive(PeerName peer) throws IndexException, IOException {
    return ack(call((id, c) -> new IndexMessage.Keepalive(id, c, peer), new Subject(peer, null)));
  }

  /** Up to {@code max} (1–16) providers of {@code content}, round robin. */
  public IndexMessage.Providers locate(PeerName peer, ContentName content, int max)
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
                new Subject(null, null)));
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
        throw new IOException(
            "the index server at " + Addresses.format(node()) + " sent an empty page with more");
      }
      after = page.entries().get(page.entries().size() - 1).content().toString();
    }
  }

  /** The node in use now: the first that answered, or the one after the last given up on. */
  public InetSocketAddress node() {
    return nodes.get(current);
  }

  /**
   * Calls {@code listener} with the new node whenever the client gives up on a node and goes on
   * with another (so that a peer registers again there). It runs on the calling thread.
   */
  public void onMove(Consumer<InetSocketAddress> listener) {
    moveListeners.add(listener);
  }

  @Override
  public void close() {
    try {
      channel.close();
      receiver.stop();
    } catch (IOException e) {
      // closing a datagram channel does not fail in practice; nothing to do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends on the node in use; when that node gives up, goes on with the next, each node at most
   * once per call, and throws {@link IndexUnreachableException} when none answered.
   */
  private IndexMessage.Reply call(RequestMaker maker, Subject subject)
      throws IndexException, IOException {
    List<NodeFailure> failures = new ArrayList<>();
    Sent carried = null;
    int node = current;
    int moves = 0;
    while (failures.size() < nodes.size()) {
      IndexMessage.Reply reply;
      try {
        reply = callOn(node, maker, carried);
      } catch (NodeGaveUp e) {
        failures.add(e.failure);
        carried = e.request == null ? carried : e.request;
        if (failures.size() < nodes.size()) {
          node = moveOn(node, e.failure);
        }
        continue;
      } catch (Moved e) {
        carried = e.request == null ? carried : e.request;
        if (++moves > 2 * nodes.size()) { // others keep moving: every node is failing for them
          failures.add(NodeFailure.silent(nodes.get(node), schedule));
        }
        node = current;
        continue;
      }
      if (reply instanceof ErrorReply e) {
        throw ErrorSentences.toException(e.code(), e.message(), subject);
      }
      return reply;
    }
    throw new IndexUnreachableException(failures);
  }

  /**
   * One request on one node: first the bytes another node gave up on, if any; then with this node's
   * cookie, fetching a new one on BAD_COOKIE and sending once more.
   */
  private IndexMessage.Reply callOn(int node, RequestMaker maker, Sent carried)
      throws NodeGaveUp, Moved, IndexException, IOException {
    if (carried != null) {
      IndexMessage.Reply reply = resend(node, carried);
      if (reply != null && !isBadCookie(reply)) {
        return reply;
      }
    }
    long c = cookie(node);
    IndexMessage.Reply reply = exchange(node, id -> maker.make(id, c));
    if (isBadCookie(reply)) {
      long fresh = refreshCookie(node, c);
      reply = exchange(node, id -> maker.make(id, fresh));
    }
    return reply;
  }

  private static boolean isBadCookie(IndexMessage.Reply reply) {
    return reply instanceof ErrorReply e && e.code() == ErrorCode.BAD_COOKIE;
  }

  private long cookie(int node) throws NodeGaveUp, Moved, IndexException, IOException {
    Cookie cookie = cookies[node];
    synchronized (cookie) {
      long now = clock.millis();
      if (cookie.fetchedAt == Long.MIN_VALUE
          || now - cookie.fetchedAt >= COOKIE_REFRESH.toMillis()) {
        fetchCookie(node, cookie);
      }
      return cookie.value;
    }
  }

  /** A new cookie unless another thread already replaced {@code stale}. */
  private long refreshCookie(int node, long stale)
      throws NodeGaveUp, Moved, IndexException, IOException {
    Cookie cookie = cookies[node];
    synchronized (cookie) {
      if (cookie.value == stale) {
        fetchCookie(node, cookie);
      }
      return cookie.value;
    }
  }

  private void fetchCookie(int node, Cookie cookie)
      throws NodeGaveUp, Moved, IndexException, IOException {
    long askedAt = clock.millis();
    IndexMessage.Reply reply;
    try {
      reply = exchange(node, IndexMessage.Hello::new);
    } catch (NodeGaveUp e) {
      throw new NodeGaveUp(e.failure, null);
    } catch (Moved e) {
      throw new Moved(null);
    }
    if (reply instanceof ErrorReply e) {
      throw ErrorSentences.toException(e.code(), e.message(), new Subject(null, null));
    }
    cookie.value = expect(CookieReply.class, reply).cookie();
    cookie.fetchedAt = askedAt; // its age counts from before the H, to be safe
  }

  /** One request: the same datagram sent on the retry schedule until a reply comes. */
  private IndexMessage.Reply exchange(int node, IntFunction<IndexMessage.Request> maker)
      throws NodeGaveUp, Moved, IOException {
    CompletableFuture<IndexMessage.Reply> reply = new CompletableFuture<>();
    int id = receiver.reserve(reply);
    byte[] datagram;
    try {
      datagram = IndexCodec.encode(maker.apply(id));
    } catch (RuntimeException e) {
      receiver.release(id);
      throw e;
    }
    return await(node, new Sent(id, datagram), reply);
  }

  /** Sends on the bytes another node gave up on; null when their request id is in use here. */
  private IndexMessage.Reply resend(int node, Sent request) throws NodeGaveUp, Moved, IOException {
    CompletableFuture<IndexMessage.Reply> reply = new CompletableFuture<>();
    return receiver.reserve(request.id(), reply) ? await(node, request, reply) : null;
  }

  /** Sends {@code request} on the schedule until {@code reply} completes; then releases its id. */
  private IndexMessage.Reply await(
      int node, Sent request, CompletableFuture<IndexMessage.Reply> reply)
      throws NodeGaveUp, Moved, IOException {
    try {
      ByteBuffer datagram = ByteBuffer.wrap(request.datagram());
      for (Duration wait : schedule.waits()) {
        send(node, request, datagram.rewind());
        try {
          IndexMessage.Reply r = replyWait.await(reply, wait);
          if (r != null) {
            return r;
          }
          // lost, or slow: send the same bytes again
        } catch (ExecutionException e) {
          if (e.getCause() instanceof PortUnreachableException refused) {
            throw new NodeGaveUp(NodeFailure.refused(nodes.get(node), refused), request);
          }
          throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for the index server");
        }
      }
      throw new NodeGaveUp(NodeFailure.silent(nodes.get(node), schedule), request);
    } finally {
      receiver.release(request.id());
    }
  }

  /** Sends one datagram to {@code node}, connecting the socket to it first when need be. */
  private void send(int node, Sent request, ByteBuffer datagram)
      throws NodeGaveUp, Moved, IOException {
    if (connected != node) {
      connect(node, request);
    }
    route.readLock().lock();
    try {
      if (current != node || connected != node) {
        throw new Moved(request);
      }
      receiver.sentTo(request.id(), nodes.get(node));
      channel.write(datagram); // 0 when the send buffer is full: as good as lost
    } catch (PortUnreachableException e) {
      throw new NodeGaveUp(NodeFailure.refused(nodes.get(node), e), request);
    } finally {
      route.readLock().unlock();
    }
  }

  /** Connects the socket to {@code node}, unless another thread moved on from it. */
  private void connect(int node, Sent request) throws NodeGaveUp, IOException {
    route.writeLock().lock();
    try {
      if (connected == node || current != node) {
        return;
      }
      if (connected >= 0) {
        connected = -1;
        channel.disconnect(); // the JDK keeps the socket's local port
      }
      try {
        channel.connect(nodes.get(node));
      } catch (SocketException | UnsupportedAddressTypeException | UnresolvedAddressException e) {
        // no route there, or an IPv6 node on a system without IPv6
        throw new NodeGaveUp(NodeFailure.unsendable(nodes.get(node), e), request);
      }
      connected = node;
    } finally {
      route.writeLock().unlock();
    }
  }

  /** Gives up on {@code from} and goes on with the next node; returns the node now in use. */
  private int moveOn(int from, NodeFailure why) {
    int to;
    route.writeLock().lock();
    try {
      if (current != from) {
        return current; // another thread moved on already
      }
      to = (from + 1) % nodes.size();
      current = to;
    } finally {
      route.writeLock().unlock();
    }
    InetSocketAddress next = nodes.get(to);
    log.warn("{}: going on with the index node {}", why.reason(), Addresses.format(next));
    moveListeners.forEach(l -> l.accept(next));
    return to;
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
