package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the index listens and how peers reach it: IPv6 end to end, the default dual-stack index,
 * its IPv4 fallback, and a list of index nodes.
 */
class AddressingTest {
  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();

  private PeershareProcess index(Map<String, String> env, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("index", "--lease", "30"));
    all.addAll(List.of(args));
    return processes.track(PeershareProcess.start("index", tmp, env, all.toArray(String[]::new)));
  }

  private Run run(String... args) throws Exception {
    return Run.of(tmp, args);
  }

  private void awaitAnswers(String index) {
    await("the index at " + index + " answers")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> run("list", "--index", index).exitCode() == 0);
  }

  private static boolean hasIpv6Loopback() {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("::1", 0))) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aWholeWalkthroughOverIpv6Only() throws Exception {
    assumeTrue(hasIpv6Loopback(), "this system has no IPv6 loopback (::1)");
    int port = Loopback.freeUdpPort();
    String v6 = "[::1]:" + port;
    PeershareProcess index = index(Map.of(), "--bind", "::1", "--port", String.valueOf(port));
    awaitAnswers(v6);
    index.awaitErr(Pattern.quote("listening on udp " + v6 + ", lease"));

    Path file = Loopback.randomFile(tmp.resolve("ana").resolve("data.bin"), 1_500_007, 61);
    PeershareProcess ana =
        processes.track(
            PeershareProcess.start(
                "ana", tmp, "share", file.toString(), "--name", "ana", "--index", v6));
    ana.awaitRegistered("data.bin");
    assertThat(run("list", "--index", v6).out()).containsExactly("data.bin\t1500007\t1");

    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get = run("get", "data.bin", "--dir", into.toString(), "--index", v6);
    assertThat(get.exitCode()).as("get, stderr %s", get.err()).isZero();
    assertThat(Files.mismatch(file, into.resolve("data.bin"))).isEqualTo(-1L);

    Path home = Files.createDirectories(tmp.resolve("bo"));
    PeershareProcess bo =
        processes.track(PeershareProcess.start("bo", home, "peer", "--name", "bo", "--index", v6));
    bo.awaitOut("Peer 'bo' is up, sharing from .*, index \\[::1\\]:" + port + "\\.");
    int mark = bo.outLines();
    bo.type("D data.bin");
    bo.awaitOut(mark, "Downloaded 'data\\.bin'");
    assertThat(run("list", "--index", v6).out()).containsExactly("data.bin\t1500007\t2");
    bo.type("Q");
    assertThat(bo.awaitExit()).isZero();

    // it is IPv6 only: over IPv4 nothing listens there, and that is said at once
    Run v4 = run("list", "--index", "127.0.0.1:" + port);
    assertThat(v4.exitCode()).isEqualTo(1);
    assertThat(v4.err())
        .containsExactly(
            "peershare: nothing listens at 127.0.0.1:"
                + port
                + "; is the index server running, and on that port?");
    for (PeershareProcess p : List.of(ana, bo, index)) {
      assertThat(String.join("\n", p.stderr())).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void theDefaultIndexAnswersOverIpv6AndIpv4() throws Exception {
    assumeTrue(hasIpv6Loopback(), "this system has no IPv6 loopback (::1)");
    int port = Loopback.freeUdpPort();
    PeershareProcess index = index(Map.of(), "--port", String.valueOf(port));
    awaitAnswers("127.0.0.1:" + port);
    index.awaitErr(Pattern.quote("listening on udp [::]:" + port + " (IPv6 and IPv4)"));
    assertThat(run("list", "--index", "[::1]:" + port).exitCode()).isZero();
    assertThat(run("list", "--index", "localhost:" + port).exitCode()).isZero();
  }

  @Test
  void withoutIpv6TheIndexListensOnIpv4AndSaysSo() throws Exception {
    int port = Loopback.freeUdpPort();
    // the JVM's own switch: as on a system where IPv6 is turned off
    PeershareProcess index =
        index(
            Map.of("JAVA_TOOL_OPTIONS", "-Djava.net.preferIPv4Stack=true"),
            "--port",
            String.valueOf(port));
    awaitAnswers("127.0.0.1:" + port);
    // the index can answer before it logs that it listens: wait for the line, not only the answer
    index.awaitErr(Pattern.quote("listening on udp 0.0.0.0:" + port + ", lease"));
    assertThat(index.stderr()).anyMatch(l -> l.contains("IPv6 is not available here"));
  }

  @Test
  void aListOfIndexNodesGoesOnPastOneWhereNothingListens() throws Exception {
    int port = Loopback.freeUdpPort();
    int nowhere = Loopback.freeUdpPort();
    String live = "127.0.0.1:" + port;
    String dead = "127.0.0.1:" + nowhere;
    index(Map.of(), "--bind", "127.0.0.1", "--port", String.valueOf(port));
    awaitAnswers(live);

    Path file = Loopback.randomFile(tmp.resolve("kim").resolve("movie.bin"), 70_000, 62);
    PeershareProcess kim =
        processes.track(
            PeershareProcess.start(
                "kim",
                tmp,
                "share",
                file.toString(),
                "--name",
                "kim",
                "--index",
                dead + "," + live));
    kim.awaitRegistered("movie.bin");
    assertThat(kim.stderr())
        .anyMatch(
            l ->
                l.contains(
                    "nothing listens at " + dead + ": going on with the index node " + live));

    Run list = run("list", "--index", dead + "," + live);
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).containsExactly("movie.bin\t70000\t1");

    try (PeershareProcess viaEnv =
        PeershareProcess.start("list", tmp, Map.of("PEERSHARE_INDEX", dead + "," + live), "list")) {
      Run r = Run.finish(viaEnv);
      assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
      assertThat(r.out()).containsExactly("movie.bin\t70000\t1");
    }

    Run none = run("list", "--index", dead + ",127.0.0.1:" + Loopback.freeUdpPort());
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).last().asString().startsWith("peershare: no index node answered: ");
  }
}
