package io.peershare.protocol.bittorrent;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * A torrent's 20-byte info hash, held as three numbers so that it is a cheap map key (no array to
 * copy or compare byte by byte). Immutable.
 */
public final class InfoHash {
  public static final int SIZE = 20;

  private final long a;
  private final long b;
  private final int c;

  private InfoHash(long a, long b, int c) {
    this.a = a;
    this.b = b;
    this.c = c;
  }

  /** The hash in {@code buf} at its position, which moves past it. */
  public static InfoHash read(ByteBuffer buf) {
    return new InfoHash(buf.getLong(), buf.getLong(), buf.getInt());
  }

  /** The hash of 20 bytes. */
  public static InfoHash of(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("an info hash is 20 bytes, not " + bytes.length);
    }
    return read(ByteBuffer.wrap(bytes));
  }

  /** The hash written as 40 hexadecimal digits. */
  public static InfoHash ofHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }

  public void write(ByteBuffer buf) {
    buf.putLong(a).putLong(b).putInt(c);
  }

  public byte[] bytes() {
    ByteBuffer buf = ByteBuffer.allocate(SIZE);
    write(buf);
    return buf.array();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InfoHash h && a == h.a && b == h.b && c == h.c;
  }

  @Override
  public int hashCode() {
    // the bytes are a SHA-1 digest: any of them spreads well; mix all the same
    long h = a * 0x9E3779B97F4A7C15L + b;
    return (int) (h ^ (h >>> 32)) * 31 + c;
  }

  /** 40 lower-case hexadecimal digits, as torrent tools print it. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes());
  }
}
