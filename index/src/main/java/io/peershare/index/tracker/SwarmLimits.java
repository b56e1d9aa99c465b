package io.peershare.index.tracker;

/**
 * How much the tracker holds before it refuses new torrents or peers with an error (peers already
 * known keep being served).
 *
 * @param swarms torrents (info hashes) with at least one live peer; default 200,000
 * @param peers peers over all swarms; default 1,000,000 (about 200 bytes of heap each, see
 *     docs/bittorrent-tracker.md)
 * @param perAddress peers one IPv4 address or one IPv6 /64 may hold over all swarms, so that one
 *     source cannot fill the tracker at its rate limit; default 10,000 (a seedbox with thousands of
 *     torrents fits)
 */
public record SwarmLimits(int swarms, int peers, int perAddress) {
  public SwarmLimits {
    if (swarms < 1 || peers < 1 || perAddress < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  public static SwarmLimits defaults() {
    return new SwarmLimits(200_000, 1_000_000, 10_000);
  }
}
