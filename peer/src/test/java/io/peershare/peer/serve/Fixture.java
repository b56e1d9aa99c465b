package io.peershare.peer.serve;

import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/** Test data and clocks. */
final class Fixture {
  /** 3.5 MiB plus a little: several pieces, the last one short. */
  static final int SIZE = 3 * Manifest.PIECE_SIZE + Manifest.PIECE_SIZE / 2 + 123;

  /** A clock an hour ahead: files just written look old, so their stamps are trusted. */
  static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

  private Fixture() {}

  static Path write(Path dir, String name, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), data);
  }

  static byte[] range(byte[] data, long offset, long end) {
    return Arrays.copyOfRange(data, (int) offset, (int) end);
  }
}
