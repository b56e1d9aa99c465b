package io.peershare.peer.serve;

import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Serves the contents its peer shares over the transfer protocol (TCP). By default each content
 * gets its own listening port, so unsharing it closes that port; with {@link
 * ServeOptions#sharedPort()} {@code >= 0} every content is served on one port and found by the name
 * in the request. Either way a name is only a key into what {@link #share} registered: no request
 * ever names a path.
 *
 * <p>Whether a file still matches the manifest it was shared with is checked on every request; see
 * {@link ContentGuard} and {@link RangeSender} for the guarantee.
 */
public final class ContentServer implements AutoCloseable {
  private record Entry(ContentGuard guard, PortListener ownPort) {}

  private final ServeOptions options;
  private final Clock clock;
  private final ByteRateLimiter uploadLimit;
  private final OpenConnections connections;
  private final ServeCounts counts = new ServeCounts();
  private final Executor background = r -> Thread.ofVirtual().name("peershare-rehash").start(r);
  private final Map<ContentName, Entry> shared = new LinkedHashMap<>(); // guarded by this
  private PortListener sharedPort; // guarded by this; created at the first share
  private boolean closed; // guarded by this

  public ContentServer(ServeOptions options) {
    this(options, Clock.systemUTC());
  }

  /**
   * @param clock tells when a file's timestamps are too recent to vouch for it
   */
  public ContentServer(ServeOptions options, Clock clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.uploadLimit = new ByteRateLimiter(options.uploadBytesPerSecond());
    this.connections =
        new OpenConnections(options.maxConnections(), options.idleTimeout(), System::nanoTime);
  }

  /**
   * Starts serving {@code file} as {@code content}. The manifest must describe the file as it is
   * now (as {@link ManifestCache#manifestOf} returns it); from here on, the server notices when the
   * file changes and answers {@code CONFLICT}.
   *
   * @return what is served, with the port to register at the index
   * @throws IllegalArgumentException when {@code content} is already shared
   * @throws IOException when the file cannot be read, its size is not the manifest's, or no port
   *     can be opened
   */
  public SharedContent share(ContentName content, Path file, Manifest manifest) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    FileStamp stamp = FileStamp.of(abs);
    if (stamp.size() != manifest.size()) {
      throw new IOException(
          file + " has " + stamp.size() + " bytes, its manifest " + manifest.size());
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the content server is closed");
      }
      if (shared.containsKey(content)) {
        throw new IllegalArgumentException("'" + content + "' is already shared");
      }
      PortListener own = null;
      PortListener listener;
      if (options.portPerContent()) {
        own =
            listen(
                0,
                name -> name.equals(content) ? guard(name) : Optional.empty(),
                content.toString());
        listener = own;
      } else {
        if (sharedPort == null) {
          sharedPort = listen(options.sharedPort(), this::guard, "all content");
        }
        listener = sharedPort;
      }
      SharedContent sc = new SharedContent(content, abs, manifest, listener.port());
      shared.put(
          content,
          new Entry(new ContentGuard(sc, stamp, clock, background, counts.newContent()), own));
      return sc;
    }
  }

  private PortListener listen(
      int port, Function<ContentName, Optional<ContentGuard>> lookup, String what)
      throws IOException {
    RequestHandler handler = new RequestHandler(lookup, uploadLimit, options.idleTimeout());
    return new PortListener(options.bindAddress(), port, handler, connections, what);
  }

  private synchronized Optional<ContentGuard> guard(ContentName content) {
    return Optional.ofNullable(shared.get(content)).map(Entry::guard);
  }

  /**
   * Stops serving {@code content}: new requests get {@code NOT_FOUND} (or, with a port per content,
   * connection refused); answers already under way finish.
   *
   * @return false when it was not shared
   */
  public boolean unshare(ContentName content) {
    Entry e;
    synchronized (this) {
      e = shared.remove(content);
    }
    if (e == null) {
      return false;
    }
    if (e.ownPort() != null) {
      e.ownPort().close();
    }
    return true;
  }

  /** What is shared, in the order it was shared. */
  public synchronized List<SharedContent> shared() {
    List<SharedContent> list = new ArrayList<>(shared.size());
    for (Entry e : shared.values()) {
      list.add(e.guard().content());
    }
    return List.copyOf(list);
  }

  /** What is shared, in the order it was shared, each with what it has served so far. */
  public synchronized List<Serving> serving() {
    List<Serving> list = new ArrayList<>(shared.size());
    for (Entry e : shared.values()) {
      ServeCounts.Content c = e.guard().served();
      list.add(new Serving(e.guard().content(), c.bytes(), c.downloads()));
    }
    return List.copyOf(list);
  }

  /** What has been served since the server started, all contents together (unshared ones too). */
  public ServeCounts counts() {
    return counts;
  }

  public synchronized Optional<SharedContent> find(ContentName content) {
    return guard(content).map(ContentGuard::content);
  }

  /** How many connections are open now, across all ports. */
  public int openConnections() {
    return connections.count();
  }

  /** Closes every listening port and every open connection. */
  @Override
  public void close() {
    List<PortListener> ports = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (Entry e : shared.values()) {
        if (e.ownPort() != null) {
          ports.add(e.ownPort());
        }
      }
      if (sharedPort != null) {
        ports.add(sharedPort);
      }
      shared.clear();
    }
    ports.forEach(PortListener::close);
    connections.close();
  }
}
