package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {
  @ParameterizedTest
  @CsvSource({
    "0:0:0:0:0:0:0:1, ::1",
    "0:0:0:0:0:0:0:0, ::",
    "2001:DB8:0:0:0:0:0:7, 2001:db8::7",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1", // the first of two equal runs
    "2001:db8:0:0:0:1:0:0, 2001:db8::1:0:0", // the longer run, even when it comes first
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // one zero group is not shortened
    "2001:0db8:0000:0000:0000:ff00:0042:8329, 2001:db8::ff00:42:8329",
    "fe80:0:0:0:0:0:0:0, fe80::",
    "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    "0:0:0:0:0:0:0:5, ::5",
    "127.0.0.1, 127.0.0.1",
  })
  void hostsAreWrittenTheUsualWay(String literal, String expected) throws Exception {
    assertThat(Addresses.host(InetAddress.getByName(literal))).isEqualTo(expected);
  }

  @Test
  void portsGoAfterBracketsForIpv6AndAColonForIpv4() throws Exception {
    assertThat(Addresses.format(new InetSocketAddress("::1", 3000))).isEqualTo("[::1]:3000");
    assertThat(Addresses.format(new InetSocketAddress("127.0.0.1", 39999)))
        .isEqualTo("127.0.0.1:39999");
    assertThat(Addresses.format(InetAddress.getByName("2001:db8::1"), 40215))
        .isEqualTo("[2001:db8::1]:40215");
  }

  @Test
  void anIpv4MappedAddressIsShownAsIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 9};
    // Java turns a mapped address into an Inet4Address itself; one built as Inet6Address stays one
    assertThat(Addresses.host(InetAddress.getByAddress(mapped))).isEqualTo("192.0.2.9");
    assertThat(Addresses.host(Inet6Address.getByAddress(null, mapped, -1))).isEqualTo("192.0.2.9");
  }

  @Test
  void aScopeStaysAndAnUnresolvedHostIsShownAsGiven() throws Exception {
    byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
    assertThat(Addresses.host(Inet6Address.getByAddress(null, linkLocal, 2)))
        .isEqualTo("fe80::1%2");
    assertThat(Addresses.format(InetSocketAddress.createUnresolved("index.example", 3000)))
        .isEqualTo("index.example:3000");
  }
}
