package io.peershare.peer.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connections of one download: the stall watch, closing them all, and after the end. */
class ConnectionsTest {
  private final ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  ConnectionsTest() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          try {
            while (true) {
              accepted.add(server.accept()); // and says nothing: a provider that stalls
            }
          } catch (IOException e) {
            // closed at the end of the test
          }
        });
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    for (Socket s : accepted) {
      s.close();
    }
    threads.shutdownNow();
  }

  private Provider provider() {
    return new Provider(PeerName.of("quiet"), server.getInetAddress(), server.getLocalPort());
  }

  /** Reads from {@code c} on another thread until it fails; the failure. */
  private Future<ProviderFailure> reader(ProviderConnection c) {
    return threads.submit(
        () -> {
          try {
            while (true) {
              c.read(ByteBuffer.allocate(16));
            }
          } catch (ProviderFailure f) {
            return f;
          }
        });
  }

  @Test
  void closesAReadThatWaitsLongerThanTheStallTimeoutAndSaysSo() throws Exception {
    try (Connections connections = new Connections(Duration.ofSeconds(5), Duration.ofMillis(200))) {
      threads.execute(connections::watch);
      ProviderConnection c = connections.open(provider());

      ProviderFailure f = reader(c).get();

      assertThat(f.getMessage())
          .startsWith("peer \"quiet\" (127.0.0.1:")
          .endsWith(") stopped sending");
      assertThat(c.stalled()).isTrue();
    }
  }

  @Test
  void aReadThatGetsBytesIsNotStalled() throws Exception {
    try (Connections connections = new Connections(Duration.ofSeconds(5), Duration.ofMillis(200))) {
      threads.execute(connections::watch);
      ProviderConnection c = connections.open(provider());
      await().until(() -> accepted.size() == 1);
      OutputStream out = accepted.get(0).getOutputStream();
      ByteBuffer into = ByteBuffer.allocate(4);

      out.write(new byte[] {1, 2, 3, 4});
      while (into.hasRemaining()) {
        c.read(into);
      }

      assertThat(into.array()).containsExactly(1, 2, 3, 4);
      assertThat(c.stalled()).isFalse();
      connections.close(c);
      assertThat(connections.count()).isZero();
    }
  }

  @Test
  void closeAllEndsEveryReadButLetsNewConnectionsOpen() throws Exception {
    try (Connections connections = new Connections(Duration.ofSeconds(5), Duration.ofHours(1))) {
      ProviderConnection a = connections.open(provider());
      ProviderConnection b = connections.open(provider());
      Future<ProviderFailure> ra = reader(a);
      Future<ProviderFailure> rb = reader(b);

      connections.closeAll();

      assertThat(ra.get().getMessage()).startsWith("the connection to peer \"quiet\"");
      assertThat(rb.get()).isNotNull();
      assertThat(a.stalled()).isFalse();
      assertThat(connections.count()).isZero();
      ProviderConnection later = connections.open(provider()); // a second pass may need one
      assertThat(connections.count()).isOne();
      connections.close(later);
    }
  }

  @Test
  void refusesNewConnectionsOnceClosed() throws Exception {
    Connections connections = new Connections(Duration.ofSeconds(5), Duration.ofHours(1));
    ProviderConnection open = connections.open(provider());
    Future<ProviderFailure> r = reader(open);

    connections.close();

    assertThat(r.get()).isNotNull();
    ProviderFailure f = assertThrows(ProviderFailure.class, () -> connections.open(provider()));
    assertThat(f.getMessage()).contains("over");
  }

  @Test
  void saysWhenAProviderCannotBeReached() throws Exception {
    int port;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = gone.getLocalPort();
    }
    try (Connections connections = new Connections(Duration.ofSeconds(5), Duration.ofHours(1))) {
      Provider nobody = new Provider(PeerName.of("gone"), InetAddress.getLoopbackAddress(), port);

      ProviderFailure f = assertThrows(ProviderFailure.class, () -> connections.open(nobody));

      assertThat(f.getMessage()).startsWith("could not connect to peer \"gone\" (127.0.0.1:");
      assertThat(connections.count()).isZero();
    }
  }
}
