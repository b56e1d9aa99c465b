package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request that comes in while the server sweeps a large expiry waits for at most the slice under
 * way, never for a second one: after a slice, the server's loop reads the socket before it runs the
 * next. The registry here sends a request from inside some of its slices (on loopback the datagram
 * is in the server's socket before {@code send} returns) and records, on the server's thread, every
 * slice and every batch; the first thing after such a slice must be a batch.
 */
class ExpirySliceOrderTest {
  private static final long LEASE = 90_000;
  private static final Digest D = Digest.sha256("d".getBytes(StandardCharsets.UTF_8));

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {true, false})
  void aRequestThatArrivesDuringASliceIsReadBeforeTheNextSlice(boolean nativeTransport)
      throws Exception {
    MemoryRegistry inner = new MemoryRegistry(LEASE, RegistryLimits.defaults());
    // 200 peers x 100 names: at most 1,024 per slice, so at least 20 slices once all are due
    for (int p = 0; p < 200; p++) {
      InetAddress ip = InetAddress.getByAddress(new byte[] {10, 7, (byte) (p >> 8), (byte) p});
      for (int j = 0; j < 100; j++) {
        inner.register(
            PeerName.of("p" + p), ip, ContentName.of("c" + (p * 100 + j)), 4000, 1, D, 0);
      }
    }
    TestClock clock = new TestClock(1);
    Recording registry = new Recording(inner);
    try (IndexServer server =
            new IndexServer(
                    IndexServer.Config.loopback()
                        .withClock(clock)
                        .withThreads(1)
                        .withRatePerSecond(0)
                        .withNativeTransport(nativeTransport),
                    registry)
                .start();
        UdpClient asker = new UdpClient(server.localAddress(), "127.0.0.1", Strangers.FAIL);
        UdpClient inSlice = new UdpClient(server.localAddress(), "127.0.0.1", Strangers.FAIL)) {
      asker.hello();
      inSlice.hello();
      registry.port = server.localAddress().getPort();
      registry.sender = inSlice;
      clock.advance(Duration.ofMillis(LEASE)); // every lease has ended
      // a request starts the sweep (unless the once-a-second call comes first): its batch, then
      // the first slice right after it
      assertThat(asker.call(locate(asker))).isInstanceOf(IndexMessage.ErrorReply.class);
      await().atMost(Duration.ofSeconds(30)).until(() -> inner.size() == 0);
      // every request sent from a slice has had its batch by the time the last one has
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.batchesAfterLastSend() > 0 || registry.sends() == 0);
      List<String> events = registry.events();
      int sends = 0;
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).equals("sent")) {
          sends++;
          String next =
              events.stream().skip(i + 1).filter(e -> !e.equals("sent")).findFirst().get();
          assertThat(next)
              .as("after the slice in which request %d was sent (events %s)", sends, events)
              .isEqualTo("batch");
        }
      }
      assertThat(events).contains("slice");
      assertThat(sends).as("requests sent during slices").isGreaterThanOrEqualTo(5);
    }
  }

  private static byte[] locateBytes(UdpClient c, int id) {
    return IndexCodec.encode(
        new Locate(id, c.cookie(), PeerName.of("asker"), ContentName.of("c1"), 4));
  }

  private static Locate locate(UdpClient c) {
    return new Locate(c.nextId(), c.cookie(), PeerName.of("asker"), ContentName.of("c1"), 4);
  }

  /**
   * Records, on the server's thread, every slice that removed something and every batch; during
   * every other slice (the first included), sends a request to the server first.
   */
  private static final class Recording extends ForwardingRegistry {
    private final List<String> events = new ArrayList<>();
    volatile UdpClient sender;
    volatile int port;
    private int slices;
    private int sends;

    Recording(Registry inner) {
      super(inner);
    }

    synchronized List<String> events() {
      return List.copyOf(events);
    }

    synchronized int sends() {
      return sends;
    }

    synchronized int batchesAfterLastSend() {
      int last = events.lastIndexOf("sent");
      return last < 0 ? 0 : (int) events.stream().skip(last).filter("batch"::equals).count();
    }

    @Override
    public CompletionStage<Void> apply(RegistryBatch batch, long now) {
      synchronized (this) {
        events.add("batch");
      }
      return inner.apply(batch, now);
    }

    @Override
    public int sweep(long now, int max) {
      int n = inner.sweep(now, max);
      if (n > 0) {
        UdpClient s = sender;
        synchronized (this) {
          events.add("slice");
          if (s != null && slices++ % 2 == 0) {
            try {
              s.send(locateBytes(s, 1_000 + sends));
              untilQueued(port);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            sends++;
            events.add("sent");
          }
        }
      }
      return n;
    }

    /**
     * Returns once the server's socket on {@code port} holds a datagram ({@code /proc/net/udp}'s
     * rx_queue): on loopback the kernel usually queues it before {@code send} returns, but under
     * load it may leave that to its softirq thread. At once where there is no {@code /proc}.
     */
    private static void untilQueued(int port) throws IOException {
      String local = String.format(":%04X", port);
      long until = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < until) {
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
          Path p = Path.of(table);
          if (!Files.isReadable(p)) {
            return;
          }
          for (String line : Files.readAllLines(p)) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 4 && f[1].endsWith(local)) {
              if (Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16) > 0) {
                return;
              }
            }
          }
        }
        LockSupport.parkNanos(20_000);
      }
      throw new AssertionError("the datagram never reached the server's socket");
    }
  }
}
