package io.peershare.cli;

import io.peershare.protocol.InvalidNameException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Entry point of the {@code peershare} command. */
public final class Main implements Runnable {
  private final CommandSpec spec =
      Specs.command(
              this,
              "peershare",
              "Share files peer to peer: an index server knows who provides what,",
              "peers download straight from each other and verify every byte (SHA-256).")
          .versionProvider(new Version());

  private Main() {
    spec.usageMessage()
        .footer(
            "",
            "Exit codes: 0 done, 1 failed, 2 bad usage.",
            "The index address defaults to $PEERSHARE_INDEX, else 127.0.0.1:3000.");
  }

  /** Exit code of a command that failed. */
  public static final int FAILED = 1;

  /** Exit code of a bad command line. */
  public static final int USAGE = 2;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: index, peer, share, get or list");
  }

  /** The system property that names the selector provider of the JDK's channels. */
  static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

  /**
   * The class of the selector provider OpenJDK's builds use on Linux (what its default is on that
   * system), which has the public no-argument constructor the property needs.
   */
  static final String LINUX_SELECTOR_PROVIDER = "sun.nio.ch.EPollSelectorProvider";

  static {
    skipJarSearches();
  }

  /**
   * Sets the system properties that spare a command three searches of every jar of the class path,
   * unless they are set already (options on the command line win): each search opens every jar
   * (reads its directory of entries), 5-10 ms of a short command's start, and finds nothing here.
   * Called when the class is initialised, so before any command runs; again by whoever may set
   * logging up sooner (Training). docs/benchmarks.md, "Start-up and exit", fourteenth session.
   */
  static void skipJarSearches() {
    // picocli's check for Groovy's closures, a Class.forName of one
    defaultProperty("picocli.disable.closures", "true");
    // SLF4J's search for its providers: ours named (it configures logback without logback's own
    // search for configurators); and SLF4J not saying on standard error that the property named it
    defaultProperty("slf4j.provider", LogProvider.class.getName());
    defaultProperty("slf4j.internal.verbosity", "WARN");
    // the first channel a command opens (the index client's) searches for a selector provider
    // unless the property names one: the JDK's own on Linux, when it has that class
    if (System.getProperty(SELECTOR_PROVIDER) == null && isLinux()) {
      try {
        Class.forName(LINUX_SELECTOR_PROVIDER, false, null);
        System.setProperty(SELECTOR_PROVIDER, LINUX_SELECTOR_PROVIDER);
      } catch (ClassNotFoundException e) {
        // another JDK: its channels find their provider the usual way
      }
    }
  }

  private static boolean isLinux() {
    return System.getProperty("os.name", "").startsWith("Linux");
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  public static void main(String[] args) {
    String word = firstWord(args);
    boolean terminal = false;
    if (COMMANDS.contains(word) && !word.equals("help") && !helpOrVersion(args)) {
      // logging, set up while the command line is parsed: every command but help logs; for get,
      // then its SHA-256 engine
      EarlyLogging.start(word.equals("get"));
      // the shell's terminal, made while its command line is parsed and its peer starts
      terminal = word.equals("peer") && Terminals.interactive();
      if (terminal) {
        PendingTerminal.startEarly();
      }
    }
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    // only where one was started: the short commands' cache does not hold the class, which was
    // read from the jar at the exit of every short command
    if (terminal) {
      try {
        PendingTerminal.closeUnclaimed();
      } catch (IOException e) {
        // the terminal as it was: nothing was changed on it
      }
    }
    // A command that worked ends by returning from main when no thread of its own is left that
    // would keep the JVM up: System.exit first asks the JDK for the logger of java.lang.Runtime
    // (it logs the call at DEBUG), and finding out which logging the JDK's loggers use searches
    // every jar of the class path, as above. The shutdown hooks run either way.
    if (code == 0 && onlyDaemonThreadsLeft()) {
      return;
    }
    System.exit(code);
  }

  /**
   * Whether every live platform thread but the caller's is a daemon thread, which the JVM does not
   * wait for when {@code main} returns. Virtual threads never keep it up.
   */
  static boolean onlyDaemonThreadsLeft() {
    Thread me = Thread.currentThread();
    ThreadGroup root = me.getThreadGroup();
    for (ThreadGroup up; (up = root.getParent()) != null; ) {
      root = up;
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads, true);
    if (n == threads.length) {
      return false; // more threads than counted a moment ago: not worth a second look
    }
    for (int i = 0; i < n; i++) {
      Thread t = threads[i];
      if (t != me && t.isAlive() && !t.isDaemon()) {
        return false;
      }
    }
    return true;
  }

  /** Runs one command line with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    // get's and peer's usual command lines, read without picocli's model (QuickGet and PeerLine
    // say why); null: anything else, which picocli reads as before. The other commands load
    // neither class.
    String word = args.length > 1 ? args[0] : "";
    GetCommand.Request get =
        word.equals("get") ? QuickGet.parse(args, System.getenv(PeerOptions.INDEX_ENV)) : null;
    PeerLine peer = word.equals("peer") ? PeerLine.parse(args, System::getenv) : null;
    if (get != null || peer != null) {
      // run as picocli runs a command: once logging is set up, its failures said as failed says
      EarlyLogging.ready();
      try {
        return get != null ? GetCommand.fetch(get, out, err) : PeerCommand.run(peer, null);
      } catch (Exception e) {
        return failed(e, get != null ? "peershare get" : "peershare peer", err);
      }
    }
    CommandLine cmd = commandLine(args);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) ->
            failed(ex, commandLine.getCommandSpec().qualifiedName(), commandLine.getErr()));
    cmd.setParameterExceptionHandler(
        (ex, args2) -> usage(ex.getCommandLine(), parameterMessage(ex)));
    // a command runs once logging is set up (EarlyLogging): no logger is asked for while it is
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    cmd.setExecutionStrategy(
        parseResult -> {
          EarlyLogging.ready();
          return run.execute(parseResult);
        });
    return cmd.execute(args);
  }

  /**
   * What picocli found wrong; a name that breaks the rules is said the way the protocol says it,
   * after the option that carried it ("--name: 'a/b' is not a valid peer name: ...").
   */
  private static String parameterMessage(CommandLine.ParameterException ex) {
    if (ex.getCause() instanceof InvalidNameException bad) {
      return ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o
          ? o.longestName() + ": " + bad.getMessage()
          : bad.getMessage();
    }
    return ex.getMessage();
  }

  /** The commands, in the order the help lists them. */
  static final List<String> COMMANDS = List.of("index", "peer", "share", "get", "list", "help");

  /**
   * The command line model for {@code args}. When the first word names a command, only that one is
   * built. Otherwise ({@code help}, a typo, no command at all) every command is, so help lists them
   * and a typo gets its suggestion.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cmd = new CommandLine(new Main().spec);
    String word = firstWord(args);
    if (COMMANDS.contains(word) && !word.equals("help")) {
      cmd.addSubcommand(command(word));
    } else if (word.isEmpty() && versionOnly(args)) {
      return cmd; // --version needs no command
    } else {
      for (String name : COMMANDS) {
        cmd.addSubcommand(command(name));
      }
    }
    return cmd;
  }

  private static boolean versionOnly(String[] args) {
    return has(args, "-V", "--version") && !has(args, "-h", "--help");
  }

  private static boolean helpOrVersion(String[] args) {
    return has(args, "-V", "--version") || has(args, "-h", "--help");
  }

  /** Whether {@code args} holds the option {@code shortName} or {@code longName}. */
  private static boolean has(String[] args, String shortName, String longName) {
    List<String> a = List.of(args);
    return a.contains(shortName) || a.contains(longName);
  }

  /** The first argument that is not an option: Main's own options take no values. */
  private static String firstWord(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return a;
      }
    }
    return "";
  }

  /** The model of a new instance of the command {@code name}, one of {@link #COMMANDS}. */
  private static Object command(String name) {
    return switch (name) {
      case "index" -> new IndexCommand().spec;
      case "peer" -> new PeerCommand().spec;
      case "share" -> new ShareCommand().spec;
      case "get" -> new GetCommand().spec;
      case "list" -> new ListCommand().spec;
      // picocli's own, from its annotations: built only for help and mistyped commands
      default -> new CommandLine.HelpCommand();
    };
  }

  /**
   * The command {@code command} ("peershare get") failed with {@code ex}: one line on {@code err};
   * returns the exit code.
   */
  static int failed(Exception ex, String command, PrintWriter err) {
    if (ex instanceof UsageException || ex instanceof InvalidNameException) {
      return usage(err, command, ex.getMessage());
    }
    err.println("peershare: " + oneLine(Failures.describe(ex)));
    return FAILED;
  }

  /** A bad command line: one line, what is wrong and where to read more. */
  private static int usage(CommandLine c, String message) {
    return usage(c.getErr(), c.getCommandSpec().qualifiedName(), message);
  }

  private static int usage(PrintWriter err, String command, String message) {
    err.println("peershare: " + oneLine(message) + " (try '" + command + " --help')");
    return USAGE;
  }

  /** Scripts and people read errors a line at a time: never more than one. */
  private static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"peershare " + (v == null ? "(development build)" : v)};
    }
  }
}
