package io.peershare.cli;

import io.peershare.metrics.peer.PeerStatus;
import io.peershare.peer.PeerConfig;
import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code peershare peer}: a peer with its interactive shell. */
final class PeerCommand implements Callable<Integer> {
  final CommandSpec spec =
      Specs.command(
          this,
          "peer",
          "Run a peer with an interactive shell.",
          "In the shell: R register, T deregister, L list local, O list the index,",
          "D download, Q quit. Type help there for details.");

  private final OptionSpec name =
      PeerOptions.peerName("Your peer name (1-32 bytes; no '/', '\\' or control characters).")
          .required(true)
          .build();

  private final OptionSpec dir =
      PeerOptions.folder(
          "The folder you share from and download into. Default: the current folder.");

  private final PeerOptions.Index index = new PeerOptions.Index();
  private final PeerOptions.Serving serving = new PeerOptions.Serving();
  private final PeerOptions.Downloading downloading = new PeerOptions.Downloading();
  private final MetricsOption metrics = new MetricsOption();

  PeerCommand() {
    spec.addOption(name).addOption(dir);
    index.addTo(spec);
    serving.addTo(spec);
    downloading.addTo(spec);
    metrics.addTo(spec);
  }

  @Override
  public Integer call() throws Exception {
    return run(line(), metrics);
  }

  /** The values picocli read from the command line. */
  PeerLine line() {
    ServeOptions serve = serving.toOptions();
    DownloadOptions download = downloading.toOptions();
    return new PeerLine(name.getValue(), dir.getValue(), index.nodes(), serve, download);
  }

  /**
   * Runs a peer as {@code line} says, with its shell; {@code metrics} serves metrics when it was
   * asked for (null: never, as {@link PeerLine#parse} reads no {@code --metrics}). Returns the exit
   * code.
   */
  static int run(PeerLine line, MetricsOption metrics) throws Exception {
    Path folder = Folders.requireWritableDir(line.dir());
    PeerConfig config =
        new PeerConfig(line.name(), line.index(), folder, line.serve(), line.download());
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    // the metrics server as an AutoCloseable: its class is not in the shell's start-up cache (it
    // needs Micrometer, which the shell's class path has only with --metrics), and a lambda that
    // captures it by its own type is not either: both were made at every start, on the way to the
    // prompt (docs/benchmarks.md)
    try (PendingTerminal terminal = Terminals.interactive() ? PendingTerminal.claim() : null;
        PeerNode node = PeerNode.start(config);
        AutoCloseable metricsServer =
            metrics == null ? null : metrics.start(new PeerStatus(node), out)) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> stop(node, metricsServer), "peershare-peer-shutdown"));
      if (terminal != null) {
        try (TerminalConsole console =
            new TerminalConsole(
                terminal.take(),
                folder,
                () -> node.local().stream().map(s -> s.content().toString()).toList())) {
          new Shell(node, console).run();
        }
      } else {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        new Shell(node, Console.of(in, out)).run();
      }
    }
    return 0;
  }

  /** SIGINT / SIGTERM: deregister and stop serving, then stop the metrics server. */
  static void stop(PeerNode node, AutoCloseable metricsServer) {
    node.close();
    if (metricsServer != null) {
      try {
        metricsServer.close();
      } catch (Exception e) {
        // MetricsServer.close() throws none
        throw new IllegalStateException(e);
      }
    }
  }

  /** Checks on the folder a peer shares from, made before anything is sent. */
  static final class Folders {
    private Folders() {}

    static Path requireWritableDir(Path dir) {
      Path d = dir.toAbsolutePath().normalize();
      if (Files.exists(d) && !Files.isDirectory(d)) {
        throw new IllegalArgumentException(d + " is a file, not a folder");
      }
      if (!Files.isDirectory(d)) {
        throw new IllegalArgumentException("the folder " + d + " does not exist");
      }
      if (!Files.isWritable(d)) {
        throw new IllegalArgumentException("cannot write to the folder " + d);
      }
      return d;
    }
  }
}
