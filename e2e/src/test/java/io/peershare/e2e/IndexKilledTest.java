package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index is SIGKILLed (its registry is gone) and a new one starts on the same port: the peers
 * that were sharing notice at their next keepalive ({@code BAD_COOKIE}, then {@code NOT_FOUND}),
 * register again, and the listing is whole again, each content once with one provider.
 */
class IndexKilledTest {
  private static final int LEASE_SECONDS = 3;

  /**
   * From the new index listening: a keepalive round (1 s here), a few round trips and a JVM start
   * for each {@code list}, with room to spare.
   */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(15);

  @TempDir Path tmp;
  private final List<PeershareProcess> started = new ArrayList<>();
  private int port;
  private String indexAddress;

  @AfterEach
  void stopAll() {
    started.forEach(PeershareProcess::close);
  }

  private PeershareProcess track(PeershareProcess p) {
    started.add(p);
    return p;
  }

  private PeershareProcess startIndex() throws Exception {
    return track(PeershareProcess.startIndex(tmp, port, LEASE_SECONDS));
  }

  private PeershareProcess share(Path file, String name) throws Exception {
    PeershareProcess p =
        track(
            PeershareProcess.start(
                name, tmp, "share", file.toString(), "--name", name, "--index", indexAddress));
    p.awaitOut("^registered " + file.getFileName().toString().replace(".", "\\.") + " port \\d+$");
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
    await("the index answers")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> list().exitCode() == 0);

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

    await("both sharers registered again with the new index")
        .atMost(BACK_WITHIN)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Run r = list();
              return r.exitCode() == 0 && r.out().equals(whole);
            });
    System.out.printf(
        "listing whole again %d ms after the kill, %d ms after the new index listened (lease %d"
            + " s)%n",
        (System.nanoTime() - killedAt) / 1_000_000,
        (System.nanoTime() - upAt) / 1_000_000,
        LEASE_SECONDS); // figures, not asserted
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
