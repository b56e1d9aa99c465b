package io.peershare.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What one run of the {@code peershare} launcher printed, and how it ended. */
record Launch(int code, List<String> out, List<String> err) {

  /**
   * Starts {@code pb} with no input and its output and errors in files under {@code tmp}; fails the
   * test when it has not ended within {@code patience}.
   */
  static Launch run(ProcessBuilder pb, Path tmp, Duration patience)
      throws IOException, InterruptedException {
    pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the launcher did not end: " + Files.readString(tmp.resolve("err")));
    }
    return new Launch(
        p.exitValue(),
        Files.readAllLines(tmp.resolve("out"), UTF_8),
        Files.readAllLines(tmp.resolve("err"), UTF_8));
  }
}
