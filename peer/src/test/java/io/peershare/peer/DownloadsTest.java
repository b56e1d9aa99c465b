package io.peershare.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.peer.download.ProgressListener;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What {@link Downloads} makes of the progress a download reports, on a controlled clock. */
class DownloadsTest {
  private static final Provider BAD =
      new Provider(PeerName.of("bad"), InetAddress.getLoopbackAddress(), 4000);
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(1000 * SECOND);
  private final Downloads downloads = new Downloads(now::get);
  private final List<String> told = new ArrayList<>();
  private final ProgressListener caller =
      new ProgressListener() {
        @Override
        public void started(ContentName content, long size, long alreadyVerified) {
          told.add("started " + content);
        }

        @Override
        public void progress(long verifiedBytes, long totalBytes) {
          told.add("progress " + verifiedBytes);
        }

        @Override
        public void pieceRejected(int piece, Provider provider) {
          told.add("piece " + piece);
        }

        @Override
        public void finished(Path file) {
          told.add("finished");
        }

        @Override
        public void failed(Exception cause) {
          told.add("failed " + cause.getMessage());
        }
      };

  @Test
  void countsVerifiedBytesButNotWhatAResumedRunHad() {
    ProgressListener l = downloads.begin(ContentName.of("movie"), caller);
    l.started(ContentName.of("movie"), 1000, 300); // an earlier run verified 300 bytes
    l.progress(500, 1000);
    l.progress(400, 1000); // never backwards
    l.progress(1000, 1000);
    l.finished(Path.of("movie"));
    downloads.end(l, true);

    assertThat(downloads.bytesDownloaded()).isEqualTo(700);
    assertThat(downloads.succeeded()).isEqualTo(1);
    assertThat(downloads.failed()).isZero();
    assertThat(downloads.active()).isEmpty();
    assertThat(told)
        .containsExactly(
            "started movie", "progress 500", "progress 400", "progress 1000", "finished");
  }

  @Test
  void countsFailuresAndWrongPieces() {
    ProgressListener l = downloads.begin(ContentName.of("movie"), caller);
    l.started(ContentName.of("movie"), 10 << 20, 0);
    l.pieceRejected(3, BAD);
    l.pieceRejected(7, BAD);
    l.failed(new IOException("disk full"));
    downloads.end(l, false);
    downloads.end(l, false); // once only

    assertThat(downloads.pieceFailures()).isEqualTo(2);
    assertThat(downloads.failed()).isEqualTo(1);
    assertThat(downloads.succeeded()).isZero();
    assertThat(told).contains("piece 3", "piece 7", "failed disk full"); // the caller hears all
  }

  @Test
  void showsDownloadsUnderWayWithTheirRateOverTheLastSeconds() {
    ProgressListener a = downloads.begin(ContentName.of("first"), caller);
    now.addAndGet(SECOND);
    ProgressListener b = downloads.begin(ContentName.of("second"), caller);
    assertThat(downloads.active())
        .extracting(Downloads.Active::content, Downloads.Active::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ContentName.of("first"), -1L), // still looking for providers
            org.assertj.core.groups.Tuple.tuple(ContentName.of("second"), -1L));

    a.started(ContentName.of("first"), 100_000_000, 0);
    for (int s = 1; s <= 10; s++) { // 1 MB a second for 10 s
      now.addAndGet(SECOND);
      a.progress(s * 1_000_000L, 100_000_000);
    }
    Downloads.Active first = downloads.active().get(0);
    assertThat(first.verified()).isEqualTo(10_000_000);
    assertThat(first.bytesPerSecond()).isEqualTo(1_000_000);
    assertThat(first.seconds()).isEqualTo(11);

    now.addAndGet(5 * SECOND / 2); // stalled for 2.5 s: half the window had nothing
    assertThat(downloads.active().get(0).bytesPerSecond()).isEqualTo(500_000);
    now.addAndGet(5 * SECOND);
    assertThat(downloads.active().get(0).bytesPerSecond()).isZero();

    downloads.end(a, true);
    assertThat(downloads.active())
        .extracting(Downloads.Active::content)
        .containsExactly(ContentName.of("second"));
    downloads.end(b, false);
  }
}
