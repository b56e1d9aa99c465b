package io.peershare.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 value: 32 raw bytes, immutable, compared by content. The wire type {@code digest}
 * (docs/protocol.md §1.2); what is hashed is §2.5.
 */
public final class Digest implements Comparable<Digest> {
  public static final int LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Digest(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a copy of 32 bytes. */
  public static Digest of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a digest is 32 bytes, not " + bytes.length);
    }
    return new Digest(bytes.clone());
  }

  /** Reads 32 bytes from {@code source} at {@code offset}. */
  public static Digest of(byte[] source, int offset) {
    return new Digest(Arrays.copyOfRange(source, offset, offset + LENGTH));
  }

  /** Parses 64 hex digits. */
  public static Digest ofHex(String hex) {
    return of(HEX.parseHex(hex));
  }

  /** SHA-256 of the given bytes. */
  public static Digest sha256(byte[] data) {
    return new Digest(newSha256().digest(data));
  }

  /** Wraps the result of a finished {@link MessageDigest} without copying it again. */
  static Digest wrap(byte[] freshBytes) {
    return new Digest(freshBytes);
  }

  /** A new SHA-256 engine; every JDK has one. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /** A copy of the 32 bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Copies the 32 bytes into {@code target} at {@code offset}. */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(bytes, 0, target, offset, LENGTH);
  }

  /** Feeds the 32 bytes to a running digest. */
  public void updateInto(MessageDigest md) {
    md.update(bytes);
  }

  public String toHex() {
    return HEX.formatHex(bytes);
  }

  /** The first 12 hex digits, enough for a person to tell digests apart. */
  public String shortHex() {
    return toHex().substring(0, 12);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && MessageDigest.isEqual(bytes, d.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Digest o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
