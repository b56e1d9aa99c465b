package io.peershare.index.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real server against {@link IndexModel} over loopback, for seeded random runs. {@code
 * -Dsoak.seed=N} replays one seed (the failure message prints it); {@code -Dsoak.ops=N} sets the
 * length. By default a fixed seed and two fresh ones run; the long runs are tagged {@code long} and
 * run with {@code -Plong}.
 */
class ModelSoakTest {
  static final long DEFAULT_SEED = 20_250_611L;

  static LongStream fastSeeds() {
    return seeds(2);
  }

  static LongStream longSeeds() {
    return seeds(4);
  }

  /** The seed given, or the fixed one and {@code fresh} random ones. */
  private static LongStream seeds(int fresh) {
    String given = System.getProperty("soak.seed", "");
    if (!given.isBlank()) {
      return LongStream.of(Long.parseLong(given.trim()));
    }
    List<Long> seeds = new ArrayList<>(List.of(DEFAULT_SEED));
    SplittableRandom r = new SplittableRandom();
    for (int i = 0; i < fresh; i++) {
      seeds.add(r.nextLong());
    }
    return seeds.stream().mapToLong(Long::longValue);
  }

  private static int ops(int byDefault) {
    return Integer.getInteger("soak.ops", byDefault);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("fastSeeds")
  void theServerAgreesWithTheModel(long seed) throws Exception {
    try (SoakRun run = new SoakRun(seed)) {
      run.run(ops(2_000), 1);
      System.out.println("[soak] " + run.summary());
    }
  }

  @Tag("long")
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("longSeeds")
  void theServerAgreesWithTheModelForLong(long seed) throws Exception {
    try (SoakRun run = new SoakRun(seed)) {
      run.run(ops(100_000), 10);
      System.out.println("[soak] " + run.summary());
    }
  }
}
