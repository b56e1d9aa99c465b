package io.peershare.index;

import io.peershare.protocol.IndexMessage;
import java.net.InetSocketAddress;

/**
 * Replies to mutations (R, T, Q, K) kept where every node of one registry sees them, so a
 * retransmission that reaches another node gets the same reply bytes and changes nothing twice. The
 * per-node {@link ReplyCache} still answers a node's own retransmissions first.
 *
 * <p>The claim is the registry's: the server hands each mutation to the registry with a {@link
 * #ticket}, and the registry's first step for that request claims it in the same store operation
 * (no round trip of its own). A request another node already answered or is still at comes back
 * {@link RegistryBatch#answeredElsewhere answered elsewhere}; for one this node acted on, the
 * server then {@link #remember}s its reply, or {@link #release}s the claim when it failed.
 */
public interface SharedReplies {
  /**
   * A reply {@link RegistryBatch#answeredElsewhere} gets while another node is at it: send none.
   */
  byte[] IN_PROGRESS = new byte[0];

  /**
   * What the registry needs to claim this mutation (where its reply lives, and what tells this
   * datagram from another reusing its id). Reads the request bytes before it returns.
   */
  Object ticket(
      InetSocketAddress from, IndexMessage.Request request, byte[] bytes, int offset, int length);

  /** Keeps {@code reply} to the ticket's request for 30 s (not waited for). */
  void remember(Object ticket, byte[] reply, int replyOffset, int replyLength);

  /** This node failed before it had a reply: another may try (not waited for). */
  void release(Object ticket);

  /**
   * What this thread remembers or releases from now until {@link #send} may be kept back and sent
   * together (one write for a batch's replies instead of one each).
   */
  default void gather() {}

  /** Sends what was kept back since {@link #gather}, before this returns. */
  default void send() {}
}
