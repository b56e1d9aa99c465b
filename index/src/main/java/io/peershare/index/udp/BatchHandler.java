package io.peershare.index.udp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link UdpTransport} runs: bytes in, bytes out, one receive batch at a time. The transport
 * makes one handler per socket and calls it only from that socket's thread, so a handler's own
 * state needs no lock; state shared by several handlers (a registry, a cookie secret) must be
 * thread-safe. The kernel sends every datagram of one source address and port to the same socket,
 * so per-handler state keyed by source (a reply cache) sees all of that source's traffic, in order.
 */
public interface BatchHandler {
  /** The stage of a batch whose replies were all set before {@code handle} returned. */
  CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

  /**
   * Handles the datagrams of {@code batch}, setting a reply for those that get one. Returns a stage
   * that completes when every reply is set: {@link #DONE} when that is already so (the transport
   * then sends the replies at once, with one {@code sendmmsg}); otherwise the transport reads
   * nothing more from this socket until the stage completes (on any thread), then sends the replies
   * in the batch's order. The batch is reused after that. Should not throw: a throw loses the
   * batch's replies (logged at debug level).
   */
  CompletionStage<Void> handle(DatagramBatch batch);

  /**
   * Called on the socket's thread once the stage of {@link #handle} has completed, before the
   * replies go out: where a handler whose batch completed elsewhere finishes its replies with its
   * own (unshared) state. Not called when {@code handle} threw.
   */
  default void finish(DatagramBatch batch) {}

  /**
   * Work between batches (expiry slices, cache purges), on the socket's thread: after each batch
   * and at least once a second. Returns true when more is pending; the transport then calls again
   * after the I/O that is ready, so pending work goes in slices between batches.
   */
  default boolean housekeeping() {
    return false;
  }

  /** Makes the handler of each socket. */
  @FunctionalInterface
  interface Factory {
    BatchHandler newHandler(int socketIndex);
  }
}
