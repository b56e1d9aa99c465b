package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original course walkthrough, with real processes: an index, and peers Mai, Jeff and Hamzah
 * typing into their shells; a several-MiB binary file; quitting and dying peers.
 */
class WalkthroughTest {
  private static final int LEASE_SECONDS = 3;

  @TempDir Path tmp;
  private PeershareProcess index;
  private String indexAddress;
  private final java.util.List<PeershareProcess> started = new java.util.ArrayList<>();

  @BeforeEach
  void startIndex() throws Exception {
    int port = Loopback.freeUdpPort();
    indexAddress = "127.0.0.1:" + port;
    index = track(PeershareProcess.startIndex(tmp, port, LEASE_SECONDS));
    await("the index answers")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> list().exitCode() == 0);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (PeershareProcess p : started) {
      p.close();
    }
  }

  private PeershareProcess track(PeershareProcess p) {
    started.add(p);
    return p;
  }

  private PeershareProcess peer(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    PeershareProcess p =
        track(PeershareProcess.start(name, dir, "peer", "--name", name, "--index", indexAddress));
    p.awaitOut("Peer '" + name + "' is up");
    return p;
  }

  private Run run(String... args) throws Exception {
    return Run.of(tmp, args);
  }

  private Run list() throws Exception {
    return run("list", "--index", indexAddress);
  }

  private List<String> listing() throws Exception {
    Run r = list();
    assertThat(r.exitCode()).as("list exit code, stderr %s", r.err()).isZero();
    return r.out();
  }

  @Test
  void theOriginalWalkthrough() throws Exception {
    Path lorem = Loopback.randomFile(tmp.resolve("mai").resolve("lorem"), 5 * 1024 * 1024 + 123, 1);
    PeershareProcess mai = peer("mai");

    int mark = mai.outLines();
    mai.type("R lorem");
    mai.awaitOut(mark, "Registered 'lorem' \\(5\\.0 MiB\\), serving it on port \\d+");

    mark = mai.outLines();
    mai.type("r missing");
    mai.awaitOut(mark, "There is no file named .missing.");

    mark = mai.outLines();
    mai.type("O");
    mai.awaitOut(mark, "^lorem\\s+5\\.0 MiB\\s+1$");

    mark = mai.outLines();
    mai.type("L");
    mai.awaitOut(mark, "^1\\s+lorem\\s+5\\.0 MiB\\s+\\d+$");

    PeershareProcess jeff = peer("jeff");
    mark = jeff.outLines();
    jeff.type("D lorem");
    jeff.awaitOut(mark, "Downloaded 'lorem'");
    jeff.awaitOut(mark, "You now share it too, on port \\d+");
    assertThat(Files.mismatch(lorem, tmp.resolve("jeff").resolve("lorem"))).isEqualTo(-1L);
    assertThat(listing()).containsExactly("lorem\t" + Files.size(lorem) + "\t2");

    Path shrek = Loopback.randomFile(tmp.resolve("hamzah").resolve("shrek"), 300_000, 2);
    PeershareProcess hamzah = peer("hamzah");
    mark = hamzah.outLines();
    hamzah.type("register shrek");
    hamzah.awaitOut(mark, "Registered 'shrek'");
    assertThat(listing())
        .containsExactly(
            "lorem\t" + Files.size(lorem) + "\t2", "shrek\t" + Files.size(shrek) + "\t1");

    hamzah.type("Q");
    assertThat(hamzah.awaitExit()).isZero();
    assertThat(listing()).containsExactly("lorem\t" + Files.size(lorem) + "\t2");

    jeff.type("quit");
    assertThat(jeff.awaitExit()).isZero();
    assertThat(listing()).containsExactly("lorem\t" + Files.size(lorem) + "\t1");

    mai.endInput(); // Ctrl-D quits too
    assertThat(mai.awaitExit()).isZero();
    assertThat(listing()).isEmpty();
    for (PeershareProcess p : List.of(mai, jeff, hamzah)) {
      assertThat(String.join("\n", p.stderr())).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void aKilledProviderDisappearsAfterItsLease() throws Exception {
    Path file = Loopback.randomFile(tmp.resolve("share").resolve("movie.bin"), 2_000_000, 3);
    PeershareProcess sharer =
        track(
            PeershareProcess.start(
                "sharer", tmp, "share", file.toString(), "--name", "kim", "--index", indexAddress));
    sharer.awaitRegistered("movie.bin");
    assertThat(listing()).containsExactly("movie.bin\t2000000\t1");

    sharer.kill();
    sharer.awaitExit();
    await("the dead provider's lease runs out")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> listing().isEmpty());
  }

  @Test
  void shareThenGetByteForByteAndSigtermDeregisters() throws Exception {
    Path file = Loopback.randomFile(tmp.resolve("src").resolve("data.bin"), 3 * 1024 * 1024 + 7, 4);
    PeershareProcess sharer =
        track(
            PeershareProcess.start(
                "sharer", tmp, "share", file.toString(), "--name", "ana", "--index", indexAddress));
    sharer.awaitRegistered("data.bin");

    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get = run("get", "data.bin", "--dir", into.toString(), "--index", indexAddress);
    assertThat(get.exitCode()).as("stderr: %s", get.err()).isZero();
    assertThat(get.out()).containsExactly(into.resolve("data.bin").toString());
    assertThat(Files.mismatch(file, into.resolve("data.bin"))).isEqualTo(-1L);

    sharer.sigterm(); // as a service manager stops it: a clean stop, exit code 0 (not 143)
    assertThat(sharer.awaitExit()).as("exit code after SIGTERM").isZero();
    assertThat(listing()).isEmpty();
  }

  @Test
  void getOfAContentNobodyHasFailsCleanly() throws Exception {
    Run get = run("get", "nothing-here", "--dir", tmp.toString(), "--index", indexAddress);
    assertThat(get.exitCode()).isEqualTo(1);
    assertThat(get.out()).isEmpty();
    assertThat(get.err()).hasSize(1);
    assertThat(get.err().get(0)).contains("nobody provides 'nothing-here'");
    assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().contains("nothing")))
        .isEmpty();
  }
}
