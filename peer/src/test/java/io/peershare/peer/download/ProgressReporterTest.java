package io.peershare.peer.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.ContentName;
import io.peershare.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a listener hears of the progress: at most every 100 ms, never backwards, the end always. */
class ProgressReporterTest {
  private static final long TOTAL = 10_000;

  private final TestClock clock = new TestClock();
  private final List<String> heard = new ArrayList<>();
  private final ProgressReporter reporter =
      new ProgressReporter(
          new ProgressListener() {
            @Override
            public void started(ContentName content, long size, long alreadyVerified) {
              heard.add("started " + content + " " + size + " " + alreadyVerified);
            }

            @Override
            public void progress(long verifiedBytes, long totalBytes) {
              heard.add(verifiedBytes + "/" + totalBytes);
            }

            @Override
            public void received(long bytes) {
              heard.add("received " + bytes);
            }

            @Override
            public void finished(Path file) {
              heard.add("finished " + file);
            }
          },
          TOTAL,
          clock);

  @Test
  void reportsTheFirstProgressThenAtMostEveryIntervalAndTheLastPieceAlways() {
    reporter.started(ContentName.of("f"), 0);
    reporter.verified(1_000); // the first: heard at once
    clock.advance(Duration.ofMillis(ProgressReporter.INTERVAL_MILLIS - 1));
    reporter.verified(2_000); // too soon
    clock.advance(Duration.ofMillis(1));
    reporter.verified(3_000);
    reporter.verified(TOTAL); // the last piece, however soon

    assertThat(heard)
        .containsExactly("started f 10000 0", "1000/10000", "3000/10000", "10000/10000");
  }

  @Test
  void neverReportsGoingBackwards() {
    reporter.verified(5_000);
    clock.advance(Duration.ofSeconds(1));
    reporter.verified(4_000); // pieces may be counted out of order
    reporter.verified(5_000);
    clock.advance(Duration.ofSeconds(1));
    reporter.verified(6_000);

    assertThat(heard).containsExactly("5000/10000", "6000/10000");
  }

  @Test
  void theBytesReceivedAreSaidOnce() {
    reporter.received(TOTAL);
    reporter.received(TOTAL); // the move into place failed after the transfer ended

    assertThat(heard).containsExactly("received 10000");
  }

  @Test
  void finishingReportsTheWholeSizeThenTheFile() {
    reporter.verified(1_000);

    reporter.finished(Path.of("f"));

    assertThat(heard).containsExactly("1000/10000", "10000/10000", "finished f");
  }
}
