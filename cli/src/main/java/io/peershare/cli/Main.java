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

  public static void main(String[] args) {
    String word = firstWord(args);
    boolean terminal = false;
    if (COMMANDS.contains(word) && !word.equals("help") && !helpOrVersion(args)) {
      // logging, set up while the command line is parsed: every command but help logs
      EarlyLogging.start();
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
    System.exit(code);
  }

  /** Runs one command line with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cmd = commandLine(args);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof UsageException || ex instanceof InvalidNameException) {
            return usage(commandLine, ex.getMessage());
          }
          commandLine.getErr().println("peershare: " + oneLine(Failures.describe(ex)));
          return FAILED;
        });
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

  /** A bad command line: one line, what is wrong and where to read more. */
  private static int usage(CommandLine c, String message) {
    c.getErr()
        .println(
            "peershare: "
                + oneLine(message)
                + " (try '"
                + c.getCommandSpec().qualifiedName()
                + " --help')");
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
