package io.peershare.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The shell's commands: the original single letters, and a word for each. */
enum ShellCommand {
  REGISTER("R [name]", "register a file of your folder with the index", "r", "register"),
  DEREGISTER(
      "T [name]", "deregister a content and stop serving it", "t", "deregister", "unregister"),
  LOCAL("L", "list what you share: number, name, size, port", "l", "local"),
  ONLINE("O [filter]", "list what the index offers, with provider counts", "o", "online", "index"),
  DOWNLOAD("D [name]", "download a content, verify it, then share it too", "d", "download", "get"),
  QUIT("Q", "deregister everything and quit", "q", "quit", "exit"),
  HELP("help", "show this list", "help", "h", "?");

  private final String usage;
  private final String summary;
  private final List<String> words;

  ShellCommand(String usage, String summary, String... words) {
    this.usage = usage;
    this.summary = summary;
    this.words = List.of(words);
  }

  String usage() {
    return usage;
  }

  String summary() {
    return summary;
  }

  List<String> words() {
    return words;
  }

  /** The command a word names, case-insensitive. */
  static Optional<ShellCommand> of(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    for (ShellCommand c : values()) {
      if (c.words.contains(w)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
