package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer shell's {@code D} as a person runs it, watched from outside the process: the peer shares
 * the file it downloaded with the manifest the download verified, so it reads the content once, off
 * the network, and not a second time from its disk to hash it again.
 */
class ShellDownloadTest {
  private static final long MIB = 1 << 20;

  @TempDir Path tmp;
  private String indexAddress;
  private final List<PeershareProcess> started = new ArrayList<>();

  @BeforeEach
  void startIndex() throws Exception {
    int port = Loopback.freeUdpPort();
    indexAddress = "127.0.0.1:" + port;
    track(PeershareProcess.startIndex(tmp, port, 60));
    await("the index answers")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> Run.of(tmp, "list", "--index", indexAddress).exitCode() == 0);
  }

  @AfterEach
  void stopAll() {
    for (PeershareProcess p : started) {
      p.close();
    }
  }

  private PeershareProcess track(PeershareProcess p) {
    started.add(p);
    return p;
  }

  @Test
  void downloadReadsTheContentOnceAndServesItAfterwards() throws Exception {
    long size = 48 * MIB + 123;
    Path original = Loopback.randomFile(tmp.resolve("src").resolve("big.bin"), size, 41);
    PeershareProcess ana =
        track(
            PeershareProcess.start(
                "ana",
                tmp,
                "share",
                original.toString(),
                "--name",
                "ana",
                "--index",
                indexAddress));
    ana.awaitOut("^registered big\\.bin port \\d+$");
    Path boDir = Files.createDirectories(tmp.resolve("bo"));
    PeershareProcess bo =
        track(PeershareProcess.start("bo", boDir, "peer", "--name", "bo", "--index", indexAddress));
    bo.awaitOut("Peer 'bo' is up");
    assumeThat(Path.of("/proc", String.valueOf(bo.pid()), "io"))
        .as("the bytes a process read are counted in /proc/PID/io (Linux)")
        .isReadable();

    long before = bytesRead(bo.pid());
    int mark = bo.outLines();
    bo.type("D big.bin");
    bo.awaitOut(mark, "Downloaded 'big\\.bin'");
    bo.awaitOut(mark, "You now share it too, on port \\d+");
    long read = bytesRead(bo.pid()) - before;

    assertThat(Files.mismatch(original, boDir.resolve("big.bin"))).isEqualTo(-1L);
    // the content came over the socket (read(2) counts it too); reading the file back to hash it
    // again would add another whole size
    assertThat(read)
        .as("bytes bo read while it ran D, of a content of %d", size)
        .isLessThan(size + size / 2);

    ana.terminate(); // bo is the only provider now, sharing what it downloaded
    ana.awaitExit();
    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get = Run.of(tmp, "get", "big.bin", "--dir", into.toString(), "--index", indexAddress);
    assertThat(get.exitCode()).as("get's stderr: %s", get.err()).isZero();
    assertThat(Files.mismatch(original, into.resolve("big.bin"))).isEqualTo(-1L);
  }

  /** {@code rchar} of /proc/PID/io: bytes the process got from read(2) and its kin, any file. */
  private static long bytesRead(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "io"))) {
      if (line.startsWith("rchar:")) {
        return Long.parseLong(line.substring("rchar:".length()).strip());
      }
    }
    throw new IOException("no rchar in /proc/" + pid + "/io");
  }
}
