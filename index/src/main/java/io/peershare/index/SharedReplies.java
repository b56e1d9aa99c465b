package io.peershare.index;

import java.net.InetSocketAddress;

/**
 * Replies to mutations (R, T, Q, K) kept where every node of one registry sees them, so a
 * retransmission that reaches another node gets the same reply bytes and changes nothing twice. The
 * per-node {@link ReplyCache} still answers a node's own retransmissions first.
 */
public interface SharedReplies {
  /** {@link #claim}'s answer when another node is handling the same datagram now: send nothing. */
  byte[] IN_PROGRESS = new byte[0];

  /**
   * Null when this node is first and must act (then {@link #remember} or {@link #release}); else
   * the reply sent the first time, or {@link #IN_PROGRESS}.
   */
  byte[] claim(InetSocketAddress from, byte[] request, int length, int requestId);

  /** Keeps {@code reply} to this request for 30 s. */
  void remember(InetSocketAddress from, byte[] request, int length, int requestId, byte[] reply);

  /** This node failed before it had a reply: another may try. */
  void release(InetSocketAddress from, byte[] request, int length, int requestId);
}
