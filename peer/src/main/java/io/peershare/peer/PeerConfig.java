package io.peershare.peer;

import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.protocol.Names;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a peer process runs with.
 *
 * @param name the peer name, unique per host at the index
 * @param index the index server
 * @param dir the folder whose files the peer shares and where downloads go
 * @param serve content server options (ports, connection cap, upload rate)
 * @param download downloader options (sources, rate, timeouts)
 */
public record PeerConfig(
    String name, InetSocketAddress index, Path dir, ServeOptions serve, DownloadOptions download) {
  public PeerConfig {
    String problem = Names.peerNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    Objects.requireNonNull(index);
    Objects.requireNonNull(dir);
    Objects.requireNonNull(serve);
    Objects.requireNonNull(download);
  }
}
