package io.peershare.peer.download;

import io.peershare.protocol.Digest;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code .part} file: the content's bytes at their offsets, written piece by piece, only ever
 * with pieces that already matched their hash.
 *
 * <p>Two ways in. {@link #write} goes through the page cache, 32 KiB at a time: the CPU copies the
 * piece into the cache and the disk is written behind. {@link #writePiece} writes a whole piece by
 * direct I/O ({@code O_DIRECT}) when the download asks for it (by default one that ends with a
 * flush, {@link #wantsDirect}) and the file allows: the device reads the piece buffer itself, the
 * CPU copies nothing (0.2 CPU-seconds less per GiB on the test machine), but the call returns only
 * once the device has the bytes, so it is made on a writer thread of its own ({@link PieceWriter}),
 * not on a reader's. Direct I/O needs the buffer's address, the file offset and the length to be
 * multiples of the block size; the last, short piece, a heap buffer, a file system that refuses
 * {@code O_DIRECT} (or tmpfs, whose "direct" writes are page-cache copies anyway) take the page
 * cache instead, and so does every piece after a direct write fails once. The file is then not in
 * the page cache after the download (docs/benchmarks.md, "Twelfth look" and "Thirteenth look").
 */
final class PartFile implements AutoCloseable, PieceWriter.Disk {
  private static final Logger log = LoggerFactory.getLogger(PartFile.class);

  /** Alignment of piece buffers: a page, a multiple of any block size direct I/O here needs. */
  static final int ALIGNMENT = 4096;

  /**
   * {@code -Dpeershare.directWrites=true|false} (in {@code PEERSHARE_JAVA_OPTS}) makes every
   * download write whole pieces by direct I/O, or none; by default only a download that is flushed
   * to the disk at its end ({@code --fsync}) does, see {@link #wantsDirect}.
   */
  static final String DIRECT_PROPERTY = "peershare.directWrites";

  /**
   * The JDK's {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} (module {@code jdk.unsupported},
   * in every JDK since 10), looked up by name: javac warns about naming it, and the build fails on
   * warnings. Null if this JDK lacks it.
   */
  private static final OpenOption DIRECT = directOption();

  private static OpenOption directOption() {
    try {
      return (OpenOption)
          Class.forName("com.sun.nio.file.ExtendedOpenOption").getField("DIRECT").get(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

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
  private volatile FileChannel direct; // the same file opened with O_DIRECT; null: none (any more)

  private PartFile(FileChannel channel, FileChannel direct) {
    this.channel = channel;
    this.direct = direct;
  }

  /**
   * A piece buffer, a reader's: direct, so the socket is read into it without a copy, {@link
   * Manifest#PIECE_SIZE} bytes, its address a multiple of {@link #ALIGNMENT} ({@code
   * allocateDirect} alone gives 16 bytes off a page), so that a whole piece can go to the disk by
   * direct I/O from it.
   */
  static ByteBuffer newPieceBuffer() {
    return ByteBuffer.allocateDirect(Manifest.PIECE_SIZE + ALIGNMENT)
        .alignedSlice(ALIGNMENT)
        .limit(Manifest.PIECE_SIZE)
        .slice();
  }

  /**
   * Whether a download writes its whole pieces by direct I/O where it can: by default only when it
   * is flushed to the disk at its end ({@code fsync}), since then the disk's pace is the download's
   * anyway and direct writes leave no dirty pages for the final flush. Without a flush the page
   * cache takes the pieces as fast as they come and the disk catches up after the command ends, as
   * it does for curl; direct writes there made the download wait for the device and were slower
   * (docs/benchmarks.md, "Thirteenth look"). {@link #DIRECT_PROPERTY} overrides both ways.
   */
  static boolean wantsDirect(boolean fsync) {
    String set = System.getProperty(DIRECT_PROPERTY);
    return set == null ? fsync : Boolean.parseBoolean(set);
  }

  /**
   * Opens the part file, emptied first unless {@code resume}, and sized to {@code size} bytes; with
   * a second handle for direct writes if {@code direct} and the file system allows.
   */
  static PartFile open(Path path, long size, boolean resume, boolean direct) throws IOException {
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
      return new PartFile(ch, direct ? openDirect(path) : null);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * The part file opened a second time for direct writes, or null where they cannot be made or
   * would not pay: a block size that does not divide a page, tmpfs (whose direct writes copy into
   * memory like any other), a file system or JDK that refuses the option.
   */
  private static FileChannel openDirect(Path path) {
    if (DIRECT == null) {
      return null;
    }
    try {
      FileStore store = Files.getFileStore(path);
      long block = store.getBlockSize();
      String type = store.type().toLowerCase(Locale.ROOT);
      if (block <= 0 || ALIGNMENT % block != 0 || type.equals("tmpfs") || type.equals("ramfs")) {
        return null;
      }
      return FileChannel.open(path, StandardOpenOption.WRITE, DIRECT);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      log.debug("no direct writes to {}: {}", path, e.toString());
      return null;
    }
  }

  /**
   * Whether direct writes are possible at all: {@link #writesDirect} is false for any piece if not.
   */
  boolean writesDirect() {
    return direct != null;
  }

  /** The channel of the direct writes, or null: for tests, which break it. */
  FileChannel directChannel() {
    return direct;
  }

  /**
   * Whether {@link #writePiece} would write these bytes at {@code offset} by direct I/O: a direct
   * channel is open, and buffer address, offset and length are all aligned.
   */
  @Override
  public boolean writesDirect(long offset, ByteBuffer data) {
    return direct != null
        && data.isDirect()
        && offset % ALIGNMENT == 0
        && data.remaining() % ALIGNMENT == 0
        && data.alignmentOffset(data.position(), ALIGNMENT) == 0;
  }

  /**
   * Writes a whole piece, {@code data} from position to limit, at {@code offset}: by direct I/O
   * when {@link #writesDirect} says so, through the page cache otherwise. A direct write that fails
   * turns direct writes off for this file and the piece goes through the page cache, so a real disk
   * error comes from there, as from {@link #write}. Waits for the device when direct: call it on a
   * thread that has nothing else to do meanwhile. Leaves {@code data}'s position at its limit.
   */
  @Override
  public void writePiece(long offset, ByteBuffer data) throws IOException {
    FileChannel d = direct;
    if (d != null && writesDirect(offset, data)) {
      int start = data.position();
      try {
        while (data.hasRemaining()) {
          d.write(data, offset + data.position() - start);
        }
        return;
      } catch (ClosedByInterruptException e) {
        throw e;
      } catch (IOException e) {
        log.info(
            "direct writes to the part file failed ({}); writing through the page cache",
            e.toString());
        direct = null;
        closeQuietly(d);
        data.position(start);
      }
    }
    write(offset, data);
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing was pending on it
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
    FileChannel d = direct;
    direct = null;
    try {
      if (d != null) {
        d.close();
      }
    } finally {
      channel.close();
    }
  }
}
