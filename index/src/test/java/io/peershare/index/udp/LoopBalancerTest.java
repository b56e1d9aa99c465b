package io.peershare.index.udp;

import static io.peershare.index.udp.LoopBalancer.Move.GATHER;
import static io.peershare.index.udp.LoopBalancer.Move.SPREAD;
import static io.peershare.index.udp.LoopBalancer.Move.STAY;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When one thread serves all sockets and when each its own, on figures given to it. */
class LoopBalancerTest {
  private static final long T = LoopBalancer.INTERVAL_NANOS;
  private final LoopBalancer policy = new LoopBalancer();

  /** One thread serving all, busy all the time, with {@code idle} cores free. */
  private LoopBalancer.Move saturated(double idle) {
    return policy.look(T, T, T, idle, 0);
  }

  /** Spread: two threads busy {@code busy} of the time each, waiting {@code wait} for a core. */
  private LoopBalancer.Move spread(double busy, double wait) {
    return policy.look(T, (long) (busy * T), (long) (2 * busy * T), 0.0, (long) (wait * T));
  }

  @Test
  void oneThreadThatCannotKeepUpGetsTheOthersWhileACoreIsFree() {
    assertThat(policy.spread()).isFalse();
    assertThat(saturated(0.9)).isEqualTo(SPREAD);
    assertThat(policy.spread()).isTrue();
    // busy threads that get their cores stay spread
    for (int i = 0; i < 100; i++) {
      assertThat(spread(0.8, 0.05)).isEqualTo(STAY);
    }
  }

  @Test
  void withNoCoreFreeOneThreadServesAllHoweverBusy() {
    // the benchmark's case: the client takes the other core
    for (int i = 0; i < 1000; i++) {
      assertThat(saturated(0.1)).isEqualTo(STAY);
    }
    // a core free but the one thread keeps up: no reason to spread
    assertThat(policy.look(T, T / 2, T / 2, 1.0, 0)).isEqualTo(STAY);
    // the machine's idle time unknown: never spread
    assertThat(saturated(Double.NaN)).isEqualTo(STAY);
    assertThat(policy.spread()).isFalse();
  }

  @Test
  void threadsThatWaitForCoresAreGatheredAndTheNextSpreadWaitsLonger() {
    assertThat(saturated(1.0)).isEqualTo(SPREAD);
    assertThat(spread(0.9, LoopBalancer.CONTENDED)).isEqualTo(GATHER);
    assertThat(policy.spread()).isFalse();
    // now two looks in a row must qualify, then four, ...
    int hold = 2;
    for (int round = 0; round < 8; round++) {
      assertThat(policy.hold()).isEqualTo(hold);
      for (int i = 1; i < hold; i++) {
        assertThat(saturated(1.0)).as("look %d of %d", i, hold).isEqualTo(STAY);
      }
      assertThat(saturated(0.1)).as("a look that does not qualify starts again").isEqualTo(STAY);
      for (int i = 1; i < hold; i++) {
        assertThat(saturated(1.0)).isEqualTo(STAY);
      }
      assertThat(saturated(1.0)).isEqualTo(SPREAD);
      assertThat(spread(0.9, 0.5)).isEqualTo(GATHER);
      hold = Math.min(hold * 2, LoopBalancer.MAX_HOLD);
    }
    assertThat(policy.hold()).isEqualTo(LoopBalancer.MAX_HOLD);
  }

  @Test
  void aSpreadThatSettlesForgetsThePastContention() {
    assertThat(saturated(1.0)).isEqualTo(SPREAD);
    assertThat(spread(0.9, 0.5)).isEqualTo(GATHER);
    assertThat(saturated(1.0)).isEqualTo(STAY);
    assertThat(saturated(1.0)).isEqualTo(SPREAD);
    for (int i = 0; i < LoopBalancer.SETTLED; i++) {
      assertThat(spread(0.9, 0.0)).isEqualTo(STAY);
    }
    assertThat(policy.hold()).isEqualTo(1);
  }

  @Test
  void aLightLoadIsGatheredOnOneThreadWithoutHoldingTheNextSpread() {
    assertThat(saturated(1.0)).isEqualTo(SPREAD);
    assertThat(spread(0.2, 0.0)).isEqualTo(GATHER);
    assertThat(policy.hold()).isEqualTo(1);
    assertThat(saturated(1.0)).isEqualTo(SPREAD);
  }

  @Test
  void theScheduleFiguresAreReadOnLinux() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux"));
    assertThat(LoopBalancer.idleSeconds()).isGreaterThanOrEqualTo(0.0);
    assertThat(LoopBalancer.ownWaitNanos()).isGreaterThanOrEqualTo(0);
  }
}
