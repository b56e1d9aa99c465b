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
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** Asks one provider for a content's manifest ({@code M}) and checks it against the index. */
final class ManifestFetcher {
  private ManifestFetcher() {}

  /**
   * The manifest of a content of {@code size} bytes whose digest is {@code digest}.
   *
   * @throws ProviderFailure when this provider cannot give it
   */
  static Manifest fetch(
      Connector connector, Provider p, ContentName content, Digest digest, long size)
      throws ProviderFailure {
    String who = Connector.describe(p);
    Socket s;
    try {
      s = connector.open(p);
    } catch (IOException e) {
      throw new ProviderFailure("could not connect to " + who + ": " + e.getMessage(), e);
    }
    try {
      OutputStream out = s.getOutputStream();
      out.write(TransferCodec.encode(new ManifestRequest(content, digest)));
      out.flush();
      InputStream in = new BufferedInputStream(s.getInputStream(), 64 << 10);
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
    } catch (SocketTimeoutException e) {
      throw new ProviderFailure(who + " stalled while sending the manifest", e);
    } catch (ProtocolException e) {
      throw new ProviderFailure(who + " sent a bad manifest answer: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ProviderFailure("the connection to " + who + " failed: " + e.getMessage(), e);
    } finally {
      connector.close(s);
    }
  }
}
