package io.peershare.cli;

import io.peershare.peer.download.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;

/** A JLine terminal: line editing, history, completion of commands and content names. */
final class TerminalConsole implements Console, AutoCloseable {
  private final Terminal terminal;
  private final LineReader reader;
  private final PrintWriter out;
  private final List<String> indexNames = new CopyOnWriteArrayList<>();
  private final Object cancelling = new Object();
  private Thread command; // the thread running a command line, or null; guarded by cancelling
  private boolean cancelled; // guarded by cancelling

  /**
   * The process's own terminal, made without starting a process: a fork of {@code test} or {@code
   * infocmp} costs the prompt a few hundredths of a second on two busy cores.
   *
   * <p>Only JLine's JNI provider is asked (its native library is unpacked by the build): the
   * builder asks every provider it may use whether standard output is a terminal, and the exec
   * provider answers by running {@code test -t 1}. Not FFM, JLine's default where native access is
   * enabled: it spins about 150 method-handle classes at every start, which no start-up cache
   * keeps. Where the native library does not load (a platform JLine ships none for), the exec
   * provider ({@code stty}).
   *
   * <p>For the common terminal types JLine carries a description of ({@link #BUILT_IN_TYPES}), that
   * description instead of {@code infocmp}'s, held in our code ({@link DescribedTerminal}: neither
   * it nor the JNI provider is read from JLine's jar). They differ from ncurses' entries only in
   * what the line editor does not use or binds either way (Backspace sends ^? or ^H, mouse,
   * alternate screen, dim). tmux's own types ({@link #LIKE_BUILT_IN}) take the description of the
   * screen type they extend. Any other type still goes to {@code infocmp}.
   */
  static Terminal systemTerminal() throws IOException {
    String type = TerminalBuilder.builder().computeType();
    Terminal described = DescribedTerminal.open(type);
    if (described != null) {
      return described;
    }
    useBuiltInDescription(type);
    try {
      return TerminalBuilder.builder()
          .system(true)
          .jni(true)
          .ffm(false)
          .jna(false)
          .jansi(false)
          .exec(false)
          .dumb(false) // no JNI terminal: an exception, and the exec provider below
          .build();
    } catch (IllegalStateException e) {
      return TerminalBuilder.builder().system(true).ffm(false).providers("jni,exec").build();
    }
  }

  /**
   * The common terminal types whose description JLine carries in its jar, each compared with {@code
   * infocmp -x} of Debian's ncurses (docs/benchmarks.md).
   */
  static final Set<String> BUILT_IN_TYPES =
      Set.of("xterm", "xterm-256color", "screen", "screen-256color");

  /**
   * Types JLine carries no description of whose ncurses entry is a built-in one plus capabilities
   * JLine never reads: tmux's (its default {@code TERM}) add to {@code screen}'s a status line,
   * italics, reverse video for standout, {@code invis} and the shifted and higher function keys
   * ({@code infocmp -d screen-256color tmux-256color}; docs/benchmarks.md). Without this, every
   * shell started in tmux forked {@code infocmp}.
   */
  static final Map<String, String> LIKE_BUILT_IN =
      Map.of("tmux-256color", "screen-256color", "tmux", "screen");

  /**
   * Makes JLine use its own description of {@code type}, when it carries one, instead of asking
   * {@code infocmp}; true when it does.
   */
  static boolean useBuiltInDescription(String type) {
    if (type == null) {
      return false;
    }
    String builtIn = BUILT_IN_TYPES.contains(type) ? type : LIKE_BUILT_IN.get(type);
    if (builtIn == null) {
      return false;
    }
    if (InfoCmp.getLoadedInfoCmp(type) == null) {
      String caps = InfoCmp.getDefaultInfoCmp(builtIn);
      if (caps == null) {
        return false;
      }
      InfoCmp.setLoadedInfoCmp(type, caps);
    }
    return true;
  }

  /**
   * JLine's line reader on {@code terminal}, as {@code LineReaderBuilder} makes it, but for what
   * needs the peer's folder (the history file, the completion of names), which the console sets:
   * making it (JLine's key maps and widgets) takes a few milliseconds, which the shell spends on
   * the terminal's own thread while the peer starts ({@link PendingTerminal}). JLine reads the
   * history file at the first prompt, not here.
   */
  static LineReaderImpl lineReader(Terminal terminal) {
    LineReaderImpl reader = new LineReaderImpl(terminal, "peershare", new HashMap<>());
    reader.option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
    return reader;
  }

  /** A console on {@code terminal}, which it closes when it is closed. */
  TerminalConsole(Terminal terminal, Path dir, Supplier<List<String>> localNames) {
    this(lineReader(terminal), dir, localNames);
  }

  /**
   * A console on the terminal of {@code reader}, made by {@link #lineReader}; it closes the
   * terminal when it is closed.
   */
  TerminalConsole(LineReaderImpl reader, Path dir, Supplier<List<String>> localNames) {
    this.reader = reader;
    terminal = reader.getTerminal();
    out = terminal.writer();
    reader.setVariable(LineReader.HISTORY_FILE, dir.resolve(".peershare").resolve("history"));
    reader.setCompleter(new NameCompleter(dir, localNames));
    // JLine's own handler for SIGINT is the operating system's default, which kills the process
    // with no "Bye." and no deregistration; readLine puts its own in place while it reads (Ctrl-C
    // at the prompt quits) and this one back after.
    terminal.handle(Signal.INT, signal -> cancel());
  }

  /** Ctrl-C outside the prompt: interrupts the command running, if any; otherwise nothing. */
  private void cancel() {
    synchronized (cancelling) {
      if (command != null) {
        cancelled = true;
        command.interrupt();
      }
    }
  }

  @Override
  public boolean runCancellable(BooleanSupplier line) {
    synchronized (cancelling) {
      command = Thread.currentThread();
      cancelled = false;
    }
    try {
      return line.getAsBoolean();
    } finally {
      synchronized (cancelling) {
        command = null;
      }
      // a Ctrl-C the command did not see (it ended first) must not reach the prompt or the next
      // command: an interrupted thread's next channel operation would close that channel
      Thread.interrupted();
    }
  }

  @Override
  public boolean cancelled() {
    synchronized (cancelling) {
      return cancelled;
    }
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
