package io.peershare.e2e;

import io.peershare.e2e.netlab.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real BitTorrent clients from Debian's packages (scripts/bittorrent-prereqs.sh), each on its own
 * loopback address and told to find peers through the tracker alone: no DHT bootstrap (aria2 needs
 * its DHT on for UDP trackers, but starts with an empty routing table and no entry point), no peer
 * exchange, no local peer discovery, no peer address given.
 */
final class BitTorrentClients {
  private BitTorrentClients() {}

  /** Skips the calling test with one line when {@code tools} are not all installed. */
  static void assumeInstalled(String... tools) {
    for (String tool : tools) {
      if (which(tool).isEmpty()) {
        String why =
            "bittorrent: test skipped: `"
                + tool
                + "` is not installed; run scripts/bittorrent-prereqs.sh as root";
        System.err.println(why);
        Assumptions.abort(why);
      }
    }
  }

  static Optional<Path> which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** A TCP port free on {@code ip} right now. */
  static int freeTcpPort(String ip) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code mktorrent}: a torrent of {@code file} announcing to {@code announce}. */
  static Path makeTorrent(Path file, String announce, Path torrent) throws Exception {
    run(List.of("mktorrent", "-a", announce, "-o", torrent.toString(), file.toString()));
    return torrent;
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(cmd + " failed: " + out);
    }
  }

  /** A client process, its output in a file for when a test fails. */
  record Client(String label, Process process, Path log) implements AutoCloseable {
    String output() {
      try {
        return Files.exists(log) ? Files.readString(log) : "";
      } catch (IOException e) {
        return "(" + e + ")";
      }
    }

    @Override
    public void close() {
      process.destroy(); // SIGTERM: both clients then tell the tracker they stopped
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt(); // close() must not throw it: -Xlint:try
      }
    }
  }

  /**
   * transmission-cli inside netlab {@code host}, files in {@code dir}: verifies what is there,
   * downloads the rest, touches {@code dir/DONE} when the torrent is complete, then seeds until
   * stopped. Transmission takes no peer on a loopback address from a tracker, hence the host.
   */
  static Client transmission(String label, Host host, Path torrent, Path dir) throws IOException {
    Path config = Files.createDirectories(dir.resolve(".transmission"));
    Files.writeString(
        config.resolve("settings.json"),
        "{\"dht-enabled\": false, \"pex-enabled\": false, \"lpd-enabled\": false,"
            + " \"port-forwarding-enabled\": false}\n");
    Path finish = dir.resolve("finished.sh");
    Files.writeString(finish, "#!/bin/sh\ntouch '" + dir.resolve("DONE") + "'\n");
    finish.toFile().setExecutable(true);
    return start(
        label,
        dir,
        host.command(
            List.of(
                "transmission-cli",
                "--config-dir",
                config.toString(),
                "--download-dir",
                dir.toString(),
                "--port",
                "51413",
                "--no-portmap",
                "--finish",
                finish.toString(),
                torrent.toString())));
  }

  private static Client start(String label, Path dir, List<String> cmd) throws IOException {
    Path log = dir.resolve(label + ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    return new Client(label, p, log);
  }

  /**
   * aria2c on {@code ip} with {@code torrent}, files in {@code dir}: a seeder when {@code dir}
   * already holds the file (it verifies it first, then seeds until stopped), otherwise a leecher
   * that exits 0 once the download is verified.
   */
  static Client aria2(String label, String ip, Path torrent, Path dir, boolean seed)
      throws IOException {
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "aria2c",
            "--interface=" + ip,
            "--listen-port=" + freeTcpPort(ip),
            "--enable-dht=true", // aria2 talks to UDP trackers only with its DHT socket
            "--enable-dht6=false",
            "--dht-listen-port=" + Loopback.freeUdpPort(),
            "--dht-file-path=" + dir.resolve("dht.dat"),
            "--enable-peer-exchange=false",
            "--bt-enable-lpd=false",
            "--disable-ipv6=true",
            "--check-integrity=true",
            "--summary-interval=0",
            "--console-log-level=notice",
            "--dir=" + dir));
    cmd.addAll(seed ? List.of("--seed-ratio=0.0") : List.of("--seed-time=0"));
    cmd.add(torrent.toString());
    return start(label, dir, cmd);
  }

  /**
   * rtorrent on {@code ip} as a daemon (it needs no terminal then), files in {@code dir}; it
   * touches {@code dir/DONE} when a download finishes and otherwise seeds until stopped.
   */
  static Client rtorrent(String label, String ip, Path torrent, Path dir) throws IOException {
    Path session = Files.createDirectories(dir.resolve(".session"));
    int port = freeTcpPort(ip);
    Path rc = dir.resolve("rtorrent.rc");
    Files.writeString(
        rc,
        String.join(
            "\n",
            "directory.default.set = " + dir,
            "session.path.set = " + session,
            "network.bind_address.set = " + ip,
            "network.port_range.set = " + port + "-" + port,
            "network.port_random.set = no",
            "dht.mode.set = disable",
            "protocol.pex.set = no",
            "trackers.use_udp.set = yes",
            "system.daemon.set = true",
            "method.set_key = event.download.finished,done,\"execute.nothrow=touch,"
                + dir.resolve("DONE")
                + "\"",
            ""));
    return start(
        label,
        dir,
        List.of("rtorrent", "-n", "-o", "import=" + rc, torrent.toAbsolutePath().toString()));
  }
}
