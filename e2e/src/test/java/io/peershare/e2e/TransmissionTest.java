package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.e2e.netlab.Host;
import io.peershare.e2e.netlab.NetLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transmission ignores peers on loopback addresses that a tracker hands it, so it is tested across
 * hosts of the network lab: the index with its tracker in host 1, a transmission-cli seeding in
 * host 2, another downloading in host 3 (DHT, peer exchange and local peer discovery off), the
 * file's SHA-256 checked.
 */
class TransmissionTest {
  private static final int TRACKER = 6969;

  @TempDir Path tmp;

  @Test
  void transmissionSeedsToTransmissionAcrossHosts() throws Exception {
    BitTorrentClients.assumeInstalled("transmission-cli", "mktorrent");
    try (NetLab lab = NetLab.open(3)) {
      Host server = lab.host(1);
      try (PeershareProcess index =
          PeershareProcess.start(
              "index",
              tmp,
              server::command,
              "index",
              "--bind",
              server.address(),
              "--port",
              "3000",
              "--bittorrent-port",
              String.valueOf(TRACKER))) {
        index.awaitErr(
            "bittorrent tracker listening on udp "
                + server.address().replace(".", "\\.")
                + ":"
                + TRACKER);
        Path seedDir = Files.createDirectories(tmp.resolve("seed"));
        Path file = Loopback.randomFile(seedDir.resolve("movie.bin"), 32L << 20, 23);
        Path torrent =
            BitTorrentClients.makeTorrent(
                file,
                "udp://" + server.address() + ":" + TRACKER + "/announce",
                tmp.resolve("movie.torrent"));
        Path leechDir = Files.createDirectories(tmp.resolve("leech"));
        try (var seeder = BitTorrentClients.transmission("seed", lab.host(2), torrent, seedDir);
            var leecher = BitTorrentClients.transmission("leech", lab.host(3), torrent, leechDir)) {
          await("transmission in host 3 finishes (its output: " + leecher.output() + ")")
              .atMost(Duration.ofSeconds(90))
              .until(() -> Files.exists(leechDir.resolve("DONE")) || !leecher.process().isAlive());
          assertThat(leechDir.resolve("DONE")).as(leecher.output()).exists();
          assertThat(Files.mismatch(file, leechDir.resolve("movie.bin"))).isEqualTo(-1);
          assertThat(seeder.process().isAlive()).as(seeder.output()).isTrue();
        }
      }
    }
  }
}
