package io.peershare.peer;

import io.peershare.protocol.Addresses;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running peer per name and index node on this host, for this user. A peer sends {@code Q} when
 * it starts, and at the index {@code Q} removes every registration of that name from this host's
 * address: a second peer of a running peer's name would silently unregister the first. So a peer
 * holds a lock file per index node it may talk to, and a second one is refused with the first one's
 * process id.
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock}, {@code fcntl}): it goes when
 * the process ends however it ends, so a SIGKILLed peer never blocks the next start. The files stay
 * (removing them would let two processes each lock a different file of the same name); they are in
 * {@code $XDG_RUNTIME_DIR/peershare}, a per-user folder that the system empties at logout, else in
 * {@code ~/.cache/peershare/running} ({@code $XDG_CACHE_HOME} respected). The key is the name and
 * the node's address as the peer resolved it: two peers of one name may talk to two different
 * indexes, or to one index over two addresses of this host (the index then tells them apart by
 * address).
 */
final class NameLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NameLock.class);

  /** Keys held by this process: the OS lock does not tell two channels of one process apart. */
  private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

  /** A file this process locked; closing the channel releases the lock. */
  private record Held(String key, FileChannel channel) {}

  private final List<Held> held;
  private boolean closed;

  private NameLock(List<Held> held) {
    this.held = held;
  }

  /** The lock of {@code peer} on every node, or {@link NameInUseException} naming the holder. */
  static NameLock acquire(PeerName peer, List<InetSocketAddress> nodes) throws NameInUseException {
    return acquire(peer, nodes, lockDir());
  }

  static NameLock acquire(PeerName peer, List<InetSocketAddress> nodes, Path dir)
      throws NameInUseException {
    List<Held> held = new ArrayList<>();
    try {
      Files.createDirectories(dir, ownerOnly("rwx------"));
      for (InetSocketAddress node : nodes) {
        held.add(lock(dir, peer.toString(), node));
      }
    } catch (NameInUseException e) {
      new NameLock(held).close();
      throw e;
    } catch (IOException e) {
      new NameLock(held).close();
      log.warn(
          "cannot keep a lock for the name '{}' in {} ({}): a second peer of that name would not"
              + " be stopped",
          peer,
          dir,
          e.toString());
      return new NameLock(List.of());
    }
    return new NameLock(held);
  }

  /** Locks the file of {@code peer} on {@code node}. */
  private static Held lock(Path dir, String peer, InetSocketAddress node) throws IOException {
    String where = Addresses.format(node);
    String key = fileName(peer) + "@" + fileName(where) + ".lock";
    Path file = dir.resolve(key);
    if (!HELD.add(file.toString())) {
      throw new NameInUseException(peer, where, ProcessHandle.current().pid());
    }
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              file,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
              ownerOnly("rw-------"));
      if (ch.tryLock() == null) {
        throw new NameInUseException(peer, where, holder(ch));
      }
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      return new Held(file.toString(), ch);
    } catch (IOException | RuntimeException e) {
      HELD.remove(file.toString());
      if (ch != null) {
        ch.close();
      }
      throw e;
    }
  }

  /** The process id the holder wrote, or -1 when it has not written it yet. */
  private static long holder(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(24);
      ch.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      return Long.parseLong(text);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * A file name for any peer name or address: letters, digits, '.', '_' and '-' stay, every other
   * byte of the UTF-8 becomes %XX (so '/', '..' and control characters cannot make a path).
   */
  static String fileName(String text) {
    StringBuilder b = new StringBuilder();
    for (byte x : text.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      boolean plain =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '_'
              || c == '-'
              || c == '.' && !b.isEmpty();
      if (plain) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        b.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }

  /** $XDG_RUNTIME_DIR/peershare, else $XDG_CACHE_HOME or ~/.cache, then peershare/running. */
  static Path lockDir() {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
      return Path.of(runtime, "peershare");
    }
    return PeerNode.userCache().resolve("running");
  }

  private static FileAttribute<?>[] ownerOnly(String perms) {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))
        }
        : new FileAttribute<?>[0];
  }

  /** Lets the next peer of the name start; safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Held h : held) {
      try {
        h.channel().close(); // releases the lock with it
      } catch (IOException e) {
        log.debug("closing the lock {}", h.key(), e);
      } finally {
        HELD.remove(h.key());
      }
    }
  }
}
