package io.peershare.peer.download;

import io.peershare.protocol.Digest;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * The hashing stage of one download, shared by all its readers: each reader hands it every full
 * piece it read and it hashes the piece <b>on the reader's own thread</b>, handing it to the {@link
 * Sink} only when it matches the manifest, so unverified bytes never reach the disk. The download
 * gets its parallelism from several readers (two connections to a lone provider), each of which
 * reads, hashes and writes its own pieces while the bytes are still in its core's cache; a separate
 * pool of hashing threads fed by the readers cost more in hand-offs and idle cores than it gained
 * (measured in docs/benchmarks.md, "Transfers", sixth look).
 *
 * <p>Every piece is settled before {@link #settle} returns, whatever happens, so the reader reads
 * the next piece into the buffer it returns: the same one, or a free one when the verified piece
 * was handed on to be written behind ({@link PieceWriter}). A wrong hash {@link
 * ProviderConnection#reject rejects} the connection, which ends its reader's next read. A failing
 * sink (the local disk) is the end of the download: it goes to {@code fatal}, and from then on, as
 * after {@link #skipRest}, pieces are settled without being hashed.
 */
final class PieceVerifier {
  /** The digest reads arrays: pieces are copied out of their direct buffer 64 KiB at a time. */
  private static final int SCRATCH = 64 << 10;

  /** Where a hashed piece goes; called on the readers' threads. */
  interface Sink {
    /**
     * Whether the piece still needs this copy; false when another provider's copy is in already, so
     * this one is not even hashed.
     */
    boolean wanted(int piece);

    /**
     * The piece matched its hash; {@code data} from position to limit. Returns the buffer the
     * reader goes on with: {@code data} itself once the piece is written (or not wanted), or
     * another, free one when {@code data} was handed on to be written behind.
     */
    ByteBuffer verified(int piece, ByteBuffer data) throws IOException;

    /** The piece did not match its hash; its connection is already rejected. */
    void rejected(int piece, ProviderConnection from);
  }

  /** One reader's digest and copy buffer. */
  private static final class Hasher {
    final MessageDigest md = Digest.newSha256();
    final byte[] scratch = new byte[SCRATCH];
  }

  private final Manifest manifest;
  private final Sink sink;
  private final Consumer<Throwable> fatal;
  private final ThreadLocal<Hasher> hashers = ThreadLocal.withInitial(Hasher::new);
  private volatile boolean skipping;

  PieceVerifier(Manifest manifest, Sink sink, Consumer<Throwable> fatal) {
    this.manifest = manifest;
    this.sink = sink;
    this.fatal = fatal;
  }

  /**
   * Hashes a full piece, {@code data} from 0 to its limit, read over {@code from}, on the calling
   * thread, and settles it: written (or handed on to be written) if it matches, its connection
   * rejected if not. Returns the buffer the caller reads the next piece into: {@code data} itself,
   * or a free one when the sink kept {@code data}.
   */
  ByteBuffer settle(int piece, ByteBuffer data, ProviderConnection from) {
    try {
      if (!skipping && sink.wanted(piece)) {
        return verify(piece, data, from);
      }
    } catch (IOException | RuntimeException | Error e) {
      skipping = true; // the disk failed: no use hashing more
      fatal.accept(e);
    }
    return data;
  }

  /** The download is stopping: pieces from now on are settled without hashing. */
  void skipRest() {
    skipping = true;
  }

  private ByteBuffer verify(int piece, ByteBuffer data, ProviderConnection from)
      throws IOException {
    Hasher h = hashers.get();
    MessageDigest md = h.md;
    int length = data.limit();
    md.reset();
    for (int at = 0; at < length; at += SCRATCH) {
      int k = Math.min(SCRATCH, length - at);
      data.get(at, h.scratch, 0, k);
      md.update(h.scratch, 0, k);
    }
    if (manifest.pieceHash(piece).equals(Digest.of(md.digest()))) {
      return sink.verified(piece, data);
    }
    from.reject(new ProviderFailure(from.who() + " sent piece " + piece + " with a wrong hash"));
    sink.rejected(piece, from);
    return data;
  }
}
