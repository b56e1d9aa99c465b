package io.peershare.cli;

import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.download.Downloader;
import io.peershare.peer.download.ProgressListener;
import io.peershare.peer.index.IndexClient;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.PeerName;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code peershare get}: downloads one content, verifies it, prints its path. */
final class GetCommand implements Callable<Integer> {
  final CommandSpec spec =
      Specs.command(
          this,
          "get",
          "Download a content, verify it and print its path.",
          "It comes from the peers that have it and is checked piece by piece (SHA-256);",
          "its path is all that goes to standard output. An interrupted download resumes",
          "where it stopped when run again with the same --dir: until the file is complete",
          "it is kept there as .CONTENT.part beside .CONTENT.part.state.",
          "It does not stay to share: use share.");

  private final PositionalParamSpec content =
      PositionalParamSpec.builder()
          .type(ContentName.class)
          .paramLabel("CONTENT")
          .required(true)
          .converters(new NameConverters.Content())
          .description("The content name, as 'list' shows it.")
          .build();

  private final OptionSpec dir =
      PeerOptions.folder("Folder to download into. Default: the current folder.");

  /** {@code --name} when not given. */
  static final String DEFAULT_NAME = "peershare-get";

  private final OptionSpec name =
      PeerOptions.peerName("The name you ask the index with. Default: ${DEFAULT-VALUE}.")
          .defaultValue(DEFAULT_NAME)
          .build();

  private final OptionSpec stats =
      OptionSpec.builder("--stats")
          .type(boolean.class)
          .description("At the end, print one line of figures (bytes, seconds, MB/s) on stderr.")
          .build();

  final PeerOptions.Index index = new PeerOptions.Index();
  final PeerOptions.Downloading downloading = new PeerOptions.Downloading();

  GetCommand() {
    spec.addPositional(content).addOption(dir).addOption(name).addOption(stats);
    index.addTo(spec);
    downloading.addTo(spec);
  }

  /**
   * What one run asks for, however its command line was read: by picocli into this command's
   * options, or by {@link QuickGet}.
   */
  record Request(
      ContentName content,
      Path dir,
      PeerName name,
      List<InetSocketAddress> nodes,
      DownloadOptions options,
      boolean stats) {}

  /** The request picocli parsed into this command's options. */
  Request request() {
    // first, as before: a value out of range is bad usage whatever the folder
    DownloadOptions options = downloading.toOptions();
    return new Request(
        content.getValue(),
        dir.getValue(),
        name.getValue(),
        index.nodes(),
        options,
        Specs.flag(stats));
  }

  @Override
  public Integer call() throws Exception {
    return fetch(request(), spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** Downloads what {@code request} asks for; its path goes to {@code out}. Returns 0. */
  static int fetch(Request request, PrintWriter out, PrintWriter err) throws Exception {
    Path folder = PeerCommand.Folders.requireWritableDir(request.dir());
    ProgressListener progress =
        Terminals.interactive() ? new ProgressBar(err, () -> 80) : ProgressListener.none();
    if (request.stats()) {
      progress = new TransferStats(progress, err);
    }
    try (IndexClient client = new IndexClient(request.nodes())) {
      Path file =
          PeerNode.fetch(
                  client,
                  request.name(),
                  request.content(),
                  folder,
                  new Downloader(request.options()),
                  progress)
              .file();
      out.println(file);
    }
    return 0;
  }
}
