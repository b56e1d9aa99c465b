package io.peershare.index;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * Replies to mutations (R, T, Q, K) kept where every node of one registry sees them, so a
 * retransmission that reaches another node gets the same reply bytes and changes nothing twice. The
 * per-node {@link ReplyCache} still answers a node's own retransmissions first.
 *
 * <p>A server claims the mutations of a receive batch before it hands them to the registry, all at
 * once without waiting for each ({@link #claim} returns at once); the registry sees only those this
 * node won.
 */
public interface SharedReplies {
  /** {@link #claim}'s answer when another node is handling the same datagram now: send nothing. */
  byte[] IN_PROGRESS = new byte[0];

  /**
   * Completes with null when this node is first and must act (then {@link #remember} or {@link
   * #release}); else with the reply sent the first time, or {@link #IN_PROGRESS}. Completes
   * exceptionally when the store fails. Reads the request bytes before it returns.
   */
  CompletionStage<byte[]> claim(
      InetSocketAddress from, byte[] request, int offset, int length, int requestId);

  /** Keeps {@code reply} to this request for 30 s (not waited for). */
  void remember(
      InetSocketAddress from,
      byte[] request,
      int offset,
      int length,
      int requestId,
      byte[] reply,
      int replyOffset,
      int replyLength);

  /** Claims made from now until {@link #sendClaims} on this thread may be sent together. */
  default void gatherClaims() {}

  /** Sends the claims gathered since {@link #gatherClaims}. */
  default void sendClaims() {}

  /** How long the claims of one batch may take before those not back count as failed. */
  long timeoutMillis();

  /** This node failed before it had a reply: another may try (not waited for). */
  void release(InetSocketAddress from, int requestId);
}
