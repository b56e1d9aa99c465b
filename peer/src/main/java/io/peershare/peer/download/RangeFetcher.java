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
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fetches one run of pieces from one provider over one connection ({@code D}, then {@code C}
 * frames). The socket is read straight into direct 1 MiB piece buffers; a full piece goes to a
 * {@link PieceVerifier}, which hashes it on another thread while the next one arrives, and hands it
 * on only when it matches the manifest, so unverified bytes never reach the disk. One fetcher per
 * worker: its {@value #BUFFERS} piece buffers are the worker's whole memory, whatever the file's
 * size.
 */
final class RangeFetcher {
  /**
   * Receives each piece that matched its hash, from position to limit; valid only during the call.
   */
  @FunctionalInterface
  interface PieceSink {
    void verified(int piece, ByteBuffer data) throws IOException;
  }

  /** Piece buffers per worker: one being read while the others are hashed and written. */
  static final int BUFFERS = 4;

  private final ContentName content;
  private final Manifest manifest;
  private final Connector connector;
  private final PieceBoard board;

  /**
   * Shared by all workers of one download. Bytes are counted after they arrive; a worker then waits
   * out the debt, which throttles the sender through TCP flow control.
   */
  private final ByteRateLimiter limiter;

  private final LongAdder arrived; // every byte off the wire, for all workers
  private final PieceSink sink;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
  private final ByteBuffer head = ByteBuffer.allocate(259); // the longest header: an E answer

  RangeFetcher(
      ContentName content,
      Manifest manifest,
      Connector connector,
      PieceBoard board,
      ByteRateLimiter limiter,
      LongAdder arrived,
      PieceSink sink) {
    this.content = content;
    this.manifest = manifest;
    this.connector = connector;
    this.board = board;
    this.limiter = limiter;
    this.arrived = arrived;
    this.sink = sink;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(ByteBuffer.allocateDirect(Manifest.PIECE_SIZE));
    }
  }

  /**
   * Fetches the run, handing each verified piece to the sink.
   *
   * @throws ProviderFailure when the provider misbehaves; the pieces verified so far are kept
   * @throws IOException when the sink (the local disk) fails
   */
  void fetch(Provider p, PieceRun run) throws ProviderFailure, IOException, InterruptedException {
    if (board.allVerified(run.first(), run.end())) {
      return;
    }
    String who = Connector.describe(p);
    long offset = manifest.pieceOffset(run.first());
    long length = Math.min(manifest.size(), manifest.pieceOffset(run.end())) - offset;
    SocketChannel ch;
    try {
      ch = connector.openChannel(p);
    } catch (IOException e) {
      throw new ProviderFailure("could not connect to " + who + ": " + e.getMessage(), e);
    }
    PieceVerifier verifier = new PieceVerifier(manifest, sink, free, who, ch, connector);
    try {
      receive(ch, who, run, offset, length, verifier);
      verifier.finish(); // waits for the pieces still being hashed; throws what they found
    } catch (InterruptedException e) {
      verifier.abort(e);
      throw e;
    } catch (ProviderFailure | RuntimeException e) {
      throw PieceVerifier.rethrow(verifier.abort(e));
    } catch (IOException e) {
      // the only I/O errors left here are the sink's, which abort returns as they are
      throw PieceVerifier.rethrow(verifier.abort(e));
    } finally {
      connector.close(ch);
    }
  }

  private void receive(
      SocketChannel ch, String who, PieceRun run, long offset, long length, PieceVerifier verifier)
      throws ProviderFailure, IOException, InterruptedException {
    write(
        ch,
        who,
        TransferCodec.encode(new DownloadRequest(content, manifest.digest(), offset, length)));
    int type = answerType(ch, who, verifier);
    if (type == TransferCodec.ERROR) {
      TransferError e = error(ch, who, verifier);
      throw new ProviderFailure(who + " refused the download: " + e.code() + " " + e.message());
    }
    long received = 0;
    int index = run.first();
    ByteBuffer piece = null;
    try {
      while (true) {
        if (type != TransferCodec.FRAME) {
          throw new ProviderFailure(who + " answered a download with something else than bytes");
        }
        int n = frameLength(ch, who, verifier);
        if (n == 0) {
          break;
        }
        if (n > length - received) {
          throw new ProviderFailure(who + " sent more bytes than were asked for");
        }
        while (n > 0) {
          if (piece == null) {
            piece = verifier.takeBuffer();
            piece.clear().limit(manifest.pieceLength(index));
          }
          int room = piece.remaining();
          if (n < room) {
            piece.limit(piece.position() + n);
          }
          int k = read(ch, piece, who, verifier);
          piece.limit(piece.position() + room - k); // back to the piece's end
          n -= k;
          received += k;
          arrived.add(k);
          limiter.acquire(k);
          if (!piece.hasRemaining()) {
            verifier.submit(index, piece.flip());
            piece = null;
            index++;
            if (index < run.end() && board.allVerified(index, run.end())) {
              return; // another provider was faster with the rest (endgame)
            }
          }
        }
        type = answerType(ch, who, verifier);
      }
    } finally {
      if (piece != null) {
        verifier.giveBack(piece);
      }
    }
    if (received < length) {
      throw new ProviderFailure(
          who + " ended its answer after " + received + " of " + length + " bytes");
    }
  }

  private static void write(SocketChannel ch, String who, byte[] request) throws ProviderFailure {
    try {
      ByteBuffer b = ByteBuffer.wrap(request);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    } catch (IOException e) {
      throw lost(who, e);
    }
  }

  /** Reads at least one byte into {@code into}, under the verifier's stall watch. */
  private static int read(SocketChannel ch, ByteBuffer into, String who, PieceVerifier verifier)
      throws ProviderFailure {
    int k;
    verifier.readStarts();
    try {
      k = ch.read(into);
    } catch (IOException e) {
      throw verifier.stalled() ? stalled(who, e) : lost(who, e);
    } finally {
      verifier.readEnds();
    }
    if (k < 0) {
      throw new ProviderFailure(who + " closed the connection in the middle of a frame");
    }
    return k;
  }

  /** Exactly {@code n} header bytes, read without going past them. */
  private ByteArrayInputStream header(SocketChannel ch, int n, String who, PieceVerifier verifier)
      throws ProviderFailure {
    head.clear().limit(n);
    while (head.hasRemaining()) {
      read(ch, head, who, verifier);
    }
    return new ByteArrayInputStream(head.array(), 0, n);
  }

  private int answerType(SocketChannel ch, String who, PieceVerifier verifier)
      throws ProviderFailure {
    try {
      return TransferCodec.readAnswerType(header(ch, 1, who, verifier));
    } catch (IOException | ProtocolException e) {
      throw lost(who, e);
    }
  }

  private int frameLength(SocketChannel ch, String who, PieceVerifier verifier)
      throws ProviderFailure {
    try {
      return TransferCodec.readFrameLength(header(ch, 4, who, verifier));
    } catch (IOException | ProtocolException e) {
      throw lost(who, e);
    }
  }

  private TransferError error(SocketChannel ch, String who, PieceVerifier verifier)
      throws ProviderFailure {
    try {
      byte[] codeAndLength = header(ch, 3, who, verifier).readAllBytes();
      int n = codeAndLength[2] & 0xff;
      byte[] all = new byte[3 + n];
      System.arraycopy(codeAndLength, 0, all, 0, 3);
      header(ch, n, who, verifier).read(all, 3, n);
      return TransferCodec.readError(new ByteArrayInputStream(all));
    } catch (IOException | ProtocolException e) {
      throw lost(who, e);
    }
  }

  static ProviderFailure stalled(String who, Exception e) {
    return new ProviderFailure(who + " stopped sending", e);
  }

  static ProviderFailure lost(String who, Exception e) {
    if (e instanceof ProtocolException) {
      return new ProviderFailure(who + " broke the protocol: " + e.getMessage(), e);
    }
    return new ProviderFailure("the connection to " + who + " failed: " + e.getMessage(), e);
  }
}
