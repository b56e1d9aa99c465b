package io.peershare.e2e.netlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a {@code main} of this JVM's class path inside a lab host, to its end. */
public final class JavaMain {
  private JavaMain() {}

  /** What the run printed (stdout and stderr, in order) and how it ended. */
  public record Run(int exitCode, List<String> lines) {
    /** The value of {@code key=} in the line starting with {@code prefix}. */
    public long figure(String prefix, String key) {
      for (String line : lines) {
        if (line.startsWith(prefix)) {
          for (String field : line.split("\\s+")) {
            if (field.startsWith(key + "=")) {
              return Long.parseLong(field.substring(key.length() + 1));
            }
          }
        }
      }
      throw new AssertionError("no " + prefix + " line with " + key + "= in " + lines);
    }
  }

  /**
   * Runs {@code mainClass args...} in {@code host} with this JVM's java and class path, its output
   * going to {@code log}; kills it after {@code patience}.
   */
  public static Run run(Host host, Path log, Duration patience, Class<?> mainClass, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(host.command(cmd))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            mainClass.getSimpleName()
                + " did not end within "
                + patience
                + "; it printed "
                + Files.readAllLines(log));
      }
      return new Run(p.exitValue(), Files.readAllLines(log));
    } finally {
      p.destroyForcibly();
    }
  }
}
