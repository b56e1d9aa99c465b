package io.peershare.cli;

import io.peershare.metrics.MetricsServer;
import io.peershare.metrics.peer.PeerStatus;
import io.peershare.peer.PeerConfig;
import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.peer.serve.SharedContent;
import io.peershare.protocol.ContentName;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code peershare share}: registers files and serves them until SIGINT or SIGTERM. */
final class ShareCommand implements Callable<Integer> {
  final CommandSpec spec =
      Specs.command(
          this,
          "share",
          "Share files until interrupted.",
          "Registers the files with the index and serves them until Ctrl-C or SIGTERM,",
          "then deregisters them. Prints 'registered <content> port <n>' for each file.");

  private final PositionalParamSpec files =
      PositionalParamSpec.builder()
          .type(List.class)
          .auxiliaryTypes(Path.class)
          .arity("1..*")
          .paramLabel("FILE")
          .required(true)
          .description("Files to share; the content name is the file name.")
          .build();

  private final OptionSpec name = PeerOptions.peerName("Your peer name.").required(true).build();

  private final PeerOptions.Index index = new PeerOptions.Index();
  private final PeerOptions.Serving serving = new PeerOptions.Serving();
  private final MetricsOption metrics = new MetricsOption();

  ShareCommand() {
    spec.addPositional(files).addOption(name);
    index.addTo(spec);
    serving.addTo(spec);
    metrics.addTo(spec);
  }

  @Override
  public Integer call() throws Exception {
    ServeOptions serve = serving.toOptions();
    Map<ContentName, Path> checked = new LinkedHashMap<>();
    List<Path> files = this.files.getValue();
    for (Path f : files) {
      Path p = f.toAbsolutePath().normalize();
      if (Files.isDirectory(p)) {
        throw new IllegalArgumentException(
            f + " is a folder; share takes files (each file is one content)");
      }
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("no such file: " + f);
      }
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("cannot read " + f);
      }
      ContentName content = ContentName.of(p.getFileName().toString());
      if (checked.put(content, p) != null) {
        throw new UsageException(
            "two files are named '" + content + "'; a content name is shared once");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PeerConfig config =
        new PeerConfig(
            name.getValue(),
            index.nodes(),
            checked.values().iterator().next().getParent(),
            serve,
            DownloadOptions.defaults());
    // before anything starts: a signal during the start-up waits for it, then stops what started
    ServiceStop stop = ServiceStop.install("peershare-share-shutdown");
    PeerNode node;
    MetricsServer metricsServer;
    try {
      node = PeerNode.start(config);
      try {
        metricsServer = metrics.start(new PeerStatus(node), out);
      } catch (IOException | RuntimeException e) {
        node.close();
        throw e;
      }
      // deregisters everything (Q) first
      stop.onStop(() -> PeerCommand.stop(node, metricsServer));
    } finally {
      stop.startUpOver();
    }
    try {
      for (Map.Entry<ContentName, Path> e : checked.entrySet()) {
        SharedContent s = node.register(e.getKey(), e.getValue());
        out.printf("registered %s port %d%n", s.content(), s.port());
        out.flush();
      }
    } catch (Exception e) {
      PeerCommand.stop(node, metricsServer);
      throw e;
    }
    stop.await();
    return 0;
  }
}
