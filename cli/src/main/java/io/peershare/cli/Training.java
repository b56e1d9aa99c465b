package io.peershare.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.peershare.index.IndexServer;
import io.peershare.peer.PeerConfig;
import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.protocol.Addresses;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.PeerName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.jline.terminal.impl.jni.JniNativePty;
import org.jline.terminal.impl.jni.JniTerminalProvider;
import org.jline.terminal.spi.Pty;

/**
 * A short workload on loopback that the launcher runs once per build on a JDK 25 or newer, under
 * {@code -XX:AOTCacheOutput}: the JVM records which classes the commands load and how their hot
 * methods behave, and every later run starts with those classes loaded and linked and compiles its
 * hot code (hashing, the receive path) at once instead of after a warm-up, so that {@code get}
 * verifies its first piece sooner (measured in docs/benchmarks.md, "Third look").
 *
 * <p>It runs the real code in one process: an index server, a peer sharing a file of random bytes,
 * then through the command line {@code --version}, every command's help, {@code list} and two
 * {@code get}s, and checks their results; then the peer shell twice, once on plain streams (the
 * {@code peer} command as a pipe runs it) and once on a JLine terminal (as a person runs it), so
 * what a command loads before it prints anything is in the cache for every command. It writes only
 * under a temporary folder, which it removes. Exit code 0 when every step worked.
 *
 * <p>With {@code -Dpeershare.training.client=FILE} it also makes a second, smaller cache for the
 * short commands ({@code --version}, {@code list}, {@code get} and their help): a child JVM runs
 * only those against this process's index and peer and writes its own cache to FILE. JDK 25 loads
 * every class of a cache at start-up, and the full one (the index server, Netty, the Redis client,
 * JLine: about 4,000 classes against 2,400) cost each short command about 0.1 s of CPU before its
 * first line. The child runs on the class path {@code -Dpeershare.training.client.path} names, the
 * launcher's smaller one for those commands, without the index server's and metrics' jars: so not
 * the general help, which builds every command's model. With {@code
 * -Dpeershare.training.peer=FILE}, likewise a cache for the shell ({@code peer}), from a run of it
 * on a pseudo-terminal, on the class path {@code -Dpeershare.training.peer.path} names (the
 * launcher's for the shell: the short commands' and the metrics module, without Micrometer, the
 * index server, the Redis client and Netty). With {@code -Dpeershare.training.get=FILE}, a cache
 * for {@code get} alone, from a child that runs only the downloads, on the short commands' path.
 */
public final class Training {
  private Training() {}

  /** Size of the training file: enough pieces for the receive path to get hot. */
  static final int DEFAULT_SIZE = 64 << 20;

  /** The system property naming the short commands' cache to make, if any. */
  static final String CLIENT_CACHE = "peershare.training.client";

  /**
   * The system property giving the class path the short commands run on, and so their cache is made
   * on (the launcher's smaller one); this process's class path when it is not set.
   */
  static final String CLIENT_PATH = "peershare.training.client.path";

  /** The system property naming the shell's cache to make, if any. */
  static final String PEER_CACHE = "peershare.training.peer";

  /**
   * The system property giving the class path the shell runs on, and so its cache is made on; this
   * process's class path when it is not set.
   */
  static final String PEER_PATH = "peershare.training.peer.path";

  /**
   * The system property naming {@code get}'s own cache to make, if any; made on the short commands'
   * class path.
   */
  static final String GET_CACHE = "peershare.training.get";

  /** The first argument of the child JVM that runs the short commands alone. */
  private static final String CLIENT = "client";

  /** The first argument of the child JVM that runs {@code get} alone. */
  private static final String GET = "get";

  public static void main(String[] args) {
    if (args.length == 3 && args[0].equals(CLIENT)) {
      System.exit(client(args[1], Path.of(args[2])));
    }
    if (args.length == 3 && args[0].equals(GET)) {
      System.exit(downloads(args[1], Path.of(args[2])));
    }
    int size = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_SIZE;
    int code;
    try {
      Path dir = Files.createTempDirectory("peershare-training");
      try {
        code = run(dir, size);
      } finally {
        Files.delete(dir);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("training failed: " + e);
      code = Main.FAILED;
    }
    System.exit(code);
  }

  /**
   * Runs the workload in the empty folder {@code dir} with a file of {@code size} bytes, and
   * empties the folder again; returns 0 when every step worked.
   */
  static int run(Path dir, int size) throws IOException {
    try {
      return runIn(dir, size);
    } finally {
      try (var left = Files.list(dir)) {
        for (Path p : left.toList()) {
          deleteTree(p);
        }
      }
    }
  }

  private static int runIn(Path dir, int size) throws IOException {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Path file = shared.resolve("training.bin");
    writeRandom(file, size);
    try (IndexServer index = new IndexServer(IndexServer.Config.loopback()).start()) {
      InetSocketAddress at = index.localAddress();
      String where = Addresses.format(at);
      PeerConfig config =
          new PeerConfig(
              PeerName.of("training"),
              at,
              shared,
              ServeOptions.defaults(),
              DownloadOptions.defaults());
      try (PeerNode node = PeerNode.start(config)) {
        node.register(ContentName.of("training.bin"), file);
        PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream(), true);
        Path one = Files.createDirectories(dir.resolve("get-one-source"));
        Path many = Files.createDirectories(dir.resolve("get-default"));
        List<String[]> commands =
            List.of(
                new String[] {"list", "--index", where},
                new String[] {
                  "get",
                  "training.bin",
                  "--index",
                  where,
                  "--dir",
                  one.toString(),
                  "--sources",
                  "1",
                  "--stats"
                },
                new String[] {
                  "get", "training.bin", "--index", where, "--dir", many.toString(), "--stats"
                },
                new String[] {"--version"},
                new String[] {"--help"},
                new String[] {"index", "--help"},
                new String[] {"share", "--help"},
                new String[] {"peer", "--help"},
                new String[] {"get", "--help"});
        int code = runAll(commands, quiet);
        if (code != 0) {
          return code;
        }
        if (!shells(dir, at, where)) {
          return Main.FAILED;
        }
        shortCache(CLIENT_CACHE, CLIENT, "the short commands' run", where, dir);
        shortCache(GET_CACHE, GET, "the downloads' run", where, dir);
        String peerCache = System.getProperty(PEER_CACHE);
        if (peerCache != null) {
          peerCache(Path.of(peerCache), where, Files.createDirectories(dir.resolve("peer-tty")));
        }
        byte[] expected = Files.readAllBytes(file);
        for (Path into : List.of(one, many)) {
          if (!Arrays.equals(expected, Files.readAllBytes(into.resolve("training.bin")))) {
            System.err.println("training: the download into " + into + " differs");
            return Main.FAILED;
          }
        }
      } catch (Exception e) {
        System.err.println("training: " + e);
        return Main.FAILED;
      }
    }
    return 0;
  }

  /**
   * Makes the short commands' cache, or {@code get}'s, where the system property {@code property}
   * says (not set: none): a child JVM under {@code -XX:AOTCacheOutput}, on the short commands'
   * class path, runs {@code mode} ({@link #client}, or {@link #downloads} alone for {@code get}'s:
   * without picocli's model, {@code list}'s and the help's classes it holds about a fifth fewer
   * classes, which JDK 25 loads at every start, fifteenth session in docs/benchmarks.md) against
   * the index at {@code where}, in the folder {@code mode} below {@code dir}. A failure leaves no
   * file there and is said on standard error ({@code what} names the run); the full cache is still
   * made, and the launcher uses the short commands' cache for {@code get}, the full one for the
   * others.
   */
  private static void shortCache(String property, String mode, String what, String where, Path dir)
      throws IOException, InterruptedException {
    String named = System.getProperty(property);
    if (named == null) {
      return;
    }
    Path cache = Path.of(named);
    Path into = Files.createDirectories(dir.resolve(mode));
    Process child =
        new ProcessBuilder(
                cacheRun(
                    cache,
                    System.getProperty(CLIENT_PATH, System.getProperty("java.class.path")),
                    List.of(),
                    Training.class.getName(),
                    mode,
                    where,
                    into.toString()))
            .inheritIO()
            .start();
    finish(child, cache, what);
  }

  /**
   * Makes the shell's cache {@code cache}: a child JVM under {@code -XX:AOTCacheOutput} runs {@code
   * peer} on a pseudo-terminal, as a person does (JLine's system terminal through its native
   * library, which the in-process shell above on a terminal in Java does not reach), and this
   * process types into it. No pseudo-terminal, or a failed run: no file there, said on standard
   * error (the launcher then uses the full cache for {@code peer}).
   */
  private static void peerCache(Path cache, String where, Path dir)
      throws IOException, InterruptedException {
    Pty pty;
    String device;
    try {
      pty = new JniTerminalProvider().open(null, new Size(100, 24));
      device = ((JniNativePty) pty).getName();
    } catch (IOException | RuntimeException | LinkageError e) {
      System.err.println("training: no pseudo-terminal for the shell's run: " + e);
      return;
    }
    try (pty) {
      File tty = new File(device);
      ProcessBuilder run =
          new ProcessBuilder(
                  cacheRun(
                      cache,
                      System.getProperty(PEER_PATH, System.getProperty("java.class.path")),
                      NO_PROFILES,
                      Main.class.getName(),
                      "peer",
                      // the name as picocli's short option with its value attached, a form
                      // PeerLine leaves to picocli: the cache then holds both the usual line's
                      // classes and picocli's model of peer, which its help, its errors and
                      // --metrics need (without them, from the jar: 0.05 s more each)
                      "-ntraining-tty",
                      "--index",
                      where,
                      "--dir",
                      dir.toString()))
              .redirectInput(tty)
              .redirectOutput(tty)
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      // a terminal type of the kind people have (the build's may be none, or dumb), so the cache
      // holds the classes of the shell's usual start (DescribedTerminal)
      run.environment().put("TERM", "xterm-256color");
      Process child = run.start();
      Thread.ofPlatform().daemon().start(() -> type(pty, "training-tty> ", "help\rL\rO\rQ\r"));
      finish(child, cache, "the shell's run");
    }
  }

  /**
   * Reads the screen of {@code pty} until it closes (a shell whose screen nobody reads blocks), and
   * types {@code keys} once {@code prompt} shows.
   */
  private static void type(Pty pty, String prompt, String keys) {
    try {
      InputStream screen = pty.getMasterInput();
      StringBuilder seen = new StringBuilder();
      boolean typed = false;
      byte[] buf = new byte[4096];
      for (int n; (n = screen.read(buf)) > 0; ) {
        if (!typed) {
          seen.append(new String(buf, 0, n, UTF_8));
          if (seen.indexOf(prompt) >= 0) {
            OutputStream keyboard = pty.getMasterOutput();
            keyboard.write(keys.getBytes(UTF_8));
            keyboard.flush();
            typed = true;
          }
        }
      }
    } catch (IOException e) {
      // the terminal closed: the run is over
    }
  }

  /**
   * The shell's cache keeps its classes but not the training run's method profiles: a run that
   * starts with profiles compiles the methods they name at once, and the shell's are those of its
   * own start (the run types a few commands), which then compete with that start for two cores
   * (docs/benchmarks.md). Its downloads were not in the run either way. A JDK without the flag
   * ignores it (and keeps the profiles).
   */
  private static final List<String> NO_PROFILES =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "-XX:+UnlockDiagnosticVMOptions",
          "-XX:-AOTRecordTraining");

  /**
   * The property the launcher gives the shell and the short commands, whose caches the children
   * make: reflection through native accessors instead of method handles spun at run time (the
   * launcher says why). With it in the training run, the cache holds the classes those commands
   * load with it.
   */
  static final String NATIVE_REFLECTION = "-Djdk.reflect.useNativeAccessorOnly=true";

  /**
   * The command of a child JVM that runs {@code mainClassAndArgs} on {@code classPath} with the
   * JVM's {@code options} and writes its cache.
   */
  private static List<String> cacheRun(
      Path cache, String classPath, List<String> options, String... mainClassAndArgs) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:AOTCacheOutput=" + cache,
                "-Xlog:aot*=off",
                "-Xlog:cds*=off",
                "--enable-native-access=ALL-UNNAMED",
                NATIVE_REFLECTION,
                "-cp",
                classPath));
    command.addAll(options);
    command.addAll(List.of(mainClassAndArgs));
    return command;
  }

  /** Waits for a child's run; when it fails or hangs, says so and removes its cache. */
  private static void finish(Process child, Path cache, String what)
      throws IOException, InterruptedException {
    boolean done = child.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      child.destroyForcibly().waitFor();
    }
    if (!done || child.exitValue() != 0) {
      System.err.println(
          "training: "
              + what
              + " "
              + (done ? "exited with " + child.exitValue() : "took more than 5 minutes"));
      Files.deleteIfExists(cache);
    }
  }

  /**
   * The short commands, as a user runs them, against the index at {@code where} whose peer shares
   * {@code training.bin}; downloads go into {@code dir}. Returns 0 when every one worked.
   */
  static int client(String where, Path dir) {
    // as Main.main does for get (list is the same without the SHA-256 lookup): without it the
    // cache held neither the set-up's lambda nor FutureTask, and every short command made the one
    // and read the other from the JDK; and with Main's properties first, as there, so logging is
    // set up by the same provider
    Main.skipJarSearches();
    EarlyLogging.start(true);
    PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream(), true);
    int code =
        runAll(List.of(new String[] {"--version"}, new String[] {"list", "--index", where}), quiet);
    if (code == 0) {
      code = downloads(where, dir);
    }
    if (code == 0) {
      code =
          runAll(List.of(new String[] {"list", "--help"}, new String[] {"get", "--help"}), quiet);
    }
    return code;
  }

  /**
   * {@code get} alone, as a user runs it, against the index at {@code where}: a download into
   * {@code dir} from one source, with its figures, and the same content again, into a folder of its
   * own (its file is there). Returns 0 when both worked. The whole run of {@code get}'s own cache,
   * and part of {@link #client}'s.
   */
  static int downloads(String where, Path dir) {
    // as Main.main does for get, and client above (both once per JVM)
    Main.skipJarSearches();
    EarlyLogging.start(true);
    PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream(), true);
    try {
      Path again = Files.createDirectories(dir.resolve("again"));
      return runAll(
          List.of(
              new String[] {
                "get",
                "training.bin",
                "--index",
                where,
                "--dir",
                dir.toString(),
                "--sources",
                "1",
                "--stats"
              },
              new String[] {"get", "training.bin", "--index", where, "--dir", again.toString()}),
          quiet);
    } catch (IOException e) {
      System.err.println("training: " + e);
      return Main.FAILED;
    }
  }

  /** Runs each command line in turn, until one fails; returns its exit code, or 0. */
  private static int runAll(List<String[]> commands, PrintWriter quiet) {
    for (String[] args : commands) {
      int code = Main.run(args, quiet, quiet);
      if (code != 0) {
        System.err.println("training: '" + String.join(" ", args) + "' exited with " + code);
        return code;
      }
    }
    return 0;
  }

  /** The peer shell: the {@code peer} command on piped input, then a shell on a JLine terminal. */
  private static boolean shells(Path dir, InetSocketAddress at, String where) throws Exception {
    Path piped = Files.createDirectories(dir.resolve("peer-piped"));
    InputStream stdin = System.in;
    PrintStream stdout = System.out;
    System.setIn(new ByteArrayInputStream("help\nL\nO\nQ\n".getBytes(UTF_8)));
    System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, UTF_8));
    int code;
    try {
      PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream(), true);
      code =
          Main.run(
              new String[] {
                "peer", "--name", "training-pipe", "--index", where, "--dir", piped.toString()
              },
              quiet,
              quiet);
    } finally {
      System.setIn(stdin);
      System.setOut(stdout);
    }
    if (code != 0) {
      System.err.println("training: 'peer' on piped input exited with " + code);
      return false;
    }
    Path shell = Files.createDirectories(dir.resolve("peer-terminal"));
    PeerConfig config =
        new PeerConfig(
            PeerName.of("training-shell"),
            at,
            shell,
            ServeOptions.defaults(),
            DownloadOptions.defaults());
    byte[] typed = "help\rL\rO\rQ\r".getBytes(UTF_8);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (PeerNode node = PeerNode.start(config);
        // a terminal in Java, with no pseudo-terminal or native code under it: deterministic
        Terminal terminal =
            new ExternalTerminal(
                "training", "xterm-256color", new ByteArrayInputStream(typed), screen, UTF_8);
        TerminalConsole console = new TerminalConsole(terminal, shell, List::of)) {
      terminal.setSize(new Size(100, 24));
      new Shell(node, console).run();
    }
    if (!screen.toString(UTF_8).contains("Bye.")) {
      System.err.println("training: the shell on a terminal did not quit");
      return false;
    }
    return true;
  }

  private static void writeRandom(Path file, int size) throws IOException {
    SplittableRandom random = new SplittableRandom(size);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int left = size; left > 0; ) {
        buf.clear();
        while (buf.remaining() >= Long.BYTES) {
          buf.putLong(random.nextLong());
        }
        buf.flip().limit(Math.min(left, buf.limit()));
        left -= buf.remaining();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
