package io.peershare.cli;

import io.peershare.index.IndexServer;
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
      "Registrations last one lease; peers renew them, so a dead peer disappears by itself."
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
      names = "--threads",
      description =
          "Threads (and sockets) answering requests. Default: one per core, here ${DEFAULT-VALUE}.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws Exception {
    UsageException.inRange("--port", port, 0, 65535, "");
    UsageException.inRange("--lease", leaseSeconds, 1, 86_400, " seconds");
    UsageException.inRange("--threads", threads, 1, 256, "");
    IndexServer.Config config =
        IndexServer.Config.defaults()
            .withBind(bind)
            .withPort(port)
            .withLease(Duration.ofSeconds(leaseSeconds))
            .withThreads(threads);
    CountDownLatch stopped = new CountDownLatch(1);
    IndexServer server;
    try {
      server = new IndexServer(config).start();
    } catch (BindException e) {
      throw new IOException(Failures.cannotListen("UDP", bind, port, e), e);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close(); // SIGINT / SIGTERM: stop serving, then let main return
                  stopped.countDown();
                },
                "peershare-index-shutdown"));
    stopped.await();
    return 0;
  }
}
