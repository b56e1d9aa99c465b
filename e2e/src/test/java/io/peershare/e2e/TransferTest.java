package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads between real processes: several providers at once, a provider killed mid-download, a
 * provider whose file was corrupted, a download killed and resumed, and the peer shell's {@code D},
 * which reads the content once. Nothing here is timed: providers are rate-capped only so that a
 * download lasts long enough for something to happen to it, and the test waits on what the
 * processes print or write.
 *
 * <p>Which provider served what is seen from the providers' side: with {@code PEERSHARE_LOG=info} a
 * content server logs {@code served <content> [offset, +length] to <addr>} for every range it
 * delivered in full.
 */
class TransferTest {
  private static final long MIB = 1 << 20;

  /** Slow enough that no provider finishes a 24 MiB file alone before the others start. */
  private static final String PROVIDER_CAP = "4MB";

  private static final Map<String, String> LOG_INFO = Map.of("PEERSHARE_LOG", "info");
  private static final Pattern STATS =
      Pattern.compile("^stats: size=(\\d+) fetched=(\\d+) resumed=(\\d+) ");

  @TempDir Path tmp;
  private String indexAddress;
  @RegisterExtension final Processes processes = new Processes();

  @BeforeEach
  void startIndex() throws Exception {
    int port = Loopback.freeUdpPort();
    indexAddress = "127.0.0.1:" + port;
    processes.track(PeershareProcess.startIndex(tmp, port, 90));
    await("the index answers")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> run("list", "--index", indexAddress).exitCode() == 0);
  }

  @Test
  void threeProvidersEachServePartOfOneDownload() throws Exception {
    Path original = Loopback.randomFile(tmp.resolve("original"), 24 * MIB + 12_345, 31);
    List<PeershareProcess> sharers = new ArrayList<>();
    for (String name : List.of("ana", "bo", "cy")) {
      sharers.add(share(name, original, "--upload-limit", PROVIDER_CAP));
    }

    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get =
        run("get", "original", "--sources", "3", "--dir", into.toString(), "--index", indexAddress);

    assertThat(get.exitCode()).as("get's stderr: %s", get.err()).isZero();
    assertThat(get.out()).containsExactly(into.resolve("original").toString());
    assertThat(Files.mismatch(original, into.resolve("original"))).isEqualTo(-1L);
    assertNoPartFiles(into, "original");
    // a provider logs a range once its end frame is out, which may be just after get exits
    for (PeershareProcess s : sharers) {
      await(s + " logs a range it served")
          .atMost(PeershareProcess.PATIENCE)
          .until(() -> !servedRanges(s, "original").isEmpty());
    }
  }

  @Test
  void aProviderKilledMidDownloadIsReplacedByTheOthers() throws Exception {
    Path original = Loopback.randomFile(tmp.resolve("film"), 32 * MIB + 7, 32);
    PeershareProcess ana = share("ana", original, "--upload-limit", PROVIDER_CAP);
    PeershareProcess bo = share("bo", original, "--upload-limit", PROVIDER_CAP);
    PeershareProcess cy = share("cy", original, "--upload-limit", PROVIDER_CAP);

    Path into = Files.createDirectories(tmp.resolve("into"));
    PeershareProcess get =
        processes.track(
            PeershareProcess.start(
                "get",
                tmp,
                "get",
                "film",
                "--sources",
                "3",
                "--dir",
                into.toString(),
                "--index",
                indexAddress));
    await("bo serves a first range")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> !servedRanges(bo, "film").isEmpty());
    assertThat(get.isAlive()).as("the download is still under way when bo dies").isTrue();
    bo.kill();
    bo.awaitExit();

    assertThat(get.awaitExit()).as("get's stderr: %s", get.stderr()).isZero();
    assertThat(get.stdout()).containsExactly(into.resolve("film").toString());
    assertThat(Files.mismatch(original, into.resolve("film"))).isEqualTo(-1L);
    assertNoPartFiles(into, "film");
    assertThat(String.join("\n", get.stderr())).doesNotContain("Exception");
    for (PeershareProcess s : List.of(ana, cy)) {
      await(s + " logs a range it served")
          .atMost(PeershareProcess.PATIENCE)
          .until(() -> !servedRanges(s, "film").isEmpty());
    }
  }

  @Test
  void aCorruptedProviderNeverSpoilsADownload() throws Exception {
    Path original = Loopback.randomFile(tmp.resolve("src").resolve("disk.img"), 8 * MIB + 99, 33);
    PeershareProcess eve = share("eve", original, "--upload-limit", PROVIDER_CAP);
    flipOneBytePerPiece(copyOf("eve", "disk.img")); // after registration: same size, other bytes

    // eve alone: the download fails, says why in one line, and leaves no file of that name
    Path alone = Files.createDirectories(tmp.resolve("alone"));
    Run failed = run("get", "disk.img", "--dir", alone.toString(), "--index", indexAddress);
    assertThat(failed.exitCode())
        .as("get's output: %s / %s", failed.out(), failed.err())
        .isEqualTo(1);
    assertThat(failed.out()).isEmpty();
    assertThat(failed.err()).hasSize(1);
    assertThat(failed.err().get(0))
        .startsWith("peershare: ")
        .contains("disk.img")
        .contains("CONFLICT");
    assertThat(alone.resolve("disk.img")).doesNotExist();

    // with honest providers beside eve: byte for byte
    share("ana", original, "--upload-limit", PROVIDER_CAP);
    share("bo", original, "--upload-limit", PROVIDER_CAP);
    Path into = Files.createDirectories(tmp.resolve("into"));
    Run get =
        run("get", "disk.img", "--sources", "3", "--dir", into.toString(), "--index", indexAddress);

    assertThat(get.exitCode()).as("get's stderr: %s", get.err()).isZero();
    assertThat(get.out()).containsExactly(into.resolve("disk.img").toString());
    assertThat(Files.mismatch(original, into.resolve("disk.img"))).isEqualTo(-1L);
    assertThat(servedRanges(eve, "disk.img")).as("eve delivered no range in full").isEmpty();
  }

  @Test
  void aKilledDownloadResumesWithoutFetchingWhatItHadAgain() throws Exception {
    Path original = Loopback.randomFile(tmp.resolve("src").resolve("big.bin"), 32 * MIB, 34);
    share("ana", original);

    Path into = Files.createDirectories(tmp.resolve("into"));
    Path state = into.resolve(".big.bin.part.state");
    PeershareProcess first =
        processes.track(
            PeershareProcess.start(
                "get-1",
                tmp,
                "get",
                "big.bin",
                "--sources",
                "1",
                "--download-limit",
                "8MB",
                "--dir",
                into.toString(),
                "--index",
                indexAddress));
    await("some pieces are verified on disk")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> verifiedPieces(state) >= 4);
    first.kill();
    first.awaitExit();
    int had = verifiedPieces(state); // what the resume will find
    assertThat(had).as("the first run was killed before the end").isBetween(4, 31);
    assertThat(into.resolve("big.bin")).doesNotExist();

    Run again = run("get", "big.bin", "--stats", "--dir", into.toString(), "--index", indexAddress);

    assertThat(again.exitCode()).as("get's stderr: %s", again.err()).isZero();
    assertThat(again.out()).containsExactly(into.resolve("big.bin").toString());
    assertThat(Files.mismatch(original, into.resolve("big.bin"))).isEqualTo(-1L);
    assertNoPartFiles(into, "big.bin");
    Matcher stats =
        again.err().stream()
            .map(STATS::matcher)
            .filter(Matcher::find)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no stats line in " + again.err()));
    long size = Long.parseLong(stats.group(1));
    long fetched = Long.parseLong(stats.group(2));
    long resumed = Long.parseLong(stats.group(3));
    assertThat(size).isEqualTo(32 * MIB);
    assertThat(resumed).isEqualTo(had * MIB);
    // fetched is counted off the wire: the missing pieces, plus at most a few fetched twice
    assertThat(fetched).isBetween(size - resumed, size - resumed + 4 * MIB);
  }

  @Test
  void downloadReadsTheContentOnceAndServesItAfterwards() throws Exception {
    long size = 48 * MIB + 123;
    Path original = Loopback.randomFile(tmp.resolve("src").resolve("big.bin"), size, 41);
    PeershareProcess ana = share("ana", original);
    Path boDir = Files.createDirectories(tmp.resolve("bo"));
    PeershareProcess bo =
        processes.track(
            PeershareProcess.start("bo", boDir, "peer", "--name", "bo", "--index", indexAddress));
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
    Run get = run("get", "big.bin", "--dir", into.toString(), "--index", indexAddress);
    assertThat(get.exitCode()).as("get's stderr: %s", get.err()).isZero();
    assertThat(Files.mismatch(original, into.resolve("big.bin"))).isEqualTo(-1L);
  }

  @Test
  void getHelpSaysHowToResumeAndWhatItPrints() throws Exception {
    Run help = run("get", "--help");
    assertThat(help.exitCode()).isZero();
    String text = String.join(" ", help.out()).replaceAll("\\s+", " ");
    assertThat(text)
        .contains("its path is all that goes to standard output")
        .contains("resumes where it stopped when run again with the same --dir")
        .contains(".CONTENT.part");
  }

  // ---------------------------------------------------------------------------------------------

  private Run run(String... args) throws Exception {
    return Run.of(tmp, args);
  }

  /**
   * {@code share} of a copy of {@code source} in the peer's own folder ({@link #copyOf}), logging
   * each range it serves.
   */
  private PeershareProcess share(String peer, Path source, String... options) throws Exception {
    Path copy = copyOf(peer, source.getFileName().toString());
    Files.createDirectories(copy.getParent());
    Files.copy(source, copy);
    List<String> args =
        new ArrayList<>(List.of("share", copy.toString(), "--name", peer, "--index", indexAddress));
    args.addAll(List.of(options));
    PeershareProcess p =
        processes.track(
            PeershareProcess.start(peer, copy.getParent(), LOG_INFO, args.toArray(String[]::new)));
    p.awaitRegistered(copy.getFileName().toString());
    return p;
  }

  private Path copyOf(String peer, String content) {
    return tmp.resolve("peer-" + peer).resolve(content);
  }

  /** The ranges a provider logged as served in full. */
  private static List<String> servedRanges(PeershareProcess provider, String content) {
    Pattern served =
        Pattern.compile("served " + Pattern.quote(content) + " \\[\\d+, \\+\\d+\\] to ");
    return provider.stderr().stream().filter(l -> served.matcher(l).find()).toList();
  }

  /** Flips one byte in the middle of every 1 MiB piece, in place: size unchanged. */
  private static void flipOneBytePerPiece(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      for (long at = MIB / 2; at < f.length(); at += MIB) {
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0xFF);
      }
    }
  }

  /**
   * Pieces the {@code .part.state} marks verified (its layout: "PSPART", version, 32-byte digest,
   * u64 size, u32 piece count, then the bitset, then a CRC); 0 while there is none.
   */
  private static int verifiedPieces(Path state) throws IOException {
    byte[] b;
    try {
      b = Files.readAllBytes(state);
    } catch (NoSuchFileException e) {
      return 0;
    }
    int head = 6 + 1 + 32 + 8 + 4;
    int n = 0;
    for (int i = head; i < b.length - 4; i++) {
      n += Integer.bitCount(b[i] & 0xFF);
    }
    return n;
  }

  private static void assertNoPartFiles(Path dir, String content) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("what is left in %s", dir)
          .containsExactly(content);
    }
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
