package io.peershare.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The baseline for the transfer benchmark: the fastest plain copy of a file over loopback this JVM
 * can do, with no protocol and no hashing. The sender uses {@code transferTo} (sendfile), the
 * receiver writes what each read of a 1 MiB direct buffer brings to a file (no fsync, as curl).
 * Prints {@code raw_mb_s=...}.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.peershare.bench.RawCopy SRC DST}
 */
public final class RawCopy {
  private RawCopy() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: RawCopy SOURCE_FILE TARGET_FILE");
      System.exit(2);
    }
    Path src = Path.of(args[0]);
    Path dst = Path.of(args[1]);
    try (ServerSocketChannel server =
        ServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Thread sender = Thread.ofPlatform().name("raw-sender").start(() -> send(server, src));
      long start = System.nanoTime();
      long n = receive((InetSocketAddress) server.getLocalAddress(), dst);
      double seconds = (System.nanoTime() - start) / 1e9;
      sender.join();
      System.out.printf(
          Locale.ROOT, "raw_bytes=%d seconds=%.3f raw_mb_s=%.1f%n", n, seconds, n / 1e6 / seconds);
    }
  }

  private static void send(ServerSocketChannel server, Path src) {
    try (SocketChannel s = server.accept();
        FileChannel f = FileChannel.open(src, StandardOpenOption.READ)) {
      long size = f.size();
      long pos = 0;
      while (pos < size) {
        pos += f.transferTo(pos, size - pos, s);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long receive(InetSocketAddress from, Path dst) throws IOException {
    try (SocketChannel s = SocketChannel.open(from);
        FileChannel f =
            FileChannel.open(
                dst,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      long total = 0;
      while (s.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          total += f.write(buf);
        }
        buf.clear();
      }
      return total;
    }
  }
}
