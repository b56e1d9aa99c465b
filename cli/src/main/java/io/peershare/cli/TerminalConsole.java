package io.peershare.cli;

import io.peershare.peer.download.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** A JLine terminal: line editing, history, completion of commands and content names. */
final class TerminalConsole implements Console, AutoCloseable {
  private final Terminal terminal;
  private final LineReader reader;
  private final PrintWriter out;
  private final List<String> indexNames = new CopyOnWriteArrayList<>();

  /**
   * The process's own terminal, through JLine's JNI provider (or else {@code stty}), not FFM: FFM,
   * JLine's default where native access is enabled, spins about 150 method-handle classes at every
   * start, which no start-up cache keeps, and the prompt came a few tenths of a second later.
   */
  TerminalConsole(Path dir, Supplier<List<String>> localNames) throws IOException {
    this(
        TerminalBuilder.builder().system(true).ffm(false).providers("jni,exec").build(),
        dir,
        localNames);
  }

  /** A console on {@code terminal}, which it closes when it is closed. */
  TerminalConsole(Terminal terminal, Path dir, Supplier<List<String>> localNames) {
    this.terminal = terminal;
    out = terminal.writer();
    Path history = dir.resolve(".peershare").resolve("history");
    reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("peershare")
            .completer(new NameCompleter(dir, localNames))
            .variable(LineReader.HISTORY_FILE, history)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .build();
  }

  @Override
  public String readLine(String prompt) {
    try {
      return reader.readLine(prompt);
    } catch (UserInterruptException | EndOfFileException e) {
      return null;
    }
  }

  @Override
  public PrintWriter out() {
    return out;
  }

  @Override
  public ProgressListener progress() {
    return new ProgressBar(out, () -> terminal.getWidth());
  }

  @Override
  public void rememberIndexNames(List<String> names) {
    indexNames.clear();
    indexNames.addAll(names);
  }

  @Override
  public void close() throws IOException {
    terminal.close();
  }

  /** Completes the command word, then file names (R), shared names (T) or index names (D). */
  private final class NameCompleter implements Completer {
    private final Path dir;
    private final Supplier<List<String>> localNames;

    NameCompleter(Path dir, Supplier<List<String>> localNames) {
      this.dir = dir;
      this.localNames = localNames;
    }

    @Override
    public void complete(LineReader r, ParsedLine line, List<Candidate> candidates) {
      if (line.wordIndex() == 0) {
        for (ShellCommand c : ShellCommand.values()) {
          for (String w : c.words()) {
            candidates.add(new Candidate(w, w, null, c.summary(), null, null, true));
          }
        }
        return;
      }
      ShellCommand c = ShellCommand.of(line.words().get(0)).orElse(null);
      if (c == null) {
        return;
      }
      List<String> names =
          switch (c) {
            case REGISTER -> files();
            case DEREGISTER -> localNames.get();
            case DOWNLOAD -> List.copyOf(indexNames);
            default -> List.of();
          };
      names.forEach(n -> candidates.add(new Candidate(n)));
    }

    private List<String> files() {
      try (Stream<Path> s = Files.list(dir)) {
        return s.filter(Files::isRegularFile)
            .map(p -> p.getFileName().toString())
            .filter(n -> !n.startsWith("."))
            .sorted()
            .toList();
      } catch (IOException e) {
        return List.of();
      }
    }
  }
}
