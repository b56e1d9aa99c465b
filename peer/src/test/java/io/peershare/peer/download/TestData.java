package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Contents and index answers for downloader tests. */
final class TestData {
  static final int MIB = 1 << 20;

  private TestData() {}

  /** The index's answer naming these servers, in this order. */
  static Providers providers(byte[] data, FakeContentServer... servers) {
    List<Provider> list = new ArrayList<>();
    for (int i = 0; i < servers.length; i++) {
      list.add(servers[i].provider("p" + i));
    }
    return new Providers(1, data.length, Manifest.of(data).digest(), list);
  }

  /** Short enough timeouts for tests that do not exercise them. */
  static DownloadOptions options(int maxSources) {
    return new DownloadOptions(
        maxSources, 0, Duration.ofSeconds(2), Duration.ofSeconds(10), 3, false);
  }

  /**
   * Downloads the content {@code f} into {@code dir} from these servers (the index naming them on
   * every locate), with no progress listener; returns the file.
   */
  static Path fetch(DownloadOptions o, Path dir, byte[] data, FakeContentServer... servers)
      throws Exception {
    return new Downloader(o)
        .download(
            ContentName.of("f"), dir, max -> providers(data, servers), ProgressListener.none())
        .file();
  }
}
