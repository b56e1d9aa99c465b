package io.peershare.index.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The transport alone, with handlers that are not the index: it is reusable as is. */
class UdpTransportTest {
  private final ExecutorService elsewhere = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    elsewhere.shutdownNow();
  }

  /** Answers each datagram with its bytes upper-cased: a protocol of its own. */
  private static final class Shout implements BatchHandler {
    @Override
    public CompletionStage<Void> handle(DatagramBatch batch) {
      for (int i = 0; i < batch.size(); i++) {
        String s =
            new String(batch.data(), batch.offset(i), batch.length(i), StandardCharsets.UTF_8);
        batch.reply(i, s.toUpperCase().getBytes(StandardCharsets.UTF_8));
      }
      return DONE;
    }
  }

  private static UdpTransport start(boolean nat, int threads, BatchHandler.Factory handlers)
      throws Exception {
    return UdpTransport.start(
        new UdpTransport.Options(InetAddress.getLoopbackAddress(), 0, threads, 1200, nat, "test"),
        handlers);
  }

  private static String exchange(InetSocketAddress to, String from, String text) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
      s.setSoTimeout(5_000); // a bound on a broken test
      byte[] out = text.getBytes(StandardCharsets.UTF_8);
      s.send(new DatagramPacket(out, out.length, to));
      DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
      s.receive(in);
      assertThat(in.getSocketAddress()).isEqualTo(to);
      return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void onLinuxTheNativeTransportLoads() {
    assumeTrue(System.getProperty("os.name").equals("Linux"));
    assumeTrue(System.getProperty("os.arch").equals("amd64"));
    assertThat(UdpTransport.nativeAvailable()).isTrue();
  }

  @ParameterizedTest(name = "native {0}")
  @ValueSource(booleans = {true, false})
  void anotherProtocolRunsOnItsOwnPort(boolean nat) throws Exception {
    try (UdpTransport t = start(nat, 2, i -> new Shout())) {
      assertThat(t.isNative()).isEqualTo(nat && UdpTransport.nativeAvailable());
      assertThat(t.sockets()).isEqualTo(t.isNative() ? 2 : 1);
      for (int i = 1; i <= 8; i++) {
        assertThat(exchange(t.localAddress(), "127.0.6." + i, "hello " + i))
            .isEqualTo("HELLO " + i);
      }
    }
  }

  @Test
  void aSecondServerOnTheSamePortIsRefusedNotJoined() throws Exception {
    try (UdpTransport first = start(true, 2, i -> new Shout())) {
      int port = first.localAddress().getPort();
      UdpTransport.Options again =
          new UdpTransport.Options(InetAddress.getLoopbackAddress(), port, 2, 1200, true, "again");
      assertThatThrownBy(() -> UdpTransport.start(again, i -> new Shout()))
          .isInstanceOf(java.net.BindException.class);
      assertThat(exchange(first.localAddress(), "127.0.0.1", "still mine")).isEqualTo("STILL MINE");
    }
  }

  /** Echoes each datagram of a batch, from the {@code elsewhere} executor once it returned. */
  private BatchHandler echoedElsewhere() {
    return batch -> {
      byte[][] replies = new byte[batch.size()][];
      for (int i = 0; i < batch.size(); i++) {
        replies[i] =
            Arrays.copyOfRange(batch.data(), batch.offset(i), batch.offset(i) + batch.length(i));
      }
      return CompletableFuture.runAsync(
          () -> {
            for (int i = 0; i < replies.length; i++) {
              batch.reply(i, replies[i]);
            }
          },
          elsewhere);
    };
  }

  @Test
  void aBatchCompletedOnAnotherThreadIsAnsweredInOrder() throws Exception {
    BatchHandler later = echoedElsewhere();
    try (UdpTransport t = start(true, 1, i -> later);
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(5_000);
      for (int i = 0; i < 50; i++) {
        byte[] out = ("n" + i).getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(out, out.length, t.localAddress()));
      }
      for (int i = 0; i < 50; i++) {
        DatagramPacket in = new DatagramPacket(new byte[64], 64);
        s.receive(in);
        assertThat(new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8))
            .isEqualTo("n" + i);
      }
    }
  }

  @Test
  void anAnswerFromAnotherThreadEndsTheSpin() throws Exception {
    assumeTrue(UdpTransport.nativeAvailable());
    // a loop that polled for the whole second before it took the answer's task would miss the
    // client's 900 ms timeout on every batch
    BatchHandler later = echoedElsewhere();
    UdpTransport.Options longSpin =
        new UdpTransport.Options(InetAddress.getLoopbackAddress(), 0, 1, 1200, true, "spin")
            .withSpinMicros(1_000_000);
    try (UdpTransport t = UdpTransport.start(longSpin, i -> later);
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(900);
      for (int i = 0; i < 5; i++) {
        byte[] out = ("n" + i).getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(out, out.length, t.localAddress()));
        DatagramPacket in = new DatagramPacket(new byte[64], 64);
        s.receive(in);
        assertThat(new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8))
            .isEqualTo("n" + i);
      }
    }
  }

  @Test
  void anIdleServerSleeps() throws Exception {
    assumeTrue(UdpTransport.nativeAvailable());
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    assumeTrue(cpu.isThreadCpuTimeSupported());
    try (UdpTransport t = start(true, 2, i -> new Shout())) {
      for (int i = 0; i < 20; i++) {
        assertThat(exchange(t.localAddress(), "127.0.0.1", "x" + i)).isEqualTo("X" + i);
      }
      List<Thread> loops =
          Thread.getAllStackTraces().keySet().stream()
              .filter(th -> th.getName().startsWith("test-udp"))
              .toList();
      assertThat(loops).hasSize(2);
      // polling without end would keep each loop on a CPU (or queued for one) all the time;
      // asleep, a loop uses next to nothing over a tenth of a second
      long[] last = {-1};
      await()
          .pollInterval(Duration.ofMillis(100))
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                long now =
                    loops.stream().mapToLong(th -> cpu.getThreadCpuTime(th.threadId())).sum();
                boolean quiet = last[0] >= 0 && now - last[0] < 10_000_000; // of 2 x 100 ms
                last[0] = now;
                return quiet;
              });
    }
  }

  /**
   * Answers each datagram with its own index and the name of the thread that ran it, notes the
   * threads its housekeeping ran on, and counts any two of its calls that overlapped.
   */
  private static final class WhoAnswers implements BatchHandler {
    final int index;
    final Set<String> housekeptOn = ConcurrentHashMap.newKeySet();
    final AtomicInteger overlaps = new AtomicInteger();
    private final AtomicBoolean inside = new AtomicBoolean();

    WhoAnswers(int index) {
      this.index = index;
    }

    private void enter() {
      if (!inside.compareAndSet(false, true)) {
        overlaps.incrementAndGet();
      }
    }

    @Override
    public CompletionStage<Void> handle(DatagramBatch batch) {
      enter();
      byte[] me = (index + " " + Thread.currentThread().getName()).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < batch.size(); i++) {
        batch.reply(i, me);
      }
      inside.set(false);
      return DONE;
    }

    @Override
    public boolean housekeeping() {
      enter();
      housekeptOn.add(Thread.currentThread().getName());
      inside.set(false);
      return false;
    }
  }

  /**
   * One exchange from each of the {@code clients} (each its own source address and port): adds each
   * source's handler to {@code handlerOf}, checks a source seen before gets the same handler, and
   * returns the thread that answered for each handler.
   */
  private static Map<String, String> whoAnswers(
      UdpTransport t, List<DatagramSocket> clients, Map<Integer, String> handlerOf)
      throws Exception {
    Map<String, String> threadOf = new HashMap<>();
    for (int i = 0; i < clients.size(); i++) {
      DatagramSocket s = clients.get(i);
      s.send(new DatagramPacket(new byte[] {'?'}, 1, t.localAddress()));
      DatagramPacket in = new DatagramPacket(new byte[256], 256);
      s.receive(in);
      String[] got = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8).split(" ");
      String before = handlerOf.putIfAbsent(i, got[0]);
      assertThat(got[0])
          .as("the handler of source %d", i)
          .isEqualTo(before == null ? got[0] : before);
      String other = threadOf.putIfAbsent(got[0], got[1]);
      assertThat(got[1])
          .as("the thread of handler %s", got[0])
          .isEqualTo(other == null ? got[1] : other);
    }
    return threadOf;
  }

  @Test
  void socketsMoveBetweenThreadsAndEachKeepsItsSourcesHandlerAndHousekeeping() throws Exception {
    assumeTrue(UdpTransport.nativeAvailable());
    List<WhoAnswers> handlers = List.of(new WhoAnswers(0), new WhoAnswers(1));
    List<DatagramSocket> clients = new ArrayList<>();
    try (UdpTransport t = start(true, 2, handlers::get)) {
      for (int i = 1; i <= 32; i++) {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.7." + i, 0));
        s.setSoTimeout(5_000); // a bound on a broken test
        clients.add(s);
      }
      // a light load: one thread serves both sockets
      Map<Integer, String> handlerOf = new HashMap<>();
      Map<String, String> threadOf = whoAnswers(t, clients, handlerOf);
      assertThat(threadOf).containsOnlyKeys("0", "1"); // the kernel spread the sources
      assertThat(new HashSet<>(threadOf.values())).hasSize(1);
      assertThat(t.threadsServing()).isEqualTo(1);

      t.place(false); // each socket on its own thread
      await().atMost(Duration.ofSeconds(10)).until(() -> t.threadsServing() == 2);
      threadOf = whoAnswers(t, clients, handlerOf); // every source still reaches its handler
      assertThat(new HashSet<>(threadOf.values())).hasSize(2);
      // the once-a-second housekeeping moved with the socket it belongs to
      String moved = threadOf.get("1");
      handlers.get(1).housekeptOn.clear();
      await().atMost(Duration.ofSeconds(10)).until(() -> handlers.get(1).housekeptOn.size() >= 1);
      await()
          .during(Duration.ofMillis(1_100))
          .atMost(Duration.ofSeconds(5))
          .until(() -> handlers.get(1).housekeptOn.equals(Set.of(moved)));

      t.place(true); // and back
      await().atMost(Duration.ofSeconds(10)).until(() -> t.threadsServing() == 1);
      threadOf = whoAnswers(t, clients, handlerOf);
      assertThat(new HashSet<>(threadOf.values())).hasSize(1);
    } finally {
      clients.forEach(DatagramSocket::close);
    }
    assertThat(handlers).allSatisfy(h -> assertThat(h.overlaps).hasValue(0));
  }

  @Test
  void aDatagramOverTheLimitReachesTheHandlerCutToOneByteMore() throws Exception {
    int[] seen = new int[1];
    BatchHandler measure =
        batch -> {
          for (int i = 0; i < batch.size(); i++) {
            seen[0] = batch.length(i);
            batch.reply(i, new byte[] {1});
          }
          return BatchHandler.DONE;
        };
    try (UdpTransport t = start(true, 1, i -> measure)) {
      exchange(t.localAddress(), "127.0.0.1", "x".repeat(1500));
      assertThat(seen[0]).isEqualTo(1201);
      exchange(t.localAddress(), "127.0.0.1", "x".repeat(1200));
      assertThat(seen[0]).isEqualTo(1200);
    }
  }
}
