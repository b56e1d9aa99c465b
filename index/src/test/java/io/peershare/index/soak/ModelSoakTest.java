package io.peershare.index.soak;

import io.peershare.index.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real server against {@link IndexModel} over loopback, for seeded random runs. The default
 * build runs fixed seeds, so it fails the same way every time or not at all; the long runs (tagged
 * {@code long}, {@code -Plong}) add fresh random seeds to find new cases, each printed before it
 * runs. {@code -Dsoak.seed=N} replays one seed (a failure prints it); {@code -Dsoak.ops=N} sets the
 * length.
 */
class ModelSoakTest {
  static final long DEFAULT_SEED = 20_250_611L;

  /** The default build's seeds: fixed. */
  static final long[] FIXED_SEEDS = {DEFAULT_SEED, 7L, 1_700_000_001L};

  static LongStream fastSeeds() {
    return given().orElseGet(() -> LongStream.of(FIXED_SEEDS));
  }

  static LongStream longSeeds() {
    return given().orElseGet(() -> withFresh(4));
  }

  /** The seed of {@code -Dsoak.seed}, if given. */
  private static Optional<LongStream> given() {
    String given = System.getProperty("soak.seed", "");
    return given.isBlank()
        ? Optional.empty()
        : Optional.of(LongStream.of(Long.parseLong(given.trim())));
  }

  /** The default seed and {@code fresh} random ones, each printed so a failure can be replayed. */
  private static LongStream withFresh(int fresh) {
    List<Long> seeds = new ArrayList<>(List.of(DEFAULT_SEED));
    SplittableRandom r = new SplittableRandom();
    for (int i = 0; i < fresh; i++) {
      long seed = r.nextLong();
      System.out.println("[soak] fresh seed " + seed + " (replay with -Dsoak.seed=" + seed + ")");
      seeds.add(seed);
    }
    return seeds.stream().mapToLong(Long::longValue);
  }

  private static int ops(int byDefault) {
    return Integer.getInteger("soak.ops", byDefault);
  }

  /** Each seed on each store; Redis runs are shorter in verify (every request is round trips). */
  static Stream<Arguments> fastRuns() {
    return runs(fastSeeds(), 2_000, 300);
  }

  static Stream<Arguments> longRuns() {
    return runs(longSeeds(), 100_000, 20_000);
  }

  private static Stream<Arguments> runs(LongStream seeds, int memoryOps, int redisOps) {
    return seeds
        .boxed()
        .flatMap(
            seed ->
                Stream.of(
                    Arguments.of(TestServers.MEMORY, seed, ops(memoryOps)),
                    Arguments.of(TestServers.REDIS, seed, ops(redisOps)),
                    Arguments.of(TestServers.REDIS_CLUSTER, seed, ops(redisOps))));
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("fastRuns")
  void theServerAgreesWithTheModel(TestServers store, long seed, int ops) throws Exception {
    try (SoakRun run = new SoakRun(store, seed)) {
      run.run(ops, 1);
      System.out.println("[soak] " + store + " " + run.summary());
    }
  }

  @Tag("long")
  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("longRuns")
  void theServerAgreesWithTheModelForLong(TestServers store, long seed, int ops) throws Exception {
    try (SoakRun run = new SoakRun(store, seed)) {
      run.run(ops, 10);
      System.out.println("[soak] " + store + " " + run.summary());
    }
  }
}
