package io.peershare.index.soak;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Reply;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the index should hold, written as plainly as the spec reads, with none of the server's data
 * structures: per content a list in round-robin order, per registration the time its lease was last
 * started. Each method returns the reply the server must send. Listings fit one page here (the
 * soak's name pool is small), so {@code more} is always false.
 */
final class IndexModel {
  /** One provider entry; {@code since} is the later of its R and the peer's last K. */
  private static final class Reg {
    final String peer;
    final InetAddress ip;
    final int port;
    long since;

    Reg(String peer, InetAddress ip, int port, long since) {
      this.peer = peer;
      this.ip = ip;
      this.port = port;
      this.since = since;
    }
  }

  private record Content(long size, Digest digest, List<Reg> queue) {}

  private final long leaseMillis;
  private final int perPeer;
  private final int total;
  private final Map<String, Content> contents = new LinkedHashMap<>();

  IndexModel(long leaseMillis, int perPeer, int total) {
    this.leaseMillis = leaseMillis;
    this.perPeer = perPeer;
    this.total = total;
  }

  private static Reply error(int id, ErrorCode code) {
    return new ErrorReply(id, code, "");
  }

  /** Drops registrations whose lease ended at or before {@code now}. */
  void expire(long now) {
    for (Iterator<Content> it = contents.values().iterator(); it.hasNext(); ) {
      Content c = it.next();
      c.queue().removeIf(r -> r.since + leaseMillis <= now);
      if (c.queue().isEmpty()) {
        it.remove();
      }
    }
  }

  private List<Reg> regsOf(String peer) {
    List<Reg> out = new ArrayList<>();
    for (Content c : contents.values()) {
      for (Reg r : c.queue()) {
        if (r.peer.equals(peer)) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /** The IP the peer name is registered from, or null. */
  InetAddress ipOf(String peer) {
    List<Reg> regs = regsOf(peer);
    return regs.isEmpty() ? null : regs.get(0).ip;
  }

  int size() {
    return contents.values().stream().mapToInt(c -> c.queue().size()).sum();
  }

  List<String> contentNames() {
    return List.copyOf(contents.keySet());
  }

  Reply register(
      int id,
      String peer,
      InetAddress ip,
      String content,
      int port,
      long size,
      Digest digest,
      long now) {
    expire(now);
    List<Reg> mine = regsOf(peer);
    if (!mine.isEmpty() && !mine.get(0).ip.equals(ip)) {
      return error(id, ErrorCode.NAME_TAKEN);
    }
    Content c = contents.get(content);
    if (c != null && c.queue().stream().anyMatch(r -> r.peer.equals(peer))) {
      return error(id, ErrorCode.ALREADY_REGISTERED);
    }
    if (c != null && (c.size() != size || !c.digest().equals(digest))) {
      return error(id, ErrorCode.CONFLICT);
    }
    if (mine.size() >= perPeer || size() >= total) {
      return error(id, ErrorCode.LIMIT);
    }
    if (c == null) {
      c = new Content(size, digest, new ArrayList<>());
      contents.put(content, c);
    }
    c.queue().add(new Reg(peer, ip, port, now));
    return new Ack(id, leaseMillis / 1000);
  }

  Reply deregister(int id, String peer, InetAddress ip, String content, long now) {
    expire(now);
    Content c = contents.get(content);
    if (c == null) {
      return error(id, ErrorCode.NOT_FOUND);
    }
    if (!c.queue().removeIf(r -> r.peer.equals(peer) && r.ip.equals(ip))) {
      return error(id, ErrorCode.NOT_OWNER);
    }
    if (c.queue().isEmpty()) {
      contents.remove(content);
    }
    return new Ack(id, 0);
  }

  Reply quit(int id, String peer, InetAddress ip, long now) {
    expire(now);
    for (Iterator<Content> it = contents.values().iterator(); it.hasNext(); ) {
      Content c = it.next();
      c.queue().removeIf(r -> r.peer.equals(peer) && r.ip.equals(ip));
      if (c.queue().isEmpty()) {
        it.remove();
      }
    }
    return new Ack(id, 0);
  }

  Reply keepalive(int id, String peer, InetAddress ip, long now) {
    expire(now);
    List<Reg> mine = regsOf(peer);
    if (mine.isEmpty() || !mine.get(0).ip.equals(ip)) {
      return error(id, ErrorCode.NOT_FOUND);
    }
    mine.forEach(r -> r.since = now);
    return new Ack(id, leaseMillis / 1000);
  }

  Reply locate(int id, String content, int max, long now) {
    expire(now);
    Content c = contents.get(content);
    if (c == null) {
      return error(id, ErrorCode.NOT_FOUND);
    }
    int n = Math.min(max, c.queue().size());
    List<Reg> taken = new ArrayList<>(c.queue().subList(0, n));
    c.queue().subList(0, n).clear();
    c.queue().addAll(taken);
    List<Provider> providers = new ArrayList<>();
    for (Reg r : taken) {
      providers.add(new Provider(PeerName.of(r.peer), r.ip, r.port));
    }
    return new Providers(id, c.size(), c.digest(), providers);
  }

  Reply list(int id, String after, String filter, long now) {
    expire(now);
    TreeMap<byte[], ListingEntry> ordered = new TreeMap<>(Arrays::compareUnsigned);
    byte[] afterBytes = after.getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, Content> e : contents.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      if (Arrays.compareUnsigned(name, afterBytes) > 0 && containsFolded(e.getKey(), filter)) {
        ordered.put(
            name,
            new ListingEntry(
                ContentName.of(e.getKey()), e.getValue().queue().size(), e.getValue().size()));
      }
    }
    return new Listing(id, false, new ArrayList<>(ordered.values()));
  }

  /** The spec's filter: ASCII letters fold, every other character must match exactly. */
  private static boolean containsFolded(String name, String filter) {
    return asciiLower(name).contains(asciiLower(filter));
  }

  private static String asciiLower(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
    }
    return b.toString();
  }
}
