package io.peershare.peer.download;

import io.peershare.peer.download.PieceBoard.PieceRun;
import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.ProtocolException;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.protocol.TransferMessage.TransferError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * One reader of a download worker: fetches runs of pieces from a provider, one connection per run
 * ({@code D}, then {@code C} frames). The socket is read straight into one direct piece buffer;
 * each full piece is hashed on this same thread ({@link PieceVerifier#settle}), then written here
 * or handed with its buffer to the writer behind, and the next piece is read into the buffer the
 * verifier returns, while the provider fills the socket's buffer. One buffer at a time is the
 * reader's whole memory, whatever the file's size.
 */
final class RangeFetcher {
  private final ContentName content;
  private final Manifest manifest;
  private final Connections connections;
  private final PieceBoard board;
  private final PieceVerifier verifier;

  /**
   * Shared by all workers of one download. Bytes are counted after they arrive; a worker then waits
   * out the debt, which throttles the sender through TCP flow control.
   */
  private final ByteRateLimiter limiter;

  private final LongAdder arrived; // every byte off the wire, for all workers
  private ByteBuffer piece; // direct, PIECE_SIZE bytes; one piece at a time
  private final ByteBuffer head = ByteBuffer.allocate(259); // the longest header: an E answer

  RangeFetcher(
      ContentName content,
      Manifest manifest,
      Connections connections,
      PieceBoard board,
      PieceVerifier verifier,
      ByteRateLimiter limiter,
      LongAdder arrived,
      ByteBuffer piece) {
    this.content = content;
    this.manifest = manifest;
    this.connections = connections;
    this.board = board;
    this.verifier = verifier;
    this.limiter = limiter;
    this.arrived = arrived;
    this.piece = piece;
  }

  /**
   * The buffer this reader reads into now: the one it was made with, or one it got in exchange for
   * a piece that is written behind. Its own once {@link #fetch} has returned.
   */
  ByteBuffer buffer() {
    return piece;
  }

  /**
   * Fetches the run, handing each full piece to the verifier, and returns once every piece it read
   * is settled.
   *
   * @throws ProviderFailure when the provider misbehaves (a wrong hash first among its misdeeds);
   *     the pieces verified so far are kept
   * @throws InterruptedException when the download is stopping
   */
  void fetch(Provider p, PieceRun run) throws ProviderFailure, InterruptedException {
    if (board.allVerified(run.first(), run.end())) {
      return;
    }
    long offset = manifest.pieceOffset(run.first());
    long length = Math.min(manifest.size(), manifest.pieceOffset(run.end())) - offset;
    ProviderConnection c = connections.open(p);
    ProviderFailure failure = null;
    try {
      // the download may have ended while this connected, after Connections.closeAll
      if (!board.allVerified(run.first(), run.end())) {
        receive(c, run, offset, length);
      }
    } catch (ProviderFailure e) {
      failure = e;
    } finally {
      connections.close(c); // an endgame duplicate stops here, if it has not ended yet
      ProviderFailure rejected = c.rejection();
      if (rejected != null) {
        failure = rejected; // the wrong hash, which closed the connection under the reader
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void receive(ProviderConnection c, PieceRun run, long offset, long length)
      throws ProviderFailure, InterruptedException {
    String who = c.who();
    c.send(TransferCodec.encode(new DownloadRequest(content, manifest.digest(), offset, length)));
    int type = answerType(c);
    if (type == TransferCodec.ERROR) {
      TransferError e = error(c);
      throw new ProviderFailure(who + " refused the download: " + e.code() + " " + e.message());
    }
    long received = 0;
    int index = run.first();
    piece.clear().limit(manifest.pieceLength(index));
    while (true) {
      if (type != TransferCodec.FRAME) {
        throw new ProviderFailure(who + " answered a download with something else than bytes");
      }
      int n = frameLength(c);
      if (n == 0) {
        break;
      }
      if (n > length - received) {
        throw new ProviderFailure(who + " sent more bytes than were asked for");
      }
      while (n > 0) {
        int room = piece.remaining();
        if (n < room) {
          piece.limit(piece.position() + n);
        }
        int k = c.read(piece);
        piece.limit(piece.position() + room - k); // back to the piece's end
        n -= k;
        received += k;
        arrived.add(k);
        limiter.acquire(k);
        if (!piece.hasRemaining()) {
          piece = verifier.settle(index, piece.flip(), c); // settled: this buffer is free
          index++;
          if (index < run.end() && board.allVerified(index, run.end())) {
            return; // another provider was faster with the rest (endgame)
          }
          if (index < run.end()) {
            piece.clear().limit(manifest.pieceLength(index));
          }
        }
      }
      type = answerType(c);
    }
    if (received < length) {
      throw new ProviderFailure(
          who + " ended its answer after " + received + " of " + length + " bytes");
    }
  }

  /** Exactly {@code n} header bytes, read without going past them. */
  private ByteArrayInputStream header(ProviderConnection c, int n) throws ProviderFailure {
    head.clear().limit(n);
    while (head.hasRemaining()) {
      c.read(head);
    }
    return new ByteArrayInputStream(head.array(), 0, n);
  }

  private int answerType(ProviderConnection c) throws ProviderFailure {
    try {
      return TransferCodec.readAnswerType(header(c, 1));
    } catch (IOException | ProtocolException e) {
      throw c.lost(e);
    }
  }

  private int frameLength(ProviderConnection c) throws ProviderFailure {
    try {
      return TransferCodec.readFrameLength(header(c, 4));
    } catch (IOException | ProtocolException e) {
      throw c.lost(e);
    }
  }

  private TransferError error(ProviderConnection c) throws ProviderFailure {
    try {
      byte[] codeAndLength = header(c, 3).readAllBytes();
      int n = codeAndLength[2] & 0xff;
      byte[] all = new byte[3 + n];
      System.arraycopy(codeAndLength, 0, all, 0, 3);
      header(c, n).read(all, 3, n);
      return TransferCodec.readError(new ByteArrayInputStream(all));
    } catch (IOException | ProtocolException e) {
      throw c.lost(e);
    }
  }
}
