package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** {@code --index}: HOST:PORT, [IPv6]:PORT, or a host alone for port 3000. */
class IndexAddressTest {
  private static InetSocketAddress at(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void hostAndPort() throws Exception {
    assertThat(IndexAddress.parse("127.0.0.1:3000")).isEqualTo(at("127.0.0.1", 3000));
    assertThat(IndexAddress.parse("10.1.2.3:1")).isEqualTo(at("10.1.2.3", 1));
    assertThat(IndexAddress.parse("10.1.2.3:65535")).isEqualTo(at("10.1.2.3", 65535));
    InetSocketAddress named = IndexAddress.parse("localhost:4000");
    assertThat(named.isUnresolved()).isFalse();
    assertThat(named.getAddress().isLoopbackAddress()).isTrue();
    assertThat(named.getPort()).isEqualTo(4000);
  }

  @Test
  void aHostAloneMeansPort3000() throws Exception {
    assertThat(IndexAddress.DEFAULT_PORT).isEqualTo(3000);
    assertThat(IndexAddress.parse("192.168.0.7")).isEqualTo(at("192.168.0.7", 3000));
    assertThat(IndexAddress.parse("[::1]")).isEqualTo(at("::1", 3000));
  }

  @Test
  void ipv6GoesInBrackets() throws Exception {
    InetSocketAddress a = IndexAddress.parse("[::1]:5000");
    assertThat(a).isEqualTo(at("::1", 5000));
    assertThat(a.getAddress()).isInstanceOf(Inet6Address.class);
    assertThat(IndexAddress.parse("[2001:db8::7]:80")).isEqualTo(at("2001:db8::7", 80));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::1", // bare IPv6: which colon starts the port?
        "2001:db8::7:3000",
        "[::1",
        "[::1]5000",
        "[]:3000",
        "[::1]:",
        "",
        ":3000",
        "host:",
        "host:-1",
        "host:+80",
        "host: 80",
        "host:port",
        "host:3000:4000"
      })
  void anythingElseIsNotHostPort(String value) {
    assertThatThrownBy(() -> IndexAddress.parse(value))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageStartingWith("'" + value + "' is not HOST:PORT");
  }

  @ParameterizedTest
  @ValueSource(strings = {"host:0", "host:65536", "host:99999", "host:99999999999"})
  void aPortOutOfRangeSaysSo(String value) {
    assertThatThrownBy(() -> IndexAddress.parse(value))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'" + value + "': the port must be 1 to 65535");
  }
}
