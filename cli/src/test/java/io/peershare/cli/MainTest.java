package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
  void badPeerNameFailsWithTheRule() {
    Result r = run("peer", "--name", "a/b", "--dir", tmp.toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err.strip()).isEqualTo("peershare: a peer name cannot hold '/' or '\\'");
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
  void badRateIsAClearError() {
    Result r = run("get", "x", "--dir", tmp.toString(), "--download-limit", "fast");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err.lines().count()).isEqualTo(1);
  }
}
