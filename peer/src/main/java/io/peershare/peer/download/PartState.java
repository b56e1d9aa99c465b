package io.peershare.peer.download;

import io.peershare.protocol.Digest;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.BitSet;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The resume record beside a {@code .part} file: which content it holds and which pieces are
 * verified. Big-endian, written whole to a temporary file and renamed over the old one
 * (ATOMIC_MOVE), so a reader sees the old or the new record, never half of one.
 *
 * <pre>
 * "PSPART" | u8 version (1) | digest (32) | u64 size | u32 pieceCount
 *   | ceil(pieceCount / 8) bytes: bit i of the bitset is (byte[i / 8] >> (i % 8)) &amp; 1
 *   | u32 CRC-32 of everything before it
 * </pre>
 *
 * A piece marked here is trusted on resume without reading it again; the whole file is checked
 * against the manifest before it is moved into place, and pieces that fail then are fetched again.
 */
record PartState(Digest digest, long size, BitSet verified) {
  private static final byte[] MAGIC = {'P', 'S', 'P', 'A', 'R', 'T'};
  private static final int VERSION = 1;
  private static final int HEAD = MAGIC.length + 1 + Digest.LENGTH + 8 + 4;

  /** Reads a state; empty when there is none or it cannot be trusted (wrong form, bad CRC). */
  static Optional<PartState> read(Path file) throws IOException {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (b.length < HEAD + 4) {
      return Optional.empty();
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    byte[] magic = new byte[MAGIC.length];
    buf.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC) || buf.get() != VERSION) {
      return Optional.empty();
    }
    byte[] d = new byte[Digest.LENGTH];
    buf.get(d);
    long size = buf.getLong();
    int count = buf.getInt();
    if (size < 0 || count < 0 || count != Manifest.pieceCount(size)) {
      return Optional.empty();
    }
    int bitBytes = (count + 7) / 8;
    if (b.length != HEAD + bitBytes + 4) {
      return Optional.empty();
    }
    CRC32 crc = new CRC32();
    crc.update(b, 0, HEAD + bitBytes);
    if ((int) crc.getValue() != ByteBuffer.wrap(b, HEAD + bitBytes, 4).getInt()) {
      return Optional.empty();
    }
    BitSet bits = BitSet.valueOf(ByteBuffer.wrap(b, HEAD, bitBytes));
    if (bits.length() > count) {
      return Optional.empty();
    }
    return Optional.of(new PartState(Digest.of(d), size, bits));
  }

  /** Writes this state to {@code temp}, then renames it over {@code file}. */
  void write(Path file, Path temp) throws IOException {
    int count = Manifest.pieceCount(size);
    int bitBytes = (count + 7) / 8;
    ByteBuffer buf = ByteBuffer.allocate(HEAD + bitBytes + 4);
    buf.put(MAGIC).put((byte) VERSION).put(digest.toBytes()).putLong(size).putInt(count);
    byte[] bits = verified.toByteArray(); // little-endian bit order, trailing zero bytes dropped
    buf.put(bits, 0, Math.min(bits.length, bitBytes));
    buf.position(HEAD + bitBytes);
    CRC32 crc = new CRC32();
    crc.update(buf.array(), 0, HEAD + bitBytes);
    buf.putInt((int) crc.getValue());
    Files.write(temp, buf.array());
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
