package io.peershare.e2e;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One real {@code peershare} process (the cli's main class on this JVM's class path), with its
 * standard input to type into and its output collected line by line to wait on.
 */
final class PeershareProcess implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private final String label;
  private final Process process;
  private final Writer stdin;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();

  private PeershareProcess(String label, Process process) {
    this.label = label;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    pumps.add(pump(process.getInputStream(), out, label + "-out"));
    pumps.add(pump(process.getErrorStream(), err, label + "-err"));
  }

  /**
   * Starts {@code peershare index} on 127.0.0.1:{@code port} with the given lease and any {@code
   * more} options (such as {@code --store}).
   */
  static PeershareProcess startIndex(Path workDir, int port, int leaseSeconds, String... more)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "index",
                "--bind",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--lease",
                String.valueOf(leaseSeconds)));
    args.addAll(List.of(more));
    return start("index", workDir, args.toArray(String[]::new));
  }

  /** Starts {@code peershare args...} in {@code workDir}. */
  static PeershareProcess start(String label, Path workDir, String... args) throws IOException {
    return start(label, workDir, cmd -> cmd, Map.of(), args);
  }

  /**
   * Starts {@code peershare args...} in {@code workDir} with {@code env} added to its environment.
   */
  static PeershareProcess start(String label, Path workDir, Map<String, String> env, String... args)
      throws IOException {
    return start(label, workDir, cmd -> cmd, env, args);
  }

  /**
   * Starts {@code peershare args...} in {@code workDir}, its command line passed through {@code
   * launcher} first (e.g. to run it inside a network namespace of a netlab host).
   */
  static PeershareProcess start(
      String label, Path workDir, UnaryOperator<List<String>> launcher, String... args)
      throws IOException {
    return start(label, workDir, launcher, Map.of(), args);
  }

  private static PeershareProcess start(
      String label,
      Path workDir,
      UnaryOperator<List<String>> launcher,
      Map<String, String> env,
      String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    // as ./peershare runs it: the index loads Netty's native transport (JNI)
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.peershare.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(launcher.apply(cmd)).directory(workDir.toFile());
    pb.environment().put("PEERSHARE_CACHE", workDir.resolve(".cache").toString());
    pb.environment().remove("PEERSHARE_INDEX");
    pb.environment().remove("PEERSHARE_LOG");
    pb.environment().putAll(env);
    return new PeershareProcess(label, pb.start());
  }

  private static Thread pump(InputStream in, List<String> sink, String name) {
    Thread t =
        Thread.ofVirtual()
            .name(name)
            .start(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                      synchronized (sink) {
                        sink.add(line);
                      }
                    }
                  } catch (IOException e) {
                    // the process went away
                  }
                });
    return t;
  }

  /** Types a line into the process. */
  PeershareProcess type(String line) {
    try {
      stdin.write(line + "\n");
      stdin.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(label + " no longer reads its input", e);
    }
  }

  /** Closes standard input (end of file, as Ctrl-D). */
  void endInput() throws IOException {
    stdin.close();
  }

  /**
   * Waits until a line of standard output matching {@code regex} appears after line {@code from};
   * returns its index.
   */
  int awaitOut(int from, String regex) {
    return awaitLine(out, from, regex, "prints");
  }

  int awaitOut(String regex) {
    return awaitOut(0, regex);
  }

  /**
   * Waits until {@code share} prints that it registered the content {@code name} ("registered NAME
   * port N"); returns the line's index.
   */
  int awaitRegistered(String name) {
    return awaitOut("^registered " + Pattern.quote(name) + " port \\d+$");
  }

  /** Waits until a line of standard error (where logs go) matches {@code regex}. */
  int awaitErr(String regex) {
    return awaitLine(err, 0, regex, "logs");
  }

  private int awaitLine(List<String> lines, int from, String regex, String verb) {
    Pattern p = Pattern.compile(regex);
    int[] found = {-1};
    try {
      await(label + " " + verb + " /" + regex + "/")
          .atMost(PATIENCE)
          .until(
              () -> {
                synchronized (lines) {
                  for (int i = from; i < lines.size(); i++) {
                    if (p.matcher(lines.get(i)).find()) {
                      found[0] = i;
                      return true;
                    }
                  }
                }
                return false;
              });
    } catch (ConditionTimeoutException e) {
      // what it printed by the end of the wait, not at its start
      throw new AssertionError(
          e.getMessage() + "; it printed: " + stdout() + " / " + stderr() + alive(), e);
    }
    return found[0];
  }

  private String alive() {
    return process.isAlive() ? "" : " and exited with " + process.exitValue();
  }

  /** The first group of the first line of standard output matching {@code regex}, once it shows. */
  String awaitOutGroup(String regex) {
    int line = awaitOut(regex);
    Matcher m = Pattern.compile(regex).matcher(stdout().get(line));
    if (!m.find()) {
      throw new AssertionError("no match in a line that matched " + regex);
    }
    return m.group(1);
  }

  /** Where {@code --metrics} serves, from the line the command prints: http://HOST:PORT/. */
  java.net.URI metricsUrl() {
    return java.net.URI.create(awaitOutGroup("^metrics on (http://\\S+/) "));
  }

  int outLines() {
    synchronized (out) {
      return out.size();
    }
  }

  List<String> stdout() {
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  List<String> stderr() {
    synchronized (err) {
      return List.copyOf(err);
    }
  }

  /** Waits for the process to end and returns its exit code. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(label + " did not exit; it printed " + stdout() + " / " + stderr());
    }
    for (Thread t : pumps) {
      t.join(PATIENCE.toMillis()); // what the process printed last is read to the end
    }
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM. */
  void terminate() {
    process.destroy();
  }

  /**
   * SIGTERM, as a service manager sends it, still reading what the process prints while it stops:
   * {@link Process#destroy()} closes its output streams after the signal, its handle does not.
   */
  void sigterm() {
    process.toHandle().destroy();
  }

  /** SIGKILL: no chance to say goodbye. */
  void kill() {
    process.destroyForcibly();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public String toString() {
    return label;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // close() must not throw it: -Xlint:try
      }
    }
  }
}
