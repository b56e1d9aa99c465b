package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An index bound to the IPv6 wildcard answers IPv4 and IPv6 clients on one port, on both
 * transports, and an IPv4 client is seen as IPv4 (its providers are listed with family 4, and its
 * name rule and cookie hold as for any IPv4 address), not as an {@code ::ffff:} mapped address.
 */
class DualStackTransportTest {
  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
  private static final ContentName C = ContentName.of("c");
  private static final PeerName FOUR = PeerName.of("four");
  private static final PeerName SIX = PeerName.of("six");

  private static boolean ipv6Loopback() {
    try {
      new DatagramSocket(new InetSocketAddress("::1", 0)).close();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @ParameterizedTest(name = "native {0}")
  @ValueSource(booleans = {true, false})
  void ipv4AndIpv6ClientsOnOnePort(boolean nat) throws Exception {
    assumeTrue(ipv6Loopback(), "this host has no IPv6 loopback");
    try (IndexServer server =
        new IndexServer(
                IndexServer.Config.defaults()
                    .withPort(0)
                    .withBind(InetAddress.getByName("::"))
                    .withThreads(2)
                    .withNativeTransport(nat))
            .start()) {
      int port = server.localAddress().getPort();
      try (UdpClient v4 =
              new UdpClient(new InetSocketAddress("127.0.0.1", port), "127.0.0.1", Strangers.FAIL)
                  .hello();
          UdpClient v6 =
              new UdpClient(new InetSocketAddress("::1", port), "::1", Strangers.FAIL).hello()) {
        assertThat(v4.call(new Register(v4.nextId(), v4.cookie(), FOUR, C, 4000, 1, D)))
            .isInstanceOf(Ack.class);
        assertThat(v6.call(new Register(v6.nextId(), v6.cookie(), SIX, C, 6000, 1, D)))
            .isInstanceOf(Ack.class);
        for (UdpClient asker : new UdpClient[] {v4, v6}) {
          Providers p =
              (Providers)
                  asker.call(new Locate(asker.nextId(), asker.cookie(), PeerName.of("x"), C, 16));
          assertThat(p.providers())
              .containsExactly(
                  new Provider(FOUR, InetAddress.getByName("127.0.0.1"), 4000),
                  new Provider(SIX, InetAddress.getByName("::1"), 6000));
          assertThat(p.providers().get(0).address()).isInstanceOf(Inet4Address.class);
          assertThat(p.providers().get(1).address()).isInstanceOf(Inet6Address.class);
        }
      }
    }
  }
}
