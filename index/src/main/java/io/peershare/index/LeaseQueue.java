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

  private final PriorityQueue<Due> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));

  void schedule(PeerRegistrations peer, long at) {
    queue.add(new Due(at, peer));
  }

  /** When the first entry comes due, or {@code Long.MAX_VALUE} when there is none. */
  long earliest() {
    Due head = queue.peek();
    return head == null ? Long.MAX_VALUE : head.at();
  }

  /** The next peer due at or before {@code now}, removed from the queue, or null. */
  PeerRegistrations pollDue(long now) {
    Due head = queue.peek();
    if (head == null || head.at() > now) {
      return null;
    }
    queue.poll();
    return head.peer();
  }
}
