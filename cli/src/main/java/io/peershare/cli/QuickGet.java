package io.peershare.cli;

import io.peershare.peer.download.DownloadOptions;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code get}'s usual command line read without picocli: building picocli's model of the command
 * (two {@code CommandLine}s, each registering some 50 converters, some through reflection) and its
 * parse took 15-30 ms of a 1-byte {@code get}'s ~0.1 s, on the main thread before anything was sent
 * (docs/benchmarks.md, "Start-up and exit", fifteenth session).
 *
 * <p>It reads only what it can read exactly as picocli does, and leaves everything else to picocli
 * by returning null: the word {@code get} first, one content name, and the command's options by
 * their exact names ({@code --dir x}, {@code -d x}, never {@code --dir=x} or {@code -dx}), each at
 * most once, each value a separate argument that does not start with {@code -} or {@code @}. Help,
 * version, {@code --}, argument files, an unknown option, a value that does not convert or is out
 * of range, a second content name, any picocli system property: null, and picocli reads the line as
 * it always did, with its own messages. The values are converted by the converters picocli uses for
 * these options, with the same defaults; {@code QuickGetTest} compares the two on a set of command
 * lines, and checks the names here are the command's.
 */
final class QuickGet {
  private QuickGet() {}

  /** The options that take a value, in the order of {@link #slot}'s slots. */
  static final List<List<String>> VALUE_OPTIONS =
      List.of(
          List.of("-d", "--dir"),
          List.of("-n", "--name"),
          List.of("-i", "--index"),
          List.of("--sources"),
          List.of("--download-limit"),
          List.of("--stall-timeout"));

  /** The flags, in the order of {@link #slot}'s slots after the value options. */
  static final List<String> FLAGS = List.of("--fsync", "--stats");

  private static final int DIR = 0;
  private static final int NAME = 1;
  private static final int INDEX = 2;
  private static final int SOURCES = 3;
  private static final int DOWNLOAD_LIMIT = 4;
  private static final int STALL_TIMEOUT = 5;
  private static final int FSYNC = 6;
  private static final int STATS = 7;
  private static final int SLOTS = 8;

  /**
   * The request of {@code args} ({@code get CONTENT [options]}), with {@code indexFromEnvironment}
   * the value of {@link PeerOptions#INDEX_ENV} (null: not set); null when picocli should read it.
   */
  static GetCommand.Request parse(String[] args, String indexFromEnvironment) {
    if (args.length < 2 || !args[0].equals("get") || picocliPropertySet()) {
      return null;
    }
    String content = null;
    String[] given = new String[SLOTS];
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("@")) {
        return null; // an argument file, which picocli expands
      }
      if (!a.startsWith("-")) {
        if (content != null) {
          return null; // a second content: picocli says what is wrong
        }
        content = a;
        continue;
      }
      int slot = slot(a);
      if (slot < 0 || given[slot] != null) {
        return null; // not an option of get as written, or given twice
      }
      if (slot >= FSYNC) {
        // a flag takes no value; picocli would not take "true" after it as the content either, but
        // such a line is no usual one
        if (i + 1 < args.length
            && (args[i + 1].equalsIgnoreCase("true") || args[i + 1].equalsIgnoreCase("false"))) {
          return null;
        }
        given[slot] = "true";
      } else {
        if (i + 1 == args.length) {
          return null; // the value is missing
        }
        String value = args[++i];
        if (value.startsWith("-") || value.startsWith("@")) {
          return null;
        }
        given[slot] = value;
      }
    }
    if (content == null) {
      return null;
    }
    try {
      // the index last: a host name there is looked up, which the rest need not wait for when
      // something else sends the line to picocli
      int sources = number(given[SOURCES], PeerOptions.Downloading.DEFAULT_SOURCES);
      int stallSeconds =
          number(given[STALL_TIMEOUT], PeerOptions.Downloading.DEFAULT_STALL_SECONDS);
      if (sources < 0 || stallSeconds < 0) {
        return null;
      }
      DownloadOptions options =
          PeerOptions.Downloading.options(
              sources, given[DOWNLOAD_LIMIT], stallSeconds, given[FSYNC] != null);
      PeerName name =
          new NameConverters.Peer()
              .convert(given[NAME] == null ? GetCommand.DEFAULT_NAME : given[NAME]);
      ContentName contentName = new NameConverters.Content().convert(content);
      // picocli's converter for a Path: Paths.get(text)
      Path dir = Path.of(given[DIR] == null ? "." : given[DIR]);
      List<InetSocketAddress> nodes =
          PeerOptions.Index.quickNodes(given[INDEX], indexFromEnvironment);
      if (nodes == null) {
        return null;
      }
      return new GetCommand.Request(contentName, dir, name, nodes, options, given[STATS] != null);
    } catch (RuntimeException e) {
      return null; // a value that does not convert, or out of range: picocli says so
    }
  }

  /** The slot of the option named {@code name}, or -1. */
  private static int slot(String name) {
    for (int s = 0; s < VALUE_OPTIONS.size(); s++) {
      if (VALUE_OPTIONS.get(s).contains(name)) {
        return s;
      }
    }
    int flag = FLAGS.indexOf(name);
    return flag < 0 ? -1 : FSYNC + flag;
  }

  /**
   * An {@code int} option's value: {@code fallback} when not given; -1 unless it is 1 to 9 decimal
   * digits (what picocli's {@code Integer.valueOf} reads the same way, without signs or overflow).
   */
  private static int number(String text, int fallback) {
    if (text == null) {
      return fallback;
    }
    if (text.isEmpty() || text.length() > 9) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Integer.parseInt(text);
  }

  /**
   * Whether a system property changes how picocli reads or reports a command line (quotes, argument
   * files, converters, tracing...): all of picocli's begin with "picocli."; Main sets one that only
   * skips a look-up of Groovy's classes. {@link PeerLine} asks too.
   */
  static boolean picocliPropertySet() {
    for (Object key : System.getProperties().keySet()) {
      if (key instanceof String k
          && k.startsWith("picocli.")
          && !k.equals("picocli.disable.closures")) {
        return true;
      }
    }
    return false;
  }
}
