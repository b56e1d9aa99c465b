package io.peershare.peer.download;

import io.peershare.protocol.Digest;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code .part} file: the content's bytes at their offsets, written piece by piece, only ever
 * with pieces that already matched their hash.
 */
final class PartFile implements AutoCloseable {
  /**
   * Bytes per write call: 32 per piece. Linux puts a write into page-cache folios of the write's
   * size, and on a virtual machine that hands free memory back to its host, large fresh folios are
   * slow to fill; 32 KiB is the size whose folios Linux keeps in its per-CPU free lists, and
   * copying into the page cache costs a fraction of what it costs with 128 KiB or 1 MiB writes
   * (measured in docs/benchmarks.md, "Third look").
   */
  static final int WRITE_CHUNK = 32 << 10;

  private final FileChannel channel;
  private final ReentrantLock writing = new ReentrantLock();

  private PartFile(FileChannel channel) {
    this.channel = channel;
  }

  /** Opens the part file, emptied first unless {@code resume}, and sized to {@code size} bytes. */
  static PartFile open(Path path, long size, boolean resume) throws IOException {
    FileChannel ch =
        resume
            ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(
                path,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    try {
      if (ch.size() > size) {
        ch.truncate(size);
      } else if (ch.size() < size) {
        ch.write(ByteBuffer.wrap(new byte[1]), size - 1); // sparse where the file system allows
      }
      return new PartFile(ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Writes the bytes from {@code data}'s position to its limit at {@code offset}; a direct buffer
   * goes to the disk without another copy. Leaves {@code data}'s position at its limit.
   */
  void write(long offset, ByteBuffer data) throws IOException {
    int start = data.position();
    int end = data.limit();
    writing.lock(); // one writer at a time: concurrent writers only spin on the file's lock
    try {
      while (data.position() < end) {
        data.limit(Math.min(end, data.position() + WRITE_CHUNK));
        while (data.hasRemaining()) {
          channel.write(data, offset + data.position() - start);
        }
      }
    } finally {
      data.limit(end);
      writing.unlock();
    }
  }

  /**
   * Reads the whole file once and returns the pieces whose bytes do not match the manifest: the
   * check a resumed download makes before it trusts what an earlier run left.
   */
  BitSet badPieces(Manifest manifest) throws IOException {
    BitSet bad = new BitSet();
    ByteBuffer buf = ByteBuffer.allocateDirect(Manifest.PIECE_SIZE);
    MessageDigest md = Digest.newSha256();
    for (int i = 0; i < manifest.pieceCount(); i++) {
      buf.clear().limit(manifest.pieceLength(i));
      long offset = manifest.pieceOffset(i);
      while (buf.hasRemaining()) {
        if (channel.read(buf, offset + buf.position()) < 0) {
          break;
        }
      }
      buf.flip();
      md.update(buf);
      if (!manifest.pieceHash(i).equals(Digest.of(md.digest()))) {
        bad.set(i);
      }
    }
    return bad;
  }

  /**
   * Puts the bytes on the disk before the file is moved into place (the {@code --fsync} option).
   */
  void force() throws IOException {
    channel.force(true);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
