package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second {@code peer --name mai} (or {@code share --name mai}) on the host where Mai already runs
 * used to send its start-up {@code Q} and so silently unregister the first one's contents. Now it
 * is refused with one line naming the running one; a SIGKILLed Mai does not block the next start.
 */
class TwinPeerTest {
  /** Long enough that no keepalive (a third of it) could hide a lost registration here. */
  private static final int LEASE_SECONDS = 90;

  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();
  private String indexAddress;

  @BeforeEach
  void startIndex() throws Exception {
    int port = Loopback.freeUdpPort();
    indexAddress = "127.0.0.1:" + port;
    processes.track(PeershareProcess.startIndex(tmp, port, LEASE_SECONDS));
    await("the index answers")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> list().exitCode() == 0);
  }

  private Run list() throws Exception {
    return Run.of(tmp, "list", "--index", indexAddress);
  }

  private PeershareProcess mai(Path dir) throws Exception {
    return processes.track(
        PeershareProcess.start("mai", dir, "peer", "--name", "mai", "--index", indexAddress));
  }

  @Test
  void aSecondPeerOfARunningNameIsRefusedAndTheFirstKeepsItsContents() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("mai"));
    Loopback.randomFile(home.resolve("lorem"), 10_000, 1);
    Loopback.randomFile(home.resolve("ipsum"), 20_000, 2);
    PeershareProcess first = mai(home);
    first.awaitOut("Peer 'mai' is up");
    int mark = first.outLines();
    first.type("R lorem").type("R ipsum");
    first.awaitOut(mark, "Registered 'ipsum'");
    List<String> both = List.of("ipsum\t20000\t1", "lorem\t10000\t1");
    assertThat(list().out()).containsExactlyElementsOf(both);

    String refusal =
        "peershare: the peer 'mai' is already running on this host (process "
            + first.pid()
            + ") with the index "
            + indexAddress
            + "; quit it first, or choose another name";
    Path other = Files.createDirectories(tmp.resolve("elsewhere"));
    Run twin = Run.finish(mai(other));
    assertThat(twin.exitCode()).isEqualTo(1);
    assertThat(twin.out()).isEmpty();
    assertThat(twin.err()).containsExactly(refusal);

    Loopback.randomFile(other.resolve("dolor"), 30_000, 3);
    Run share =
        Run.finish(
            processes.track(
                PeershareProcess.start(
                    "share",
                    other,
                    "share",
                    other.resolve("dolor").toString(),
                    "--name",
                    "mai",
                    "--index",
                    indexAddress)));
    assertThat(share.exitCode()).isEqualTo(1);
    assertThat(share.err()).containsExactly(refusal);

    // nothing was lost: the index still lists both, and so does Mai's own O
    assertThat(list().out()).containsExactlyElementsOf(both);
    mark = first.outLines();
    first.type("O");
    first.awaitOut(mark, "^lorem\\s+9\\.8 KiB\\s+1$");

    // get --name only names the asker (it sends no Q): it may run beside Mai
    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get =
        Run.of(
            tmp,
            "get",
            "lorem",
            "--name",
            "mai",
            "--dir",
            into.toString(),
            "--index",
            indexAddress);
    assertThat(get.exitCode()).as("get, stderr %s", get.err()).isZero();
    assertThat(list().out()).containsExactlyElementsOf(both);

    // a killed Mai holds nothing: the next one starts, and its Q clears what the dead one left
    first.kill();
    first.awaitExit();
    PeershareProcess next = mai(other);
    next.awaitOut("Peer 'mai' is up");
    assertThat(list().out()).isEmpty();
    next.type("Q");
    assertThat(next.awaitExit()).isZero();
  }
}
