package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index is SIGKILLed (its registry is gone) and a new one starts on the same port: the peers
 * that were sharing notice at their next keepalive ({@code BAD_COOKIE}, then {@code NOT_FOUND}),
 * register again, and the listing is whole again, each content once with one provider.
 */
class IndexKilledTest {
  private static final int LEASE_SECONDS = 3;

  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();
  private int port;
  private String indexAddress;

  private PeershareProcess startIndex() throws Exception {
    return processes.track(PeershareProcess.startIndex(tmp, port, LEASE_SECONDS));
  }

  private PeershareProcess share(Path file, String name) throws Exception {
    // at info level, a sharer logs each content it registers again (the test waits for that line)
    PeershareProcess p =
        processes.track(
            PeershareProcess.start(
                name,
                tmp,
                Map.of("PEERSHARE_LOG", "info"),
                "share",
                file.toString(),
                "--name",
                name,
                "--index",
                indexAddress));
    p.awaitRegistered(file.getFileName().toString());
    return p;
  }

  private Run run(String... args) throws Exception {
    return Run.of(tmp, args);
  }

  private Run list() throws Exception {
    return run("list", "--index", indexAddress);
  }

  @Test
  void sharersRegisterAgainWithANewIndexOnTheSamePort() throws Exception {
    port = Loopback.freeUdpPort();
    indexAddress = "127.0.0.1:" + port;
    PeershareProcess index = startIndex();
    index.awaitErr("index server listening");

    Path alpha = Loopback.randomFile(tmp.resolve("a").resolve("alpha.bin"), 1_500_000, 21);
    Path beta = Loopback.randomFile(tmp.resolve("b").resolve("beta.bin"), 700_001, 22);
    PeershareProcess ann = share(alpha, "ann");
    PeershareProcess bob = share(beta, "bob");
    List<String> whole = List.of("alpha.bin\t1500000\t1", "beta.bin\t700001\t1");
    assertThat(list().out()).containsExactlyElementsOf(whole);

    index.kill();
    index.awaitExit();
    long killedAt = System.nanoTime();
    PeershareProcess second = startIndex();
    // from when it listens: how long a JVM takes to start on a loaded machine is not the point
    second.awaitErr("index server listening");
    long upAt = System.nanoTime();

    // each sharer finds out by itself at its next keepalive (BAD_COOKIE, a new cookie, NOT_FOUND)
    // and registers again; its log says so (a JVM start per look at the listing would be the
    // slowest part of this test on a loaded machine)
    ann.awaitErr("registered 'alpha\\.bin' again");
    bob.awaitErr("registered 'beta\\.bin' again");
    System.out.printf(
        "both registered again %d ms after the kill, %d ms after the new index listened (lease"
            + " %d s)%n",
        (System.nanoTime() - killedAt) / 1_000_000,
        (System.nanoTime() - upAt) / 1_000_000,
        LEASE_SECONDS); // figures, not asserted
    assertThat(list().out()).containsExactlyElementsOf(whole);
    assertThat(second.isAlive()).isTrue();

    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get = run("get", "alpha.bin", "--dir", into.toString(), "--index", indexAddress);
    assertThat(get.exitCode()).as("get, stderr %s", get.err()).isZero();
    assertThat(Files.mismatch(alpha, into.resolve("alpha.bin"))).isEqualTo(-1L);
    // a content appears once however often a sharer re-registered: no duplicate providers
    assertThat(list().out()).containsExactlyElementsOf(whole);

    for (PeershareProcess p : List.of(ann, bob)) {
      assertThat(p.isAlive()).as("%s still shares", p).isTrue();
      assertThat(String.join("\n", p.stderr())).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }
}
