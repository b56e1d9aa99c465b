package io.peershare.peer.serve;

import io.peershare.protocol.Digest;
import io.peershare.protocol.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manifests of local files, hashed once: kept in memory and in {@code cacheDir} (one small file per
 * shared file, named by the SHA-256 of its absolute path), so a restarted peer does not read its
 * large files again. An entry is used only while the file's absolute path, size, mtime and ctime
 * (where the platform has one) are what they were when it was hashed; otherwise it is recomputed.
 *
 * <p>A file that changed within {@link FileStamp#RACY_WINDOW} of being hashed is not cached: it
 * could change again in the same timestamp tick and keep the very same key.
 *
 * <pre>
 * entry  u32 magic "PSM1" | u16 pathLength | path (UTF-8) | u64 size | i64 mtimeSeconds |
 *        u32 mtimeNanos | u8 hasCtime | i64 ctimeSeconds | u32 ctimeNanos | u32 count | count x 32
 * </pre>
 */
public final class ManifestCache {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestCache.class);
  private static final int MAGIC = 0x50534d31;
  private static final int MAX_ATTEMPTS = 3;

  private record Key(String path, long size, Instant mtime, Instant ctime) {
    static Key of(Path file, FileStamp s) {
      return new Key(
          file.toString(),
          s.size(),
          s.mtime().toInstant(),
          s.ctime() == null ? null : s.ctime().toInstant());
    }
  }

  private record Entry(Key key, Manifest manifest) {}

  private final Path cacheDir;
  private final Clock clock;
  private final Map<Path, Entry> memory = new ConcurrentHashMap<>();
  private final AtomicInteger hashed = new AtomicInteger();

  /**
   * @param cacheDir where entries are kept, e.g. {@code DIR/.peershare/manifests}; created when
   *     needed
   */
  public ManifestCache(Path cacheDir) {
    this(cacheDir, Clock.systemUTC());
  }

  ManifestCache(Path cacheDir, Clock clock) {
    this.cacheDir = cacheDir.toAbsolutePath();
    this.clock = clock;
  }

  /** The manifest of {@code file} as it is now, from the cache when the file has not changed. */
  public Manifest manifestOf(Path file) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    for (int attempt = 1; ; attempt++) {
      FileStamp before = FileStamp.of(abs);
      Key key = Key.of(abs, before);
      Entry e = memory.get(abs);
      if (e != null && e.key().equals(key)) {
        return e.manifest();
      }
      Manifest m = load(abs, key);
      if (m != null) {
        memory.put(abs, new Entry(key, m));
        return m;
      }
      Instant start = clock.instant();
      m = Manifest.of(abs);
      hashed.incrementAndGet();
      if (!Key.of(abs, FileStamp.of(abs)).equals(key) || m.size() != key.size()) {
        if (attempt < MAX_ATTEMPTS) {
          continue;
        }
        throw new IOException(file + " keeps changing while it is hashed");
      }
      if (!before.isRacy(start)) {
        memory.put(abs, new Entry(key, m));
        store(abs, key, m);
      }
      return m;
    }
  }

  /** How many times a file was read and hashed (tests). */
  int hashCount() {
    return hashed.get();
  }

  /** Where the entry for {@code abs} is kept. */
  Path entryFile(Path abs) {
    return cacheDir.resolve(Digest.sha256(abs.toString().getBytes(StandardCharsets.UTF_8)).toHex());
  }

  private Manifest load(Path abs, Key key) {
    try (InputStream in = Files.newInputStream(entryFile(abs));
        DataInputStream d = new DataInputStream(in)) {
      if (d.readInt() != MAGIC) {
        return null;
      }
      byte[] path = d.readNBytes(d.readUnsignedShort());
      long size = d.readLong();
      Instant mtime = Instant.ofEpochSecond(d.readLong(), d.readInt());
      boolean hasCtime = d.readBoolean();
      Instant ctime = Instant.ofEpochSecond(d.readLong(), d.readInt());
      Key stored =
          new Key(new String(path, StandardCharsets.UTF_8), size, mtime, hasCtime ? ctime : null);
      int count = d.readInt();
      if (!stored.equals(key) || size < 0 || count != Manifest.pieceCount(size)) {
        return null;
      }
      List<Digest> hashes = new ArrayList<>(count);
      byte[] one = new byte[Digest.LENGTH];
      for (int i = 0; i < count; i++) {
        d.readFully(one);
        hashes.add(Digest.of(one));
      }
      return d.read() < 0 ? new Manifest(size, hashes) : null;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      LOG.debug("ignoring the cached manifest of {}: {}", abs, e.toString());
      return null;
    }
  }

  private void store(Path abs, Key key, Manifest m) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + m.pieceCount() * Digest.LENGTH);
      DataOutputStream d = new DataOutputStream(bytes);
      byte[] path = key.path().getBytes(StandardCharsets.UTF_8);
      if (path.length > 0xffff) {
        return;
      }
      d.writeInt(MAGIC);
      d.writeShort(path.length);
      d.write(path);
      d.writeLong(key.size());
      writeTime(d, key.mtime());
      d.writeBoolean(key.ctime() != null);
      writeTime(d, key.ctime() == null ? Instant.EPOCH : key.ctime());
      d.writeInt(m.pieceCount());
      for (Digest h : m.pieceHashes()) {
        d.write(h.toBytes());
      }
      Files.createDirectories(cacheDir);
      Path target = entryFile(abs);
      Path tmp = Files.createTempFile(cacheDir, target.getFileName().toString(), ".tmp");
      try {
        Files.write(tmp, bytes.toByteArray());
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      LOG.warn("cannot cache the manifest of {} in {}: {}", abs, cacheDir, e.toString());
    }
  }

  private static void writeTime(DataOutputStream d, Instant t) throws IOException {
    d.writeLong(t.getEpochSecond());
    d.writeInt(t.getNano());
  }
}
