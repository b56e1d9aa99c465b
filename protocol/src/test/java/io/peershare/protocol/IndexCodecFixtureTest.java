package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.IndexFixtures.Fixture;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each index message type against bytes written out by hand from the spec. */
class IndexCodecFixtureTest {

  static java.util.List<Fixture> fixtures() {
    return IndexFixtures.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void encodesToTheFixture(Fixture f) {
    assertThat(Hex.hex(IndexCodec.encode(f.message()))).isEqualTo(Hex.hex(f.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void decodesTheFixture(Fixture f) throws ProtocolException {
    assertThat(IndexCodec.decode(f.bytes())).isEqualTo(f.message());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void decodesTheFixtureInsideALargerBuffer(Fixture f) throws ProtocolException {
    byte[] b = f.bytes();
    byte[] padded = Hex.concat(Hex.bytes("ffff"), b, Hex.bytes("ee"));
    assertThat(IndexCodec.decode(padded, 2, b.length)).isEqualTo(f.message());
  }

  @Test
  void everyTypeHasAFixture() {
    Set<IndexType> covered =
        IndexFixtures.all().stream()
            .map(f -> IndexType.of(f.message()))
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(IndexType.class)));
    Set<IndexType> wireTypes = EnumSet.complementOf(EnumSet.of(IndexType.UNKNOWN));
    assertThat(covered).isEqualTo(wireTypes);
  }

  @Test
  void helloPaddingIsIgnored() throws ProtocolException {
    assertThat(IndexCodec.decode(Hex.bytes("48 01 01020304 deadbeefcafef00d")))
        .isEqualTo(new IndexMessage.Hello(0x01020304));
  }

  @Test
  void helloIsAsLongAsItsCookieReply() {
    assertThat(IndexCodec.encode(new IndexMessage.Hello(1)))
        .hasSameSizeAs(IndexCodec.encode(new IndexMessage.CookieReply(1, -1)));
  }

  @Test
  void ipv4MappedIpv6ProviderKeepsFamily6() throws ProtocolException {
    byte[] wire =
        Hex.bytes(
            "50 01 00000001 0000000000000001"
                + IndexFixtures.DIGEST_HEX
                + "01 01 78 06 00000000000000000000ffff7f000001 0001");
    IndexMessage.Providers p = (IndexMessage.Providers) IndexCodec.decode(wire);
    assertThat(p.providers().getFirst().address().getAddress()).hasSize(16);
    assertThat(IndexCodec.encode(p)).isEqualTo(wire);
  }
}
