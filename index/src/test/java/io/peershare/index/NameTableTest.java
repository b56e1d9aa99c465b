package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The name table against a model: a {@link TreeMap} in unsigned byte order. */
class NameTableTest {
  private static final Digest D = Digest.sha256(new byte[0]);

  private final NameTable table = new NameTable();
  private final NavigableMap<byte[], ProviderQueue> model = new TreeMap<>(Arrays::compareUnsigned);

  private ProviderQueue add(byte[] name) {
    ProviderQueue q = new ProviderQueue(name, table.hash(name), 1, D);
    table.add(q);
    model.put(name, q);
    return q;
  }

  private List<ProviderQueue> after(byte[] after, int max) {
    List<ProviderQueue> got = new ArrayList<>();
    table.forEachAfter(
        after,
        q -> {
          got.add(q);
          return got.size() < max;
        });
    return got;
  }

  private void assertMatchesModel(SplittableRandom random) {
    assertThat(table.size()).isEqualTo(model.size());
    for (Map.Entry<byte[], ProviderQueue> e : model.entrySet()) {
      assertThat(table.get(e.getKey(), table.hash(e.getKey()))).isSameAs(e.getValue());
    }
    assertThat(after(new byte[0], Integer.MAX_VALUE)).containsExactlyElementsOf(model.values());
    for (int i = 0; i < 20; i++) {
      byte[] from = name(random);
      int max = 1 + random.nextInt(10);
      assertThat(after(from, max))
          .containsExactlyElementsOf(
              model.tailMap(from, false).values().stream().limit(max).toList());
    }
  }

  /** Short names over few byte values (ASCII, and bytes of 0x80 and up): many share prefixes. */
  private static byte[] name(SplittableRandom random) {
    byte[] alphabet = {'a', 'b', 'B', '0', (byte) 0xc3, (byte) 0xa9, (byte) 0xff};
    byte[] n = new byte[1 + random.nextInt(4)];
    for (int i = 0; i < n.length; i++) {
      n[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return n;
  }

  @Test
  void findsAndListsInUnsignedByteOrderThroughAddsAndRemoves() {
    SplittableRandom random = new SplittableRandom(13);
    for (int round = 0; round < 40; round++) {
      for (int i = 0; i < 60; i++) {
        byte[] n = name(random);
        if (!model.containsKey(n)) {
          add(n);
        }
      }
      for (int i = 0; i < 30 && !model.isEmpty(); i++) {
        byte[] n = name(random);
        ProviderQueue q = model.remove(n);
        if (q != null) {
          table.remove(q);
          assertThat(table.get(n, table.hash(n))).isNull();
        }
      }
      assertMatchesModel(random);
    }
  }

  @Test
  void aNameAfterAllOthersOrAnEmptyTableListsNothing() {
    assertThat(after(new byte[0], 10)).isEmpty();
    add("b".getBytes(StandardCharsets.UTF_8));
    ProviderQueue high = add(new byte[] {(byte) 0xc3, (byte) 0xa9});
    assertThat(after("b".getBytes(StandardCharsets.UTF_8), 10)).containsExactly(high);
    assertThat(after(new byte[] {(byte) 0xff}, 10)).isEmpty();
  }

  @Test
  void growsPastManyNamesAndEmptiesAgain() {
    List<ProviderQueue> all = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      all.add(add(("content-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(after(new byte[0], Integer.MAX_VALUE)).containsExactlyElementsOf(model.values());
    for (ProviderQueue q : all) {
      table.remove(q);
    }
    assertThat(table.size()).isZero();
    assertThat(after(new byte[0], 10)).isEmpty();
    assertThat(table.get("content-1".getBytes(StandardCharsets.UTF_8), 0)).isNull();
  }

  /**
   * Doubling the table moves its names a few buckets per add and remove, not all at once under the
   * registry's lock (at 2^20 names that held up every server thread for 0.2-0.4 s), and every name
   * is found, and removed, while they are split between the old table and the new.
   */
  @Test
  void doublingMovesNamesAFewAtATime() {
    int n = 110_000; // a third removed: past the doubling at 2^16 names
    List<ProviderQueue> added = new ArrayList<>();
    int mostMoved = 0;
    for (int i = 0; i < n; i++) {
      byte[] name = ("n" + i).getBytes(StandardCharsets.UTF_8);
      ProviderQueue q = new ProviderQueue(name, table.hash(name), 1, D);
      table.add(q);
      added.add(q);
      mostMoved = Math.max(mostMoved, table.lastMoved());
      if (i % 3 == 0 && i > 0) { // removes while moving, from both tables
        ProviderQueue gone = added.set(i / 2, null);
        if (gone != null) {
          table.remove(gone);
          mostMoved = Math.max(mostMoved, table.lastMoved());
        }
      }
      if (i % 2_500 == 0 || i == n - 1) { // a move takes 8,192 changes at 2^16: mid-move
        for (int j = 0; j <= i; j++) {
          byte[] name2 = ("n" + j).getBytes(StandardCharsets.UTF_8);
          assertThat(table.get(name2, table.hash(name2))).isSameAs(added.get(j));
        }
      }
    }
    assertThat(table.size()).isEqualTo(added.stream().filter(q -> q != null).count());
    // eight buckets a change at most half full on average: never near the 32,768 of one doubling
    assertThat(mostMoved).isLessThan(100);
  }
}
