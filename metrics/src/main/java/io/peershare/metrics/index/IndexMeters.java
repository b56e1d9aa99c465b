package io.peershare.metrics.index;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.index.IndexEvents;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexType;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The index server's counts, as it tells them ({@link IndexEvents}), on the request path of every
 * server thread at once: one {@link LongAdder} per request type and result, per drop reason, for
 * reply cache hits and expiries, and per type a histogram of {@code LongAdder} buckets ({@link
 * RequestTimes}). Nothing allocates and nothing locks per request.
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
  private static final int RESULTS = 1 + CODES.length; // 0 is ok, 1 + ordinal an error
  private static final int[] SLOT = slots();

  private final PrometheusMeterRegistry registry;
  private final LongAdder[] requests = new LongAdder[TYPES.size() * RESULTS];
  private final boolean[] registered = new boolean[requests.length];
  private final RequestTimes times = new RequestTimes(TYPES);
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder droppedSize = new LongAdder();
  private final LongAdder droppedRate = new LongAdder();
  private final LongAdder expired = new LongAdder();

  /**
   * Makes the meters and registers them in {@code registry}; hand it to the server as it starts.
   */
  public IndexMeters(PrometheusMeterRegistry registry) {
    this.registry = registry;
    for (int i = 0; i < requests.length; i++) {
      requests[i] = new LongAdder();
    }
    for (int t = 0; t < TYPES.size(); t++) {
      register(t * RESULTS);
    }
    registry.getPrometheusRegistry().register(times);
    FunctionCounter.builder("peershare.index.dropped", droppedSize, LongAdder::sum)
        .tag("reason", "size")
        .description("Datagrams dropped without a reply, by reason")
        .register(registry);
    FunctionCounter.builder("peershare.index.dropped", droppedRate, LongAdder::sum)
        .tag("reason", "rate_limit")
        .description("Datagrams dropped without a reply, by reason")
        .register(registry);
    FunctionCounter.builder("peershare.index.reply.cache.hits", cacheHits, LongAdder::sum)
        .description("Requests answered from the reply cache (retransmissions)")
        .register(registry);
    FunctionCounter.builder("peershare.index.expired", expired, LongAdder::sum)
        .description("Registrations removed because their lease ended")
        .register(registry);
  }

  /** Upper bounds of the request time histogram's buckets, in nanoseconds (a copy). */
  public static long[] bucketBoundsNanos() {
    return RequestTimes.BOUNDS.clone();
  }

  @Override
  public void answered(IndexType type, ErrorCode error, boolean cached, long nanos) {
    int t = SLOT[type.ordinal()];
    requests[t * RESULTS + (error == null ? 0 : 1 + error.ordinal())].increment();
    if (cached) {
      cacheHits.increment(); // answered from a copy: no time worth a histogram
    } else {
      times.record(t, nanos);
    }
  }

  @Override
  public void dropped(Drop reason) {
    (reason == Drop.SIZE ? droppedSize : droppedRate).increment();
  }

  @Override
  public void expired(int registrations) {
    expired.add(registrations);
  }

  /**
   * Registers the {@code requests_total} series of every type and result counted since the last
   * call; off the request path (before each scrape).
   */
  public synchronized void registerSeen() {
    for (int i = 0; i < requests.length; i++) {
      if (!registered[i] && requests[i].sum() > 0) {
        register(i);
      }
    }
  }

  private void register(int i) {
    registered[i] = true;
    FunctionCounter.builder("peershare.index.requests", requests[i], LongAdder::sum)
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
      n += requests[t * RESULTS + r].sum();
    }
    return n;
  }

  /** Requests answered with {@code code}, of any type. */
  public long errors(ErrorCode code) {
    long n = 0;
    for (int t = 0; t < TYPES.size(); t++) {
      n += requests[t * RESULTS + 1 + code.ordinal()].sum();
    }
    return n;
  }

  public long cacheHits() {
    return cacheHits.sum();
  }

  public long drops(Drop reason) {
    return (reason == Drop.SIZE ? droppedSize : droppedRate).sum();
  }

  public long expired() {
    return expired.sum();
  }

  private static int[] slots() {
    int[] slots = new int[IndexType.values().length];
    for (IndexType type : IndexType.values()) {
      int t = type.isRequest() ? TYPES.indexOf(String.valueOf(type.letter())) : -1;
      slots[type.ordinal()] = t < 0 ? OTHER : t;
    }
    return slots;
  }
}
