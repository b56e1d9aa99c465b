package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.index.redis.RedisServers;
import io.peershare.peer.index.IndexClient;
import io.peershare.peer.index.IndexException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code peershare index --store redis://} processes on one Redis of the test's own, with real
 * sharers: a node SIGKILLed loses nothing, and a Redis SIGKILLed and restarted empty is whole again
 * within a keepalive of the sharers.
 */
class RedisStoreTest {
  private static final int LEASE_SECONDS = 3;

  /** Long enough that the checks after a node's death finish well inside it on a busy machine. */
  private static final int LONG_LEASE_SECONDS = 20;

  /** A keepalive round (1 s here), reconnecting, a JVM start and round trips, with room. */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(15);

  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();
  private final List<String> nodes = new ArrayList<>();
  private Path redisDir;
  private int redisPort;

  @BeforeEach
  void startRedis() {
    redisDir = tmp.resolve("redis");
    redisPort = RedisServers.startPrivate(redisDir, 0);
  }

  @AfterEach
  void stopAll() {
    processes.closeAll();
    if (redisDir != null) {
      RedisServers.stop(redisDir);
    }
  }

  /** Starts one more index node on the store; returns its address. */
  private String startNode() throws Exception {
    return startNode(LEASE_SECONDS);
  }

  private String startNode(int leaseSeconds) throws Exception {
    int port = Loopback.freeUdpPort();
    String at = "127.0.0.1:" + port;
    processes.track(
        PeershareProcess.startIndex(
            tmp, port, leaseSeconds, "--store", "redis://127.0.0.1:" + redisPort));
    nodes.add(at);
    await("node " + at + " answers")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> listing(at) != null);
    return at;
  }

  private PeershareProcess share(Path file, String name, String node) throws Exception {
    PeershareProcess p =
        processes.track(
            PeershareProcess.start(
                name, tmp, "share", file.toString(), "--name", name, "--index", node));
    p.awaitRegistered(file.getFileName().toString());
    return p;
  }

  private Run list(String node) throws Exception {
    return Run.of(tmp, "list", "--index", node);
  }

  private boolean wholeOnEveryNode(List<String> whole) throws Exception {
    for (String n : nodes) {
      Run r = list(n);
      if (r.exitCode() != 0 || !r.out().equals(whole)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The listing of every node as "name size providers" lines, through an index client in this JVM
   * (a `list` process would add its own start-up to the time measured); null on failure.
   */
  private List<String> listedEverywhere() {
    List<String> first = null;
    for (String n : nodes) {
      List<String> lines = listing(n);
      if (lines == null || (first != null && !first.equals(lines))) {
        return null;
      }
      first = lines;
    }
    return first;
  }

  /** One node's listing through an index client in this JVM; null when it fails. */
  private static List<String> listing(String node) {
    String[] hp = node.split(":");
    try (IndexClient c = new IndexClient(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])))) {
      return c.listAll("").stream()
          .map(e -> e.content() + "\t" + e.size() + "\t" + e.providers())
          .toList();
    } catch (IOException | IndexException e) {
      return null;
    }
  }

  @Test
  void aNodeKilledMidRunLosesNothingAndTheOthersSweepItsLeases() throws Exception {
    String one = startNode(LONG_LEASE_SECONDS);
    String two = startNode(LONG_LEASE_SECONDS);
    String three = startNode(LONG_LEASE_SECONDS);
    Path alpha = Loopback.randomFile(tmp.resolve("a").resolve("alpha.bin"), 1_500_000, 31);
    Path beta = Loopback.randomFile(tmp.resolve("b").resolve("beta.bin"), 700_001, 32);
    PeershareProcess ann = share(alpha, "ann", one);
    share(beta, "bob", two);
    List<String> whole = List.of("alpha.bin\t1500000\t1", "beta.bin\t700001\t1");
    assertThat(wholeOnEveryNode(whole)).isTrue();

    processes.first().kill(); // node one, through which ann registered and keeps alive
    processes.first().awaitExit();
    assertThat(list(three).out()).containsExactlyElementsOf(whole);
    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get = Run.of(tmp, "get", "alpha.bin", "--dir", into.toString(), "--index", three);
    assertThat(get.exitCode()).as("get, stderr %s", get.err()).isZero();
    assertThat(Files.mismatch(alpha, into.resolve("alpha.bin"))).isEqualTo(-1L);

    // ann's keepalives go to the dead node only (one --index): her lease runs out and the
    // surviving nodes sweep it, although the node that took her R is gone; bob stays
    await("ann's lease swept by the surviving nodes")
        .atMost(Duration.ofSeconds(LONG_LEASE_SECONDS).plus(BACK_WITHIN))
        .until(() -> list(two).out().equals(List.of("beta.bin\t700001\t1")));
    assertThat(list(three).out()).containsExactly("beta.bin\t700001\t1");
    assertThat(ann.isAlive()).isTrue();
  }

  @Test
  void redisKilledAndRestartedEmptyIsWholeAgainWithinAKeepalive() throws Exception {
    String one = startNode();
    String two = startNode();
    Path alpha = Loopback.randomFile(tmp.resolve("a").resolve("alpha.bin"), 1_500_000, 41);
    Path beta = Loopback.randomFile(tmp.resolve("b").resolve("beta.bin"), 700_001, 42);
    PeershareProcess ann = share(alpha, "ann", one);
    PeershareProcess bob = share(beta, "bob", two);
    List<String> whole = List.of("alpha.bin\t1500000\t1", "beta.bin\t700001\t1");
    assertThat(wholeOnEveryNode(whole)).isTrue();

    ProcessHandle.of(RedisServers.pid(redisDir, redisPort)).orElseThrow().destroyForcibly();
    await("redis gone").atMost(Duration.ofSeconds(10)).until(() -> listedEverywhere() == null);
    RedisServers.startPrivate(redisDir, redisPort); // empty: no RDB, no AOF
    long restartedAt = System.nanoTime();

    await("both sharers registered again, seen through both nodes")
        .atMost(BACK_WITHIN)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> whole.equals(listedEverywhere()));
    System.out.printf(
        "listing whole again %d ms after Redis restarted empty (lease %d s, keepalive 1 s)%n",
        (System.nanoTime() - restartedAt) / 1_000_000, LEASE_SECONDS); // a figure, not asserted
    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get = Run.of(tmp, "get", "beta.bin", "--dir", into.toString(), "--index", one);
    assertThat(get.exitCode()).as("get, stderr %s", get.err()).isZero();
    assertThat(Files.mismatch(beta, into.resolve("beta.bin"))).isEqualTo(-1L);
    for (PeershareProcess p : processes) {
      assertThat(p.isAlive()).as("%s alive", p).isTrue();
      assertThat(String.join("\n", p.stderr())).doesNotContain("\tat ").doesNotContain("Exception");
    }
    assertThat(List.of(ann, bob)).allMatch(PeershareProcess::isAlive);
  }
}
