package io.peershare.cli;

import io.peershare.peer.index.IndexClient;
import io.peershare.protocol.IndexMessage.ListingEntry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code peershare list}: what the index offers, one content per line. */
final class ListCommand implements Callable<Integer> {
  final CommandSpec spec =
      Specs.command(
          this,
          "list",
          "List the contents the index offers.",
          "One per line: name, size in bytes, providers, separated by tabs, in byte order",
          "of the names.");

  private final OptionSpec filter =
      OptionSpec.builder("-f", "--filter")
          .type(String.class)
          .paramLabel("<filter>")
          .defaultValue("")
          .description("Only names containing this text (ASCII letters match either case).")
          .build();

  private final PeerOptions.Index index = new PeerOptions.Index();

  ListCommand() {
    spec.addOption(filter);
    index.addTo(spec);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (IndexClient client = new IndexClient(index.nodes())) {
      for (ListingEntry e : client.listAll(filter.getValue())) {
        out.printf("%s\t%d\t%d%n", e.content(), e.size(), e.providers());
      }
    }
    out.flush();
    return 0;
  }
}
