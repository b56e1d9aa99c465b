package io.peershare.cli;

import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.download.Downloader;
import io.peershare.peer.download.ProgressListener;
import io.peershare.peer.index.IndexClient;
import io.peershare.protocol.ContentName;
import java.io.PrintWriter;
import java.nio.file.Path;
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

  private final OptionSpec name =
      PeerOptions.peerName("The name you ask the index with. Default: ${DEFAULT-VALUE}.")
          .defaultValue("peershare-get")
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

  @Override
  public Integer call() throws Exception {
    DownloadOptions options = downloading.toOptions();
    Path folder = PeerCommand.Folders.requireWritableDir(dir.getValue());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressListener progress =
        Terminals.interactive() ? new ProgressBar(err, () -> 80) : ProgressListener.none();
    if (Specs.flag(stats)) {
      progress = new TransferStats(progress, err);
    }
    try (IndexClient client = new IndexClient(index.nodes())) {
      Path file =
          PeerNode.fetch(
                  client,
                  name.getValue(),
                  content.getValue(),
                  folder,
                  new Downloader(options),
                  progress)
              .file();
      out.println(file);
    }
    return 0;
  }
}
