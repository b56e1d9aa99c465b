package io.peershare.protocol;

/**
 * Bounds-checked reads of the spec's types (docs/protocol.md §1.2) from a byte array. Every read
 * checks the bytes are there first, so a declared length never drives an allocation beyond what was
 * received.
 */
public final class WireReader {
  private final byte[] buf;
  private final int end;
  private int pos;

  public WireReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IllegalArgumentException("range outside the buffer");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  public WireReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public int remaining() {
    return end - pos;
  }

  public int position() {
    return pos;
  }

  private void need(int n, String what) throws ProtocolException {
    if (end - pos < n) {
      throw ProtocolException.malformed("truncated: " + what + " needs " + n + " more bytes");
    }
  }

  public int u8(String what) throws ProtocolException {
    need(1, what);
    return buf[pos++] & 0xff;
  }

  public int u16(String what) throws ProtocolException {
    need(2, what);
    int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  /** A {@code u32} as a non-negative long. */
  public long u32(String what) throws ProtocolException {
    need(4, what);
    long v = Bytes.getInt(buf, pos) & 0xffff_ffffL;
    pos += 4;
    return v;
  }

  /** A {@code u32} read as Java's int bits (request ids). */
  public int u32Bits(String what) throws ProtocolException {
    need(4, what);
    int v = Bytes.getInt(buf, pos);
    pos += 4;
    return v;
  }

  /** A {@code u64}; values of 2^63 and above come back negative, callers range-check. */
  public long u64(String what) throws ProtocolException {
    need(8, what);
    long v = Bytes.getLong(buf, pos);
    pos += 8;
    return v;
  }

  /** A {@code u64} that must be at most {@code Long.MAX_VALUE} (sizes, offsets). */
  public long u63(String what) throws ProtocolException {
    long v = u64(what);
    if (v < 0) {
      throw ProtocolException.malformed(what + " is out of range");
    }
    return v;
  }

  /** A {@code str}: u8 length, then strict UTF-8. */
  public String str(String what) throws ProtocolException {
    int n = u8(what + " length");
    need(n, what);
    String s = Utf8.decode(buf, pos, n);
    pos += n;
    return s;
  }

  /** A {@code str} that must keep the peer name rules, or MALFORMED saying which it breaks. */
  public PeerName peerName(String what) throws ProtocolException {
    String s = str(what);
    String problem = Names.peerProblem(s);
    if (problem != null) {
      throw ProtocolException.malformed("a peer name " + problem);
    }
    return new PeerName(s);
  }

  /** A {@code str} that must keep the content name rules, or MALFORMED saying which it breaks. */
  public ContentName contentName(String what) throws ProtocolException {
    String s = str(what);
    String problem = Names.contentProblem(s);
    if (problem != null) {
      throw ProtocolException.malformed("a content name " + problem);
    }
    return new ContentName(s);
  }

  public Digest digest(String what) throws ProtocolException {
    need(Digest.LENGTH, what);
    Digest d = Digest.of(buf, pos);
    pos += Digest.LENGTH;
    return d;
  }

  public byte[] bytes(int n, String what) throws ProtocolException {
    need(n, what);
    byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  /** Rejects bytes left over after the last field. */
  public void end() throws ProtocolException {
    if (pos != end) {
      throw ProtocolException.malformed((end - pos) + " bytes left over after the message");
    }
  }
}
