package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peershare.protocol.IndexMessage.Hello;
import io.peershare.protocol.TransferMessage.Request;
import io.peershare.protocol.TransferMessage.TransferError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Fuzz tests, one per decoder. Each lets nothing but {@link ProtocolException} escape (any other
 * throwable fails the run) and checks that whatever decodes encodes back to the same bytes.
 *
 * <p>Without {@code JAZZER_FUZZ} they run the seeds under {@code
 * src/test/resources/io/peershare/protocol/CodecFuzzTestInputs/<method>/} as regression tests.
 */
class CodecFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void indexDecode(byte[] datagram) {
    IndexMessage m;
    try {
      m = IndexCodec.decode(datagram);
    } catch (ProtocolException e) {
      assertThat(e.code()).isNotNull();
      return;
    }
    byte[] expected = datagram.clone();
    if (m instanceof Hello) {
      // the server ignores H padding; the encoder always writes zeros
      Arrays.fill(expected, IndexMessage.HEADER_SIZE, expected.length, (byte) 0);
    }
    assertThat(IndexCodec.encode(m)).isEqualTo(expected);
  }

  @FuzzTest(maxDuration = "30s")
  void transferDecodeRequest(byte[] bytes) {
    Request req;
    try {
      req = TransferCodec.decodeRequest(bytes);
    } catch (ProtocolException e) {
      assertThat(e.code()).isNotNull();
      return;
    }
    assertThat(TransferCodec.encode(req)).isEqualTo(bytes);
  }

  @FuzzTest(maxDuration = "30s")
  void transferReadRequest(byte[] bytes) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    Request req;
    try {
      req = TransferCodec.readRequest(in);
    } catch (ProtocolException e) {
      assertThat(e.code()).isNotNull();
      return;
    }
    int consumed = bytes.length - in.available();
    assertThat(consumed).isLessThanOrEqualTo(TransferCodec.MAX_REQUEST);
    assertThat(TransferCodec.encode(req)).isEqualTo(Arrays.copyOf(bytes, consumed));
  }

  /** Input: u64 expected size (top bit cleared), then the bytes after the {@code M}. */
  @FuzzTest(maxDuration = "30s")
  void transferReadManifest(byte[] bytes) throws IOException {
    if (bytes.length < 8) {
      return;
    }
    long expectedSize = Bytes.getLong(bytes, 0) & Long.MAX_VALUE;
    ByteArrayInputStream in = new ByteArrayInputStream(bytes, 8, bytes.length - 8);
    Manifest m;
    try {
      m = TransferCodec.readManifest(in, expectedSize);
    } catch (ProtocolException e) {
      assertThat(e.code()).isNotNull();
      return;
    }
    int consumed = bytes.length - 8 - in.available();
    assertThat(m.size()).isEqualTo(expectedSize);
    byte[] wire = Hex.concat(new byte[] {TransferCodec.MANIFEST}, slice(bytes, 8, consumed));
    assertThat(TransferCodec.encodeManifest(m)).isEqualTo(wire);
  }

  @FuzzTest(maxDuration = "30s")
  void transferReadError(byte[] bytes) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    TransferError err;
    try {
      err = TransferCodec.readError(in);
    } catch (ProtocolException e) {
      assertThat(e.code()).isNotNull();
      return;
    }
    int consumed = bytes.length - in.available();
    byte[] wire = Hex.concat(new byte[] {TransferCodec.ERROR}, slice(bytes, 0, consumed));
    assertThat(TransferCodec.encodeError(err.code(), err.message())).isEqualTo(wire);
  }

  @FuzzTest(maxDuration = "30s")
  void transferReadFrameLength(byte[] bytes) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    int n;
    try {
      n = TransferCodec.readFrameLength(in);
    } catch (ProtocolException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
      return;
    }
    assertThat(n).isBetween(0, TransferMessage.MAX_FRAME);
    assertThat(in.available()).isEqualTo(bytes.length - 4);
    byte[] wire = Hex.concat(new byte[] {TransferCodec.FRAME}, slice(bytes, 0, 4));
    assertThat(TransferCodec.frameHeader(n)).isEqualTo(wire);
  }

  private static byte[] slice(byte[] b, int from, int length) {
    return Arrays.copyOfRange(b, from, from + length);
  }
}
