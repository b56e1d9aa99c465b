package io.peershare.e2e;

import java.nio.file.Path;
import java.util.List;

/** A {@code peershare} command that ran to its end: exit code and what it printed. */
record Run(int exitCode, List<String> out, List<String> err) {
  /** Runs {@code peershare args...} in {@code workDir} and waits for it to end. */
  static Run of(Path workDir, String... args) throws Exception {
    try (PeershareProcess p = PeershareProcess.start("cmd", workDir, args)) {
      return finish(p);
    }
  }

  /** Waits for a started process to end and collects its output. */
  static Run finish(PeershareProcess p) throws Exception {
    int code = p.awaitExit();
    return new Run(code, p.stdout(), p.stderr());
  }
}
