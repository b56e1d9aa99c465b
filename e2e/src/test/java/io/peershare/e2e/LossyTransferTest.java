package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.e2e.netlab.Host;
import io.peershare.e2e.netlab.NetLab;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download across a slow, lossy link: the index in host 1, {@code peershare share} in host 2
 * whose sending is capped (tc tbf), {@code peershare get} in host 3, and a random share of the TCP
 * segments arriving at hosts 2 and 3 dropped. The file must arrive byte for byte.
 */
class LossyTransferTest {
  private static final int PORT = 3000;

  @TempDir Path tmp;

  @Test
  void aCappedLinkLosingThreePercentStillDeliversTheFile() throws Exception {
    transfer(3, "40mbit", 8L * 1024 * 1024 + 5, 11);
  }

  @Test
  @Tag("long")
  void aCappedLinkLosingFivePercentStillDeliversABigFile() throws Exception {
    transfer(5, "40mbit", 32L * 1024 * 1024 + 5, 12); // 48 MiB took 20 s of the 30 s patience
  }

  private void transfer(int lossPercent, String rate, long size, long seed) throws Exception {
    try (NetLab lab = NetLab.open(3)) {
      Host indexHost = lab.host(1);
      Host sharer = lab.host(2);
      Host getter = lab.host(3);
      String indexAddress = indexHost.address() + ":" + PORT;
      Path file = Loopback.randomFile(tmp.resolve("src").resolve("data.bin"), size, seed);
      Path into = Files.createDirectories(tmp.resolve("into"));
      try (PeershareProcess index =
          PeershareProcess.start(
              "index",
              tmp,
              indexHost::command,
              "index",
              "--bind",
              indexHost.address(),
              "--port",
              String.valueOf(PORT))) {
        LabAwait.udpListening(indexHost, PORT, index);
        try (PeershareProcess share =
            PeershareProcess.start(
                "share",
                file.getParent(),
                sharer::command,
                "share",
                file.toString(),
                "--name",
                "kim",
                "--index",
                indexAddress)) {
          share.awaitRegistered("data.bin");
          sharer.limitEgress(rate);
          sharer.dropIngressTcp(lossPercent);
          getter.dropIngressTcp(lossPercent);
          download(getter, sharer, indexAddress, into, size, rate, lossPercent);
        }
      }
      assertThat(Files.mismatch(file, into.resolve("data.bin"))).isEqualTo(-1L);
    }
  }

  private void download(
      Host getter,
      Host sharer,
      String indexAddress,
      Path into,
      long size,
      String rate,
      int lossPercent)
      throws Exception {
    long start = System.nanoTime();
    try (PeershareProcess get =
        PeershareProcess.start(
            "get",
            tmp,
            getter::command,
            "get",
            "data.bin",
            "--dir",
            into.toString(),
            "--index",
            indexAddress)) {
      int exit = get.awaitExit();
      long millis = (System.nanoTime() - start) / 1_000_000;
      Host.Counters data = getter.ingressCounters("tcp");
      Host.Counters acks = sharer.ingressCounters("tcp");
      System.out.printf(
          "LossyTransferTest %d bytes at %s, %d%% TCP loss: exit %d in %d ms (with JVM start);"
              + " segments to the getter %d (%d dropped), to the sharer %d (%d dropped)%n",
          size,
          rate,
          lossPercent,
          exit,
          millis,
          data.seen(),
          data.dropped(),
          acks.seen(),
          acks.dropped());
      assertThat(exit).as("get's exit code; it printed %s", get.stderr()).isZero();
      assertThat(get.stdout()).containsExactly(into.resolve("data.bin").toString());
      assertThat(data.dropped()).as("segments were lost on the way").isPositive();
    }
  }
}
