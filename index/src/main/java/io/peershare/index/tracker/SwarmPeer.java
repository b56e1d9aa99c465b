package io.peershare.index.tracker;

/** One peer in one swarm, with its place in that swarm's {@link PeerList}. */
final class SwarmPeer {
  final PeerEndpoint endpoint;
  final Swarm swarm;
  boolean seeder;
  long lastSeen;

  /** Index in the list that holds it; kept by {@link PeerList}. */
  int slot = -1;

  /** Set once the peer left its swarm; the expiry queue may still hold it. */
  boolean gone;

  SwarmPeer(PeerEndpoint endpoint, Swarm swarm, boolean seeder, long lastSeen) {
    this.endpoint = endpoint;
    this.swarm = swarm;
    this.seeder = seeder;
    this.lastSeen = lastSeen;
  }
}
