package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command lines: exit codes and one clear line, never a stack trace. */
class MainTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  /** {@link Main#run} of {@code args}, its output and exit code (QuickGetTest runs lines too). */
  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryCommand() {
    Result r = run("--help");
    assertThat(r.code).isZero();
    assertThat(r.out).contains("index", "peer", "share", "get", "list");
  }

  /** picocli lists each command with the first line of its description: a whole sentence. */
  @Test
  void helpSummarisesEveryCommandInAWholeSentence() {
    String help = run("--help").out;
    String commands = help.substring(help.indexOf("Commands:\n") + 10, help.indexOf("\n\n"));
    // a summary wrapped over lines continues on lines indented past the command column
    List<String> summaries =
        List.of(commands.replaceAll("\n {5,}", " ").split("\n")).stream()
            .map(String::strip)
            .toList();
    assertThat(summaries).hasSize(6);
    assertThat(summaries).allSatisfy(line -> assertThat(line).endsWith("."));
    assertThat(summaries)
        .contains("peer   Run a peer with an interactive shell.")
        .contains("get    Download a content, verify it and print its path.");
  }

  @Test
  void aNamedCommandIsTheOnlyOneBuilt() {
    assertThat(Main.commandLine(new String[] {"get", "x", "--sources", "2"}).getSubcommands())
        .containsOnlyKeys("get");
    assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands().keySet())
        .containsExactlyElementsOf(Main.COMMANDS);
    assertThat(Main.commandLine(new String[] {"--version"}).getSubcommands()).isEmpty();
    assertThat(run("--version").out).startsWith("peershare ");
  }

  @Test
  void helpNamesACommand() {
    Result r = run("help", "get");
    assertThat(r.code).isZero();
    assertThat(r.out).contains("Usage: peershare get").contains("--sources");
  }

  @Test
  void aMistypedCommandIsUsage() {
    Result r = run("lsit");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).contains("'lsit'").contains("peershare --help");
  }

  @Test
  void noCommandIsUsage() {
    Result r = run();
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).contains("name a command");
  }

  @Test
  void unknownOptionIsUsageWithOneHint() {
    Result r = run("index", "--prot", "3000");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err)
        .contains("Unknown option")
        .contains("'--prot'")
        .contains("peershare index --help");
    assertThat(r.err).doesNotContain("\tat ");
  }

  @Test
  void badIndexAddressIsUsage() {
    Result r = run("list", "--index", "nowhere:99999");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).contains("'nowhere:99999': the port must be 1 to 65535");
  }

  /** The command models are built in code (Specs): what annotations used to give, kept. */
  @Test
  void aMissingContentOrFileIsUsage() {
    Result get = run("get");
    assertThat(get.code).isEqualTo(2);
    assertThat(get.err)
        .isEqualTo(
            "peershare: Missing required parameter: 'CONTENT' (try 'peershare get --help')\n");
    Result share = run("share", "--name", "kim");
    assertThat(share.code).isEqualTo(2);
    assertThat(share.err).contains("Missing required parameter: 'FILE'");
  }

  @Test
  void helpShowsEveryDefault() {
    // help wraps at the terminal's width: compared with the line breaks taken out
    assertThat(run("index", "--help").out.replaceAll("\\s+", " "))
        .contains("Default: 3000.", "Default: 90.", "Default: 1800.", "Default: memory")
        .contains("here " + Runtime.getRuntime().availableProcessors() + ".");
    assertThat(run("get", "--help").out.replaceAll("\\s+", " "))
        .contains("Default: peershare-get.", "(1-16). Default: 4.")
        .contains("Default: $PEERSHARE_INDEX, else 127.0.0.1:3000.")
        .doesNotContain("--stall-timeout");
  }

  @Test
  void peerWithoutNameIsUsage() {
    Result r = run("peer");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).contains("--name");
  }

  @Test
  void badPeerNameIsUsageWithTheRule() {
    Result r = run("peer", "--name", "a/b", "--dir", tmp.toString());
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err.strip())
        .isEqualTo(
            "peershare: --name: 'a/b' is not a valid peer name: it cannot hold '/' or '\\'"
                + " (try 'peershare peer --help')");
  }

  @Test
  void missingFolderFails() {
    Result r = run("get", "x", "--dir", tmp.resolve("nope").toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("does not exist");
  }

  @Test
  void shareOfAMissingFileFailsBeforeAnythingIsSent() {
    Result r =
        run("share", tmp.resolve("ghost").toString(), "--name", "kim", "--index", "127.0.0.1:9");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("no such file");
  }

  @Test
  void badRateIsUsageOnOneLine() {
    Result r = run("get", "x", "--dir", tmp.toString(), "--download-limit", "fast");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err.lines())
        .singleElement()
        .asString()
        .startsWith("peershare: --download-limit: 'fast'");
  }

  @Test
  void valuesOutOfRangeAreUsageOnOneLine() {
    assertThat(run("index", "--port", "99999"))
        .isEqualTo(
            new Result(
                2,
                "",
                "peershare: --port must be 0 to 65535, not 99999 (try 'peershare index --help')\n"));
    assertThat(run("index", "--lease", "0").err)
        .isEqualTo(
            "peershare: --lease must be 1 to 86400 seconds, not 0 (try 'peershare index --help')\n");
    assertThat(run("index", "--bittorrent-port", "70000").err)
        .isEqualTo(
            "peershare: --bittorrent-port must be 0 to 65535, not 70000"
                + " (try 'peershare index --help')\n");
    assertThat(run("index", "--bittorrent-interval", "5").err)
        .isEqualTo(
            "peershare: --bittorrent-interval must be 10 to 86400 seconds, not 5"
                + " (try 'peershare index --help')\n");
    assertThat(run("get", "x", "--dir", tmp.toString(), "--sources", "17").err)
        .isEqualTo("peershare: --sources must be 1 to 16, not 17 (try 'peershare get --help')\n");
    assertThat(run("share", "f", "--name", "kim", "--max-connections", "0").code).isEqualTo(2);
  }

  @Test
  void aMalformedStoreIsUsageOnOneLine() {
    for (String bad :
        List.of(
            "mysql://x:1",
            "redis://nohost",
            "redis://h:0",
            "redis://a:1,b:2",
            "redis://h:1/x",
            "redis-cluster://h:1/3",
            "redis-cluster://",
            "memory2")) {
      Result r = run("index", "--store", bad);
      assertThat(r.code).as(bad).isEqualTo(2);
      assertThat(r.err.lines()).as(bad).hasSize(1);
      assertThat(r.err).as(bad).startsWith("peershare: --store: ");
    }
  }

  @Test
  void aStoreThatCannotBeReachedFailsOnOneLine() {
    Result r = run("index", "--port", "0", "--store", "redis://127.0.0.1:9");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err.strip())
        .isEqualTo("peershare: cannot reach the store redis://127.0.0.1:9: Connection refused");
    Result c = run("index", "--port", "0", "--store", "redis-cluster://127.0.0.1:9,127.0.0.1:10");
    assertThat(c.code).isEqualTo(1);
    assertThat(c.err.lines()).hasSize(1);
    assertThat(c.err).contains("cannot reach the store redis-cluster://127.0.0.1:9,127.0.0.1:10");
  }

  @Test
  void aContentNameTheProtocolForbidsIsUsage() {
    Result r = run("get", "a/b", "--dir", tmp.toString(), "--index", "127.0.0.1:9");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err)
        .isEqualTo(
            "peershare: 'a/b' is not a valid content name: it cannot hold '/' or '\\'"
                + " (try 'peershare get --help')\n");
    Result escape = run("get", "a\u001b[2Jb", "--dir", tmp.toString(), "--index", "127.0.0.1:9");
    assertThat(escape.err).contains("'a?[2Jb'").doesNotContain("\u001b");
  }

  @Test
  void aFileWhereAFolderIsExpectedIsNamed() throws Exception {
    Path file = java.nio.file.Files.writeString(tmp.resolve("plain"), "x");
    Result r = run("get", "x", "--dir", file.toString(), "--index", "127.0.0.1:9");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).isEqualTo("peershare: " + file + " is a file, not a folder\n");
  }

  @Test
  void shareOfAFileWhoseNameCannotBeAContentNameIsUsageBeforeAnythingIsSent() throws Exception {
    Path file = Files.writeString(tmp.resolve("trailing "), "x");
    Result r = run("share", file.toString(), "--name", "kim", "--index", "127.0.0.1:9");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err)
        .isEqualTo(
            "peershare: 'trailing ' is not a valid content name: it cannot start or end with a"
                + " space (try 'peershare share --help')\n");
  }

  @Test
  void shareOfTwoFilesOfOneNameIsUsage() throws Exception {
    Path a = Files.writeString(Files.createDirectories(tmp.resolve("a")).resolve("x"), "1");
    Path b = Files.writeString(Files.createDirectories(tmp.resolve("b")).resolve("x"), "2");
    Result r = run("share", a.toString(), b.toString(), "--name", "kim", "--index", "127.0.0.1:9");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).startsWith("peershare: two files are named 'x'");
  }

  @Test
  void shareOfAFolderSaysItTakesFiles() {
    Result r = run("share", tmp.toString(), "--name", "kim", "--index", "127.0.0.1:9");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err)
        .isEqualTo(
            "peershare: " + tmp + " is a folder; share takes files (each file is one content)\n");
  }

  /**
   * main returns, rather than calling System.exit, only when no thread would keep the JVM up: a
   * live non-daemon thread, wherever its group, means System.exit as before.
   */
  @Test
  void aLiveNonDaemonThreadKeepsSystemExit() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    ThreadGroup elsewhere = new ThreadGroup(Thread.currentThread().getThreadGroup(), "elsewhere");
    Thread worker =
        new Thread(
            elsewhere,
            () -> {
              started.countDown();
              try {
                stop.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    worker.setDaemon(false);
    worker.start();
    try {
      started.await();
      assertThat(Main.onlyDaemonThreadsLeft()).isFalse();
    } finally {
      stop.countDown();
      worker.join();
    }
  }
}
