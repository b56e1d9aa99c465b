package io.peershare.cli;

import io.peershare.peer.PeerConfig;
import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.peer.serve.SharedContent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peershare share}: registers files and serves them until SIGINT or SIGTERM. */
@Command(
    name = "share",
    mixinStandardHelpOptions = true,
    description = {
      "Register files with the index and serve them until interrupted (Ctrl-C, SIGTERM),",
      "then deregister. Prints 'registered <content> port <n>' for each file."
    })
final class ShareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "Files to share; the content name is the file name.")
  List<Path> files;

  @Option(
      names = {"-n", "--name"},
      required = true,
      description = "Your peer name.")
  String name;

  @Mixin PeerOptions.Index index = new PeerOptions.Index();
  @Mixin PeerOptions.Serving serving = new PeerOptions.Serving();

  @Override
  public Integer call() throws Exception {
    UsageException.peerName("--name", name);
    ServeOptions serve = serving.toOptions();
    List<Path> checked = new ArrayList<>();
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
      checked.add(p);
    }
    PrintWriter out = spec.commandLine().getOut();
    PeerConfig config =
        new PeerConfig(
            name, index.index, checked.get(0).getParent(), serve, DownloadOptions.defaults());
    CountDownLatch stop = new CountDownLatch(1);
    PeerNode node = PeerNode.start(config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close(); // deregisters everything (Q) and stops serving
                  stop.countDown();
                },
                "peershare-share-shutdown"));
    try {
      for (Path p : checked) {
        SharedContent s = node.register(p.getFileName().toString(), p);
        out.printf("registered %s port %d%n", s.content(), s.port());
        out.flush();
      }
    } catch (Exception e) {
      node.close();
      throw e;
    }
    stop.await();
    return 0;
  }
}
