package io.peershare.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 (RFC 3629): malformed input is reported, never replaced (docs/protocol.md §2.1). */
final class Utf8 {
  private static final ThreadLocal<CharsetDecoder> DECODER =
      ThreadLocal.withInitial(
          () ->
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));

  private Utf8() {}

  /** Decodes {@code length} bytes at {@code offset}, or throws MALFORMED. */
  static String decode(byte[] bytes, int offset, int length) throws ProtocolException {
    boolean ascii = true;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, offset, length, StandardCharsets.US_ASCII);
    }
    try {
      CharBuffer chars = DECODER.get().reset().decode(ByteBuffer.wrap(bytes, offset, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw ProtocolException.malformed("text is not valid UTF-8");
    }
  }

  /** The UTF-8 length of {@code s}, or -1 when it holds a lone surrogate. */
  static int encodedLength(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return -1;
        }
        n += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return -1;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
