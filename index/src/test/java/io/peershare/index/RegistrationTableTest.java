package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.Digest;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table of registrations by peer and content. */
class RegistrationTableTest {
  private static final Digest D = Digest.sha256(new byte[0]);

  /**
   * Doubling the table moves its entries a few buckets per add and remove, not all at once under
   * the registry's lock (at 2^20 registrations that held up every server thread for 0.2-0.4 s), and
   * every entry is found, and removed, while they are split between the old table and the new.
   */
  @Test
  void doublingMovesEntriesAFewAtATime() {
    RegistrationTable table = new RegistrationTable();
    NameTable names = new NameTable();
    InetAddress ip = InetAddress.getLoopbackAddress();
    List<PeerRegistrations> peers = new ArrayList<>();
    for (int p = 0; p < 5; p++) {
      peers.add(new PeerRegistrations(PeerName.of("peer" + p), ip, p * 0x61c88647));
    }
    PeerRegistrations other = new PeerRegistrations(PeerName.of("other"), ip, 7);
    int n = 110_000; // a third removed: past the doubling at 2^16 entries
    List<Registration> added = new ArrayList<>();
    int mostMoved = 0;
    for (int i = 0; i < n; i++) {
      byte[] name = ("n" + i).getBytes(StandardCharsets.UTF_8);
      ProviderQueue q = new ProviderQueue(name, names.hash(name), 1, D);
      Registration r = new Registration(peers.get(i % peers.size()), q, 4000, 0);
      table.add(r);
      added.add(r);
      mostMoved = Math.max(mostMoved, table.lastMoved());
      if (i % 3 == 0 && i > 0) { // removes while moving, from both tables
        Registration gone = added.set(i / 2, null);
        if (gone != null) {
          table.remove(gone);
          mostMoved = Math.max(mostMoved, table.lastMoved());
          assertThat(table.get(gone.peer(), gone.content())).isNull();
        }
      }
      if (i % 2_500 == 0 || i == n - 1) { // a move takes 8,192 changes at 2^16: mid-move
        for (Registration e : added) {
          if (e != null) {
            assertThat(table.get(e.peer(), e.content())).isSameAs(e);
          }
        }
        // another peer's entry for the same content is not this one
        assertThat(table.get(other, added.get(i).content())).isNull();
      }
    }
    assertThat(table.size()).isEqualTo(added.stream().filter(r -> r != null).count());
    // eight buckets a change at most half full on average: never near the 32,768 of one doubling
    assertThat(mostMoved).isLessThan(100);
  }
}
