package io.peershare.peer.serve;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.Manifest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A content a {@link ContentServer} serves: its name, the file registered for it, the manifest it
 * was registered with, and the TCP port to give the index in {@code R}.
 */
public record SharedContent(ContentName content, Path file, Manifest manifest, int port) {
  public SharedContent {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(manifest, "manifest");
  }

  public long size() {
    return manifest.size();
  }

  public Digest digest() {
    return manifest.digest();
  }
}
