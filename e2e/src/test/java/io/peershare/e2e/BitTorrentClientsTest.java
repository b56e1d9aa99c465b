package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage.Connect;
import io.peershare.protocol.bittorrent.TrackerMessage.Connected;
import io.peershare.protocol.bittorrent.TrackerMessage.Scrape;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import io.peershare.protocol.bittorrent.TrackerMessage.Scraped;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rtorrent and aria2c seed and download a 32 MiB file through {@code peershare index
 * --bittorrent-port 0} alone (see {@link BitTorrentClients} for how every other way of finding
 * peers is off), each client on its own 127.0.0.x address, and the result's SHA-256 is checked.
 */
class BitTorrentClientsTest {
  private static final long SIZE = 32L << 20;
  private static final Duration DOWNLOAD = Duration.ofSeconds(90);
  private static final Pattern LISTENING =
      Pattern.compile("bittorrent tracker listening on udp 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path tmp;
  private PeershareProcess index;
  private int trackerPort;
  private Path file;
  private Path torrent;

  @BeforeEach
  void start() throws Exception {
    BitTorrentClients.assumeInstalled("rtorrent", "aria2c", "mktorrent");
    index =
        PeershareProcess.start(
            "index", tmp, "index", "--bind", "127.0.0.1", "--port", "0", "--bittorrent-port", "0");
    int line = index.awaitErr(LISTENING.pattern()); // before stderr(): that copies the lines
    Matcher m = LISTENING.matcher(index.stderr().get(line));
    assertThat(m.find()).isTrue();
    trackerPort = Integer.parseInt(m.group(1));
    file = Loopback.randomFile(tmp.resolve("seed/movie.bin"), SIZE, 17);
    torrent =
        BitTorrentClients.makeTorrent(
            file, "udp://127.0.0.1:" + trackerPort + "/announce", tmp.resolve("movie.torrent"));
  }

  @AfterEach
  void stop() {
    if (index != null) {
      index.close();
    }
  }

  @Test
  void aria2SeedsToRtorrentAndAria2() throws Exception {
    try (var seeder =
            BitTorrentClients.aria2("aria2-seed", "127.0.0.2", torrent, file.getParent(), true);
        var rt =
            BitTorrentClients.rtorrent("rtorrent-leech", "127.0.0.3", torrent, tmp.resolve("rt"));
        var ar =
            BitTorrentClients.aria2(
                "aria2-leech", "127.0.0.4", torrent, tmp.resolve("ar"), false)) {
      awaitDone(rt, tmp.resolve("rt/DONE"));
      await("aria2c leecher exits").atMost(DOWNLOAD).until(() -> !ar.process().isAlive());
      assertThat(ar.process().exitValue()).as(ar.output()).isZero();
      assertSameBytes(tmp.resolve("rt/movie.bin"));
      assertSameBytes(tmp.resolve("ar/movie.bin"));
      assertThat(seeder.process().isAlive()).as(seeder.output()).isTrue();
    }
  }

  @Test
  void rtorrentSeedsToRtorrent() throws Exception {
    Path seedDir = Files.createDirectories(tmp.resolve("rts"));
    Files.copy(file, seedDir.resolve("movie.bin"));
    try (var seeder = BitTorrentClients.rtorrent("rtorrent-seed", "127.0.0.5", torrent, seedDir);
        var rt =
            BitTorrentClients.rtorrent("rtorrent-leech", "127.0.0.6", torrent, tmp.resolve("rt"))) {
      awaitDone(rt, tmp.resolve("rt/DONE"));
      assertSameBytes(tmp.resolve("rt/movie.bin"));
      // the tracker's scrape shows the swarm: rtorrent 0.9.8 announces its finished download
      // only at its next regular announce, so the leecher may still count as one
      ScrapeCounts counts = scrape();
      assertThat(counts.seeders()).as(counts.toString()).isGreaterThanOrEqualTo(1);
      assertThat(counts.seeders() + counts.leechers()).as(counts.toString()).isEqualTo(2);
      assertThat(seeder.process().isAlive()).as(seeder.output()).isTrue();
    }
  }

  private static void awaitDone(BitTorrentClients.Client c, Path done) {
    await(c.label() + " finishes (its output: " + c.output() + ")")
        .atMost(DOWNLOAD)
        .until(() -> Files.exists(done) || !c.process().isAlive());
    assertThat(done).as(c.label() + " finished: " + c.output()).exists();
  }

  private void assertSameBytes(Path copy) throws Exception {
    assertThat(sha256(copy)).as(copy.toString()).isEqualTo(sha256(file));
  }

  private static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      in.transferTo(
          new java.io.OutputStream() {
            @Override
            public void write(int b) {
              md.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              md.update(b, off, len);
            }
          });
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The tracker's counts for the torrent, asked over BEP 15 like any client. */
  private ScrapeCounts scrape() throws Exception {
    byte[] info = infoHash(Files.readAllBytes(torrent));
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.9"))) {
      s.setSoTimeout(5_000);
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", trackerPort);
      long id = ((Connected) exchange(s, to, TrackerCodec.encode(new Connect(1)))).connectionId();
      Scraped r =
          (Scraped)
              exchange(
                  s,
                  to,
                  TrackerCodec.encode(new Scrape(id, 2, java.util.List.of(InfoHash.of(info)))));
      return r.counts().get(0);
    }
  }

  private static Object exchange(DatagramSocket s, InetSocketAddress to, byte[] d)
      throws Exception {
    s.send(new DatagramPacket(d, d.length, to));
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    s.receive(p);
    return TrackerCodec.decodeReply(p.getData(), 0, p.getLength(), false);
  }

  /** SHA-1 of the bencoded {@code info} dictionary, which mktorrent writes last. */
  private static byte[] infoHash(byte[] torrent) throws Exception {
    byte[] key = "4:info".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i + key.length < torrent.length; i++) {
      if (java.util.Arrays.equals(torrent, i, i + key.length, key, 0, key.length)) {
        int start = i + key.length;
        return MessageDigest.getInstance("SHA-1")
            .digest(java.util.Arrays.copyOfRange(torrent, start, torrent.length - 1));
      }
    }
    throw new AssertionError("no info dictionary in the torrent");
  }
}
