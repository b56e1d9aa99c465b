package io.peershare.cli;

import io.peershare.index.IndexServer;
import io.peershare.index.redis.RedisNode;
import io.peershare.index.redis.RedisRegistry;
import io.peershare.index.redis.RedisStore;
import io.peershare.index.redis.StoreUrl;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peershare index}: runs an index server until SIGINT or SIGTERM. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "Run an index server (UDP): it keeps track of which peer provides which content.",
      "Registrations last one lease; peers renew them, so a dead peer disappears by itself.",
      "With --store redis://..., any number of index nodes share one registry in Redis."
    })
final class IndexCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      defaultValue = "3000",
      description = "UDP port to listen on (0: any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description =
          "Address to listen on, e.g. 127.0.0.1 or ::1. Default: every address, IPv6 and IPv4"
              + " (:: dual stack; 0.0.0.0 where the system has no IPv6).")
  InetAddress bind = IndexServer.Config.ANY;

  @Option(
      names = "--lease",
      defaultValue = "90",
      description = "Seconds a registration lives without renewal. Default: ${DEFAULT-VALUE}.")
  int leaseSeconds;

  @Option(
      names = "--store",
      defaultValue = "memory",
      paramLabel = "URL",
      description = {
        "Where the registry lives. Default: ${DEFAULT-VALUE} (this process alone).",
        "redis://[user:pass@]HOST:PORT[/DB] or rediss://... (TLS): a Redis server;",
        "redis-cluster://HOST:PORT[,HOST:PORT...]: a Redis Cluster (seed nodes).",
        "Index nodes on one store act as one index. The password may also come",
        "from PEERSHARE_REDIS_PASSWORD."
      })
  String store;

  @Override
  public Integer call() throws Exception {
    UsageException.inRange("--port", port, 0, 65535, "");
    UsageException.inRange("--lease", leaseSeconds, 1, 86_400, " seconds");
    StoreUrl url;
    try {
      url = StoreUrl.parse(store).withPassword(System.getenv("PEERSHARE_REDIS_PASSWORD"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--store: " + e.getMessage());
    }
    IndexServer.Config config =
        IndexServer.Config.defaults()
            .withBind(bind)
            .withPort(port)
            .withLease(Duration.ofSeconds(leaseSeconds));
    CountDownLatch stopped = new CountDownLatch(1);
    RedisStore shared = url.kind() == StoreUrl.Kind.MEMORY ? null : RedisStore.connect(url);
    IndexServer server;
    try {
      server =
          shared == null
              ? new IndexServer(config).start()
              : RedisNode.start(config, shared, RedisRegistry.SWEEP_INTERVAL_MILLIS);
    } catch (BindException e) {
      if (shared != null) {
        shared.close();
      }
      throw new IOException(Failures.cannotListen("UDP", bind, port, e), e);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close(); // SIGINT / SIGTERM: stop serving, then let main return
                  if (shared != null) {
                    shared.close();
                  }
                  stopped.countDown();
                },
                "peershare-index-shutdown"));
    stopped.await();
    return 0;
  }
}
