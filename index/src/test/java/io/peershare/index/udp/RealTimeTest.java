package io.peershare.index.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dpeershare.udp.realtime=N}: the threads that serve sockets run under {@code SCHED_FIFO}
 * at priority N where the process may ask for it, and keep normal priority (still serving) where it
 * may not or the value is not a priority. Read from the kernel: {@code /proc/self/task/TID/stat}
 * (policy and real-time priority).
 */
class RealTimeTest {
  private static final int SCHED_OTHER = 0;
  private static final int SCHED_FIFO = 1;

  @AfterEach
  void clear() {
    System.clearProperty(RealTime.PROPERTY);
  }

  /** Echoes each datagram back. */
  private static final class Echo implements BatchHandler {
    @Override
    public CompletionStage<Void> handle(DatagramBatch batch) {
      for (int i = 0; i < batch.size(); i++) {
        byte[] b = new byte[batch.length(i)];
        System.arraycopy(batch.data(), batch.offset(i), b, 0, b.length);
        batch.reply(i, b);
      }
      return DONE;
    }
  }

  @Test
  void theServingThreadsRunAtTheRealTimePriorityAskedFor() throws Exception {
    assumeTrue(UdpTransport.nativeAvailable());
    System.setProperty(RealTime.PROPERTY, "7");
    try (UdpTransport t = start("rtseven", 2)) {
      assertThat(echo(t.localAddress(), "hello")).isEqualTo("hello");
      List<int[]> threads = policies("rtseven-udp");
      assertThat(threads).hasSize(2); // both started and raised before start returned
      int[] expected = mayUseRealTime(7) ? new int[] {SCHED_FIFO, 7} : new int[] {SCHED_OTHER, 0};
      assertThat(threads).allSatisfy(p -> assertThat(p).containsExactly(expected));
    }
  }

  @Test
  void withoutTheOptionOrWithABadValueTheThreadsKeepNormalPriority() throws Exception {
    assumeTrue(UdpTransport.nativeAvailable());
    try (UdpTransport t = start("rtnone", 1)) {
      assertThat(echo(t.localAddress(), "a")).isEqualTo("a");
      assertThat(policies("rtnone-udp"))
          .isNotEmpty()
          .allSatisfy(p -> assertThat(p).containsExactly(SCHED_OTHER, 0));
    }
    for (String bad : List.of("0", "100", "high")) {
      System.setProperty(RealTime.PROPERTY, bad);
      try (UdpTransport t = start("rtbad", 1)) {
        assertThat(echo(t.localAddress(), bad)).isEqualTo(bad);
        assertThat(policies("rtbad-udp"))
            .isNotEmpty()
            .allSatisfy(p -> assertThat(p).containsExactly(SCHED_OTHER, 0));
      }
    }
  }

  private static UdpTransport start(String name, int threads) throws IOException {
    return UdpTransport.start(
        new UdpTransport.Options(InetAddress.getLoopbackAddress(), 0, threads, 1200, true, name),
        i -> new Echo());
  }

  private static String echo(InetSocketAddress to, String text) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(5_000); // a bound on a broken test
      byte[] out = text.getBytes(StandardCharsets.UTF_8);
      s.send(new DatagramPacket(out, out.length, to));
      DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
      s.receive(in);
      return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
    }
  }

  /** {policy, real-time priority} of each live thread of this process whose name starts so. */
  private static List<int[]> policies(String prefix) throws IOException {
    List<int[]> found = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        String comm;
        String stat;
        try {
          comm = Files.readString(task.resolve("comm")).strip();
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // a thread that ended meanwhile
        }
        if (comm.startsWith(prefix)) {
          // fields after the ")" that ends the name: the 3rd field of stat is the first here;
          // rt_priority is field 40, policy field 41
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          found.add(new int[] {Integer.parseInt(f[41 - 3]), Integer.parseInt(f[40 - 3])});
        }
      }
    }
    return found;
  }

  /**
   * Whether this process may put a thread under SCHED_FIFO at {@code priority}, as the kernel
   * decides it: CAP_SYS_NICE in the effective set, or an RLIMIT_RTPRIO of at least {@code
   * priority}; and, with real-time group scheduling, a cpu cgroup that has real-time time.
   */
  private static boolean mayUseRealTime(int priority) throws IOException {
    long caps = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")) {
        caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
      }
    }
    boolean allowed = (caps & (1L << 23)) != 0; // CAP_SYS_NICE
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max realtime priority")) {
        String soft = line.substring("Max realtime priority".length()).strip().split("\\s+")[0];
        allowed |= soft.equals("unlimited") || Integer.parseInt(soft) >= priority;
      }
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] f = line.split(":", 3);
      if (f.length == 3 && List.of(f[1].split(",")).contains("cpu") && !f[2].equals("/")) {
        Path runtime = Path.of("/sys/fs/cgroup/cpu" + f[2], "cpu.rt_runtime_us");
        if (Files.isReadable(runtime)) {
          allowed &= Long.parseLong(Files.readString(runtime).strip()) != 0;
        }
      }
    }
    return allowed;
  }
}
