package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peershare index} stopped as a service manager stops it: SIGTERM (systemd's default, {@code
 * docker stop}, {@code kill}). It stops in order and exits with 0, which systemd counts as a clean
 * stop; the JVM's own handler exited with 143, which it counts as a failure.
 */
class IndexStopTest {
  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();

  @Test
  void sigtermStopsTheIndexWithExitCodeZeroAndOneLine() throws Exception {
    int port = Loopback.freeUdpPort();
    PeershareProcess index = processes.track(PeershareProcess.startIndex(tmp, port, 90));
    int listening = index.awaitErr("index server listening on udp 127\\.0\\.0\\.1:" + port);

    index.sigterm();

    assertThat(index.awaitExit()).as("exit code after SIGTERM").isZero();
    assertThat(index.stdout()).isEmpty();
    assertThat(index.stderr().subList(listening + 1, index.stderr().size()))
        .as("what it logged after it listened, of %s", index.stderr())
        .singleElement()
        .asString()
        .contains("index server on udp port " + port + " stopped");
  }
}
