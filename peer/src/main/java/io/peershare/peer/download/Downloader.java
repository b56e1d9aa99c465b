package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Downloads one content into a folder: asks the index for providers, fetches the manifest, then the
 * missing pieces from several providers at once, verifying each piece before it is written to
 * {@code dir/.<content>.part}; when all are in, moves the part file to {@code dir/<content>}. Each
 * download runs as one {@link DownloadSession}.
 *
 * <p>A download that stops (failure, interrupt, crash) leaves the part file and its state behind;
 * the next download of the same content (same digest) into the same folder resumes from them.
 * Pieces the state marks verified are trusted while downloading, and the whole file is checked
 * before the move; any piece that fails then is fetched again.
 */
public final class Downloader {
  private final DownloadOptions options;
  private final Clock clock;

  public Downloader(DownloadOptions options) {
    this(options, Clock.systemUTC());
  }

  Downloader(DownloadOptions options, Clock clock) {
    this.options = Objects.requireNonNull(options);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Downloads {@code content} into {@code dir}: returns the finished file, {@code dir/<content>},
   * with the manifest it was verified against.
   *
   * @throws DownloadException when the folder or an existing file stand in the way, or no provider
   *     could deliver; the message says which, in a sentence for a person
   * @throws IOException when the local disk fails, or the index cannot be reached
   * @throws InterruptedException when the thread is interrupted; the part file and its state stay
   *     for a later resume, and every connection is closed
   */
  public Downloaded download(
      ContentName content, Path dir, ProviderSource source, ProgressListener listener)
      throws DownloadException, IOException, InterruptedException {
    try {
      DownloadTarget t = DownloadTarget.of(content, dir);
      Providers found = source.locate(options.maxSources());
      Optional<Downloaded> existing = alreadyThere(t, found, listener);
      if (existing.isPresent()) {
        return existing.get();
      }
      if (found.size() == 0) {
        return finishEmpty(t, found, listener);
      }
      return new DownloadSession(options, clock, t, found, source, listener).run();
    } catch (DownloadException | IOException | InterruptedException | RuntimeException e) {
      listener.failed(e);
      throw e;
    }
  }

  /** The target, when it already holds this very content; an error when it holds another. */
  private static Optional<Downloaded> alreadyThere(
      DownloadTarget t, Providers found, ProgressListener listener)
      throws DownloadException, IOException {
    Path target = t.target();
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    if (Files.isRegularFile(target) && Files.size(target) == found.size()) {
      Manifest m = Manifest.of(target);
      if (m.digest().equals(found.digest())) {
        listener.started(t.content(), found.size(), found.size());
        listener.finished(target);
        return Optional.of(new Downloaded(target, m));
      }
    }
    throw new DownloadException(
        ErrorCode.CONFLICT,
        target + " already exists with other content; move it away or download elsewhere.");
  }

  private static Downloaded finishEmpty(
      DownloadTarget t, Providers found, ProgressListener listener)
      throws DownloadException, IOException {
    Manifest empty = Manifest.of(new byte[0]);
    if (!empty.digest().equals(found.digest())) {
      throw new DownloadException(
          ErrorCode.MALFORMED,
          "The index gave \"" + t.content() + "\" a size of 0 with the digest of other content.");
    }
    listener.started(t.content(), 0, 0);
    Files.deleteIfExists(t.state());
    Files.write(t.part(), new byte[0]);
    Path file = t.moveIntoPlace();
    listener.progress(0, 0);
    listener.finished(file);
    return new Downloaded(file, empty);
  }
}
