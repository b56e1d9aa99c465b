package io.peershare.peer.download;

import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.BitSet;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one content into a folder: asks the index for providers, fetches the manifest, then the
 * missing pieces from several providers at once, verifying each piece before it is written to
 * {@code dir/.<content>.part}; when all are in, moves the part file to {@code dir/<content>}.
 *
 * <p>A download that stops (failure, interrupt, crash) leaves the part file and its state behind;
 * the next download of the same content (same digest) into the same folder resumes from them.
 * Pieces the state marks verified are trusted while downloading, and the whole file is checked
 * before the move; any piece that fails then is fetched again.
 */
public final class Downloader {
  private static final Logger log = LoggerFactory.getLogger(Downloader.class);

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
   * Downloads {@code content} into {@code dir} and returns the finished file, {@code
   * dir/<content>}.
   *
   * @throws DownloadException when the folder or an existing file stand in the way, or no provider
   *     could deliver; the message says which, in a sentence for a person
   * @throws IOException when the local disk fails, or the index cannot be reached
   * @throws InterruptedException when the thread is interrupted; the part file and its state stay
   *     for a later resume, and every connection is closed
   */
  public Path download(
      ContentName content, Path dir, ProviderSource source, ProgressListener listener)
      throws DownloadException, IOException, InterruptedException {
    DownloadTarget t = DownloadTarget.of(content, dir);
    Providers found = source.locate(options.maxSources());
    Optional<Path> existing = alreadyThere(t, found, listener);
    if (existing.isPresent()) {
      return existing.get();
    }
    if (found.size() == 0) {
      return finishEmpty(t, found, listener);
    }
    Connector connector = new Connector(options.connectTimeout(), options.stallTimeout());
    Swarm swarm = new Swarm(options, content, found, source, connector);
    Manifest manifest = swarm.fetchManifest();
    BitSet resumed = resumable(t, found);
    PieceBoard board = new PieceBoard(manifest, resumed);
    StateJournal journal = new StateJournal(t, found.digest(), found.size(), board, clock);
    ByteRateLimiter limiter = new ByteRateLimiter(options.downloadBytesPerSecond()); // 0: no cap
    try (PartFile part = PartFile.open(t.part(), found.size(), !resumed.isEmpty())) {
      journal.write();
      listener.started(content, found.size(), board.verifiedBytes());
      ProgressReporter progress = new ProgressReporter(listener, found.size(), clock);
      PieceCommitter sink = new PieceCommitter(manifest, board, part, journal, progress);
      swarm.run(board, manifest, limiter, sink);
      if (!resumed.isEmpty()) {
        BitSet bad = part.badPieces(manifest);
        if (!bad.isEmpty()) {
          log.warn(
              "{} pieces of \"{}\" left by an earlier run are bad", bad.cardinality(), content);
          board.reopen(bad);
          journal.write();
          swarm.run(board, manifest, limiter, sink);
        }
      }
      journal.close(); // no state write may follow the move below
      if (options.fsync()) {
        part.force();
      }
    } catch (DownloadException | IOException | InterruptedException | RuntimeException e) {
      try {
        journal.writeOnStop();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    listener.received(swarm.receivedBytes());
    return moveIntoPlace(t, listener);
  }

  /** The target, when it already holds this very content; an error when it holds another. */
  private static Optional<Path> alreadyThere(
      DownloadTarget t, Providers found, ProgressListener listener)
      throws DownloadException, IOException {
    Path target = t.target();
    if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    if (Files.isRegularFile(target)
        && Files.size(target) == found.size()
        && Manifest.of(target).digest().equals(found.digest())) {
      listener.started(t.content(), found.size(), found.size());
      listener.finished(target);
      return Optional.of(target);
    }
    throw new DownloadException(
        ErrorCode.CONFLICT,
        target + " already exists with other content; move it away or download elsewhere.");
  }

  /**
   * The verified pieces an earlier run left for this very content, or none; anything that cannot be
   * resumed is removed so the download starts afresh.
   */
  private static BitSet resumable(DownloadTarget t, Providers found) throws IOException {
    Optional<PartState> state = PartState.read(t.state());
    if (state.isPresent()
        && state.get().digest().equals(found.digest())
        && state.get().size() == found.size()
        && Files.isRegularFile(t.part())
        && Files.size(t.part()) == found.size()) {
      log.info(
          "resuming \"{}\": {} pieces verified earlier",
          t.content(),
          state.get().verified().cardinality());
      return state.get().verified();
    }
    Files.deleteIfExists(t.state());
    Files.deleteIfExists(t.part());
    return new BitSet();
  }

  private static Path finishEmpty(DownloadTarget t, Providers found, ProgressListener listener)
      throws DownloadException, IOException {
    if (!Manifest.of(new byte[0]).digest().equals(found.digest())) {
      throw new DownloadException(
          ErrorCode.MALFORMED,
          "The index gave \"" + t.content() + "\" a size of 0 with the digest of other content.");
    }
    listener.started(t.content(), 0, 0);
    Files.deleteIfExists(t.state());
    Files.write(t.part(), new byte[0]);
    return moveIntoPlace(t, listener);
  }

  private static Path moveIntoPlace(DownloadTarget t, ProgressListener listener)
      throws DownloadException, IOException {
    if (Files.exists(t.target(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new DownloadException(
          ErrorCode.CONFLICT,
          t.target() + " appeared while downloading; the download is kept in " + t.part() + ".");
    }
    Files.move(t.part(), t.target(), StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(t.state());
    Files.deleteIfExists(t.stateTemp()); // left by a run killed between writing and renaming it
    listener.progress(Files.size(t.target()), Files.size(t.target()));
    listener.finished(t.target());
    return t.target();
  }
}
