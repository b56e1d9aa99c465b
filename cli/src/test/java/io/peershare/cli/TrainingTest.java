package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's training workload runs every command it names, and leaves nothing behind. */
class TrainingTest {
  @TempDir Path dir;

  @Test
  void runsItsWorkloadAndCleansUp() throws Exception {
    int code = Training.run(dir, 3 * (1 << 20) + 123);

    assertThat(code).isZero();
    assertThat(dir).isEmptyDirectory();
  }
}
