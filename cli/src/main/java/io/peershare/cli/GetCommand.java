package io.peershare.cli;

import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.download.Downloader;
import io.peershare.peer.download.ProgressListener;
import io.peershare.peer.index.IndexClient;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.PeerName;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peershare get}: downloads one content, verifies it, prints its path. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Download a content, verify it and print its path.",
      "It comes from the peers that have it and is checked piece by piece (SHA-256);",
      "its path is all that goes to standard output. An interrupted download resumes",
      "where it stopped when run again with the same --dir: until the file is complete",
      "it is kept there as .CONTENT.part beside .CONTENT.part.state.",
      "It does not stay to share: use share."
    })
final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "CONTENT",
      converter = NameConverters.Content.class,
      description = "The content name, as 'list' shows it.")
  ContentName content;

  @Option(
      names = {"-d", "--dir"},
      defaultValue = ".",
      description = "Folder to download into. Default: the current folder.")
  Path dir;

  @Option(
      names = {"-n", "--name"},
      defaultValue = "peershare-get",
      converter = NameConverters.Peer.class,
      description = "The name you ask the index with. Default: ${DEFAULT-VALUE}.")
  PeerName name;

  @Option(
      names = "--stats",
      description = "At the end, print one line of figures (bytes, seconds, MB/s) on stderr.")
  boolean stats;

  @Mixin PeerOptions.Index index = new PeerOptions.Index();
  @Mixin PeerOptions.Downloading downloading = new PeerOptions.Downloading();

  @Override
  public Integer call() throws Exception {
    DownloadOptions options = downloading.toOptions();
    Path folder = PeerCommand.Folders.requireWritableDir(dir);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressListener progress =
        Terminals.interactive() ? new ProgressBar(err, () -> 80) : ProgressListener.none();
    if (stats) {
      progress = new TransferStats(progress, err);
    }
    try (IndexClient client = new IndexClient(index.index)) {
      Path file =
          PeerNode.fetch(client, name, content, folder, new Downloader(options), progress).file();
      out.println(file);
    }
    return 0;
  }
}
