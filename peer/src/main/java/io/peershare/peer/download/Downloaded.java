package io.peershare.peer.download;

import io.peershare.protocol.Manifest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A finished download: the file in place and the manifest its every piece was verified against
 * (whose digest is the one the index gave). The manifest describes the file as it was moved into
 * place, so the file can be shared without reading it again.
 */
public record Downloaded(Path file, Manifest manifest) {
  public Downloaded {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(manifest, "manifest");
  }
}
