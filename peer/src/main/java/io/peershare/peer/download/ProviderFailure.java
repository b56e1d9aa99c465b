package io.peershare.peer.download;

/**
 * A provider let this download down: it could not be reached, answered {@code E}, sent a piece that
 * failed its hash, too many bytes, too few, or nothing for too long. The provider is dropped for
 * the rest of the download. The message is one sentence naming the provider and what it did.
 */
final class ProviderFailure extends Exception {
  private static final long serialVersionUID = 1L;

  ProviderFailure(String message) {
    super(message, null, false, false); // expected, and described by its message: no stack trace
  }

  ProviderFailure(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
