package io.peershare.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Helpers for tests that run processes on loopback. */
final class Loopback {
  private Loopback() {}

  /** A UDP port free right now on 127.0.0.1, for an index process to take. */
  static int freeUdpPort() {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code size} random bytes (seeded, so a failure can be repeated). */
  static Path randomFile(Path file, long size, long seed) throws IOException {
    Random r = new Random(seed);
    byte[] chunk = new byte[1 << 16];
    Files.createDirectories(file.getParent());
    try (var out = Files.newOutputStream(file)) {
      long left = size;
      while (left > 0) {
        r.nextBytes(chunk);
        int n = (int) Math.min(chunk.length, left);
        out.write(chunk, 0, n);
        left -= n;
      }
    }
    return file;
  }
}
