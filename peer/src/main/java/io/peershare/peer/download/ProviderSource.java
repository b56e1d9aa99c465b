package io.peershare.peer.download;

import io.peershare.protocol.IndexMessage;
import java.io.IOException;

/**
 * Asks the index where a content lives. The downloader calls it once at the start and again when
 * every provider it knows has failed, so an implementation should ask the index afresh each time
 * (the index's round robin then hands out other providers).
 */
@FunctionalInterface
public interface ProviderSource {
  /**
   * The content's size, digest and up to {@code max} providers.
   *
   * @throws DownloadException when the index refuses (e.g. the content is unknown)
   * @throws IOException when the index cannot be reached
   */
  IndexMessage.Providers locate(int max) throws IOException, DownloadException;
}
