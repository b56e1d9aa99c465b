package io.peershare.peer.serve;

import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.peer.serve.ContentGuard.Check;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.TransferCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Sends a {@code D} range as {@code C} frames, then the end frame, in the mode {@link ContentGuard}
 * chose. What each mode guarantees:
 *
 * <ul>
 *   <li><b>Zero-copy</b> ({@code transferTo}, file to socket, bytes never pass through Java):
 *       before each frame after the first and before the end frame, the file's stamp must still be
 *       the proven one. A write during the transfer changes mtime and ctime, so the answer ends
 *       with {@code E CONFLICT} instead of the end frame; a file cut short mid-frame closes the
 *       connection mid-frame. Either way the downloader sees no end frame and drops the transfer,
 *       as the spec requires.
 *   <li><b>Verified</b>: each piece covering the range is read into memory, hashed and compared
 *       with the manifest, and only those very bytes are sent. A piece that does not match answers
 *       {@code E CONFLICT} before any of its bytes leave: no wrong byte is sent at all.
 * </ul>
 *
 * With an upload limit, frames are {@value #LIMITED_FRAME} bytes and tokens are taken per frame, so
 * the rate is smooth; otherwise frames are {@value #FRAME} bytes.
 */
final class RangeSender {
  static final int FRAME = 1 << 20;
  static final int LIMITED_FRAME = 64 << 10;

  /** What is copied through memory when the socket is full (see {@link #copyWhenFull}). */
  private static final int COPY_CHUNK = 16 << 10;

  private final ByteRateLimiter limiter;
  private final int frame;
  private final Duration idleTimeout;

  /**
   * @param idleTimeout the connections' idle timeout, which sizes each {@code transferTo} ({@link
   *     SendPace})
   */
  RangeSender(ByteRateLimiter limiter, Duration idleTimeout) {
    this.limiter = limiter;
    this.frame = limiter.isUnlimited() ? FRAME : LIMITED_FRAME;
    this.idleTimeout = idleTimeout;
  }

  /**
   * Answers bytes {@code [offset, end)}, which the caller checked lie within the file.
   *
   * @param progress called whenever bytes went out, to keep an idle timer from firing
   * @return true when the whole range and the end frame went out; false when it was answered with
   *     {@code E CONFLICT} instead
   */
  boolean send(
      ContentGuard guard, long offset, long end, WritableByteChannel out, Runnable progress)
      throws IOException {
    Check check = guard.check();
    if (check.mode() == ContentGuard.Mode.CONFLICT) {
      Answers.error(out, ErrorCode.CONFLICT, check.reason());
      return false;
    }
    try (FileChannel file = FileChannel.open(guard.content().file(), StandardOpenOption.READ)) {
      boolean complete =
          check.mode() == ContentGuard.Mode.ZERO_COPY
              ? zeroCopy(guard, check, file, offset, end, out, progress)
              : verified(guard, check, file, offset, end, out, progress);
      if (complete) {
        Answers.write(out, TransferCodec.frameHeader(0));
      }
      return complete;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while rate limited");
    }
  }

  private boolean zeroCopy(
      ContentGuard guard,
      Check check,
      FileChannel file,
      long offset,
      long end,
      WritableByteChannel out,
      Runnable progress)
      throws IOException, InterruptedException {
    SendPace pace = new SendPace(idleTimeout, System::nanoTime);
    for (long pos = offset; pos < end; ) {
      if (pos > offset && !guard.unchanged(check.stamp())) {
        return conflict(out);
      }
      int n = (int) Math.min(frame, end - pos);
      limiter.acquire(n);
      Answers.write(out, TransferCodec.frameHeader(n));
      for (long sent = 0; sent < n; ) {
        long at = pos + sent;
        long k = file.transferTo(at, pace.next(n - sent), out);
        if (k == 0) {
          k = copyWhenFull(file, at, (int) Math.min(COPY_CHUNK, n - sent), out);
        }
        sent += k;
        pace.sent(k);
        guard.served().sent(k);
        progress.run();
      }
      pos += n;
    }
    return guard.unchanged(check.stamp()) || conflict(out);
  }

  private boolean verified(
      ContentGuard guard,
      Check check,
      FileChannel file,
      long offset,
      long end,
      WritableByteChannel out,
      Runnable progress)
      throws IOException, InterruptedException {
    Manifest manifest = guard.manifest();
    ByteBuffer piece = ByteBuffer.allocate(Manifest.PIECE_SIZE);
    MessageDigest sha = Digest.newSha256();
    for (int i = (int) (offset / Manifest.PIECE_SIZE); offset < end; i++) {
      long start = manifest.pieceOffset(i);
      if (!readPiece(file, start, manifest.pieceLength(i), piece)) {
        guard.pieceMismatch(check.stamp());
        return conflict(out);
      }
      sha.update(piece.array(), 0, piece.limit());
      if (!MessageDigest.isEqual(sha.digest(), manifest.pieceHash(i).toBytes())) {
        guard.pieceMismatch(check.stamp());
        return conflict(out);
      }
      int from = (int) (offset - start);
      int to = (int) (Math.min(end, start + piece.limit()) - start);
      for (int p = from; p < to; ) {
        int n = Math.min(frame, to - p);
        limiter.acquire(n);
        Answers.write(out, TransferCodec.frameHeader(n));
        Answers.write(out, piece.slice(p, n));
        guard.served().sent(n);
        progress.run();
        p += n;
      }
      offset = start + to;
    }
    return true;
  }

  /**
   * {@code transferTo} returned 0. On the platform threads that serve connections the socket
   * blocks, so that means the file shrank: the read here finds its end and fails. On a socket that
   * is non-blocking underneath (any socket used from a virtual thread, JDK 21-25) it can also mean
   * the socket is full, as {@code sendfile} gives up with 0 instead of waiting for room: then one
   * small chunk goes through a buffer, whose write waits until the reader makes room, and {@code
   * sendfile} takes over again.
   */
  private static long copyWhenFull(FileChannel file, long at, int length, WritableByteChannel out)
      throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(length);
    int got = file.read(chunk, at);
    if (got <= 0) {
      throw new IOException("file shrank mid-frame: closing without the end frame");
    }
    Answers.write(out, chunk.flip());
    return got;
  }

  /** Reads exactly {@code length} bytes at {@code position}; false when the file ends first. */
  private static boolean readPiece(FileChannel file, long position, int length, ByteBuffer piece)
      throws IOException {
    piece.clear().limit(length);
    while (piece.hasRemaining()) {
      if (file.read(piece, position + piece.position()) < 0) {
        return false;
      }
    }
    piece.flip();
    return true;
  }

  private static boolean conflict(WritableByteChannel out) throws IOException {
    Answers.error(out, ErrorCode.CONFLICT, "the shared file changed on disk");
    return false;
  }
}
