package io.peershare.index.udp;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How a loop that has run out of work waits for more: it polls its sockets without blocking ({@code
 * epoll_wait} with no timeout), giving way to any other thread that wants the core between polls
 * ({@code sched_yield}), for up to {@code spinNanos}, and only then sleeps in a blocking {@code
 * epoll_wait}.
 *
 * <p>Why: under load, a thread that has just sent a batch's replies finds the next requests within
 * microseconds. Sleeping in between costs a context switch and a wake-up per batch, and the batch
 * it then wakes to is small (13 datagrams instead of up to 64 with two threads on two cores), so
 * every per-batch cost is shared by fewer replies. A spin that held the core ({@code
 * Thread.onSpinWait}) measured no better than sleeping: on a busy machine it takes the core from
 * the very thread (the clients, the other server thread) that would send the next requests.
 * Yielding lets that thread run and keeps this one ready without a wake-up.
 *
 * <p>Bounded: with nothing to read for {@code spinNanos}, the thread sleeps as before, so an idle
 * server uses no CPU; and while recent spins ended with nothing, a spin is only {@link
 * #SHORT_NANOS} long (see {@link #MAX_SCORE}). Tasks are not kept waiting: with tasks queued it
 * polls once and returns at once, as Netty's default strategy does, and a task queued from another
 * thread during the spin (an asynchronous store's answer) ends the spin at the next poll. (A timer
 * that falls due during the spin waits for its end: at most {@code spinNanos}.)
 */
final class SpinThenSleep implements SelectStrategy {
  /**
   * A spin that finds datagrams adds 1 to the score, one that ends with nothing takes {@link #MISS}
   * off: at or above {@link #BUSY}, a spin lasts {@code spinNanos}, below it {@link #SHORT_NANOS}.
   * Under a steady stream nearly every spin finds the next requests and the spins stay full; under
   * a light or bursty load (a few requests a millisecond) each burst ends with a spin that finds
   * nothing, and a thread that polled 200 µs after each burst would burn a third of a core to save
   * wake-ups that cost a few microseconds. One empty spin outweighs 32 that found something: the
   * polls inside a burst find its next datagram within microseconds, and with a lighter penalty (8)
   * the spins still cost 0.56-0.78 cores at 20,000 requests a second against 0.37-0.43 without.
   */
  static final int MAX_SCORE = 64;

  static final int BUSY = 32;
  static final int MISS = 32;
  static final long SHORT_NANOS = 5_000;

  private final long spinNanos;
  private final BooleanSupplier tasksQueued;
  private final LongSupplier clock;
  private int score = MAX_SCORE; // one loop's, read and written on its thread only
  private long readyAt; // when the last call returned ready sockets (0: it did not)
  private volatile long busyNanos; // written by the loop's thread only

  SpinThenSleep(long spinNanos, BooleanSupplier tasksQueued, LongSupplier clock) {
    if (spinNanos < 0) {
      throw new IllegalArgumentException("spinNanos < 0");
    }
    this.spinNanos = spinNanos;
    this.tasksQueued = tasksQueued;
    this.clock = clock;
  }

  /**
   * Netty's epoll loops, each waiting with this strategy; {@code made} gets each loop's strategy,
   * keyed by the loop, so its {@link #busyNanos()} can be read.
   */
  static IoHandlerFactory epoll(long spinNanos, Map<Object, SpinThenSleep> made) {
    return new IoHandlerFactory() {
      @Override
      public IoHandler newHandler(ThreadAwareExecutor loop) {
        // the loop hands itself in; its queue is what a spin must not keep waiting
        BooleanSupplier queued =
            loop instanceof SingleThreadEventExecutor e ? () -> e.pendingTasks() > 0 : () -> false;
        SpinThenSleep strategy = new SpinThenSleep(spinNanos, queued, System::nanoTime);
        made.put(loop, strategy);
        return EpollIoHandler.newFactory(0, () -> strategy).newHandler(loop);
      }

      @Override
      public boolean isChangingThreadSupported() {
        return true;
      }
    };
  }

  @Override
  public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
    long now = clock.getAsLong();
    if (readyAt != 0) {
      // from the last return with ready sockets to now the loop read, answered and ran tasks
      busyNanos += now - readyAt;
      readyAt = 0;
    }
    int ready = wait(selectNow, hasTasks, now);
    if (ready > 0) {
      readyAt = clock.getAsLong();
    }
    return ready;
  }

  private int wait(IntSupplier selectNow, boolean hasTasks, long now) throws Exception {
    if (hasTasks) {
      return selectNow.get();
    }
    if (spinNanos == 0) {
      return SelectStrategy.SELECT;
    }
    long end = now + (score >= BUSY ? spinNanos : Math.min(spinNanos, SHORT_NANOS));
    for (; ; ) {
      int ready = selectNow.get();
      if (ready != 0) {
        score = Math.min(score + 1, MAX_SCORE);
        return ready;
      }
      if (tasksQueued.getAsBoolean()) {
        return 0;
      }
      if (clock.getAsLong() - end >= 0) {
        score = Math.max(score - MISS, 0);
        return SelectStrategy.SELECT;
      }
      Thread.yield();
    }
  }

  /**
   * Time the loop has spent reading, answering and running tasks since it started: from each return
   * with ready sockets to the next call (a loop that sleeps without polling first, with a spin of 0
   * or after a spin that found nothing, is not counted after it wakes: this undercounts a lightly
   * loaded loop, never a busy one). Read from any thread.
   */
  long busyNanos() {
    return busyNanos;
  }

  /** True while the spins pay (recent polls found datagrams): the next one is a full one. */
  boolean busy() {
    return score >= BUSY;
  }
}
