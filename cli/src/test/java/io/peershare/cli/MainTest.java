package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command lines: exit codes and one clear line, never a stack trace. */
class MainTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  private static Result run(String... args) {
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
    assertThat(r.err).contains("is not HOST:PORT");
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
            "peershare: --name 'a/b': it cannot hold '/' or '\\' (try 'peershare peer --help')");
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
  void shareOfAFolderSaysItTakesFiles() {
    Result r = run("share", tmp.toString(), "--name", "kim", "--index", "127.0.0.1:9");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err)
        .isEqualTo(
            "peershare: " + tmp + " is a folder; share takes files (each file is one content)\n");
  }
}
