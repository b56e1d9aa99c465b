package io.peershare.peer;

import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a peer process runs with.
 *
 * @param name the peer name, unique per host at the index
 * @param index the index: its nodes, in the order to try them (one for a single server)
 * @param dir the folder whose files the peer shares and where downloads go
 * @param serve content server options (ports, connection cap, upload rate)
 * @param download downloader options (sources, rate, timeouts)
 */
public record PeerConfig(
    PeerName name,
    List<InetSocketAddress> index,
    Path dir,
    ServeOptions serve,
    DownloadOptions download) {
  public PeerConfig {
    Objects.requireNonNull(name);
    index = List.copyOf(index);
    if (index.isEmpty()) {
      throw new IllegalArgumentException("a peer needs at least one index node");
    }
    Objects.requireNonNull(dir);
    Objects.requireNonNull(serve);
    Objects.requireNonNull(download);
  }

  /** A peer of a single index server. */
  public PeerConfig(
      PeerName name,
      InetSocketAddress index,
      Path dir,
      ServeOptions serve,
      DownloadOptions download) {
    this(name, List.of(index), dir, serve, download);
  }
}
