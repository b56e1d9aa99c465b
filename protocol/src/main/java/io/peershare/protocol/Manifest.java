package io.peershare.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * A content's identity: its size, the SHA-256 of each 1 MiB piece (the last may be shorter, an
 * empty file has none) and the digest, SHA-256 of the piece hashes one after the other
 * (docs/protocol.md §2.5, with test vectors; on the wire as the {@code M} answer, §6.5).
 */
public final class Manifest {
  /** Every piece is exactly this long, but the last. */
  public static final int PIECE_SIZE = 1 << 20;

  private final long size;
  private final List<Digest> pieceHashes;
  private final Digest digest;

  public Manifest(long size, List<Digest> pieceHashes) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size");
    }
    if (pieceHashes.size() != pieceCount(size)) {
      throw new IllegalArgumentException(
          "a file of "
              + size
              + " bytes has "
              + pieceCount(size)
              + " pieces, not "
              + pieceHashes.size());
    }
    this.size = size;
    this.pieceHashes = List.copyOf(pieceHashes);
    MessageDigest md = Digest.newSha256();
    for (Digest d : this.pieceHashes) {
      d.updateInto(md);
    }
    this.digest = Digest.wrap(md.digest());
  }

  /** How many pieces a file of {@code size} bytes has. */
  public static int pieceCount(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size");
    }
    long n = pieceCountOf(size);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("file too large: " + size + " bytes");
    }
    return (int) n;
  }

  /**
   * How many pieces a file of {@code size} (&gt;= 0) bytes has, as a long: never throws, and does
   * not overflow near {@code Long.MAX_VALUE} as {@code (size + PIECE_SIZE - 1) / PIECE_SIZE} would.
   */
  static long pieceCountOf(long size) {
    return size / PIECE_SIZE + (size % PIECE_SIZE == 0 ? 0 : 1);
  }

  /** Reads a file once and computes its manifest. */
  public static Manifest of(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      PieceHasher hasher = new PieceHasher();
      ByteBuffer buf = ByteBuffer.allocateDirect(PIECE_SIZE);
      while (ch.read(buf) >= 0) {
        buf.flip();
        hasher.update(buf);
        buf.clear();
      }
      return hasher.finish();
    }
  }

  /** The manifest of bytes in memory (tests, small contents). */
  public static Manifest of(byte[] data) {
    PieceHasher hasher = new PieceHasher();
    hasher.update(ByteBuffer.wrap(data));
    return hasher.finish();
  }

  public long size() {
    return size;
  }

  public int pieceCount() {
    return pieceHashes.size();
  }

  public List<Digest> pieceHashes() {
    return pieceHashes;
  }

  public Digest pieceHash(int index) {
    return pieceHashes.get(index);
  }

  /** Byte offset of piece {@code index}. */
  public long pieceOffset(int index) {
    return (long) index * PIECE_SIZE;
  }

  /** Length of piece {@code index}: 1 MiB, or less for the last. */
  public int pieceLength(int index) {
    return (int) Math.min(PIECE_SIZE, size - pieceOffset(index));
  }

  public Digest digest() {
    return digest;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m && size == m.size && pieceHashes.equals(m.pieceHashes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[size=" + size + ", pieces=" + pieceCount() + ", digest=" + digest + "]";
  }
}
