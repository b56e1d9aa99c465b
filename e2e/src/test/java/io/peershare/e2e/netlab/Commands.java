package io.peershare.e2e.netlab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the lab's short administrative commands ({@code ip}, {@code nft}, {@code tc}) to the end.
 */
final class Commands {
  private static final long TIMEOUT_SECONDS = 30;

  private Commands() {}

  /** What a finished command printed (stdout and stderr together) and its exit code. */
  record Result(List<String> command, int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    /** Throws unless the command succeeded; the message holds the command and what it printed. */
    Result orThrow() {
      if (!ok()) {
        throw new IllegalStateException(
            "netlab: `"
                + String.join(" ", command)
                + "` failed ("
                + exitCode
                + "): "
                + output.strip());
      }
      return this;
    }
  }

  /** Runs {@code command} with standard input {@code stdin} (may be null). */
  static Result run(String stdin, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    try {
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out = readAll(p.getInputStream());
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(command, -1, out + " (timed out)");
      }
      return new Result(command, p.exitValue(), out);
    } catch (IOException e) {
      return new Result(command, 127, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  static Result run(String... command) {
    return run(null, List.of(command));
  }

  private static String readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The absolute path of an executable, looked up in $PATH and then in the sbin folders a non-login
   * root shell may lack.
   */
  static Optional<String> which(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p.toString());
      }
    }
    return Optional.empty();
  }
}
