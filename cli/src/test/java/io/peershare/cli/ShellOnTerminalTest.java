package io.peershare.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.peershare.index.IndexServer;
import io.peershare.peer.PeerConfig;
import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.protocol.Addresses;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestBytes;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Size;
import org.jline.terminal.impl.jni.JniNativePty;
import org.jline.terminal.impl.jni.JniTerminalProvider;
import org.jline.terminal.spi.Pty;
import org.jline.utils.InfoCmp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code peer} command as a person runs it: a real process on a pseudo-terminal, so the shell
 * gets JLine's system terminal (made while the peer starts), with line editing and Ctrl-D.
 */
class ShellOnTerminalTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void showsItsPromptRunsCommandsAndQuitsOnCtrlD() throws Exception {
    Pty pty = openPty();
    Path dir = Files.createDirectories(tmp.resolve("mai"));
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Path classes = tmp.resolve("class-init.log");
    try (pty;
        IndexServer index = new IndexServer(IndexServer.Config.loopback()).start()) {
      Process peer =
          startPeer(pty, List.of(), List.of("-Xlog:class+init=info:file=" + classes), index, dir);
      try {
        StringBuffer screen = watch(pty);
        OutputStream keys = pty.getMasterOutput();

        await().atMost(PATIENCE).until(() -> screen.indexOf("mai> ") >= 0);
        // the terminal's encoding without JLine's look-up of code page 0 ("ms0", "cp0"), which
        // loaded the JDK's extended charsets on the way to every prompt
        assertThat(Files.readAllLines(classes))
            .noneSatisfy(l -> assertThat(l).contains("sun/nio/cs/ext/ExtendedCharsets"));
        type(keys, "R notes\t\r"); // completion of a file name of the folder
        await().atMost(PATIENCE).until(() -> screen.indexOf("Registered 'notes.txt'") >= 0);
        type(keys, "Lx\u007f\r"); // a typo, erased with Backspace
        await().atMost(PATIENCE).until(() -> screen.indexOf("1  notes.txt") >= 0);
        type(keys, "\u0004"); // Ctrl-D on an empty line: quit

        assertThat(peer.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(peer.exitValue()).isZero();
        await().atMost(PATIENCE).until(() -> screen.indexOf("Bye.") >= 0);
        assertThat(screen.toString())
            .contains("Peer 'mai' is up")
            .contains("Deregistered your one content")
            .doesNotContain("Exception")
            .doesNotContain("Unknown command");
      } finally {
        peer.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * With JLine's native library where the launcher puts it ({@code library.jline.path}), the shell
   * reaches its prompt without setting {@code java.util.logging} up: JLine's loader and log, as
   * JLine ships them, did on the way to every prompt, and that searched every jar of the class path
   * for a logger finder (org.jline.utils.Log, org.jline.nativ.JLineNativeLoader: ours). JLine's
   * warnings still reach it when there are any ({@code JLineShadowsTest}).
   */
  @Test
  void reachesItsPromptWithoutSettingJavaUtilLoggingUp() throws Exception {
    String folder =
        "org/jline/nativ/" + org.jline.nativ.OSInfo.getNativeLibFolderPathForCurrentOS();
    String library = System.mapLibraryName("jlinenative");
    assumeThat(getClass().getResource("/" + folder + "/" + library)).isNotNull();
    // as the build unpacks it for the launcher
    Path natives = Files.createDirectories(tmp.resolve("native").resolve(folder));
    try (InputStream in = getClass().getResourceAsStream("/" + folder + "/" + library)) {
      Files.copy(in, natives.resolve(library));
    }
    Pty pty = openPty();
    Path dir = Files.createDirectories(tmp.resolve("mai"));
    Path classes = tmp.resolve("class-init.log");
    try (pty;
        IndexServer index = new IndexServer(IndexServer.Config.loopback()).start()) {
      List<String> jvm =
          List.of("-Dlibrary.jline.path=" + natives, "-Xlog:class+init=info:file=" + classes);
      Process peer = startPeer(pty, List.of(), jvm, index, dir);
      try {
        StringBuffer screen = watch(pty);
        await().atMost(PATIENCE).until(() -> screen.indexOf("mai> ") >= 0);
        assertThat(Files.readAllLines(classes))
            .noneSatisfy(l -> assertThat(l).contains("java/util/logging/LogManager"));
        type(pty.getMasterOutput(), "Q\r");
        assertThat(peer.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(peer.exitValue()).isZero();
        await().atMost(PATIENCE).until(() -> screen.indexOf("Bye.") >= 0);
      } finally {
        peer.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * The lines typed at the prompt are kept in the folder's history file, and the next shell there
   * recalls them with Up; Tab completes the command word. The line reader is made on the terminal's
   * thread before the folder is known, so the history file and the completion are set afterwards.
   */
  @Test
  void aLaterShellInTheSameFolderRecallsTheLinesOfAnEarlierOne() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mai"));
    try (IndexServer index = new IndexServer(IndexServer.Config.loopback()).start()) {
      for (int session = 1; session <= 2; session++) {
        Pty pty = openPty();
        try (pty) {
          Process peer = startPeer(pty, List.of(), index, dir);
          try {
            StringBuffer screen = watch(pty);
            OutputStream keys = pty.getMasterOutput();
            await().atMost(PATIENCE).until(() -> screen.indexOf("mai> ") >= 0);
            int before = screen.length();
            if (session == 1) {
              type(keys, "hel\t\r"); // Tab completes the command word
              await().atMost(PATIENCE).until(() -> screen.indexOf("Commands", before) >= 0);
              type(keys, "L\r");
            } else {
              type(
                  keys, "\u001bOA\r"); // Up (kcuu1 of xterm): the last line of the earlier shell, L
            }
            await()
                .atMost(PATIENCE)
                .until(() -> screen.indexOf("You share nothing yet.", before) >= 0);
            type(keys, "\u0004");
            assertThat(peer.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(peer.exitValue()).isZero();
            assertThat(screen.toString()).doesNotContain("Unknown command");
          } finally {
            peer.destroyForcibly().waitFor();
          }
        }
      }
    }
    assertThat(Files.readAllLines(dir.resolve(".peershare/history")))
        .anySatisfy(l -> assertThat(l).endsWith("L"));
  }

  /**
   * Ctrl-C while a download runs cancels the download, not the peer: the part file stays, the
   * prompt comes back, and the next D resumes. The peer runs as a session of its own on the
   * pseudo-terminal ({@code setsid --ctty}) so that the ^C typed there is a SIGINT to it, as at a
   * person's terminal.
   */
  @Test
  void ctrlCCancelsARunningDownloadAndTheNextOneResumesIt() throws Exception {
    Pty pty = openPty();
    assumeThat(Files.isExecutable(Path.of("/usr/bin/setsid"))).as("util-linux setsid").isTrue();
    assumeThat(defaultSignalWorks()).as("coreutils env --default-signal (8.31 or newer)").isTrue();
    byte[] data = TestBytes.random(8 << 20, 16);
    Path dir = Files.createDirectories(tmp.resolve("mai"));
    try (pty;
        IndexServer index = new IndexServer(IndexServer.Config.loopback()).start()) {
      // 8 MiB at 512 KiB/s: sixteen seconds, time enough to see it under way and press Ctrl-C
      PeerNode slow =
          provider(
              "slow", index, data, ServeOptions.defaults().withUploadBytesPerSecond(512 << 10));
      // env --default-signal=INT: a test run started in the background of a script (as CI may
      // be) inherits SIGINT ignored, and a JVM started so never sees a Ctrl-C; at a person's
      // terminal it is never ignored
      Process peer =
          startPeer(
              pty,
              List.of(
                  "/usr/bin/env", "--default-signal=INT", "/usr/bin/setsid", "--ctty", "--wait"),
              index,
              dir);
      try {
        StringBuffer screen = watch(pty);
        OutputStream keys = pty.getMasterOutput();

        await().atMost(PATIENCE).until(() -> screen.indexOf("mai> ") >= 0);
        type(keys, "D big\r");
        // the progress bar, once a piece is verified (a piece is 1 MiB: one eighth)
        await()
            .atMost(PATIENCE)
            .until(() -> screen.toString().matches("(?s).* (1[2-9]|[2-9]\\d)% .*"));
        type(keys, "\u0003"); // Ctrl-C
        await()
            .atMost(PATIENCE)
            .until(() -> screen.indexOf("Download of 'big' cancelled") >= 0 || !peer.isAlive());
        assertThat(peer.isAlive()).as("the peer after Ctrl-C in a download").isTrue();
        assertThat(dir.resolve(".big.part")).exists();
        assertThat(dir.resolve("big")).doesNotExist();

        int before = screen.length();
        type(keys, "L\r");
        await().atMost(PATIENCE).until(() -> screen.indexOf("You share nothing yet.", before) >= 0);

        slow.close(); // a provider at full speed finishes what the slow one began
        PeerNode fast = provider("fast", index, data, ServeOptions.defaults());
        try {
          type(keys, "D big\r");
          await().atMost(PATIENCE).until(() -> screen.indexOf("Downloaded 'big'") >= 0);
          assertThat(screen.substring(before)).contains("Resuming: ");
          assertThat(Files.readAllBytes(dir.resolve("big"))).isEqualTo(data);

          type(keys, "\u0003"); // Ctrl-C at the prompt: quit, as before
          assertThat(peer.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
          assertThat(peer.exitValue()).isZero();
          await().atMost(PATIENCE).until(() -> screen.indexOf("Bye.") >= 0);
        } finally {
          fast.close();
        }
        assertThat(screen.toString())
            .contains("Deregistered your one content")
            .doesNotContain("Exception")
            .doesNotContain("Could not download");
      } finally {
        peer.destroyForcibly().waitFor();
        slow.close();
      }
    }
  }

  /**
   * The shell's terminal is made from the start, before the command line is parsed: a peer that
   * does not start (a bad option, a missing folder) still says why in one line and exits.
   */
  @Test
  void aShellThatCannotStartSaysWhyInOneLineAndExits() throws Exception {
    for (var c :
        List.of(
            List.of("1", "peershare: the folder ", "peer", "--name", "mai", "--dir", "nowhere"),
            List.of("2", "peershare: Missing required option: '--name=<name>'", "peer"))) {
      Pty pty = openPty();
      try (pty) {
        StringBuffer screen = watch(pty);
        Process peer = start(pty, List.of(), c.subList(2, c.size()).toArray(String[]::new));
        try {
          assertThat(peer.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
          assertThat(peer.exitValue()).as(c.toString()).isEqualTo(Integer.parseInt(c.get(0)));
          await().atMost(PATIENCE).until(() -> screen.indexOf(c.get(1)) >= 0);
          assertThat(screen.toString()).doesNotContain("Exception").doesNotContain("mai> ");
        } finally {
          peer.destroyForcibly().waitFor();
        }
      }
    }
  }

  @Test
  void takesJLinesOwnDescriptionOfCommonTerminalsInsteadOfAskingInfocmp() {
    // JLine keeps descriptions per JVM: one an earlier test had infocmp make stays
    String before = InfoCmp.getLoadedInfoCmp("screen-256color");
    assertThat(TerminalConsole.useBuiltInDescription("screen-256color")).isTrue();
    assertThat(InfoCmp.getLoadedInfoCmp("screen-256color"))
        .isEqualTo(before != null ? before : InfoCmp.getDefaultInfoCmp("screen-256color"))
        .contains("kcuu1=");

    // tmux's types: the screen type they extend, under their own name
    String tmuxBefore = InfoCmp.getLoadedInfoCmp("tmux-256color");
    assertThat(TerminalConsole.useBuiltInDescription("tmux-256color")).isTrue();
    assertThat(InfoCmp.getLoadedInfoCmp("tmux-256color"))
        .isEqualTo(tmuxBefore != null ? tmuxBefore : InfoCmp.getDefaultInfoCmp("screen-256color"))
        .contains("kcuu1=");

    for (String other : List.of("vt100", "tmux-direct", "")) {
      assertThat(TerminalConsole.useBuiltInDescription(other)).as(other).isFalse();
    }
    assertThat(TerminalConsole.useBuiltInDescription(null)).isFalse();
  }

  /** A pseudo-terminal of 100 columns, or the test is skipped where JLine's library is missing. */
  private static Pty openPty() {
    try {
      return new JniTerminalProvider().open(null, new Size(100, 24));
    } catch (IOException | RuntimeException | LinkageError e) {
      assumeThat(e).as("a pseudo-terminal through JLine's native library").isNull();
      throw new AssertionError(e);
    }
  }

  /** {@code peershare peer --name mai} on {@code pty}, run through {@code launcher} (if any). */
  private static boolean defaultSignalWorks() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/usr/bin/env", "--default-signal=INT", "true")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return p.waitFor() == 0;
  }

  private Process startPeer(Pty pty, List<String> launcher, IndexServer index, Path dir)
      throws IOException {
    return startPeer(pty, launcher, List.of(), index, dir);
  }

  /** {@code peershare peer --name mai} on {@code pty}, its JVM with {@code jvm} options. */
  private Process startPeer(
      Pty pty, List<String> launcher, List<String> jvm, IndexServer index, Path dir)
      throws IOException {
    return start(
        pty,
        launcher,
        jvm,
        "peer",
        "--name",
        "mai",
        "--index",
        Addresses.format(index.localAddress()),
        "--dir",
        dir.toString());
  }

  /** {@code peershare args...} on {@code pty}, run through {@code launcher} (if any). */
  private Process start(Pty pty, List<String> launcher, String... args) throws IOException {
    return start(pty, launcher, List.of(), args);
  }

  /** {@link #start(Pty, List, String...)}, its JVM with {@code jvm} options. */
  private Process start(Pty pty, List<String> launcher, List<String> jvm, String... args)
      throws IOException {
    File tty = new File(((JniNativePty) pty).getName());
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectInput(tty).redirectOutput(tty).redirectError(tty);
    pb.environment().put("TERM", "xterm-256color");
    pb.environment().put("PEERSHARE_CACHE", tmp.resolve("cache").toString());
    return pb.start();
  }

  /** A peer in this JVM sharing {@code data} as {@code big}. */
  private PeerNode provider(String name, IndexServer index, byte[] data, ServeOptions serve)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.write(dir.resolve("big"), data);
    PeerNode node =
        PeerNode.start(
            new PeerConfig(
                PeerName.of(name), index.localAddress(), dir, serve, DownloadOptions.defaults()));
    node.register(ContentName.of("big"));
    return node;
  }

  private static void type(OutputStream keys, String text) throws IOException {
    keys.write(text.getBytes(UTF_8));
    keys.flush();
  }

  /** What the terminal shows, kept as it comes. */
  private static StringBuffer watch(Pty pty) throws IOException {
    StringBuffer screen = new StringBuffer();
    InputStream shown = pty.getMasterInput();
    Thread.ofPlatform().daemon().start(() -> read(shown, screen));
    return screen;
  }

  /** Keeps what the terminal shows (the shell blocks when nobody reads its screen). */
  private static void read(InputStream in, StringBuffer screen) {
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        screen.append(new String(buf, 0, n, UTF_8));
      }
    } catch (IOException e) {
      // the terminal closed
    }
  }
}
