package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peershare index} stopped as a service manager stops it: SIGTERM (systemd's default, {@code
 * docker stop}, {@code kill}). It stops in order and exits with 0, which systemd counts as a clean
 * stop; the JVM's own handler exited with 143, which it counts as a failure. The signal is sent the
 * moment the index says it listens: its start-up may not be over then (with {@code --metrics} the
 * metrics server starts after it), and the orderly stop must hold from the first moment.
 */
class IndexStopTest {
  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();

  @Test
  void sigtermStopsTheIndexWithExitCodeZeroAndOneLine() throws Exception {
    PeershareProcess index = sigtermOnceListening();

    assertThat(index.stdout()).isEmpty();
  }

  /** A metrics server still starting when SIGTERM arrives; repeated, since it is a race. */
  @RepeatedTest(3)
  void sigtermWhileTheMetricsServerStartsStillStopsInOrderWithExitCodeZero() throws Exception {
    PeershareProcess index = sigtermOnceListening("--metrics", "127.0.0.1:0");

    assertThat(index.stdout()).allMatch(line -> line.contains("metrics"));
  }

  private PeershareProcess sigtermOnceListening(String... more) throws Exception {
    int port = Loopback.freeUdpPort();
    PeershareProcess index = processes.track(PeershareProcess.startIndex(tmp, port, 90, more));
    int listening = index.awaitErr("index server listening on udp 127\\.0\\.0\\.1:" + port);

    index.sigterm();

    assertThat(index.awaitExit()).as("exit code after SIGTERM").isZero();
    List<String> after = index.stderr().subList(listening + 1, index.stderr().size());
    assertThat(after)
        .as("what it logged after it listened, of %s", index.stderr())
        .singleElement()
        .asString()
        .contains("index server on udp port " + port + " stopped");
    return index;
  }
}
