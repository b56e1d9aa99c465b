package io.peershare.peer.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartStateTest {
  @TempDir Path dir;

  private final Digest digest = Digest.sha256(new byte[] {1, 2, 3});

  @Test
  void roundTripsThroughAnAtomicRename() throws Exception {
    BitSet bits = new BitSet();
    bits.set(0);
    bits.set(9);
    PartState state = new PartState(digest, 10L << 20, bits);

    state.write(dir.resolve("s"), dir.resolve("s.tmp"));

    assertThat(PartState.read(dir.resolve("s"))).contains(state);
    assertThat(dir.resolve("s.tmp")).doesNotExist();
    // 6 magic + 1 version + 32 digest + 8 size + 4 count + 2 bitset bytes + 4 CRC
    assertThat(Files.size(dir.resolve("s"))).isEqualTo(57);
    assertThat(Files.readAllBytes(dir.resolve("s"))).startsWith('P', 'S', 'P', 'A', 'R', 'T', 1);
  }

  @Test
  void distrustsAFlippedBitOrAMissingFile() throws Exception {
    BitSet bits = new BitSet();
    bits.set(2);
    new PartState(digest, 3L << 20, bits).write(dir.resolve("s"), dir.resolve("s.tmp"));
    byte[] b = Files.readAllBytes(dir.resolve("s"));
    b[51] ^= 1;
    Files.write(dir.resolve("s"), b);

    assertThat(PartState.read(dir.resolve("s"))).isEmpty();
    assertThat(PartState.read(dir.resolve("none"))).isEmpty();
  }
}
