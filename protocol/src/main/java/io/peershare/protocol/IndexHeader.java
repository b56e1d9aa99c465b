package io.peershare.protocol;

/**
 * The 6-byte header every index datagram starts with, and the cookie that follows it in every
 * request but {@code H}, read in place from the received bytes (in the style of Aeron's header
 * flyweights): the layout is drawn once here and every offset is named after the field before it.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |     type      |    version    |      requestId (u32) ...      |
 *  +---------------+---------------+-------------------------------+
 *  |  ... requestId                |      cookie (u64) ...         |   requests but H
 *  +-------------------------------+-------------------------------+
 *  |                         ... cookie ...                        |
 *  +-------------------------------+-------------------------------+
 *  |  ... cookie                   |  body ...
 *  +-------------------------------+
 * </pre>
 *
 * <p>The server reads the header once with these methods, checks it in the spec's order, and hands
 * the body to {@link IndexCodec#decodeRequest}: nothing is read twice.
 */
public final class IndexHeader {
  public static final int SIZE_OF_BYTE = 1;
  public static final int SIZE_OF_INT = 4;
  public static final int SIZE_OF_LONG = 8;

  public static final int TYPE_OFFSET = 0;
  public static final int VERSION_OFFSET = TYPE_OFFSET + SIZE_OF_BYTE;
  public static final int REQUEST_ID_OFFSET = VERSION_OFFSET + SIZE_OF_BYTE;

  /** The header's length: every datagram has at least this many bytes. */
  public static final int LENGTH = REQUEST_ID_OFFSET + SIZE_OF_INT;

  /** Where a request's cookie starts (right after the header). */
  public static final int COOKIE_OFFSET = LENGTH;

  /** Where the body of a request with a cookie starts. */
  public static final int COOKIE_END = COOKIE_OFFSET + SIZE_OF_LONG;

  private IndexHeader() {}

  /** The type byte, unsigned. */
  public static int typeByte(byte[] datagram, int offset) {
    return datagram[offset + TYPE_OFFSET] & 0xff;
  }

  public static IndexType type(byte[] datagram, int offset) {
    return IndexType.ofByte(typeByte(datagram, offset));
  }

  public static int version(byte[] datagram, int offset) {
    return datagram[offset + VERSION_OFFSET] & 0xff;
  }

  public static int requestId(byte[] datagram, int offset) {
    return Bytes.getInt(datagram, offset + REQUEST_ID_OFFSET);
  }

  /** The cookie of a request at least {@link #COOKIE_END} bytes long. */
  public static long cookie(byte[] datagram, int offset) {
    return Bytes.getLong(datagram, offset + COOKIE_OFFSET);
  }

  /** Writes a header: type, version 1, request id; returns the offset after it. */
  public static int write(byte[] datagram, int offset, IndexType type, int requestId) {
    datagram[offset + TYPE_OFFSET] = (byte) type.letter();
    datagram[offset + VERSION_OFFSET] = (byte) IndexMessage.VERSION;
    Bytes.putInt(datagram, offset + REQUEST_ID_OFFSET, requestId);
    return offset + LENGTH;
  }
}
