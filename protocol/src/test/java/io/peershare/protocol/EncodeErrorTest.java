package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.IndexMessage.ErrorReply;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link IndexCodec#encodeError}: a reply never longer than the request it answers. */
class EncodeErrorTest {
  private static final String MIXED =
      "a\u00e9\u20ac" + Character.toString(0x1F600) + "b"; // 1 + 2 + 3 + 4 + 1 bytes

  @Test
  void nullWhenEvenAnEmptyErrorIsTooLong() {
    for (int max = -1; max < 9; max++) {
      assertThat(IndexCodec.encodeError(1, ErrorCode.BAD_COOKIE, "x", max)).as("%d", max).isNull();
      assertThat(IndexCodec.encodeError(1, ErrorCode.BAD_COOKIE, "", max)).as("%d", max).isNull();
    }
  }

  @Test
  void nineBytesIsTheEmptyError() {
    assertThat(IndexCodec.encodeError(0x01020304, ErrorCode.BAD_COOKIE, "send H again", 9))
        .isEqualTo(Hex.bytes("45 01 01020304 0004 00"));
  }

  @Test
  void neverLongerThanMaxAndCutOnlyAtCharacterBoundaries() throws ProtocolException {
    String message = MIXED.repeat(30); // 330 bytes
    byte[] full = message.getBytes(StandardCharsets.UTF_8);
    for (int max = 9; max <= 300; max++) {
      byte[] wire = IndexCodec.encodeError(7, ErrorCode.MALFORMED, message, max);
      assertThat(wire).as("max %d", max).isNotNull();
      assertThat(wire.length).as("max %d", max).isLessThanOrEqualTo(max);
      ErrorReply e = (ErrorReply) IndexCodec.decode(wire); // strict UTF-8: no split character
      assertThat(message).startsWith(e.message());
      int room = Math.min(255, max - 9);
      int got = e.message().getBytes(StandardCharsets.UTF_8).length;
      // the longest prefix that fits: the next character would not
      assertThat(got).isLessThanOrEqualTo(room);
      if (got < full.length) {
        int next =
            Character.toString(message.codePointAt(e.message().length()))
                .getBytes(StandardCharsets.UTF_8)
                .length;
        assertThat(got + next).as("max %d", max).isGreaterThan(room);
      }
    }
  }

  @Test
  void cutsBeforeAFourByteCharacter() throws ProtocolException {
    // room for "a" + é + € (6 bytes) + 3 of the emoji's 4: the emoji goes entirely
    byte[] wire = IndexCodec.encodeError(1, ErrorCode.LIMIT, MIXED, 9 + 9);
    assertThat(wire).isEqualTo(Hex.bytes("45 01 00000001 000a 06 61 c3a9 e282ac"));
  }

  @Test
  void aShortMessageIsSentWhole() throws ProtocolException {
    byte[] wire = IndexCodec.encodeError(1, ErrorCode.NOT_FOUND, "nope", 1200);
    assertThat(IndexCodec.decode(wire)).isEqualTo(new ErrorReply(1, ErrorCode.NOT_FOUND, "nope"));
  }

  @Test
  void aLongMessageIsCutTo255BytesWhateverTheRoom() throws ProtocolException {
    String message = "\u20ac".repeat(100); // 300 bytes
    byte[] wire = IndexCodec.encodeError(1, ErrorCode.INTERNAL, message, 1200);
    ErrorReply e = (ErrorReply) IndexCodec.decode(wire);
    assertThat(e.message()).isEqualTo("\u20ac".repeat(85)); // 255 bytes
    assertThat(wire).hasSize(9 + 255);
  }

  @Test
  void transferErrorIsCutTo255BytesAtACharacterBoundary() {
    byte[] wire = TransferCodec.encodeError(ErrorCode.LIMIT, "\u00e9".repeat(200)); // 400 bytes
    assertThat(wire).hasSize(4 + 254);
    assertThat(wire[3] & 0xff).isEqualTo(254);
  }
}
