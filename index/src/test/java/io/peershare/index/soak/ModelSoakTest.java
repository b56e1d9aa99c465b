package io.peershare.index.soak;

import io.peershare.index.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
