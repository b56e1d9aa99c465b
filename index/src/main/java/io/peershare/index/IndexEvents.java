package io.peershare.index;

import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexType;

/**
 * What the index server did with each datagram, told as it happens: the one place where a request's
 * type and outcome are both known, for metrics (counters by type and result, drops by reason, time
 * in the server, reply cache hits, expiries). Every method has an empty default and the server's
 * default is {@link #NONE}, so counting costs nothing until something listens.
 *
 * <p>Calls come from the server threads (several at once), on the request path: an implementation
 * must be thread-safe and cheap (a {@code LongAdder} or a per-thread counter, no lock, no I/O).
 */
public interface IndexEvents {
  /** Listens to nothing. */
  IndexEvents NONE = new IndexEvents() {};

  /** Why a datagram got no reply at all. */
  enum Drop {
    /** Under 6 or over 1200 bytes, or too short for even an empty error reply. */
    SIZE,
    /** Its source address was over the per-address rate limit. */
    RATE_LIMIT
  }

  /**
   * A request was answered.
   *
   * @param type its type ({@link IndexType#UNKNOWN} for a byte that names none)
   * @param error the code of the {@code E} reply, or null for a success
   * @param cached true when the reply came from the reply cache (a retransmission)
   * @param nanos time in the server, from the moment its batch was read to its reply
   */
  default void answered(IndexType type, ErrorCode error, boolean cached, long nanos) {}

  /** A datagram was dropped without a reply. */
  default void dropped(Drop reason) {}

  /** The lease sweep removed {@code registrations} registrations. */
  default void expired(int registrations) {}
}
