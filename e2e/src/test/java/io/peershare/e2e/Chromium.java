package io.peershare.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium ({@code chromium-headless-shell}, else {@code chromium}), run once per
 * page: {@code --dump-dom} prints the DOM after the page loaded (and ran its script), {@code
 * --screenshot} saves a PNG. The flags keep it off the network and off any profile but a fresh one.
 * {@code scripts/metrics-prereqs.sh} installs it.
 */
final class Chromium {
  private static final List<String> CANDIDATES =
      List.of(
          "/usr/bin/chromium-headless-shell",
          "/usr/lib/chromium/chromium-headless-shell",
          "/usr/bin/chromium");

  private final Path binary;
  private final Path scratch;

  private Chromium(Path binary, Path scratch) {
    this.binary = binary;
    this.scratch = scratch;
  }

  /** The browser, or empty when none is installed. */
  static Optional<Chromium> find(Path scratch) {
    return CANDIDATES.stream()
        .map(Path::of)
        .filter(Files::isExecutable)
        .findFirst()
        .map(b -> new Chromium(b, scratch));
  }

  /** The page's DOM once it has loaded. */
  String dumpDom(URI page) throws IOException, InterruptedException {
    return run(List.of("--dump-dom", page.toString()), "dom");
  }

  /** A PNG of the page in a {@code width} x {@code height} window. */
  void screenshot(URI page, Path png, int width, int height)
      throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    run(
        List.of(
            "--hide-scrollbars",
            "--window-size=" + width + "," + height,
            "--screenshot=" + png.toAbsolutePath(),
            page.toString()),
        "shot");
    if (!Files.isRegularFile(png) || Files.size(png) == 0) {
      throw new IOException("chromium made no screenshot at " + png);
    }
  }

  private String run(List<String> what, String label) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(scratch, "chromium-profile");
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--user-data-dir=" + profile,
            "--virtual-time-budget=3000"));
    cmd.addAll(what);
    Path out = scratch.resolve(label + "-out.txt");
    Path err = scratch.resolve(label + "-err.txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IOException("chromium did not finish in 90 s: " + Files.readString(err));
    }
    if (p.exitValue() != 0) {
      throw new IOException("chromium exited with " + p.exitValue() + ": " + Files.readString(err));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
