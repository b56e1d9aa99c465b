package io.peershare.protocol;

import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import io.peershare.protocol.TransferMessage.Request;
import io.peershare.protocol.TransferMessage.TransferError;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The transfer protocol's bytes: docs/protocol.md §6 (message types §6.2, one offset table per
 * message in §6.3–§6.7).
 *
 * <pre>
 * request  u8 type | u8 version (1) | body
 *   D      str content | digest | u64 offset | u64 length (0 = to the end)
 *   M      str content | digest
 * answer   C  u32 n (&lt;= 16 MiB) | n bytes        (n = 0 ends the answer)
 *          M  u64 size | u32 pieceSize (1 MiB) | u32 count | count x digest
 *          E  u16 code | str message
 * </pre>
 *
 * Stream readers read field by field and never allocate more than the bytes actually received (or
 * the few bytes of one field), whatever a length on the wire declares.
 */
public final class TransferCodec {
  /**
   * The longest request: type, version, str (256), digest, offset, length (docs/protocol.md §6.4).
   */
  public static final int MAX_REQUEST = 2 + 256 + Digest.LENGTH + 16;

  public static final byte DOWNLOAD = 'D';
  public static final byte MANIFEST = 'M';
  public static final byte FRAME = 'C';
  public static final byte ERROR = 'E';

  private TransferCodec() {}

  public static byte[] encode(Request request) {
    WireWriter w = new WireWriter(MAX_REQUEST);
    switch (request) {
      case DownloadRequest d ->
          w.u8(DOWNLOAD)
              .u8(TransferMessage.VERSION)
              .str(d.content())
              .digest(d.digest())
              .u64(d.offset())
              .u64(d.length());
      case ManifestRequest m ->
          w.u8(MANIFEST).u8(TransferMessage.VERSION).str(m.content()).digest(m.digest());
    }
    return w.toBytes();
  }

  /** Decodes a request held whole in memory (no bytes may be left over). */
  public static Request decodeRequest(byte[] bytes) throws ProtocolException {
    WireReader r = new WireReader(bytes);
    int type = r.u8("type");
    int version = r.u8("version");
    checkRequestHead(type, version);
    Request req = requestBody(type, r);
    r.end();
    return req;
  }

  /**
   * Reads one request from a connection: at most {@link #MAX_REQUEST} bytes, checking version,
   * type, then body, the order of docs/protocol.md §6.8.
   *
   * @throws ProtocolException for a request that breaks the spec, including one cut short
   */
  public static Request readRequest(InputStream in) throws IOException, ProtocolException {
    int type = readU8(in);
    int version = readU8(in);
    checkRequestHead(type, version);
    int nameLength = readU8(in);
    int bodyLength = 1 + nameLength + Digest.LENGTH + (type == DOWNLOAD ? 16 : 0);
    byte[] body = new byte[bodyLength];
    body[0] = (byte) nameLength;
    readFully(in, body, 1, bodyLength - 1);
    WireReader r = new WireReader(body);
    Request req = requestBody(type, r);
    r.end();
    return req;
  }

  private static void checkRequestHead(int type, int version) throws ProtocolException {
    if (version != TransferMessage.VERSION) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "version " + version);
    }
    if (type != DOWNLOAD && type != MANIFEST) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED, "unknown request type " + type);
    }
  }

  private static Request requestBody(int type, WireReader r) throws ProtocolException {
    ContentName content = r.contentName("content");
    Digest digest = r.digest("digest");
    if (type == MANIFEST) {
      return new ManifestRequest(content, digest);
    }
    long offset = r.u63("offset");
    long length = r.u63("length");
    return new DownloadRequest(content, digest, offset, length);
  }

  /** The 5-byte head of a {@code C} frame carrying {@code n} bytes (docs/protocol.md §6.6). */
  public static byte[] frameHeader(int n) {
    if (n < 0 || n > TransferMessage.MAX_FRAME) {
      throw new IllegalArgumentException("frame of " + n + " bytes");
    }
    return new WireWriter(5).u8(FRAME).u32(n).toBytes();
  }

  /** The {@code M} answer (docs/protocol.md §6.5). */
  public static byte[] encodeManifest(Manifest m) {
    WireWriter w = new WireWriter(17 + m.pieceCount() * Digest.LENGTH);
    w.u8(MANIFEST).u64(m.size()).u32(Manifest.PIECE_SIZE).u32(m.pieceCount());
    for (Digest d : m.pieceHashes()) {
      w.digest(d);
    }
    return w.toBytes();
  }

  /**
   * The {@code E} answer; the message is cut to 255 bytes at a character boundary (docs/protocol.md
   * §6.7).
   */
  public static byte[] encodeError(ErrorCode code, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(255, text.length);
    while (n > 0 && n < text.length && (text[n] & 0xc0) == 0x80) {
      n--;
    }
    return new WireWriter(4 + n)
        .u8(ERROR)
        .u16(code.code())
        .str(new String(text, 0, n, StandardCharsets.UTF_8))
        .toBytes();
  }

  /** Reads the answer's first byte: {@link #FRAME}, {@link #MANIFEST} or {@link #ERROR}. */
  public static int readAnswerType(InputStream in) throws IOException, ProtocolException {
    int t = readU8(in);
    if (t != FRAME && t != MANIFEST && t != ERROR) {
      throw ProtocolException.malformed("unknown answer type " + t);
    }
    return t;
  }

  /**
   * After a {@code C}: the frame length, checked against the 16 MiB cap (docs/protocol.md §6.6).
   */
  public static int readFrameLength(InputStream in) throws IOException, ProtocolException {
    long n = readU32(in);
    if (n > TransferMessage.MAX_FRAME) {
      throw ProtocolException.malformed("frame of " + n + " bytes passes 16 MiB");
    }
    return (int) n;
  }

  /** After an {@code E}: the error (docs/protocol.md §6.7). */
  public static TransferError readError(InputStream in) throws IOException, ProtocolException {
    int code = readU16(in);
    int n = readU8(in);
    byte[] text = new byte[n];
    readFully(in, text, 0, n);
    return new TransferError(ErrorCode.of(code), Utf8.decode(text, 0, n));
  }

  /**
   * After an {@code M}: the manifest, which must describe a file of {@code expectedSize} bytes (the
   * size the index gave), so the piece count, and with it what is read, is known in advance
   * (docs/protocol.md §6.5).
   */
  public static Manifest readManifest(InputStream in, long expectedSize)
      throws IOException, ProtocolException {
    byte[] head = new byte[16];
    readFully(in, head, 0, 16);
    WireReader r = new WireReader(head);
    long size = r.u63("size");
    long pieceSize = r.u32("pieceSize");
    long count = r.u32("count");
    if (size != expectedSize) {
      throw ProtocolException.malformed("manifest size " + size + " is not " + expectedSize);
    }
    if (pieceSize != Manifest.PIECE_SIZE) {
      throw ProtocolException.malformed("piece size " + pieceSize + " is not 1 MiB");
    }
    if (count != Manifest.pieceCountOf(size)) {
      throw ProtocolException.malformed("piece count " + count + " does not fit size " + size);
    }
    if (count > Integer.MAX_VALUE) {
      throw ProtocolException.malformed("a manifest of " + count + " pieces is too large");
    }
    List<Digest> hashes = new ArrayList<>((int) Math.min(count, 4096));
    byte[] one = new byte[Digest.LENGTH];
    for (long i = 0; i < count; i++) {
      readFully(in, one, 0, Digest.LENGTH);
      hashes.add(Digest.of(one));
    }
    return new Manifest(size, hashes);
  }

  static int readU8(InputStream in) throws IOException, ProtocolException {
    int b = in.read();
    if (b < 0) {
      throw ProtocolException.malformed("connection closed mid-message");
    }
    return b;
  }

  static int readU16(InputStream in) throws IOException, ProtocolException {
    return (readU8(in) << 8) | readU8(in);
  }

  static long readU32(InputStream in) throws IOException, ProtocolException {
    return ((long) readU16(in) << 16) | readU16(in);
  }

  static void readFully(InputStream in, byte[] b, int off, int len)
      throws IOException, ProtocolException {
    try {
      int got = in.readNBytes(b, off, len);
      if (got < len) {
        throw ProtocolException.malformed("connection closed mid-message");
      }
    } catch (EOFException e) {
      throw ProtocolException.malformed("connection closed mid-message");
    }
  }
}
