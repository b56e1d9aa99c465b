package io.peershare.cli;

import io.peershare.peer.index.IndexClient;
import io.peershare.protocol.IndexMessage.ListingEntry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code peershare list}: what the index offers, one content per line. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the contents the index offers.",
      "One per line: name, size in bytes, providers, separated by tabs, in byte order",
      "of the names."
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--filter"},
      defaultValue = "",
      description = "Only names containing this text (ASCII letters match either case).")
  String filter;

  @Mixin PeerOptions.Index index = new PeerOptions.Index();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (IndexClient client = new IndexClient(index.index)) {
      for (ListingEntry e : client.listAll(filter)) {
        out.printf("%s\t%d\t%d%n", e.content(), e.size(), e.providers());
      }
    }
    out.flush();
    return 0;
  }
}
