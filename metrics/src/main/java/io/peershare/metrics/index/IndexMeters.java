package io.peershare.metrics.index;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.index.IndexEvents;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexType;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The index server's counts, as it tells them ({@link IndexEvents}), on the request path of every
 * server thread at once: requests by type and result, drops by reason, reply cache hits, expiries,
 * and per type a histogram of times ({@link RequestTimes}). Each server thread counts in a {@link
 * Tally} of its own ({@link #forThread()}), with plain adds; a scrape sums the tallies. Nothing
 * allocates, locks or contends per request. Told directly (not through {@link #forThread()}), it
 * counts under a lock, for callers on any thread.
 *
 * <p>{@code peershare_index_requests_total{type, result}} has a series for every type's {@code ok}
 * from the start (so {@code rate()} sees the first requests); a type's error series is registered
 * by {@link #registerSeen()} once that error has happened, before the scrape that shows it, so
 * {@code /metrics} does not carry seventy series of zeros. Registration happens off the request
 * path.
 */
public final class IndexMeters implements IndexEvents {
  /** The {@code type} label's values: the request letters, then {@code other}. */
  public static final List<String> TYPES = List.of("H", "R", "T", "Q", "K", "O", "S", "other");

  /**
   * The {@code type} label of a datagram that is not a request (a reply type, a byte that names no
   * type, or a version this server does not speak, whose type is not read).
   */
  public static final int OTHER = 7;

  private static final ErrorCode[] CODES = ErrorCode.values();
  private static final int RESULTS = Tally.RESULTS;

  private final PrometheusMeterRegistry registry;
  private final boolean[] registered = new boolean[TYPES.size() * RESULTS];

  /** Every server thread's tally, and {@link #anyThread} first; read by scrapes. */
  private final List<Tally> tallies = new CopyOnWriteArrayList<>();

  /** What callers other than a server thread's own tally tell, under its lock. */
  private final Tally anyThread = new Tally(this);

  /**
   * Makes the meters and registers them in {@code registry}; hand it to the server as it starts.
   */
  public IndexMeters(PrometheusMeterRegistry registry) {
    this.registry = registry;
    tallies.add(anyThread);
    for (int t = 0; t < TYPES.size(); t++) {
      register(t * RESULTS);
    }
    registry.getPrometheusRegistry().register(new RequestTimes(TYPES, this::sum));
    counter("peershare.index.dropped", Tally.DROPPED_SIZE)
        .tag("reason", "size")
        .description("Datagrams dropped without a reply, by reason")
        .register(registry);
    counter("peershare.index.dropped", Tally.DROPPED_RATE)
        .tag("reason", "rate_limit")
        .description("Datagrams dropped without a reply, by reason")
        .register(registry);
    counter("peershare.index.reply.cache.hits", Tally.CACHE_HITS)
        .description("Requests answered from the reply cache (retransmissions)")
        .register(registry);
    counter("peershare.index.expired", Tally.EXPIRED)
        .description("Registrations removed because their lease ended")
        .register(registry);
  }

  /**
   * A counter of the sum of all tallies' counter at {@code at}. The registry holds this object
   * weakly; the server's handlers hold it through their tallies.
   */
  private FunctionCounter.Builder<IndexMeters> counter(String name, int at) {
    return FunctionCounter.builder(name, this, m -> m.sum(at));
  }

  /** The counter at {@code at} summed over all tallies. */
  private long sum(int at) {
    long n = 0;
    for (Tally t : tallies) {
      n += t.get(at);
    }
    return n;
  }

  /** Upper bounds of the request time histogram's buckets, in nanoseconds (a copy). */
  public static long[] bucketBoundsNanos() {
    return RequestTimes.BOUNDS.clone();
  }

  /** A tally for one server thread: only that thread may tell it. */
  @Override
  public IndexEvents forThread() {
    Tally t = new Tally(this);
    tallies.add(t);
    return t;
  }

  @Override
  public void answered(IndexType type, ErrorCode error, boolean cached, long nanos) {
    synchronized (anyThread) {
      anyThread.answered(type, error, cached, nanos);
    }
  }

  @Override
  public void dropped(Drop reason) {
    synchronized (anyThread) {
      anyThread.dropped(reason);
    }
  }

  @Override
  public void expired(int registrations) {
    synchronized (anyThread) {
      anyThread.expired(registrations);
    }
  }

  /**
   * Registers the {@code requests_total} series of every type and result counted since the last
   * call; off the request path (before each scrape).
   */
  public synchronized void registerSeen() {
    for (int i = 0; i < registered.length; i++) {
      if (!registered[i] && sum(Tally.REQUESTS + i) > 0) {
        register(i);
      }
    }
  }

  private void register(int i) {
    registered[i] = true;
    counter("peershare.index.requests", Tally.REQUESTS + i)
        .tag("type", TYPES.get(i / RESULTS))
        .tag("result", result(i % RESULTS))
        .description("Requests answered, by type and result (ok, or the error code's name)")
        .register(registry);
  }

  /** {@code ok}, or the error code's name in lower case: {@code bad_cookie}. */
  static String result(int r) {
    return r == 0 ? "ok" : CODES[r - 1].name().toLowerCase(Locale.ROOT);
  }

  /** Requests of type slot {@code t} (an index in {@link #TYPES}) answered so far, any result. */
  public long requests(int t) {
    long n = 0;
    for (int r = 0; r < RESULTS; r++) {
      n += sum(Tally.REQUESTS + t * RESULTS + r);
    }
    return n;
  }

  /** Requests answered with {@code code}, of any type. */
  public long errors(ErrorCode code) {
    long n = 0;
    for (int t = 0; t < TYPES.size(); t++) {
      n += sum(Tally.REQUESTS + t * RESULTS + 1 + code.ordinal());
    }
    return n;
  }

  public long cacheHits() {
    return sum(Tally.CACHE_HITS);
  }

  public long drops(Drop reason) {
    return sum(reason == Drop.SIZE ? Tally.DROPPED_SIZE : Tally.DROPPED_RATE);
  }

  public long expired() {
    return sum(Tally.EXPIRED);
  }
}
