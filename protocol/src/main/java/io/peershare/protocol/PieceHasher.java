package io.peershare.protocol;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes a {@link Manifest} from bytes fed in order, in one pass: each piece is hashed as its
 * bytes go by, so no second read of the data is needed. Pieces and digest: docs/protocol.md §2.5.
 */
public final class PieceHasher {
  private final MessageDigest piece = Digest.newSha256();
  private final List<Digest> hashes = new ArrayList<>();
  private long size;
  private int inPiece;

  /** Feeds all remaining bytes of {@code data}. */
  public void update(ByteBuffer data) {
    while (data.hasRemaining()) {
      int n = Math.min(data.remaining(), Manifest.PIECE_SIZE - inPiece);
      ByteBuffer slice = data.slice(data.position(), n);
      piece.update(slice);
      data.position(data.position() + n);
      inPiece += n;
      size += n;
      if (inPiece == Manifest.PIECE_SIZE) {
        hashes.add(Digest.wrap(piece.digest()));
        inPiece = 0;
      }
    }
  }

  /** Bytes fed so far. */
  public long size() {
    return size;
  }

  /** Closes the last piece and returns the manifest; the hasher must not be used after. */
  public Manifest finish() {
    if (inPiece > 0) {
      hashes.add(Digest.wrap(piece.digest()));
      inPiece = 0;
    }
    return new Manifest(size, hashes);
  }
}
