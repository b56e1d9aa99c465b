package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.e2e.netlab.Host;
import io.peershare.e2e.netlab.IndexWorkload;
import io.peershare.e2e.netlab.JavaMain;
import io.peershare.e2e.netlab.NetLab;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index over a lossy link: the index process in host 1, a run of operations with the real
 * IndexClient in host 2 (see {@link IndexWorkload}), and a random share of the UDP datagrams
 * arriving at each host dropped. Every operation must succeed and none may be applied twice.
 */
class LossyIndexTest {
  private static final int PORT = 3000;

  @TempDir Path tmp;

  /** About 130 operations, 10 % of the datagrams lost each way. */
  @Test
  void everyOperationSucceedsOnceAtTenPercentLoss() throws Exception {
    workload(10, 2, 20, Duration.ofMinutes(2));
  }

  /** About 1,000 operations from 8 peers at once, 30 % of the datagrams lost each way. */
  @Test
  @Tag("long")
  void everyOperationSucceedsOnceAtThirtyPercentLoss() throws Exception {
    workload(30, 8, 50, Duration.ofMinutes(15));
  }

  private void workload(int lossPercent, int workers, int contents, Duration patience)
      throws Exception {
    try (NetLab lab = NetLab.open(2)) {
      Host server = lab.host(1);
      Host client = lab.host(2);
      try (PeershareProcess index =
          PeershareProcess.start(
              "index",
              tmp,
              server::command,
              "index",
              "--bind",
              server.address(),
              "--port",
              String.valueOf(PORT),
              "--lease",
              "30")) {
        LabAwait.udpListening(server, PORT, index);
        server.dropIngressUdp(lossPercent);
        client.dropIngressUdp(lossPercent);

        JavaMain.Run run =
            JavaMain.run(
                client,
                tmp.resolve("workload.log"),
                patience,
                IndexWorkload.class,
                server.address(),
                String.valueOf(PORT),
                String.valueOf(workers),
                String.valueOf(contents));

        Host.Counters atIndex = server.ingressCounters("udp");
        Host.Counters atClient = client.ingressCounters("udp");
        long exchanges = run.figure("SUMMARY", "exchanges");
        System.out.printf(
            "LossyIndexTest loss=%d%% each way: %s; datagrams to the index %d (%d dropped),"
                + " replies %d (%d dropped), about %d resends%n",
            lossPercent,
            run.lines().get(run.lines().size() - 1),
            atIndex.seen(),
            atIndex.dropped(),
            atClient.seen(),
            atClient.dropped(),
            atIndex.seen() - exchanges);
        assertThat(run.lines()).as("failures").noneMatch(l -> l.startsWith("FAIL"));
        assertThat(run.exitCode()).as("workload exit code; it printed %s", run.lines()).isZero();
        assertThat(run.figure("SUMMARY", "failed")).isZero();
        assertThat(run.figure("SUMMARY", "ops")).isGreaterThanOrEqualTo(workers * 3L * contents);
        assertThat(atIndex.dropped()).as("the link really lost datagrams").isPositive();
        assertThat(index.isAlive()).as("the index survived").isTrue();
      }
    }
  }
}
