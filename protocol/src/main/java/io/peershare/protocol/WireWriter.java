package io.peershare.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Appends the spec's types (docs/protocol.md §1.2) to a growable byte array, big-endian. */
public final class WireWriter {
  private byte[] buf;
  private int len;

  public WireWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  public WireWriter u8(int v) {
    if (v < 0 || v > 0xff) {
      throw new IllegalArgumentException("u8 out of range: " + v);
    }
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  public WireWriter u16(int v) {
    if (v < 0 || v > 0xffff) {
      throw new IllegalArgumentException("u16 out of range: " + v);
    }
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public WireWriter u32(long v) {
    if (v < 0 || v > 0xffff_ffffL) {
      throw new IllegalArgumentException("u32 out of range: " + v);
    }
    return u32Bits((int) v);
  }

  public WireWriter u32Bits(int v) {
    ensure(4);
    Bytes.putInt(buf, len, v);
    len += 4;
    return this;
  }

  public WireWriter u64(long v) {
    ensure(8);
    Bytes.putLong(buf, len, v);
    len += 8;
    return this;
  }

  /** A {@code str}: u8 byte length, then the UTF-8 bytes; at most 255 bytes. */
  public WireWriter str(String s) {
    int n = s.length();
    if (n <= 255 && isAscii(s)) { // most names: no encoder, no array
      u8(n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
      return this;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 255 || Utf8.encodedLength(s) != b.length) {
      throw new IllegalArgumentException("not encodable as a str: " + b.length + " bytes");
    }
    u8(b.length);
    return raw(b);
  }

  /** A name as a {@code str}: its rules keep it encodable. */
  public WireWriter str(ContentName name) {
    return str(name.toString());
  }

  /** A name as a {@code str}: its rules keep it encodable. */
  public WireWriter str(PeerName name) {
    return str(name.toString());
  }

  public WireWriter digest(Digest d) {
    ensure(Digest.LENGTH);
    d.copyTo(buf, len);
    len += Digest.LENGTH;
    return this;
  }

  public WireWriter raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  public int length() {
    return len;
  }

  /** The array written so far ({@link #length()} bytes of it); replaced when it grows. */
  public byte[] array() {
    return buf;
  }

  /** Starts over on the same array, so one writer serves message after message. */
  public WireWriter reset() {
    len = 0;
    return this;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  public byte[] toBytes() {
    return Arrays.copyOf(buf, len);
  }

  /** The number of bytes {@code s} takes as a {@code str}. */
  public static int strSize(String s) {
    return 1 + Utf8.encodedLength(s);
  }

  /** The number of bytes {@code name} takes as a {@code str}. */
  public static int strSize(ContentName name) {
    return strSize(name.toString());
  }
}
