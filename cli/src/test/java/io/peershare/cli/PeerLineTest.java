package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@link PeerLine#parse}, which reads {@code peer}'s usual command line without picocli, reads it
 * as picocli does, defaults included, and leaves every other line to picocli.
 */
class PeerLineTest {
  @TempDir Path tmp;

  /** Lines of the usual kind, each read by both. */
  private List<String[]> usualLines() {
    String d = tmp.toString();
    return List.of(
        new String[] {"peer", "--name", "mai"},
        new String[] {"peer", "-n", "mai", "-d", d, "-i", "127.0.0.1:3900"},
        new String[] {"peer", "--name=mai", "--dir=" + d, "--index=127.0.0.1:3900,[::1]:3901"},
        new String[] {"peer", "--index", "localhost", "--name", "jeff", "--fsync"},
        new String[] {
          "peer", "--name", "kim", "-p", "0", "--upload-limit", "20MB", "--max-connections", "3"
        },
        new String[] {
          "peer",
          "--name",
          "kim",
          "--port=4001",
          "--sources",
          "16",
          "--download-limit=512k",
          "--stall-timeout",
          "3",
          "--fsync",
          "--dir",
          d
        },
        new String[] {"peer", "--name", "zo\u00eb", "--sources", "+2"});
  }

  @Test
  void readsTheUsualLinesAsPicocliDoes() {
    for (String[] args : usualLines()) {
      PeerLine quick = PeerLine.parse(args, System::getenv);
      assertThat(quick).as(String.join(" ", args)).isNotNull().isEqualTo(picocli(args));
    }
  }

  /** What picocli reads from {@code args}, through {@link PeerCommand} as {@link Main} runs it. */
  private static PeerLine picocli(String[] args) {
    CommandLine cmd = Main.commandLine(args);
    CommandLine.ParseResult parsed = cmd.parseArgs(args);
    return ((PeerCommand) parsed.subcommand().commandSpec().userObject()).line();
  }

  @Test
  void theIndexDefaultsToTheVariableElseToTheUsualAddress() {
    UnaryOperator<String> none = name -> null;
    assertThat(PeerLine.parse(new String[] {"peer", "--name", "mai"}, none).index())
        .containsExactly(new InetSocketAddress("127.0.0.1", 3000));
    UnaryOperator<String> set = name -> name.equals("PEERSHARE_INDEX") ? "127.0.0.1:3900" : null;
    assertThat(PeerLine.parse(new String[] {"peer", "--name", "mai"}, set).index())
        .containsExactly(new InetSocketAddress("127.0.0.1", 3900));
    // an empty variable is no address, which picocli says
    assertThat(PeerLine.parse(new String[] {"peer", "--name", "mai"}, name -> "")).isNull();
  }

  @Test
  void aPicocliPropertyLeavesTheLineToPicocli() {
    String[] args = {"peer", "--name", "mai"};
    assertThat(PeerLine.parse(args, name -> null)).isNotNull();
    System.setProperty("picocli.trimQuotes", "true");
    try {
      assertThat(PeerLine.parse(args, name -> null)).isNull();
    } finally {
      System.clearProperty("picocli.trimQuotes");
    }
  }

  @Test
  void leavesEveryOtherLineToPicocli() {
    List<String[]> others = new ArrayList<>();
    for (String[] tail :
        List.of(
            new String[] {},
            new String[] {"--dir", "."},
            new String[] {"--name", "mai", "--help"},
            new String[] {"--name", "mai", "-h"},
            new String[] {"--name", "mai", "--version"},
            new String[] {"--name", "mai", "--metrics", "127.0.0.1:0"},
            new String[] {"--name", "mai", "--name", "jeff"},
            new String[] {"--name", "mai", "--fsync", "--fsync"},
            new String[] {"--name", "mai", "--fsync=true"},
            new String[] {"-nmai"},
            new String[] {"-n=mai"},
            new String[] {"--name"},
            new String[] {"--name", "--dir", "x"},
            new String[] {"--name", "-x"},
            new String[] {"--name", "@args"},
            new String[] {"@args"},
            new String[] {"--name", ""},
            new String[] {"--name", "'mai'"},
            new String[] {"--name", "a/b"},
            new String[] {"--name", "mai", "extra"},
            new String[] {"--name", "mai", "--unknown", "x"},
            new String[] {"--name", "mai", "--index", "nohost.invalid:3000"},
            new String[] {"--name", "mai", "--index", "127.0.0.1:3000,"},
            new String[] {"--name", "mai", "--index", "\"127.0.0.1:3000\""},
            new String[] {"--name", "mai", "--port", "99999"},
            new String[] {"--name", "mai", "--port", "x"},
            new String[] {"--name", "mai", "--sources", "17"},
            new String[] {"--name", "mai", "--max-connections", "0"},
            new String[] {"--name", "mai", "--upload-limit", "fast"},
            new String[] {"--name", "mai", "--stall-timeout", "1.5"},
            new String[] {"--name", "mai", "--"})) {
      String[] args = new String[tail.length + 1];
      args[0] = "peer";
      System.arraycopy(tail, 0, args, 1, tail.length);
      others.add(args);
    }
    others.add(new String[] {"--verbose", "peer", "--name", "mai"});
    others.add(new String[] {"get", "--name", "mai"});
    others.add(new String[] {"peer"});
    for (String[] args : others) {
      assertThat(PeerLine.parse(args, System::getenv)).as(String.join(" ", args)).isNull();
    }
  }

  /** A value out of range on a usual-looking line: picocli's path, with picocli's message. */
  @Test
  void aValueOutOfRangeIsSaidAsBefore() {
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {"peer", "--name", "mai", "--dir", tmp.toString(), "--port", "99999"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(err.toString())
        .isEqualTo(
            "peershare: --port must be 0 to 65535, not 99999 (try 'peershare peer --help')\n");
  }

  /** A failure once the usual line is read: one line and exit code 1, as picocli's path says it. */
  @Test
  void aMissingFolderFailsOnOneLine() {
    Path none = tmp.resolve("none");
    String[] args = {"peer", "--name", "mai", "--dir", none.toString(), "--index", "127.0.0.1:9"};
    assertThat(PeerLine.parse(args, System::getenv)).isNotNull();
    StringWriter err = new StringWriter();
    int code =
        Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertThat(code).isEqualTo(Main.FAILED);
    assertThat(err.toString()).isEqualTo("peershare: the folder " + none + " does not exist\n");
  }
}
