package io.peershare.index.tracker;

import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;

/**
 * The swarms behind the BitTorrent tracker: per info hash, which peers (address and port) are in
 * it, which of them seed, and how many completed. No sockets and no clock of its own: every call
 * takes {@code now}. Kept apart from peershare's content {@link io.peershare.index.Registry}; like
 * it, it is an interface so that a store shared by several index nodes (Redis) can take its place.
 *
 * <p>A peer lives {@link #peerTtlMillis()} after its last announce. Implementations need not be
 * thread-safe: the tracker's threads call them under one lock, a receive batch at a time.
 */
public interface SwarmStore {

  /**
   * Records an announce of {@code peer} to {@code hash}'s swarm and returns up to {@code numWant}
   * other peers of the same address family, in wire form; a seeder gets only leechers. {@code
   * STOPPED} removes the peer and returns no peers. {@code COMPLETED} counts a download once per
   * peer that was leeching.
   *
   * @throws TrackerFullException a new swarm or peer beyond the limits
   */
  Announced announce(
      InfoHash hash, PeerEndpoint peer, boolean seeder, Event event, int numWant, long now)
      throws TrackerFullException;

  /** The counts of {@code hash}'s swarm; zeros for a swarm nobody is in. */
  ScrapeCounts scrape(InfoHash hash, long now);

  /**
   * Drops peers silent for longer than their time to live, at most {@code max} of them (so that a
   * mass expiry is spread over several calls); returns how many.
   */
  int expire(long now, int max);

  /** Swarms, seeders and leechers now, for metrics and the status page. */
  Totals totals();

  /** How long a peer stays without announcing again. */
  long peerTtlMillis();

  /**
   * The answer to an announce: the swarm's counts (the announcing peer included) and peers in wire
   * form, 6 or 18 bytes each.
   */
  record Announced(int seeders, int leechers, byte[] peers) {}

  record Totals(int swarms, int seeders, int leechers) {}
}
