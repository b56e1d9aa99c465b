package io.peershare.peer;

import io.peershare.peer.download.DownloadException;
import io.peershare.peer.download.Downloaded;
import io.peershare.peer.download.Downloader;
import io.peershare.peer.download.ProgressListener;
import io.peershare.peer.index.IndexClient;
import io.peershare.peer.index.IndexException;
import io.peershare.peer.serve.ContentServer;
import io.peershare.peer.serve.ManifestCache;
import io.peershare.peer.serve.SharedContent;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running peer: its content server, its index client, its downloader and the leases that keep
 * its registrations alive. Everything the shell and the scripted commands do goes through here.
 *
 * <p>Follows the spec's advice on lost replies: it sends {@code Q} when it starts (an earlier run
 * of the same name on this host may have been killed) and when it stops if it ever sent {@code R};
 * a registration whose {@code R} got no reply is tried again at the next keepalive. Since that
 * {@code Q} would remove the registrations of a peer of the same name that is still running, a peer
 * holds a {@link NameLock} while it runs and does not start while another holds it.
 */
public final class PeerNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerNode.class);

  private final PeerConfig config;
  private final NameLock lock;
  private final IndexClient index;
  private final ContentServer server;
  private final ManifestCache manifests;
  private final Downloader downloader;
  private final LeaseKeeper leases;
  private volatile boolean sentRegister;
  private boolean closed;

  private PeerNode(PeerConfig config, NameLock lock, IndexClient index) {
    this.config = config;
    this.lock = lock;
    this.index = index;
    this.server = new ContentServer(config.serve());
    this.manifests = new ManifestCache(cacheDir());
    this.downloader = new Downloader(config.download());
    this.leases =
        new LeaseKeeper(
            new Leased(), LeaseKeeper.Scheduler.ownThread("peershare-keepalive-" + config.name()));
  }

  /**
   * Starts a peer: clears what an earlier run of this name left at the index and starts the
   * keepalive. Fails when the index cannot be reached, and with {@link NameInUseException} when a
   * peer of this name already runs on this host with the same index.
   */
  public static PeerNode start(PeerConfig config) throws IOException, IndexException {
    if (!Files.isDirectory(config.dir())) {
      throw new IOException("the folder " + config.dir() + " does not exist");
    }
    NameLock lock = NameLock.acquire(config.name(), config.index());
    IndexClient client = null;
    try {
      client = new IndexClient(config.index());
      client.quit(config.name());
    } catch (IOException | IndexException | RuntimeException e) {
      if (client != null) {
        client.close();
      }
      lock.close();
      throw e;
    }
    PeerNode node = new PeerNode(config, lock, client);
    node.leases.start();
    return node;
  }

  /**
   * Where digests of shared files are cached: $PEERSHARE_CACHE, else $XDG_CACHE_HOME/peershare,
   * else ~/.cache/peershare. Shared by every peer of the user, keyed by path, size and time.
   */
  static Path cacheDir() {
    String own = System.getenv("PEERSHARE_CACHE");
    if (own != null && !own.isBlank()) {
      return Path.of(own).resolve("manifests");
    }
    return userCache().resolve("manifests");
  }

  /** $XDG_CACHE_HOME/peershare, else ~/.cache/peershare. */
  static Path userCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("peershare");
  }

  public PeerConfig config() {
    return config;
  }

  public PeerName name() {
    return config.name();
  }

  /**
   * Shares the file {@code name} of the peer's folder and registers it at the index.
   *
   * @throws NoSuchFileException when there is no such regular file; nothing is sent then
   * @throws SharingException when this peer shares {@code name} already; nothing is sent then
   */
  public SharedContent register(ContentName name)
      throws IOException, IndexException, SharingException {
    Path file = config.dir().resolve(name.toString());
    if (!Files.isRegularFile(file)) { // a link to a regular file is fine
      throw new NoSuchFileException(file.toString(), null, "there is no file named '" + name + "'");
    }
    return register(name, file);
  }

  /**
   * Shares {@code file} under the content name {@code content} and registers it.
   *
   * @throws SharingException when this peer shares {@code content} already; nothing is sent then
   */
  public synchronized SharedContent register(ContentName content, Path file)
      throws IOException, IndexException, SharingException {
    requireNotShared(content); // before hashing the file
    return register(content, file, manifests.manifestOf(file));
  }

  /** Shares {@code file}, which {@code manifest} describes as it is now, and registers it. */
  private synchronized SharedContent register(ContentName content, Path file, Manifest manifest)
      throws IOException, IndexException, SharingException {
    requireNotShared(content);
    SharedContent shared = server.share(content, file, manifest);
    try {
      sentRegister = true;
      long lease =
          index.register(name(), content, shared.port(), manifest.size(), manifest.digest());
      leases.registered(content, lease);
      return shared;
    } catch (IndexException | RuntimeException e) {
      server.unshare(content);
      throw e;
    } catch (IOException e) {
      // no reply: the R may still have landed; keep serving and retry at the next keepalive
      leases.pending(content);
      throw e;
    }
  }

  private void requireNotShared(ContentName content) throws SharingException {
    if (server.find(content).isPresent()) {
      throw new SharingException("you already share '" + content + "'");
    }
  }

  /**
   * Deregisters {@code content} at the index and stops serving it.
   *
   * @throws SharingException when this peer does not share {@code content}; nothing is sent then
   */
  public synchronized void deregister(ContentName content)
      throws IOException, IndexException, SharingException {
    if (server.find(content).isEmpty()) {
      throw new SharingException("you do not share '" + content + "'");
    }
    try {
      index.deregister(name(), content);
    } catch (IndexException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
      // the index had already dropped it (lease ran out): stop serving all the same
    } finally {
      leases.forget(content);
    }
    server.unshare(content);
  }

  /** What this peer shares, in registration order. */
  public List<SharedContent> local() {
    return server.shared();
  }

  /** Every content the index lists whose name contains {@code filter}. */
  public List<IndexMessage.ListingEntry> list(String filter) throws IOException, IndexException {
    return index.listAll(filter);
  }

  /**
   * Downloads {@code content} into the peer's folder, verifies it, and registers it so this peer
   * provides it too, with the manifest the download verified it against: the file is not read
   * again. (The content server still vouches for what it sends: a file written moments ago is
   * served with every piece checked until a background re-hash proves it; see {@code
   * ContentGuard}.)
   *
   * @throws SharingException when this peer shares {@code content} already; nothing is fetched
   */
  public SharedContent download(ContentName content, ProgressListener progress)
      throws IOException,
          IndexException,
          DownloadException,
          InterruptedException,
          SharingException {
    if (server.find(content).isPresent()) {
      throw new SharingException("you already have and share '" + content + "'");
    }
    Downloaded done = fetch(index, name(), content, config.dir(), downloader, progress);
    return register(content, done.file(), done.manifest());
  }

  /**
   * Downloads with a given client and downloader, without registering: what {@code peershare get}
   * does.
   */
  public static Downloaded fetch(
      IndexClient index,
      PeerName asker,
      ContentName content,
      Path dir,
      Downloader downloader,
      ProgressListener progress)
      throws IOException, DownloadException, InterruptedException {
    return downloader.download(
        content,
        dir,
        max -> {
          try {
            return index.locate(asker, content, max);
          } catch (IndexException e) {
            throw new DownloadException(e.code(), e.getMessage(), e);
          }
        },
        progress);
  }

  /** The index node this peer talks to now (one of {@code config().index()}). */
  public InetSocketAddress indexNode() {
    return index.node();
  }

  /** Re-sends {@code R} for a shared content (after an index restart or a lost reply). */
  private synchronized long reregister(ContentName content) throws IOException, IndexException {
    SharedContent s = server.find(content).orElse(null);
    if (s == null) {
      return 0; // unshared since: nothing to renew
    }
    try {
      return index.register(name(), content, s.port(), s.size(), s.digest());
    } catch (IndexException e) {
      if (e.code() == ErrorCode.ALREADY_REGISTERED) {
        return index.keepalive(name());
      }
      throw e;
    }
  }

  /** This node as its {@link LeaseKeeper} sees it. */
  private final class Leased implements LeaseKeeper.Peer {
    @Override
    public PeerName name() {
      return PeerNode.this.name();
    }

    @Override
    public List<ContentName> shared() {
      return server.shared().stream().map(SharedContent::content).toList();
    }

    @Override
    public long keepalive() throws IndexException, IOException {
      return index.keepalive(PeerNode.this.name());
    }

    @Override
    public long reregister(ContentName content) throws IndexException, IOException {
      return PeerNode.this.reregister(content);
    }

    @Override
    public void onIndexMove(Runnable round) {
      index.onMove(to -> round.run());
    }
  }

  /** Deregisters everything ({@code Q}) and closes the servers; safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    leases.close();
    if (sentRegister) {
      try {
        index.quit(name());
      } catch (IOException | IndexException | RuntimeException e) {
        log.warn("could not tell the index that {} quits: {}", name(), e.getMessage());
      }
    }
    server.close();
    index.close();
    lock.close(); // after the Q: the next peer of this name may start now
  }
}
