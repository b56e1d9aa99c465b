package io.peershare.index.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Redis servers for tests, started once per test JVM by the project's own {@code
 * scripts/redis.sh} (which installs Debian's redis-server when it is missing and we are root) on
 * free loopback ports under {@code target/redis}, and stopped when the JVM exits (a watchdog of the
 * script stops them even if the JVM is killed). {@code PEERSHARE_TEST_REDIS} and {@code
 * PEERSHARE_TEST_REDIS_CLUSTER} (store URLs) point the tests at servers started elsewhere instead.
 * When Redis cannot be installed here, every Redis test is skipped with one line saying why.
 */
public final class RedisServers {
  private static StoreUrl standalone;
  private static StoreUrl cluster;
  private static String unavailable;

  private RedisServers() {}

  /** A standalone server shared by the tests of this JVM (skips the test when there is none). */
  public static synchronized StoreUrl standalone() {
    if (standalone == null) {
      String given = System.getenv("PEERSHARE_TEST_REDIS");
      standalone =
          given != null
              ? StoreUrl.parse(given)
              : url("redis://127.0.0.1:" + start("standalone", dir("standalone")).getFirst());
    }
    return standalone;
  }

  /** A 3-master Redis Cluster shared by the tests of this JVM. */
  public static synchronized StoreUrl cluster() {
    if (cluster == null) {
      String given = System.getenv("PEERSHARE_TEST_REDIS_CLUSTER");
      if (given != null) {
        cluster = StoreUrl.parse(given);
      } else {
        List<String> seeds = new ArrayList<>();
        for (String port : start("cluster", dir("cluster"))) {
          seeds.add("127.0.0.1:" + port);
        }
        cluster = url("redis-cluster://" + String.join(",", seeds));
      }
    }
    return cluster;
  }

  /**
   * A standalone server of the caller's own, which it may kill and start again: {@code port} 0 for
   * a free one, or the port of one it killed.
   */
  public static synchronized int startPrivate(Path dir, int port) {
    List<String> ports =
        port == 0 ? start("standalone", dir) : start("standalone", dir, String.valueOf(port));
    return Integer.parseInt(ports.getFirst());
  }

  /** Stops every server started under {@code dir}. */
  public static void stop(Path dir) {
    try {
      run(List.of(script().toString(), "stop", dir.toString()));
    } catch (IOException e) {
      throw new IllegalStateException("could not stop the servers under " + dir, e);
    }
  }

  /** The pid of the private server under {@code dir} on {@code port}, for SIGKILL. */
  public static long pid(Path dir, int port) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(port + "/redis.pid")).trim());
  }

  /** The script that installs and starts Redis. */
  public static Path script() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null && !Files.isRegularFile(d.resolve("scripts/redis.sh"))) {
      d = d.getParent();
    }
    if (d == null) {
      throw new IllegalStateException("scripts/redis.sh not found above " + Path.of(""));
    }
    return d.resolve("scripts/redis.sh");
  }

  private static StoreUrl url(String s) {
    return StoreUrl.parse(s);
  }

  private static Path dir(String name) {
    return root().resolve(name);
  }

  /** Where this JVM's shared servers live: target/redis/PID. */
  private static Path root() {
    return Path.of("target", "redis", String.valueOf(ProcessHandle.current().pid()))
        .toAbsolutePath();
  }

  private static List<String> start(String what, Path dir, String... more) {
    if (unavailable != null) {
      Assumptions.abort(unavailable);
    }
    try {
      String install = run(List.of(script().toString(), "install"));
      if (install == null) {
        unavailable = "Redis tests skipped: redis-server is not installed and could not be";
        System.err.println(unavailable + " (run scripts/redis.sh install as root)");
        Assumptions.abort(unavailable);
      }
      List<String> cmd = new ArrayList<>(List.of(script().toString(), what, dir.toString()));
      cmd.addAll(Arrays.asList(more));
      String out = run(cmd);
      if (out == null) {
        throw new IllegalStateException("scripts/redis.sh " + what + " failed (see " + dir + ")");
      }
      stopAtExit(dir);
      return Arrays.asList(out.trim().split("\\s+"));
    } catch (IOException e) {
      throw new IllegalStateException("could not run scripts/redis.sh", e);
    }
  }

  private static void stopAtExit(Path dir) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(dir), "redis-servers-stop"));
  }

  /** Runs the script; its standard output, or null when it failed (its errors go to ours). */
  private static String run(List<String> cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("REDIS_OWNER_PID", String.valueOf(ProcessHandle.current().pid()));
    Process p = pb.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? out : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
