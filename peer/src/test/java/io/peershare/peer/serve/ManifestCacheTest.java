package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.Manifest;
import io.peershare.testing.TestBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCacheTest {
  @TempDir Path dir;

  @Test
  void hashesOnceAndSurvivesARestart() throws IOException {
    Path file = Fixture.write(dir, "big", TestBytes.random(2 * Manifest.PIECE_SIZE + 5, 1));
    Path cacheDir = dir.resolve(".peershare/manifests");
    ManifestCache cache = new ManifestCache(cacheDir, Fixture.LATER);
    Manifest first = cache.manifestOf(file);
    assertThat(first).isEqualTo(Manifest.of(file));
    assertThat(cache.manifestOf(file)).isEqualTo(first);
    assertThat(cache.hashCount()).isEqualTo(1);
    assertThat(cache.entryFile(file.toAbsolutePath())).exists();

    ManifestCache restarted = new ManifestCache(cacheDir, Fixture.LATER);
    assertThat(restarted.manifestOf(dir.resolve(".").resolve("big"))).isEqualTo(first);
    assertThat(restarted.hashCount()).isZero();
  }

  @Test
  void recomputesWhenTheFileChanges() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(1000, 2));
    ManifestCache cache = new ManifestCache(dir.resolve("cache"), Fixture.LATER);
    Manifest before = cache.manifestOf(file);
    Files.write(file, new byte[] {1}, StandardOpenOption.APPEND);
    Manifest after = cache.manifestOf(file);
    assertThat(after).isNotEqualTo(before).isEqualTo(Manifest.of(file));
    assertThat(cache.hashCount()).isEqualTo(2);

    ManifestCache restarted = new ManifestCache(dir.resolve("cache"), Fixture.LATER);
    assertThat(restarted.manifestOf(file)).isEqualTo(after);
    assertThat(restarted.hashCount()).isZero();
  }

  @Test
  void aFileJustWrittenIsNotCached() throws IOException {
    Path file = Fixture.write(dir, "fresh", TestBytes.random(1000, 3));
    ManifestCache cache = new ManifestCache(dir.resolve("cache"), Clock.systemUTC());
    assertThat(cache.manifestOf(file)).isEqualTo(Manifest.of(file));
    assertThat(cache.entryFile(file.toAbsolutePath())).doesNotExist();
  }

  @Test
  void aDamagedEntryIsIgnored() throws IOException {
    Path file = Fixture.write(dir, "f", TestBytes.random(3000, 4));
    ManifestCache cache = new ManifestCache(dir.resolve("cache"), Fixture.LATER);
    Manifest m = cache.manifestOf(file);
    Path entry = cache.entryFile(file.toAbsolutePath());
    byte[] bytes = Files.readAllBytes(entry);
    Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length - 1));

    ManifestCache restarted = new ManifestCache(dir.resolve("cache"), Fixture.LATER);
    assertThat(restarted.manifestOf(file)).isEqualTo(m);
    assertThat(restarted.hashCount()).isEqualTo(1);
  }
}
