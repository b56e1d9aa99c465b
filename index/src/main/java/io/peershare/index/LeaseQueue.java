package io.peershare.index;

import java.util.PriorityQueue;

/**
 * Peers in order of their earliest possible expiry. One entry per peer, pushed when the peer
 * appears; renewals (R, K) only move the real deadline later, so they touch nothing here. When an
 * entry comes due, the registry checks the peer's real deadline, expires what is due and pushes the
 * peer back with its next deadline: expiry costs O(log peers) per due peer, never a full scan.
 */
final class LeaseQueue {
  private record Due(long at, PeerRegistrations peer) {}

  /**
   * Never due, always in the queue (two of them, so that taking the last real entry still sifts a
   * heap of two): the queue is never empty, so the sweep's compiled code never meets an empty
   * queue. It did once a million leases ended at once and the sweep took the last one: {@code peek}
   * returning null, and a heap of one, were paths the JIT had never seen, and {@code expire},
   * {@code apply} and the request path were thrown out and compiled again while requests came in
   * (docs/benchmarks.md, "Ninth look").
   */
  private static final Due NEVER = new Due(Long.MAX_VALUE, null);

  private final PriorityQueue<Due> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));

  LeaseQueue() {
    queue.add(NEVER);
    queue.add(NEVER);
  }

  void schedule(PeerRegistrations peer, long at) {
    queue.add(new Due(at, peer));
  }

  /** When the first entry comes due, or {@code Long.MAX_VALUE} when there is none. */
  long earliest() {
    return queue.peek().at();
  }

  /** The next peer due at or before {@code now}, removed from the queue, or null. */
  PeerRegistrations pollDue(long now) {
    Due head = queue.peek();
    if (head.at() > now || head == NEVER) {
      return null;
    }
    queue.poll();
    return head.peer();
  }
}
