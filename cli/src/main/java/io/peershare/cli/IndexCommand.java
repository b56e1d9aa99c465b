package io.peershare.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.index.IndexServer;
import io.peershare.index.redis.RedisNode;
import io.peershare.index.redis.RedisRegistry;
import io.peershare.index.redis.RedisStore;
import io.peershare.index.redis.StoreException;
import io.peershare.index.redis.StoreUrl;
import io.peershare.index.tracker.TrackerServer;
import io.peershare.metrics.MetricsServer;
import io.peershare.metrics.index.IndexMeters;
import io.peershare.metrics.index.IndexStatus;
import io.peershare.protocol.Addresses;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code peershare index}: runs an index server until SIGINT or SIGTERM. */
final class IndexCommand implements Callable<Integer> {
  final CommandSpec spec =
      Specs.command(
          this,
          "index",
          "Run an index server, which knows which peer provides which content.",
          "It answers over UDP.",
          "Registrations last one lease; peers renew them, so a dead peer disappears by itself.",
          "With --bittorrent-port PORT it is also a BitTorrent UDP tracker (BEP 15): torrents"
              + " announcing to udp://THIS-HOST:PORT/announce find their peers through it.",
          "With --store redis://..., any number of index nodes share one registry in Redis.");

  private final OptionSpec port =
      OptionSpec.builder("--port")
          .type(int.class)
          .paramLabel("<port>")
          .defaultValue("3000")
          .description("UDP port to listen on (0: any free port). Default: ${DEFAULT-VALUE}.")
          .build();

  private final OptionSpec bind =
      OptionSpec.builder("--bind")
          .type(InetAddress.class)
          .paramLabel("ADDR")
          .initialValue(IndexServer.Config.ANY)
          .description(
              "Address to listen on, e.g. 127.0.0.1 or ::1. Default: every address, IPv6 and IPv4"
                  + " (:: dual stack; 0.0.0.0 where the system has no IPv6).")
          .build();

  private final OptionSpec lease =
      OptionSpec.builder("--lease")
          .type(int.class)
          .paramLabel("<leaseSeconds>")
          .defaultValue("90")
          .description("Seconds a registration lives without renewal. Default: ${DEFAULT-VALUE}.")
          .build();

  private final OptionSpec bittorrentPort =
      OptionSpec.builder("--bittorrent-port")
          .type(Integer.class)
          .paramLabel("PORT")
          .description(
              "Also answer BitTorrent clients (UDP tracker, BEP 15) on this UDP port (0: any free"
                  + " port; the log says which). Default: no tracker.")
          .build();

  private final OptionSpec bittorrentInterval =
      OptionSpec.builder("--bittorrent-interval")
          .type(int.class)
          .paramLabel("SECONDS")
          .defaultValue("1800")
          .description(
              "Seconds BitTorrent clients wait between announces; a peer silent for twice that"
                  + " leaves its swarm. Default: ${DEFAULT-VALUE}.")
          .build();

  private final OptionSpec threads =
      OptionSpec.builder("--threads")
          .type(int.class)
          .paramLabel("<threads>")
          .initialValue(Runtime.getRuntime().availableProcessors())
          .description(
              "Threads (and sockets) answering requests, for the index and for the BitTorrent"
                  + " tracker each. Default: one per core, here ${DEFAULT-VALUE}.")
          .build();

  private final MetricsOption metrics = new MetricsOption();

  private final OptionSpec store =
      OptionSpec.builder("--store")
          .type(String.class)
          .defaultValue("memory")
          .paramLabel("URL")
          .description(
              "Where the registry lives. Default: ${DEFAULT-VALUE} (this process alone).",
              "redis://[user:pass@]HOST:PORT[/DB] or rediss://... (TLS): a Redis server;",
              "redis-cluster://HOST:PORT[,HOST:PORT...]: a Redis Cluster (seed nodes).",
              "Index nodes on one store act as one index. The password may also come",
              "from PEERSHARE_REDIS_PASSWORD.")
          .build();

  IndexCommand() {
    spec.addOption(port)
        .addOption(bind)
        .addOption(lease)
        .addOption(bittorrentPort)
        .addOption(bittorrentInterval)
        .addOption(threads);
    metrics.addTo(spec);
    spec.addOption(store);
  }

  @Override
  public Integer call() throws Exception {
    try {
      return serve();
    } catch (StoreException e) {
      // told here rather than in Failures: the short commands run without the index's jar
      throw new IOException(e.getMessage(), e);
    }
  }

  private int serve() throws Exception {
    int port = this.port.getValue();
    InetAddress bind = this.bind.getValue();
    int leaseSeconds = this.lease.getValue();
    Integer bittorrentPort = this.bittorrentPort.getValue();
    int bittorrentInterval = this.bittorrentInterval.getValue();
    int threads = this.threads.getValue();
    UsageException.inRange("--port", port, 0, 65535, "");
    UsageException.inRange("--lease", leaseSeconds, 1, 86_400, " seconds");
    UsageException.inRange("--threads", threads, 1, 256, "");
    if (bittorrentPort != null) {
      UsageException.inRange("--bittorrent-port", bittorrentPort, 0, 65535, "");
    }
    UsageException.inRange(
        "--bittorrent-interval",
        bittorrentInterval,
        TrackerServer.Config.MIN_INTERVAL,
        86_400,
        " seconds");
    StoreUrl url;
    try {
      url =
          StoreUrl.parse(store.getValue()).withPassword(System.getenv("PEERSHARE_REDIS_PASSWORD"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--store: " + e.getMessage());
    }
    IndexServer.Config config =
        IndexServer.Config.defaults()
            .withBind(bind)
            .withPort(port)
            .withLease(Duration.ofSeconds(leaseSeconds))
            .withThreads(threads);
    PrometheusMeterRegistry meterRegistry = null;
    IndexMeters meters = null;
    if (metrics.at() != null) {
      // the meters exist before the server: it tells them every request from its first
      meterRegistry = MetricsServer.newRegistry();
      meters = new IndexMeters(meterRegistry);
      config = config.withEvents(meters);
    }
    // before anything starts: a signal during the start-up waits for it, then stops what started
    ServiceStop stop = ServiceStop.install("peershare-index-shutdown");
    try {
      RedisStore shared = url.kind() == StoreUrl.Kind.MEMORY ? null : RedisStore.connect(url);
      // the tracker first: when its port is taken, no server has started (one line of error)
      TrackerServer tracker = null;
      if (bittorrentPort != null) {
        try {
          TrackerServer.Config trackerConfig =
              TrackerServer.Config.defaults()
                  .withBind(bind)
                  .withPort(bittorrentPort)
                  .withInterval(bittorrentInterval)
                  .withThreads(threads);
          tracker =
              (shared == null
                      ? new TrackerServer(trackerConfig)
                      : RedisNode.tracker(trackerConfig, shared))
                  .start();
        } catch (IOException | RuntimeException e) {
          if (shared != null) {
            shared.close();
          }
          if (e instanceof BindException b) {
            throw new IOException(
                Failures.cannotListen("UDP", bind, bittorrentPort, "--bittorrent-port", b), e);
          }
          throw e;
        }
      }
      IndexServer server;
      try {
        server =
            shared == null
                ? new IndexServer(config).start()
                : RedisNode.start(config, shared, RedisRegistry.SWEEP_INTERVAL_MILLIS);
      } catch (IOException | RuntimeException e) {
        if (tracker != null) {
          tracker.close();
        }
        if (shared != null) {
          shared.close();
        }
        if (e instanceof BindException b) {
          throw new IOException(Failures.cannotListen("UDP", bind, port, "--port", b), e);
        }
        throw e;
      }
      IndexStatus status = null;
      MetricsServer metricsServer = null;
      if (meters != null) {
        TrackerServer t = tracker;
        status =
            new IndexStatus(
                meters,
                server.registry(),
                new IndexStatus.Facts(
                    Addresses.format(server.localAddress()),
                    server.isNativeTransport()
                        ? "epoll, "
                            + server.threads()
                            + (server.threads() == 1 ? " thread" : " threads")
                        : "Java NIO",
                    leaseSeconds,
                    t == null ? null : Addresses.format(t.localAddress())),
                t == null ? null : t::totals,
                Clock.systemUTC());
        try {
          metricsServer =
              metrics.start(
                  meterRegistry, status, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
          server.close();
          if (tracker != null) {
            tracker.close();
          }
          if (shared != null) {
            shared.close();
          }
          throw e;
        }
      }
      TrackerServer trackerToClose = tracker;
      IndexStatus statusToStop = status;
      MetricsServer metricsToClose = metricsServer;
      stop.onStop(
          () -> {
            // SIGINT / SIGTERM: stop serving, then let main return; /healthz answers 503
            // while the index stops
            if (statusToStop != null) {
              statusToStop.stopping();
            }
            if (trackerToClose != null) {
              trackerToClose.close();
            }
            server.close();
            if (metricsToClose != null) {
              metricsToClose.close();
            }
            if (shared != null) {
              shared.close();
            }
          });
    } finally {
      stop.startUpOver();
    }
    stop.await();
    return 0;
  }
}
