package io.peershare.peer.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The writer behind the readers, against a disk that writes only when the test lets it: a reader
 * never waits for a write while there is room, waits when there is none, and a piece counts only
 * once it is written.
 */
class PieceWriterTest {
  private static final int DEPTH = 3;

  /** Writes a piece each time the test releases a permit; fails when told to. */
  private static final class GatedDisk implements PieceWriter.Disk {
    final Semaphore permits = new Semaphore(0);
    final List<Long> writtenAt = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public boolean writesDirect(long offset, ByteBuffer data) {
      return true;
    }

    @Override
    public void writePiece(long offset, ByteBuffer data) throws IOException {
      permits.acquireUninterruptibly();
      if (failing) {
        throw new IOException("No space left on device");
      }
      data.position(data.limit());
      writtenAt.add(offset);
    }
  }

  private final GatedDisk disk = new GatedDisk();
  private final List<Integer> written = new CopyOnWriteArrayList<>();
  private final List<Integer> dropped = new CopyOnWriteArrayList<>();
  private final List<Throwable> fatal = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final PieceWriter writer =
      new PieceWriter(
          disk,
          new PieceWriter.Outcome() {
            @Override
            public void written(int piece) {
              written.add(piece);
            }

            @Override
            public void dropped(int piece) {
              dropped.add(piece);
            }
          },
          fatal::add,
          threads,
          DEPTH);

  @AfterEach
  void close() {
    disk.permits.release(1000);
    writer.close();
    threads.shutdownNow();
  }

  private static ByteBuffer full() {
    return PartFile.newPieceBuffer().position(PartFile.ALIGNMENT).flip();
  }

  @Test
  void aReaderGetsAnotherBufferAtOnceWhileTheDiskIsBusyAndThePieceCountsOnlyOnceWritten() {
    ByteBuffer first = full();

    ByteBuffer next = writer.writeBehind(0, 0, first);

    assertThat(next).isNotSameAs(first);
    assertThat(next.position()).isZero();
    assertThat(next.limit()).isEqualTo(next.capacity());
    assertThat(written).as("not written yet: it does not count").isEmpty();
    disk.permits.release();
    await().until(() -> written.equals(List.of(0)));
    assertThat(dropped).isEmpty();
  }

  @Test
  void aFullQueueHoldsTheReaderUntilThePieceAheadIsWritten() throws Exception {
    for (int i = 0; i < DEPTH; i++) {
      writer.writeBehind(i, (long) i * PartFile.ALIGNMENT, full());
    }
    Future<ByteBuffer> held =
        threads.submit(() -> writer.writeBehind(DEPTH, (long) DEPTH * PartFile.ALIGNMENT, full()));

    await().during(java.time.Duration.ofMillis(200)).until(() -> !held.isDone());
    disk.permits.release();

    assertThat(held.get()).isNotNull();
    disk.permits.release(DEPTH);
    await().until(() -> written.size() == DEPTH + 1);
    assertThat(written).containsExactly(0, 1, 2, 3);
  }

  @Test
  void buffersStayFewWhateverTheNumberOfPieces() {
    Set<ByteBuffer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    disk.permits.release(10_000);
    ByteBuffer reading = full();
    seen.add(reading);
    for (int i = 0; i < 200; i++) {
      reading =
          writer.writeBehind(
              i, (long) i * PartFile.ALIGNMENT, reading.position(PartFile.ALIGNMENT).flip());
      seen.add(reading);
    }
    await().until(() -> written.size() == 200);

    assertThat(seen)
        .as("one reader's buffer and at most DEPTH more")
        .hasSizeLessThanOrEqualTo(1 + DEPTH);
  }

  @Test
  void aFailedWriteEndsTheDownloadOnceAndTheRestAreDroppedUnwritten() {
    disk.failing = true;
    for (int i = 0; i < DEPTH; i++) {
      writer.writeBehind(i, (long) i * PartFile.ALIGNMENT, full());
    }
    disk.permits.release(DEPTH);
    await().until(() -> dropped.size() == DEPTH);

    ByteBuffer late = full();
    assertThat(writer.writeBehind(9, 9L * PartFile.ALIGNMENT, late))
        .as("after a failure the reader keeps its buffer")
        .isSameAs(late);
    assertThat(fatal)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessage("No space left on device"));
    assertThat(dropped).containsExactly(0, 1, 2, 9);
    assertThat(written).isEmpty();
  }

  @Test
  void closeWritesWhatWasHandedOverFirst() throws Exception {
    writer.writeBehind(0, 0, full());
    writer.writeBehind(1, PartFile.ALIGNMENT, full());
    Future<?> closing = threads.submit(writer::close);
    await().during(java.time.Duration.ofMillis(100)).until(() -> !closing.isDone());

    disk.permits.release(2);
    closing.get();

    assertThat(written).containsExactly(0, 1);
    assertThat(disk.writtenAt).containsExactly(0L, (long) PartFile.ALIGNMENT);
    ByteBuffer after = full();
    assertThat(writer.writeBehind(2, 2L * PartFile.ALIGNMENT, after)).isSameAs(after);
    assertThat(dropped).containsExactly(2);
  }
}
