package io.peershare.peer.download;

import io.peershare.peer.download.PieceBoard.PieceRun;
import io.peershare.peer.rate.RateLimiter;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.ProtocolException;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.protocol.TransferMessage.TransferError;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fetches one run of pieces from one provider over one connection ({@code D}, then {@code C}
 * frames). Each piece is gathered in a 1 MiB buffer and hashed as its bytes arrive; only a piece
 * that matches the manifest is handed on, so unverified bytes never reach the disk. One fetcher per
 * worker: its buffer is the worker's whole memory, whatever the file's size.
 */
final class RangeFetcher {
  /** Receives each piece that matched its hash; the bytes are valid only during the call. */
  @FunctionalInterface
  interface PieceSink {
    void verified(int piece, byte[] data, int length) throws IOException;
  }

  private static final int CHUNK = 64 << 10;

  private final String content;
  private final Manifest manifest;
  private final Connector connector;
  private final PieceBoard board;

  /**
   * Shared by all workers of one download. Bytes are counted after they arrive; a worker then waits
   * out the debt, which throttles the sender through TCP flow control.
   */
  private final RateLimiter limiter;

  private final LongAdder arrived; // every byte off the wire, for all workers
  private final PieceSink sink;
  private final byte[] piece = new byte[Manifest.PIECE_SIZE];
  private final MessageDigest md = Digest.newSha256();

  RangeFetcher(
      String content,
      Manifest manifest,
      Connector connector,
      PieceBoard board,
      RateLimiter limiter,
      LongAdder arrived,
      PieceSink sink) {
    this.content = content;
    this.manifest = manifest;
    this.connector = connector;
    this.board = board;
    this.limiter = limiter;
    this.arrived = arrived;
    this.sink = sink;
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
    Socket s;
    try {
      s = connector.open(p);
    } catch (IOException e) {
      throw new ProviderFailure("could not connect to " + who + ": " + e.getMessage(), e);
    }
    try {
      InputStream in =
          send(s, who, new DownloadRequest(content, manifest.digest(), offset, length));
      int type = answerType(in, who);
      if (type == TransferCodec.ERROR) {
        TransferError e = error(in, who);
        throw new ProviderFailure(who + " refused the download: " + e.code() + " " + e.message());
      }
      long received = 0;
      int index = run.first();
      int filled = 0;
      md.reset();
      while (true) {
        if (type != TransferCodec.FRAME) {
          throw new ProviderFailure(who + " answered a download with something else than bytes");
        }
        int n = frameLength(in, who);
        if (n == 0) {
          break;
        }
        if (n > length - received) {
          throw new ProviderFailure(who + " sent more bytes than were asked for");
        }
        while (n > 0) {
          int pieceLength = manifest.pieceLength(index);
          int k = readSome(in, who, filled, Math.min(Math.min(n, pieceLength - filled), CHUNK));
          md.update(piece, filled, k);
          filled += k;
          n -= k;
          received += k;
          arrived.add(k);
          limiter.acquire(k);
          if (filled == pieceLength) {
            if (!manifest.pieceHash(index).equals(Digest.of(md.digest()))) {
              throw new ProviderFailure(who + " sent piece " + index + " with a wrong hash");
            }
            sink.verified(index, piece, pieceLength);
            index++;
            filled = 0;
            if (index < run.end() && board.allVerified(index, run.end())) {
              return; // another provider was faster with the rest (endgame)
            }
          }
        }
        type = answerType(in, who);
      }
      if (received < length) {
        throw new ProviderFailure(
            who + " ended its answer after " + received + " of " + length + " bytes");
      }
    } finally {
      connector.close(s);
    }
  }

  private static InputStream send(Socket s, String who, DownloadRequest request)
      throws ProviderFailure {
    try {
      OutputStream out = s.getOutputStream();
      out.write(TransferCodec.encode(request));
      out.flush();
      return new BufferedInputStream(s.getInputStream(), CHUNK);
    } catch (IOException e) {
      throw lost(who, e);
    }
  }

  private static int answerType(InputStream in, String who) throws ProviderFailure {
    try {
      return TransferCodec.readAnswerType(in);
    } catch (IOException | ProtocolException e) {
      throw lost(who, e);
    }
  }

  private static int frameLength(InputStream in, String who) throws ProviderFailure {
    try {
      return TransferCodec.readFrameLength(in);
    } catch (IOException | ProtocolException e) {
      throw lost(who, e);
    }
  }

  private static TransferError error(InputStream in, String who) throws ProviderFailure {
    try {
      return TransferCodec.readError(in);
    } catch (IOException | ProtocolException e) {
      throw lost(who, e);
    }
  }

  private int readSome(InputStream in, String who, int off, int len) throws ProviderFailure {
    try {
      int k = in.read(piece, off, len);
      if (k < 0) {
        throw new ProviderFailure(who + " closed the connection in the middle of a frame");
      }
      return k;
    } catch (IOException e) {
      throw lost(who, e);
    }
  }

  private static ProviderFailure lost(String who, Exception e) {
    if (e instanceof SocketTimeoutException) {
      return new ProviderFailure(who + " stopped sending", e);
    }
    if (e instanceof ProtocolException) {
      return new ProviderFailure(who + " broke the protocol: " + e.getMessage(), e);
    }
    return new ProviderFailure("the connection to " + who + " failed: " + e.getMessage(), e);
  }
}
