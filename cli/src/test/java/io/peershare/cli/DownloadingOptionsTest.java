package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The download options a command line turns into. */
class DownloadingOptionsTest {
  private static GetCommand parse(String... args) {
    GetCommand get = new GetCommand();
    new CommandLine(get.spec).parseArgs(args);
    return get;
  }

  @Test
  void fsyncIsOffUnlessAskedFor() {
    assertThat(parse("movie").downloading.toOptions().fsync()).isFalse();
    assertThat(parse("movie", "--fsync").downloading.toOptions().fsync()).isTrue();
  }

  @Test
  void sourcesAndRateCapCarryOver() {
    var options =
        parse("movie", "--sources", "3", "--download-limit", "5MB").downloading.toOptions();

    assertThat(options.maxSources()).isEqualTo(3);
    assertThat(options.downloadBytesPerSecond()).isEqualTo(5_000_000);
  }
}
