package io.peershare.e2e;

/** The one line a test prints when a tool it needs is not installed, and why. */
final class Skips {
  private Skips() {}

  static final String CHROMIUM =
      "skipped: no headless Chromium here (scripts/metrics-prereqs.sh installs"
          + " chromium-headless-shell); the status page is not checked in a browser";

  static final String PROMETHEUS =
      "skipped: no Prometheus here (scripts/metrics-prereqs.sh installs prometheus);"
          + " /metrics is not scraped by a real Prometheus";

  /** Skips the calling test, saying why in one line on the build's output, unless {@code ok}. */
  static void unless(boolean ok, String line) {
    if (!ok) {
      System.out.println(line);
      org.junit.jupiter.api.Assumptions.abort(line);
    }
  }
}
