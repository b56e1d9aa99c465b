package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code peershare} processes under conditions they cannot work in. Each must end with the
 * right exit code (1 failed, 2 bad usage) and exactly one line on standard error that says what is
 * wrong, with nothing on standard output and no stack trace anywhere (the log binding writes to the
 * same terminal, so the process's own streams are checked, not only what picocli prints).
 */
class CommandLineFailuresTest {
  private static final int FAILED = 1;
  private static final int USAGE = 2;

  @TempDir Path tmp;

  private Run run(String... args) throws Exception {
    return Run.of(tmp, args);
  }

  /** Exit code, one line on stderr matching {@code line}, no output, no trace. */
  private static void assertOneLine(Run r, int code, String line) {
    String all = String.join("\n", r.out()) + "\n" + String.join("\n", r.err());
    assertThat(all).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.out()).as("stdout").isEmpty();
    assertThat(r.err()).as("stderr").hasSize(1);
    assertThat(r.err().get(0)).matches(line);
    assertThat(r.exitCode()).as("exit code, stderr %s", r.err()).isEqualTo(code);
  }

  @Test
  void listAndGetWhereNothingListens() throws Exception {
    int port = Loopback.freeUdpPort(); // free: the kernel answers ICMP port unreachable
    String index = "127.0.0.1:" + port;
    Path into = Files.createDirectories(tmp.resolve("into"));
    String line =
        "peershare: nothing listens at 127\\.0\\.0\\.1:"
            + port
            + "; is the index server running, and on that port\\?";
    assertOneLine(run("list", "--index", index), FAILED, line);
    assertOneLine(run("get", "movie", "--dir", into.toString(), "--index", index), FAILED, line);
    try (var left = Files.list(into)) {
      assertThat(left).as("nothing left in the download folder").isEmpty();
    }
  }

  @Test
  void listAndGetAgainstAnIndexThatIsSilent() throws Exception {
    // a socket that never answers: as an index behind a firewall that drops, or a hung one
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      int port = silent.getLocalPort();
      String index = "127.0.0.1:" + port;
      Path into = Files.createDirectories(tmp.resolve("into"));
      // both at once: the retry schedule takes 7.75 s, once for the two
      try (PeershareProcess list = PeershareProcess.start("list", tmp, "list", "--index", index);
          PeershareProcess get =
              PeershareProcess.start(
                  "get", tmp, "get", "movie", "--dir", into.toString(), "--index", index)) {
        String line =
            "peershare: no reply from 127\\.0\\.0\\.1:"
                + port
                + " after 5 tries \\(7\\.75 s\\); is the index server running and reachable\\?";
        assertOneLine(Run.finish(list), FAILED, line);
        assertOneLine(Run.finish(get), FAILED, line);
      }
      try (var left = Files.list(into)) {
        assertThat(left).as("nothing left in the download folder").isEmpty();
      }
    }
  }

  @Test
  void getIntoAFolderThatCannotBeMade() throws Exception {
    // as root, permissions do not stop a write; a path under a regular file cannot be a folder
    Path file = Files.writeString(tmp.resolve("plain.txt"), "not a folder");
    Path under = file.resolve("downloads");
    assertOneLine(
        run("get", "movie", "--dir", under.toString(), "--index", "127.0.0.1:9"),
        FAILED,
        "peershare: the folder " + quote(under) + " does not exist");
    assertOneLine(
        run("get", "movie", "--dir", file.toString(), "--index", "127.0.0.1:9"),
        FAILED,
        "peershare: " + quote(file) + " is a file, not a folder");
  }

  @Test
  void shareOfAFolder() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("music"));
    assertOneLine(
        run("share", folder.toString(), "--name", "kim", "--index", "127.0.0.1:9"),
        FAILED,
        "peershare: "
            + quote(folder)
            + " is a folder; share takes files \\(each file is one"
            + " content\\)");
  }

  @Test
  void peerOnAMissingFolder() throws Exception {
    Path missing = tmp.resolve("nowhere");
    assertOneLine(
        run("peer", "--name", "kim", "--dir", missing.toString(), "--index", "127.0.0.1:9"),
        FAILED,
        "peershare: the folder " + quote(missing) + " does not exist");
    assertThat(missing).doesNotExist();
  }

  @Test
  void indexOptionsOutOfRange() throws Exception {
    assertOneLine(
        run("index", "--port", "99999"),
        USAGE,
        "peershare: --port must be 0 to 65535, not 99999 \\(try 'peershare index --help'\\)");
    assertOneLine(
        run("index", "--lease", "0"),
        USAGE,
        "peershare: --lease must be 1 to 86400 seconds, not 0 \\(try 'peershare index --help'\\)");
  }

  @Test
  void indexOnAPortInUse() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertOneLine(
          run("index", "--bind", "127.0.0.1", "--port", String.valueOf(port)),
          FAILED,
          "peershare: UDP port "
              + port
              + " on 127\\.0\\.0\\.1 is already in use \\(another index running there\\?\\);"
              + " choose another with --port");
    }
  }

  @Test
  void trackerOnAPortInUse() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertOneLine(
          run("index", "--bind", "127.0.0.1", "--port", "0", "--bittorrent-port", "" + port),
          FAILED,
          "peershare: UDP port "
              + port
              + " on 127\\.0\\.0\\.1 is already in use \\(another tracker running there\\?\\);"
              + " choose another with --bittorrent-port");
    }
  }

  @Test
  void getWithBadSourcesOrABadContentName() throws Exception {
    assertOneLine(
        run("get", "movie", "--sources", "0", "--dir", tmp.toString(), "--index", "127.0.0.1:9"),
        USAGE,
        "peershare: --sources must be 1 to 16, not 0 \\(try 'peershare get --help'\\)");
    assertOneLine(
        run("get", "a/b", "--dir", tmp.toString(), "--index", "127.0.0.1:9"),
        USAGE,
        "peershare: 'a/b' is not a valid content name: it cannot hold '/' or '\\\\'"
            + " \\(try 'peershare get --help'\\)");
  }

  private static String quote(Path p) {
    return java.util.regex.Pattern.quote(p.toString());
  }
}
