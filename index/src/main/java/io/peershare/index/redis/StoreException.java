package io.peershare.index.redis;

/**
 * The store did not answer in time or refused a command: the request fails with {@code INTERNAL}
 * and may be retried. Unchecked, so it passes through the {@code Registry} interface to the
 * handler, which answers every unexpected failure with {@code INTERNAL} and caches nothing.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause, false, false); // the cause carries the trace that matters
  }
}
