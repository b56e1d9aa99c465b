package io.peershare.cli;

import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What {@code peershare peer} runs with, from its command line: read by picocli ({@link
 * PeerCommand}) or, for the usual command line, by {@link #parse} without it.
 *
 * <p>picocli builds the model of {@code peershare} and of {@code peer} (sixteen options) and then
 * parses: 10-12 ms of the main thread's CPU on the way to the shell's prompt (docs/benchmarks.md,
 * "Start-up and exit", fifteenth session). {@link #parse} reads only lines made of {@code peer}'s
 * own options, each given once as {@code -x VALUE}, {@code --long VALUE}, {@code --long=VALUE} or
 * {@code --fsync}, whose values convert as picocli converts them (the same converters) and lie in
 * range. Anything else, {@code --help}, {@code --metrics} or a value that does not convert
 * included, it leaves to picocli, so every error, the help and the exit codes are picocli's as
 * before. {@code PeerLineTest} compares the two on the same lines.
 */
record PeerLine(
    PeerName name,
    Path dir,
    List<InetSocketAddress> index,
    ServeOptions serve,
    DownloadOptions download) {

  /** The variable that names the index when {@code --index} is not given. */
  static final String INDEX_VARIABLE = PeerOptions.INDEX_ENV;

  /** Each option {@code peer} takes a value for, by each of its names, as its long name. */
  private static final Map<String, String> VALUED =
      Map.ofEntries(
          Map.entry("-n", "--name"),
          Map.entry("--name", "--name"),
          Map.entry("-d", "--dir"),
          Map.entry("--dir", "--dir"),
          Map.entry("-i", "--index"),
          Map.entry("--index", "--index"),
          Map.entry("-p", "--port"),
          Map.entry("--port", "--port"),
          Map.entry("--upload-limit", "--upload-limit"),
          Map.entry("--max-connections", "--max-connections"),
          Map.entry("--sources", "--sources"),
          Map.entry("--download-limit", "--download-limit"),
          Map.entry("--stall-timeout", "--stall-timeout"));

  /** {@code peer}'s one flag. */
  private static final String FSYNC = "--fsync";

  /**
   * {@code args} ({@code peer} first) read as picocli reads them, with the defaults its options
   * declare ({@code env} gives the variables, as {@link System#getenv(String)}); null when the line
   * is not a usual one, or a value does not convert or is out of range: then picocli is to read it.
   */
  static PeerLine parse(String[] args, UnaryOperator<String> env) {
    if (args.length < 2 || !args[0].equals("peer") || QuickGet.picocliPropertySet()) {
      return null;
    }
    Map<String, String> given = new HashMap<>();
    boolean fsync = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals(FSYNC)) {
        if (fsync) {
          return null; // given twice: picocli's error
        }
        fsync = true;
        continue;
      }
      String option;
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        option = VALUED.get(a.substring(0, eq));
        value = a.substring(eq + 1);
      } else {
        option = VALUED.get(a);
        if (option == null || i + 1 == args.length) {
          return null;
        }
        value = args[++i];
      }
      if (option == null || !plain(value) || given.put(option, value) != null) {
        return null;
      }
    }
    String name = given.get("--name");
    if (name == null) {
      return null; // required: picocli says so
    }
    try {
      List<InetSocketAddress> nodes =
          PeerOptions.Index.quickNodes(given.get("--index"), env.apply(INDEX_VARIABLE));
      if (nodes == null) {
        return null;
      }
      String port = given.get("--port");
      return new PeerLine(
          PeerName.of(name),
          Path.of(given.getOrDefault("--dir", ".")),
          nodes,
          PeerOptions.Serving.options(
              port == null ? null : Integer.valueOf(port),
              number(given.get("--max-connections"), PeerOptions.Serving.DEFAULT_MAX_CONNECTIONS),
              given.get("--upload-limit")),
          PeerOptions.Downloading.options(
              number(given.get("--sources"), PeerOptions.Downloading.DEFAULT_SOURCES),
              given.get("--download-limit"),
              number(given.get("--stall-timeout"), PeerOptions.Downloading.DEFAULT_STALL_SECONDS),
              fsync));
    } catch (RuntimeException e) {
      return null; // picocli reads it again and says what is wrong, as before
    }
  }

  /**
   * {@code text} as picocli's {@code Integer.valueOf} reads it, {@code fallback} when not given.
   */
  private static int number(String text, int fallback) {
    return text == null ? fallback : Integer.valueOf(text);
  }

  /**
   * A value picocli takes as it is: not empty, not one that looks like an option or an {@code @}
   * file (which picocli expands), no quotes (which its list split treats specially).
   */
  private static boolean plain(String value) {
    return !value.isEmpty()
        && !value.startsWith("-")
        && !value.startsWith("@")
        && value.indexOf('"') < 0
        && value.indexOf('\'') < 0;
  }
}
