package io.peershare.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A registry that hands every operation, the batch and the sweep included, to another one: the base
 * for a wrapper that watches or times some operations (a benchmark's, a test's) and must leave the
 * others exactly as the wrapped registry runs them.
 */
public abstract class ForwardingRegistry implements Registry {
  /** The registry every operation goes to. */
  protected final Registry inner;

  protected ForwardingRegistry(Registry inner) {
    this.inner = inner;
  }

  @Override
  public CompletionStage<Void> apply(RegistryBatch batch, long now) {
    return inner.apply(batch, now);
  }

  @Override
  public int sweep(long now, int max) {
    return inner.sweep(now, max);
  }

  @Override
  public int expire(long now, int max) {
    return inner.expire(now, max);
  }

  @Override
  public void register(
      PeerName peer,
      InetAddress ip,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest,
      long now)
      throws RegistryException {
    inner.register(peer, ip, content, tcpPort, size, digest, now);
  }

  @Override
  public void deregister(PeerName peer, InetAddress ip, ContentName content, long now)
      throws RegistryException {
    inner.deregister(peer, ip, content, now);
  }

  @Override
  public int quit(PeerName peer, InetAddress ip, long now) {
    return inner.quit(peer, ip, now);
  }

  @Override
  public void keepalive(PeerName peer, InetAddress ip, long now) throws RegistryException {
    inner.keepalive(peer, ip, now);
  }

  @Override
  public Located locate(ContentName content, int max, long now) throws RegistryException {
    return inner.locate(content, max, now);
  }

  @Override
  public Page list(String after, String filter, int maxBytes, int maxEntries, long now) {
    return inner.list(after, filter, maxBytes, maxEntries, now);
  }

  @Override
  public int size() {
    return inner.size();
  }

  @Override
  public long leaseMillis() {
    return inner.leaseMillis();
  }

  @Override
  public Counts counts() {
    return inner.counts();
  }

  @Override
  public Optional<String> problem() {
    return inner.problem();
  }

  @Override
  public String describe() {
    return inner.describe();
  }
}
