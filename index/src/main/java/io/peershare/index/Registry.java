package io.peershare.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.List;

/**
 * Who provides which content: the state behind the index protocol, with no sockets and no clock of
 * its own. Every operation takes {@code nowMillis} and first drops the registrations whose lease
 * ran out by then, so a caller never sees an expired entry.
 *
 * <p>A peer is its name plus the IP address its requests come from; one name is held from one
 * address at a time. Implementations need not be thread-safe: the server calls them from its loop
 * thread only.
 */
public interface Registry {

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

  /** Drops every registration whose lease ended at or before {@code now}; returns how many. */
  int expire(long now);

  /** Live registrations (provider entries) in total. */
  int size();

  /** How long a registration lives without R or K, in milliseconds. */
  long leaseMillis();

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
}
