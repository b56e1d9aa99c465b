package io.peershare.index;

import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Deregister;
import io.peershare.protocol.IndexMessage.Keepalive;
import io.peershare.protocol.IndexMessage.ListRequest;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Quit;
import io.peershare.protocol.IndexMessage.Register;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The requests of one receive batch that reach the registry (decoded, cookie-checked, not answered
 * from the reply cache), each with its source address, and a slot per request for its outcome. The
 * server fills it, {@link Registry#apply} records the outcomes, the server encodes the replies. One
 * per server thread, reused from batch to batch: nothing here is allocated per request.
 *
 * <p>Outcomes: {@link #done} for R, T, Q and K; {@link #located} for S; {@link #listed} for O;
 * {@link #refuse} for any request the registry turns down (the reply is then {@code E}); {@link
 * #answeredElsewhere} for a mutation with a {@link #ticket} that another node of a shared registry
 * already answered or is still at (see {@link SharedReplies}).
 */
public final class RegistryBatch {
  private static final Object DONE = new Object();

  private IndexMessage.Request[] requests;
  private InetAddress[] sources;
  private Object[] outcomes;
  private Object[] tickets;
  private int size;

  /** The outcome of a mutation another node answered: its reply, or none yet. */
  private record Elsewhere(byte[] reply) {}

  public RegistryBatch(int capacity) {
    requests = new IndexMessage.Request[capacity];
    sources = new InetAddress[capacity];
    outcomes = new Object[capacity];
    tickets = new Object[capacity];
  }

  public int size() {
    return size;
  }

  /** The i-th request: R, T, Q, K, O or S (never H, which the server answers itself). */
  public IndexMessage.Request request(int i) {
    return requests[check(i)];
  }

  /** The source IP address of the i-th request. */
  public InetAddress source(int i) {
    return sources[check(i)];
  }

  /**
   * The {@link SharedReplies#ticket} the i-th request (a mutation) is to be claimed with in the
   * registry's first step for it, or null: act without a claim.
   */
  public Object ticket(int i) {
    return tickets[check(i)];
  }

  /**
   * Records that the claim of the i-th request found it answered by another node: {@code reply} is
   * that node's reply bytes, or {@link SharedReplies#IN_PROGRESS} while it is still at it. This
   * node did nothing.
   */
  public void answeredElsewhere(int i, byte[] reply) {
    outcomes[check(i)] = new Elsewhere(reply);
  }

  /** Records that the i-th request (R, T, Q or K) was carried out. */
  public void done(int i) {
    outcomes[check(i)] = DONE;
  }

  /** Records the answer to the i-th request, an S. */
  public void located(int i, Registry.Located located) {
    outcomes[check(i)] = located;
  }

  /** Records the answer to the i-th request, an O. */
  public void listed(int i, Registry.Page page) {
    outcomes[check(i)] = page;
  }

  /** Records that the registry turned the i-th request down. */
  public void refuse(int i, RegistryException refusal) {
    outcomes[check(i)] = refusal;
  }

  /** The outcome of the i-th request: null (none yet), a refusal, a Located, a Page, or done. */
  Object outcome(int i) {
    return outcomes[check(i)];
  }

  static boolean isDone(Object outcome) {
    return outcome == DONE;
  }

  /** The other node's reply when {@code outcome} is {@link #answeredElsewhere}, else null. */
  static byte[] elsewhere(Object outcome) {
    return outcome instanceof Elsewhere e ? e.reply() : null;
  }

  /** Adds a request; returns its index. */
  int add(IndexMessage.Request request, InetAddress source) {
    return add(request, source, null);
  }

  /** Adds a request to be claimed with {@code ticket} (null: none); returns its index. */
  int add(IndexMessage.Request request, InetAddress source, Object ticket) {
    if (request instanceof IndexMessage.Hello) {
      throw new IllegalArgumentException("H never reaches the registry");
    }
    if (size == requests.length) {
      int n = size * 2;
      requests = Arrays.copyOf(requests, n);
      sources = Arrays.copyOf(sources, n);
      outcomes = Arrays.copyOf(outcomes, n);
      tickets = Arrays.copyOf(tickets, n);
    }
    requests[size] = request;
    sources[size] = source;
    outcomes[size] = null;
    tickets[size] = ticket;
    return size++;
  }

  /** Forgets the requests (drops the references, so nothing stays reachable between batches). */
  void clear() {
    Arrays.fill(requests, 0, size, null);
    Arrays.fill(sources, 0, size, null);
    Arrays.fill(outcomes, 0, size, null);
    Arrays.fill(tickets, 0, size, null);
    size = 0;
  }

  /**
   * Applies the i-th request to {@code registry} with its single operations and records the
   * outcome: what {@link Registry#apply} does for each request unless a store batches otherwise.
   */
  public void applyTo(Registry registry, int i, long now) {
    InetAddress ip = source(i);
    try {
      switch (request(i)) {
        case Register r -> {
          registry.register(r.peer(), ip, r.content(), r.tcpPort(), r.size(), r.digest(), now);
          done(i);
        }
        case Deregister t -> {
          registry.deregister(t.peer(), ip, t.content(), now);
          done(i);
        }
        case Quit q -> {
          registry.quit(q.peer(), ip, now);
          done(i);
        }
        case Keepalive k -> {
          registry.keepalive(k.peer(), ip, now);
          done(i);
        }
        case ListRequest o ->
            listed(
                i,
                registry.list(
                    o.after(),
                    o.filter(),
                    Registry.LISTING_ROOM,
                    Registry.LISTING_MAX_ENTRIES,
                    now));
        case Locate s -> located(i, registry.locate(s.content(), s.max(), now));
        case IndexMessage.Hello h -> throw new IllegalStateException("H in a registry batch");
      }
    } catch (RegistryException e) {
      refuse(i, e);
    }
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return i;
  }
}
