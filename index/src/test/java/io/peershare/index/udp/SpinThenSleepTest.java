package io.peershare.index.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.SelectStrategy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The wait strategy alone, on a clock of its own: every poll takes 10 µs. */
class SpinThenSleepTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicInteger polls = new AtomicInteger();
  private boolean queued;

  /** A poll that finds {@code readyOnPoll} events on that poll (counting from 1), none before. */
  private io.netty.util.IntSupplier socketsReadyOn(int readyOnPoll, int events) {
    return () -> {
      now.addAndGet(10_000);
      return polls.incrementAndGet() == readyOnPoll ? events : 0;
    };
  }

  private SpinThenSleep spinning(long nanos) {
    return new SpinThenSleep(nanos, () -> queued, now::get);
  }

  @Test
  void withNothingToReadItPollsForItsTimeThenSleeps() throws Exception {
    assertThat(spinning(200_000).calculateStrategy(socketsReadyOn(-1, 0), false))
        .isEqualTo(SelectStrategy.SELECT);
    assertThat(polls).hasValue(20); // 200 µs of 10 µs polls
  }

  @Test
  void datagramsThatArriveDuringTheSpinAreReadWithoutSleeping() throws Exception {
    assertThat(spinning(200_000).calculateStrategy(socketsReadyOn(3, 2), false)).isEqualTo(2);
    assertThat(polls).hasValue(3);
  }

  @Test
  void queuedTasksAreNotKeptWaiting() throws Exception {
    // tasks queued before: one poll, as Netty's default strategy does
    assertThat(spinning(200_000).calculateStrategy(socketsReadyOn(-1, 0), true)).isEqualTo(0);
    assertThat(polls).hasValue(1);
    // a task queued from another thread during the spin ends it at the next poll
    polls.set(0);
    io.netty.util.IntSupplier sockets = socketsReadyOn(-1, 0);
    io.netty.util.IntSupplier taskOnFourthPoll =
        () -> {
          int r = sockets.get();
          queued = polls.get() >= 4;
          return r;
        };
    assertThat(spinning(200_000).calculateStrategy(taskOnFourthPoll, false)).isEqualTo(0);
    assertThat(polls).hasValue(4);
  }

  @Test
  void spinsThatFindNothingGrowShortUntilPollsFindDatagramsAgain() throws Exception {
    SpinThenSleep strategy = spinning(200_000);
    // a light load: each spin ends with nothing, until the score is under BUSY
    int full = 0;
    while (strategy.busy()) {
      polls.set(0);
      assertThat(strategy.calculateStrategy(socketsReadyOn(-1, 0), false))
          .isEqualTo(SelectStrategy.SELECT);
      assertThat(polls).as("full spin %d", full).hasValue(20);
      full++;
    }
    int max = SpinThenSleep.MAX_SCORE;
    assertThat(full).isEqualTo((max - SpinThenSleep.BUSY) / SpinThenSleep.MISS + 1);
    polls.set(0);
    assertThat(strategy.calculateStrategy(socketsReadyOn(-1, 0), false))
        .isEqualTo(SelectStrategy.SELECT);
    assertThat(polls).as("a short spin: one poll of 10 µs passes 5 µs").hasValue(1);
    int score = Math.max(0, Math.max(0, max - full * SpinThenSleep.MISS) - SpinThenSleep.MISS);
    // a steady stream again: polls find datagrams, and after enough of them the spins are full
    int found = 0;
    while (!strategy.busy()) {
      polls.set(0);
      assertThat(strategy.calculateStrategy(socketsReadyOn(1, 1), false)).isEqualTo(1);
      found++;
    }
    assertThat(found).isEqualTo(SpinThenSleep.BUSY - score);
    polls.set(0);
    assertThat(strategy.calculateStrategy(socketsReadyOn(-1, 0), false))
        .isEqualTo(SelectStrategy.SELECT);
    assertThat(polls).hasValue(20);
  }

  @Test
  void noSpinSleepsAtOnce() throws Exception {
    assertThat(spinning(0).calculateStrategy(socketsReadyOn(1, 5), false))
        .isEqualTo(SelectStrategy.SELECT);
    assertThat(polls).hasValue(0);
    assertThatThrownBy(() -> spinning(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
