package io.peershare.protocol;

import java.util.Objects;

/**
 * The transfer protocol (TCP, docs/protocol.md §6): one request per connection, downloader to
 * content server (§6.1), and the answers that do not stream file bytes. File bytes travel in {@code
 * C} frames (§6.6), read and written by {@link TransferCodec} straight between socket and file.
 */
public sealed interface TransferMessage {
  int VERSION = 1;

  /** The largest {@code C} frame payload (docs/protocol.md §6.6). */
  int MAX_FRAME = 16 << 20;

  /** A request: names the content and the digest it must have. */
  sealed interface Request extends TransferMessage {
    ContentName content();

    Digest digest();
  }

  /**
   * {@code D}: bytes {@code [offset, offset+length)} of the content; length 0 = to the end
   * (docs/protocol.md §6.4, ranges §6.9).
   */
  record DownloadRequest(ContentName content, Digest digest, long offset, long length)
      implements Request {
    public DownloadRequest {
      Objects.requireNonNull(content);
      Objects.requireNonNull(digest);
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("negative offset or length");
      }
    }
  }

  /** {@code M}: the piece hashes of the content (docs/protocol.md §6.3). */
  record ManifestRequest(ContentName content, Digest digest) implements Request {
    public ManifestRequest {
      Objects.requireNonNull(content);
      Objects.requireNonNull(digest);
    }
  }

  /** {@code M} answer (docs/protocol.md §6.5). */
  record ManifestReply(Manifest manifest) implements TransferMessage {}

  /** {@code E} answer (docs/protocol.md §6.7). */
  record TransferError(ErrorCode code, String message) implements TransferMessage {}
}
