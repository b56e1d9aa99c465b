package io.peershare.protocol.bittorrent;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peershare.protocol.bittorrent.TrackerMessage.Reply;
import io.peershare.protocol.bittorrent.TrackerMessage.Request;

/**
 * Fuzzes the BEP 15 decoders: nothing but {@link TrackerProtocolException} escapes, and whatever
 * decodes encodes to bytes that decode to the same message (the bytes themselves may differ: a
 * connect's extra bytes and malformed BEP 41 options are dropped). Without {@code JAZZER_FUZZ} the
 * seeds under {@code TrackerCodecFuzzTestInputs/<method>/} run as regression tests.
 */
class TrackerCodecFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decodeRequest(byte[] datagram) throws TrackerProtocolException {
    Request m;
    try {
      m = TrackerCodec.decodeRequest(datagram);
    } catch (TrackerProtocolException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    byte[] again = TrackerCodec.encode(m);
    assertThat(again.length).isLessThanOrEqualTo(Math.max(datagram.length, 16) + 2);
    assertThat(TrackerCodec.decodeRequest(again)).isEqualTo(m);
  }

  @FuzzTest(maxDuration = "30s")
  void decodeReply(byte[] datagram) throws TrackerProtocolException {
    for (boolean ipv6 : new boolean[] {false, true}) {
      Reply m;
      try {
        m = TrackerCodec.decodeReply(datagram, 0, datagram.length, ipv6);
      } catch (TrackerProtocolException e) {
        assertThat(e.getMessage()).isNotBlank();
        continue;
      }
      assertThat(
              TrackerCodec.decodeReply(
                  TrackerCodec.encode(m), 0, TrackerCodec.encode(m).length, ipv6))
          .isEqualTo(m);
    }
  }
}
