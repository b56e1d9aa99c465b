package io.peershare.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who provides which content: the state behind the index protocol, with no sockets and no clock of
 * its own (every operation takes {@code now}).
 *
 * <p>A peer is its name plus the IP address its requests come from; one name is held from one
 * address at a time. A registration whose lease ended by {@code now} counts as gone for every
 * operation that names its peer (R, T, Q, K) and for {@code locate}; the registry removes such
 * registrations in bounded slices ({@link #expire(long, int)}), so a listing may still count one
 * for the moment it takes the server to sweep a large expiry (see {@link MemoryRegistry}).
 *
 * <p><b>The server's seam is {@link #apply}</b>: it hands the registry a {@link RegistryBatch} of
 * decoded, cookie-checked requests at a time (one receive batch of one server thread) and sends the
 * replies when the returned stage completes. An in-memory registry applies the batch under one lock
 * and returns {@link #DONE}; a remote store (Redis) sends the whole batch in one round trip and
 * completes the stage when the answers are back, on any thread. Within a batch, requests take
 * effect in order, as if one after the other. Several server threads may call {@code apply} and
 * {@code expire} at once: implementations synchronize themselves.
 *
 * <p>The single operations below are the semantics every implementation must keep (the batch
 * applies exactly these); the default {@link #apply} runs them one by one, which suits a store that
 * is local and thread-safe.
 */
public interface Registry {
  /** The stage of a batch that was applied before {@code apply} returned. */
  CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

  /**
   * Records that {@code peer} at {@code ip} provides {@code content} on {@code tcpPort}; the lease
   * starts now.
   *
   * @throws RegistryException NAME_TAKEN, ALREADY_REGISTERED, CONFLICT or LIMIT
   */
  void register(
      PeerName peer,
      InetAddress ip,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest,
      long now)
      throws RegistryException;

  /**
   * Removes one registration.
   *
   * @throws RegistryException NOT_FOUND (no such content) or NOT_OWNER (others provide it)
   */
  void deregister(PeerName peer, InetAddress ip, ContentName content, long now)
      throws RegistryException;

  /** Removes every registration of {@code peer} at {@code ip}; returns how many there were. */
  int quit(PeerName peer, InetAddress ip, long now);

  /**
   * Renews every lease of {@code peer} at {@code ip}.
   *
   * @throws RegistryException NOT_FOUND when the peer has no registration from this address
   */
  void keepalive(PeerName peer, InetAddress ip, long now) throws RegistryException;

  /**
   * The first {@code min(max, n)} providers of {@code content}, each moved to the back of its queue
   * in order (round robin).
   *
   * @throws RegistryException NOT_FOUND for content nobody provides
   */
  Located locate(ContentName content, int max, long now) throws RegistryException;

  /**
   * Content names strictly after {@code after} in byte order that contain {@code filter} (ASCII
   * letters folded), as many as fit in {@code maxBytes} of listing entries and at most {@code
   * maxEntries} of them.
   */
  Page list(String after, String filter, int maxBytes, int maxEntries, long now);

  /**
   * Applies every request of {@code batch} and records each outcome in the batch: the requests of
   * one peer name take effect in the batch's order, those of different peers may run side by side
   * (a store node runs them so, as if they had reached different nodes); the returned stage
   * completes once all outcomes are recorded. Must not throw: a request that fails is {@link
   * RegistryBatch#refuse refused} with a code. This default runs the single operations one by one
   * and completes before it returns.
   */
  default CompletionStage<Void> apply(RegistryBatch batch, long now) {
    for (int i = 0; i < batch.size(); i++) {
      batch.applyTo(this, i, now);
    }
    return DONE;
  }

  /**
   * Drops registrations whose lease ended at or before {@code now}, at most about {@code max} of
   * them (a peer's due registrations may go together); returns how many. The server sweeps in such
   * slices between batches ({@link #sweep}), so a million leases ending at once never hold a
   * request up for long.
   */
  int expire(long now, int max);

  /**
   * What a server calls between batches, on its own thread, until it returns 0: {@link
   * #expire(long, int)} here; an implementation may stop a slice short of {@code max} (after some
   * time, or for another thread waiting on it) and go on in the next. A remote store instead starts
   * a sweep in the background (at most every so often) and returns 0 at once, so a batch never
   * waits for it; its registrations may then outlive their lease by that interval, and every node
   * of a shared store sweeps.
   */
  default int sweep(long now, int max) {
    return expire(now, max);
  }

  /** Drops every registration whose lease ended at or before {@code now}; returns how many. */
  default int expire(long now) {
    return expire(now, Integer.MAX_VALUE);
  }

  /** Live registrations (provider entries) in total. */
  int size();

  /** How long a registration lives without R or K, in milliseconds. */
  long leaseMillis();

  /**
   * Registrations, contents and peers right now, for metrics and the status page: read when they
   * are scraped or drawn, never on the request path. A store that cannot count contents or peers
   * cheaply answers -1 for them.
   */
  default Counts counts() {
    return new Counts(size(), -1, -1);
  }

  /**
   * Empty while the store answers; else why not, in a few words (a remote store out of reach). The
   * index's health check ({@code /healthz}) answers 503 with it.
   */
  default Optional<String> problem() {
    return Optional.empty();
  }

  /** What the store is, in a few words, for the status page: {@code memory}. */
  default String describe() {
    return "memory";
  }

  /** Live registrations, contents with at least one, and peers with at least one (-1: unknown). */
  record Counts(int registrations, int contents, int peers) {}

  /** The answer to a locate: the content's size and digest and where to get it. */
  record Located(long size, Digest digest, List<Provider> providers) {
    public Located {
      providers = List.copyOf(providers);
    }
  }

  /** One page of a listing; {@code more} when names after the last entry also match. */
  record Page(List<ListingEntry> entries, boolean more) {
    public Page {
      entries = List.copyOf(entries);
    }
  }

  /** Room for listing entries in an {@code L}: a datagram less the header, more and count. */
  int LISTING_ROOM = IndexMessage.MAX_DATAGRAM - IndexMessage.HEADER_SIZE - 2;

  /** At most this many entries in one {@code L} ({@code count} is a u8). */
  int LISTING_MAX_ENTRIES = 255;
}
