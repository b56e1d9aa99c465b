package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.ProtocolException;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import io.peershare.protocol.TransferMessage.TransferError;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Asks one provider for a content's manifest ({@code M}) and checks it against the index. */
final class ManifestFetcher {
  private ManifestFetcher() {}

  /**
   * The manifest of a content of {@code size} bytes whose digest is {@code digest}.
   *
   * @throws ProviderFailure when this provider cannot give it
   */
  static Manifest fetch(
      Connections connections, Provider p, ContentName content, Digest digest, long size)
      throws ProviderFailure {
    ProviderConnection c = connections.open(p);
    String who = c.who();
    try {
      c.send(TransferCodec.encode(new ManifestRequest(content, digest)));
      InputStream in = new BufferedInputStream(c.in(), 64 << 10);
      int type = TransferCodec.readAnswerType(in);
      if (type == TransferCodec.ERROR) {
        TransferError e = TransferCodec.readError(in);
        throw new ProviderFailure(who + " refused the manifest: " + e.code() + " " + e.message());
      }
      if (type != TransferCodec.MANIFEST) {
        throw new ProviderFailure(who + " answered a manifest request with file bytes");
      }
      Manifest m = TransferCodec.readManifest(in, size);
      if (!m.digest().equals(digest)) {
        throw new ProviderFailure(who + " sent a manifest that does not match the index's digest");
      }
      return m;
    } catch (ProtocolException e) {
      throw new ProviderFailure(who + " sent a bad manifest answer: " + e.getMessage(), e);
    } catch (IOException e) {
      if (c.stalled()) {
        throw new ProviderFailure(who + " stalled while sending the manifest", e);
      }
      throw c.lost(e);
    } finally {
      connections.close(c);
    }
  }
}
