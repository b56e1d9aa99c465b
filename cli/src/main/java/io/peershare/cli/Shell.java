package io.peershare.cli;

import io.peershare.peer.PeerNode;
import io.peershare.peer.SharingException;
import io.peershare.peer.download.DownloadException;
import io.peershare.peer.index.IndexException;
import io.peershare.peer.serve.SharedContent;
import io.peershare.protocol.Addresses;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.InvalidNameException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The peer's interactive shell: reads commands from a {@link Console} (a terminal, or plain streams
 * in tests and pipes), runs them on a {@link PeerNode}, and answers in plain sentences.
 */
final class Shell {
  private final PeerNode node;
  private final Console console;
  private final PrintWriter out;

  Shell(PeerNode node, Console console) {
    this.node = node;
    this.console = console;
    this.out = console.out();
  }

  /**
   * Runs until {@code Q}, end of input or Ctrl-C at the prompt (Ctrl-C in a command cancels it).
   */
  void run() {
    out.printf(
        "Peer '%s' is up, sharing from %s, index %s. Type help for the commands.%n",
        node.name(), node.config().dir(), indexInUse());
    out.flush();
    while (true) {
      String line = console.readLine(node.name() + "> ");
      if (line == null) {
        out.println();
        quit();
        return;
      }
      if (!console.runCancellable(() -> execute(line))) {
        return;
      }
    }
  }

  /** {@code 127.0.0.1:3000}, or with several nodes the one in use and all of them. */
  private String indexInUse() {
    String now = Addresses.format(node.indexNode());
    List<InetSocketAddress> all = node.config().index();
    return all.size() == 1
        ? now
        : now
            + " (of "
            + all.stream().map(Addresses::format).collect(Collectors.joining(", "))
            + ")";
  }

  /** Runs one command line; false when it was {@code Q}. */
  boolean execute(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return true;
    }
    int space = indexOfSpace(trimmed);
    String word = space < 0 ? trimmed : trimmed.substring(0, space);
    String arg = space < 0 ? "" : trimmed.substring(space + 1).strip();
    Optional<ShellCommand> command = ShellCommand.of(word);
    if (command.isEmpty()) {
      out.printf("Unknown command '%s'. Type help for the list.%n", word);
      out.flush();
      return true;
    }
    try {
      switch (command.get()) {
        case REGISTER -> register(arg);
        case DEREGISTER -> deregister(arg);
        case LOCAL -> local();
        case ONLINE -> online(arg);
        case DOWNLOAD -> download(arg);
        case HELP -> help();
        case QUIT -> {
          quit();
          return false;
        }
      }
    } catch (InvalidNameException e) {
      out.println(e.getMessage() + "."); // a name typed here breaks the rules: nothing was sent
    } catch (IndexException | IOException | RuntimeException e) {
      // one line, and the shell goes on; a command Ctrl-C stopped fails with whatever it was doing
      out.println(console.cancelled() ? "Cancelled." : Failures.describe(e));
    } catch (InterruptedException e) {
      if (!console.cancelled()) {
        Thread.currentThread().interrupt();
      }
      out.println("Cancelled.");
    } finally {
      out.flush();
    }
    return true;
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private String argOrAsk(String arg, String question) {
    if (!arg.isEmpty()) {
      return arg;
    }
    String answer = console.readLine(question);
    return answer == null ? "" : answer.strip();
  }

  private void register(String arg) throws IOException {
    String text = argOrAsk(arg, "Name of the file to register: ");
    if (text.isEmpty()) {
      out.println("Nothing registered: no name given.");
      return;
    }
    ContentName name = ContentName.of(text);
    SharedContent s;
    try {
      s = node.register(name); // hashes the file first: seconds for a large one
    } catch (IndexException | SharingException e) {
      out.printf("Could not register '%s': %s%n", name, e.getMessage());
      return;
    } catch (NoSuchFileException e) {
      out.printf(
          "There is no file named '%s' in %s; nothing was registered.%n",
          name, node.config().dir());
      return;
    } catch (IOException e) {
      if (saidCancelled("Registering", name, "nothing was registered.")) {
        return;
      }
      throw e;
    }
    out.printf(
        "Registered '%s' (%s), serving it on port %d.%n",
        s.content(), Text.size(s.size()), s.port());
  }

  private void deregister(String arg) throws IOException {
    String text = argOrAsk(arg, "Name of the content to deregister: ");
    if (text.isEmpty()) {
      out.println("Nothing deregistered: no name given.");
      return;
    }
    ContentName name = ContentName.of(text);
    try {
      node.deregister(name);
    } catch (IndexException | SharingException e) {
      out.printf("Could not deregister '%s': %s%n", name, e.getMessage());
      return;
    }
    out.printf("Deregistered '%s'; no longer serving it.%n", name);
  }

  private void local() {
    List<SharedContent> shared = node.local();
    if (shared.isEmpty()) {
      out.println("You share nothing yet. Use R <name> to register a file of your folder.");
      return;
    }
    Table t = new Table("#", "name", "size", "port");
    int i = 1;
    for (SharedContent s : shared) {
      t.row(
          String.valueOf(i++),
          s.content().toString(),
          Text.size(s.size()),
          String.valueOf(s.port()));
    }
    t.print(out);
  }

  private void online(String filter) throws IOException, IndexException {
    List<ListingEntry> entries = node.list(filter);
    console.rememberIndexNames(entries.stream().map(e -> e.content().toString()).toList());
    if (entries.isEmpty()) {
      out.println(
          filter.isEmpty()
              ? "The index lists no content yet."
              : "The index lists no content whose name contains '" + filter + "'.");
      return;
    }
    Table t = new Table("name", "size", "providers");
    for (ListingEntry e : entries) {
      t.row(e.content().toString(), Text.size(e.size()), String.valueOf(e.providers()));
    }
    t.print(out);
  }

  private void download(String arg) throws IOException, InterruptedException {
    String text = argOrAsk(arg, "Name of the content to download: ");
    if (text.isEmpty()) {
      out.println("Nothing downloaded: no name given.");
      return;
    }
    ContentName name = ContentName.of(text);
    SharedContent s;
    try {
      // a failed download ends the bar's line (failed()), so the sentence below has its own
      s = node.download(name, console.progress());
    } catch (DownloadException | IndexException | SharingException e) {
      if (!saidCancelled("Download of", name, DOWNLOAD_KEPT.formatted(name))) {
        out.printf("Could not download '%s': %s%n", name, e.getMessage());
      }
      return;
    } catch (IOException | InterruptedException e) {
      if (saidCancelled("Download of", name, DOWNLOAD_KEPT.formatted(name))) {
        return;
      }
      throw e;
    }
    out.printf(
        "Downloaded '%s' (%s) to %s; every piece verified by SHA-256 (content digest %s).%n",
        s.content(), Text.size(s.size()), s.file(), s.digest().shortHex());
    out.printf("You now share it too, on port %d.%n", s.port());
  }

  private static final String DOWNLOAD_KEPT =
      "the pieces already verified are kept, and D %s resumes from them.";

  /**
   * When Ctrl-C stopped the command on {@code name}, says so in one line and returns true. Ctrl-C
   * may come just as the index is being told, after the content is shared: then it stays shared,
   * and the index hears of it again at the next keepalive.
   */
  private boolean saidCancelled(String what, ContentName name, String otherwise) {
    if (!console.cancelled()) {
      return false;
    }
    if (node.local().stream().anyMatch(s -> s.content().equals(name))) {
      out.printf(
          "Ctrl-C came as the index was being told: you share '%s', and the index hears of it"
              + " at the next keepalive.%n",
          name);
    } else {
      out.printf("%s '%s' cancelled; %s%n", what, name, otherwise);
    }
    return true;
  }

  private void help() {
    out.println("Commands (a letter or a word, any case):");
    for (ShellCommand c : ShellCommand.values()) {
      out.printf("  %-12s %s%n", c.usage(), c.summary());
    }
  }

  private void quit() {
    int n = node.local().size();
    node.close();
    out.println(
        switch (n) {
          case 0 -> "Bye.";
          case 1 -> "Deregistered your one content and stopped serving. Bye.";
          default -> "Deregistered all " + n + " of your contents and stopped serving. Bye.";
        });
    out.flush();
  }
}
