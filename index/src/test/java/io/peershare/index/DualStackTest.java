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
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the default bind address promises, whatever does the socket I/O: one index on {@code ::}
 * answers IPv4 and IPv6 clients alike, from the address each wrote to, and records an IPv4 client's
 * address as IPv4 (family 4 in {@code P}), never as {@code ::ffff:a.b.c.d}.
 */
class DualStackTest {
  private static final Digest D = Digest.sha256("dual".getBytes(StandardCharsets.UTF_8));

  @Test
  void theDefaultIndexAnswersIpv4AndIpv6Clients() throws Exception {
    try (IndexServer server =
        new IndexServer(
                IndexServer.Config.defaults().withPort(0).withClock(new TestClock(1_000_000)))
            .start()) {
      assumeTrue(hasIpv6Loopback(), "this system has no IPv6 loopback (::1)");
      InetAddress bound = server.localAddress().getAddress();
      assertThat(bound).as("bound to ::, not %s", bound).isInstanceOf(Inet6Address.class);
      assertThat(bound.isAnyLocalAddress()).as("bound to ::, not %s", bound).isTrue();
      int port = server.localAddress().getPort();

      try (UdpClient v4 =
              new UdpClient(new InetSocketAddress("127.0.0.1", port), "127.0.0.1", Strangers.FAIL);
          UdpClient v6 = new UdpClient(new InetSocketAddress("::1", port), "::1", Strangers.FAIL)) {
        // Strangers.FAIL: only a reply from the very address and port it wrote to is accepted
        v4.hello();
        v6.hello();
        Register mai =
            new Register(
                v4.nextId(),
                v4.cookie(),
                PeerName.of("mai"),
                ContentName.of("song.ogg"),
                4000,
                1,
                D);
        Register bo =
            new Register(
                v6.nextId(),
                v6.cookie(),
                PeerName.of("bo"),
                ContentName.of("song.ogg"),
                4001,
                1,
                D);
        assertThat(v4.call(mai)).isInstanceOf(Ack.class);
        assertThat(v6.call(bo)).isInstanceOf(Ack.class);

        Providers p =
            (Providers)
                v6.call(
                    new Locate(
                        v6.nextId(), v6.cookie(), PeerName.of("x"), ContentName.of("song.ogg"), 4));
        assertThat(p.providers())
            .containsExactly(
                new Provider(PeerName.of("mai"), InetAddress.getByName("127.0.0.1"), 4000),
                new Provider(PeerName.of("bo"), InetAddress.getByName("::1"), 4001));
        assertThat(p.providers().get(0).address()).isInstanceOf(Inet4Address.class);
      }
    }
  }

  static boolean hasIpv6Loopback() {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("::1", 0))) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void anExplicitIpv4AddressStaysIpv4Only() throws Exception {
    try (IndexServer server =
        new IndexServer(
                IndexServer.Config.defaults()
                    .withPort(0)
                    .withBind(InetAddress.getByName("127.0.0.1"))
                    .withClock(new TestClock(1_000_000)))
            .start()) {
      assertThat(server.localAddress().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
      try (UdpClient v4 = new UdpClient(server.localAddress(), "127.0.0.1", Strangers.FAIL)) {
        v4.hello(); // throws when no reply comes
      }
    }
  }
}
