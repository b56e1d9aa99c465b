package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** get's usual command line read without picocli: the same request picocli makes, or none. */
class QuickGetTest {
  @TempDir Path tmp;

  private static final String ENV = System.getenv(PeerOptions.INDEX_ENV);

  /** What picocli makes of {@code args}: the request its parse leaves in get's options. */
  private static GetCommand.Request picocli(String... args) {
    CommandLine cmd = Main.commandLine(args);
    cmd.parseArgs(args);
    GetCommand get = cmd.getSubcommands().get("get").getCommand();
    return get.request();
  }

  static Stream<List<String>> usualLines() {
    return Stream.of(
        List.of("get", "tiny"),
        List.of("get", "tiny", "--index", "127.0.0.1:44001", "--dir", "/tmp/x"),
        List.of("get", "tiny", "-i", "127.0.0.1:5000,[::1]:5001", "-d", "rel/dir", "-n", "mai"),
        List.of("get", "--dir", "d", "--name", "kim", "tiny", "--sources", "1", "--stats"),
        List.of("get", "--fsync", "movie.mkv", "--index", "127.0.0.1"),
        List.of("get", "tiny", "--download-limit", "5MB", "--stall-timeout", "0"),
        List.of("get", "tiny", "--sources", "16", "--stall-timeout", "007", "--fsync", "--stats"),
        List.of("get", "tiny", "--stats", "--fsync"),
        List.of("get", "a b.txt", "--index", "[::1]:4000"),
        List.of("get", "x=y", "--name", "peershare-get", "--dir", ""),
        List.of("get", "get"),
        List.of("get", "ünïcode", "--download-limit", "512k", "--sources", "2"));
  }

  @ParameterizedTest
  @MethodSource("usualLines")
  void aUsualLineIsReadAsPicocliReadsIt(List<String> line) {
    String[] args = line.toArray(String[]::new);
    GetCommand.Request quick = QuickGet.parse(args, ENV);
    assertThat(quick).isNotNull().isEqualTo(picocli(args));
  }

  static Stream<List<String>> linesLeftToPicocli() {
    return Stream.of(
        List.of("get"),
        List.of("get", "--help"),
        List.of("get", "tiny", "-h"),
        List.of("get", "tiny", "-V"),
        List.of("get", "tiny", "--version"),
        List.of("get", "tiny", "--dir=/tmp"),
        List.of("get", "tiny", "-d/tmp"),
        List.of("get", "tiny", "--"),
        List.of("get", "--", "tiny"),
        List.of("get", "@args"),
        List.of("get", "tiny", "--dir", "@dir"),
        List.of("get", "tiny", "other"),
        List.of("get", "tiny", "--sources", "17"),
        List.of("get", "tiny", "--sources", "0"),
        List.of("get", "tiny", "--sources", "0x10"),
        List.of("get", "tiny", "--sources", "+4"),
        List.of("get", "tiny", "--sources", "1234567890"),
        List.of("get", "tiny", "--sources", ""),
        List.of("get", "tiny", "--stall-timeout", "-1"),
        List.of("get", "tiny", "--stall-timeout", "99999999"),
        List.of("get", "tiny", "--index"),
        List.of("get", "tiny", "--dir", "--stats"),
        List.of("get", "tiny", "--fsync", "--fsync"),
        List.of("get", "tiny", "--dir", "a", "--dir", "b"),
        List.of("get", "tiny", "--index", "127.0.0.1:1", "-i", "127.0.0.1:2"),
        List.of("get", "tiny", "--fsync", "true"),
        List.of("get", "tiny", "--stats", "FALSE"),
        List.of("get", "a/b"),
        List.of("get", "tiny", "--name", "a/b"),
        List.of("get", "tiny", "--index", "127.0.0.1:1,"),
        List.of("get", "tiny", "--index", ",127.0.0.1:1"),
        List.of("get", "tiny", "--index", "\"127.0.0.1:1\""),
        List.of("get", "tiny", "--index", "127.0.0.1:0"),
        List.of("get", "tiny", "--index", "[::1:1"),
        List.of("get", "tiny", "--download-limit", "fast"),
        List.of("get", "tiny", "--unknown"),
        List.of("get", "tiny", "-x"),
        List.of("list"),
        List.of("--version"),
        List.of("-V", "get", "tiny"),
        List.of("help", "get"));
  }

  @ParameterizedTest
  @MethodSource("linesLeftToPicocli")
  void anyOtherLineIsLeftToPicocli(List<String> line) {
    assertThat(QuickGet.parse(line.toArray(String[]::new), ENV)).isNull();
  }

  @Test
  void theIndexFromTheEnvironmentIsReadAsPicocliReadsIt() {
    String nodes = "127.0.0.1:5000,[::1]:6000";
    assertThat(QuickGet.parse(new String[] {"get", "tiny"}, nodes))
        .isEqualTo(picocli("get", "tiny", "--index", nodes));
    assertThat(QuickGet.parse(new String[] {"get", "tiny"}, null).nodes())
        .isEqualTo(List.of(IndexAddress.parse(PeerOptions.DEFAULT_INDEX)));
    // --index wins over the environment
    assertThat(QuickGet.parse(new String[] {"get", "tiny", "-i", "127.0.0.1:7"}, nodes).nodes())
        .isEqualTo(List.of(IndexAddress.parse("127.0.0.1:7")));
    // what picocli would expand further, or would not convert
    assertThat(QuickGet.parse(new String[] {"get", "tiny"}, "${HOST}:3000")).isNull();
    assertThat(QuickGet.parse(new String[] {"get", "tiny"}, "")).isNull();
    assertThat(QuickGet.parse(new String[] {"get", "tiny"}, "127.0.0.1:1,")).isNull();
  }

  @Test
  void aPicocliPropertyLeavesTheLineToPicocli() {
    String[] args = {"get", "tiny"};
    assertThat(QuickGet.parse(args, ENV)).isNotNull();
    System.setProperty("picocli.trimQuotes", "true");
    try {
      assertThat(QuickGet.parse(args, ENV)).isNull();
    } finally {
      System.clearProperty("picocli.trimQuotes");
    }
  }

  /** The names it reads are get's options, flags and options with a value alike. */
  @Test
  void itKnowsExactlyTheOptionsOfGet() {
    List<OptionSpec> options = new GetCommand().spec.options();
    Set<String> help = Set.of("-h", "--help", "-V", "--version");
    Set<String> withValue =
        options.stream()
            .filter(o -> o.arity().max() > 0)
            .flatMap(o -> Stream.of(o.names()))
            .collect(Collectors.toSet());
    Set<String> flags =
        options.stream()
            .filter(o -> o.arity().max() == 0)
            .flatMap(o -> Stream.of(o.names()))
            .filter(n -> !help.contains(n))
            .collect(Collectors.toSet());
    assertThat(QuickGet.VALUE_OPTIONS.stream().flatMap(List::stream))
        .containsExactlyInAnyOrderElementsOf(withValue);
    assertThat(QuickGet.FLAGS).containsExactlyInAnyOrderElementsOf(flags);
    // each group of names is one option
    for (List<String> names : QuickGet.VALUE_OPTIONS) {
      assertThat(options).anySatisfy(o -> assertThat(o.names()).containsExactlyElementsOf(names));
    }
  }

  /** A failure of a usual line reads as it did through picocli: same line, same exit code. */
  @Test
  void aFailureIsSaidAsPicocliSaysIt() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain"), "x");
    List<String[]> lines =
        List.of(
            new String[] {"get", "x", "--dir", tmp.resolve("nope").toString()},
            new String[] {"get", "x", "--dir", file.toString(), "--index", "127.0.0.1:9"});
    for (String[] args : lines) {
      assertThat(QuickGet.parse(args, ENV)).isNotNull();
      MainTest.Result quick = MainTest.run(args);
      // any picocli property sends the line to picocli; this one only sets the help's width
      System.setProperty("picocli.usage.width", "80");
      MainTest.Result viaPicocli;
      try {
        assertThat(QuickGet.parse(args, ENV)).isNull();
        viaPicocli = MainTest.run(args);
      } finally {
        System.clearProperty("picocli.usage.width");
      }
      assertThat(quick).isEqualTo(viaPicocli);
      assertThat(quick.code()).isEqualTo(1);
      assertThat(quick.err()).startsWith("peershare: ").endsWith("\n").hasLineCount(1);
    }
  }
}
