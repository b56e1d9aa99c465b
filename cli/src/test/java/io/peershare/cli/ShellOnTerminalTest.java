package io.peershare.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.peershare.index.IndexServer;
import io.peershare.protocol.Addresses;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    Pty pty;
    try {
      pty = new JniTerminalProvider().open(null, new Size(100, 24));
    } catch (IOException | RuntimeException | LinkageError e) {
      assumeThat(e).as("a pseudo-terminal through JLine's native library").isNull();
      return;
    }
    Path dir = Files.createDirectories(tmp.resolve("mai"));
    Files.writeString(dir.resolve("notes.txt"), "hello");
    try (pty;
        IndexServer index = new IndexServer(IndexServer.Config.loopback()).start()) {
      File tty = new File(((JniNativePty) pty).getName());
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "peer",
                  "--name",
                  "mai",
                  "--index",
                  Addresses.format(index.localAddress()),
                  "--dir",
                  dir.toString())
              .redirectInput(tty)
              .redirectOutput(tty)
              .redirectError(tty);
      pb.environment().put("TERM", "xterm-256color");
      pb.environment().put("PEERSHARE_CACHE", tmp.resolve("cache").toString());
      Process peer = pb.start();
      try {
        StringBuffer screen = new StringBuffer();
        InputStream shown = pty.getMasterInput();
        Thread.ofPlatform().daemon().start(() -> read(shown, screen));
        OutputStream keys = pty.getMasterOutput();

        await().atMost(PATIENCE).until(() -> screen.indexOf("mai> ") >= 0);
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

  @Test
  void takesJLinesOwnDescriptionOfCommonTerminalsInsteadOfAskingInfocmp() {
    // JLine keeps descriptions per JVM: one an earlier test had infocmp make stays
    String before = InfoCmp.getLoadedInfoCmp("screen-256color");
    assertThat(TerminalConsole.useBuiltInDescription("screen-256color")).isTrue();
    assertThat(InfoCmp.getLoadedInfoCmp("screen-256color"))
        .isEqualTo(before != null ? before : InfoCmp.getDefaultInfoCmp("screen-256color"))
        .contains("kcuu1=");

    for (String other : List.of("tmux-256color", "vt100", "")) {
      assertThat(TerminalConsole.useBuiltInDescription(other)).as(other).isFalse();
    }
    assertThat(TerminalConsole.useBuiltInDescription(null)).isFalse();
  }

  private static void type(OutputStream keys, String text) throws IOException {
    keys.write(text.getBytes(UTF_8));
    keys.flush();
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
