package io.peershare.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.index.IndexServer;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.index.IndexClient;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.PeerName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer of two index nodes that share nothing (two in-memory indexes): when the first goes away,
 * the peer goes on with the second and registers its content there, as after an index restart.
 */
class PeerNodeFailoverTest {
  @TempDir Path dir;

  private static IndexServer index() throws Exception {
    return new IndexServer(IndexServer.Config.loopback().withLease(Duration.ofSeconds(60))).start();
  }

  @Test
  void afterFailingOverThePeerRegistersAgainOnTheNewNode() throws Exception {
    Files.writeString(dir.resolve("song.ogg"), "la la la");
    IndexServer a = index();
    try (IndexServer b = index();
        IndexClient onB = new IndexClient(b.localAddress())) {
      PeerConfig config =
          new PeerConfig(
              PeerName.of("mai-failover"),
              List.of(a.localAddress(), b.localAddress()),
              dir,
              ServeOptions.defaults(),
              DownloadOptions.defaults());
      try (PeerNode node = PeerNode.start(config)) {
        node.register(ContentName.of("song.ogg"));
        assertThat(onB.listAll("")).isEmpty();

        a.close(); // nothing listens there now: the next exchange learns it at once
        node.list(""); // answered by B (what it lists depends on the race with the line below)
        assertThat(node.indexNode()).isEqualTo(b.localAddress());
        // the keepalive round that the move set off: K, NOT_FOUND, R on B
        await("the peer registers again on B")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    onB.listAll("")
                        .equals(List.of(new ListingEntry(ContentName.of("song.ogg"), 1, 8))));
      }
      assertThat(onB.listAll("")).as("its Q went to B").isEmpty();
    } finally {
      a.close();
    }
  }
}
