package io.peershare.index;

import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexType;

/**
 * What the index server did with each datagram, told as it happens: the one place where a request's
 * type and outcome are both known, for metrics (counters by type and result, drops by reason, time
 * in the server, reply cache hits, expiries). Every method has an empty default and the server's
 * default is {@link #NONE}, so counting costs nothing until something listens.
 *
 * <p>Each server thread's handler asks for its own with {@link #forThread()} and tells only that
 * one, on the request path: it must be cheap (no lock, no I/O, no allocation). The object given to
 * the server is thread-safe; what {@link #forThread()} returns need not be.
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
   * @param nanos time in the server, from the moment its batch was read to the moment the batch's
   *     replies (this one among them) were ready to send; 0 when {@code cached}
   */
  default void answered(IndexType type, ErrorCode error, boolean cached, long nanos) {}

  /** A datagram was dropped without a reply. */
  default void dropped(Drop reason) {}

  /** The lease sweep removed {@code registrations} registrations. */
  default void expired(int registrations) {}

  /**
   * The events of one server thread, asked for once by the handler of each socket as it is made.
   * What it returns is told only by that handler: one call at a time, each after the last in
   * happens-before order (the socket's event loop). So it may count in plain fields it alone
   * writes, where this object, which any thread may tell, needs atomic adds. The default is this
   * object itself.
   */
  default IndexEvents forThread() {
    return this;
  }
}
