package io.peershare.e2e.netlab;

import io.peershare.peer.index.IndexClient;
import io.peershare.peer.index.IndexException;
import io.peershare.peer.index.IndexUnreachableException;
import io.peershare.peer.index.ListingPage;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A run of index operations with the real {@link IndexClient}, meant to run inside a netlab host
 * whose link loses datagrams: {@code main INDEX_HOST INDEX_PORT WORKERS CONTENTS}. Each worker is a
 * peer ({@code w00}, {@code w01}, ...) with its own client that registers its contents, locates
 * each, lists them, deregisters every second one, locates those again (they must be gone) and lists
 * again, keeping its leases alive on the way. At the end the whole listing must be exactly the
 * model: the remaining contents, one provider each.
 *
 * <p>When the client gives up on a request (five sends, no reply: the spec's schedule), the
 * operation is done again, as a peer does at its next keepalive; a redone {@code R} may then find
 * its first send applied ({@code ALREADY_REGISTERED}) and a redone {@code T} may find it gone
 * ({@code NOT_FOUND}); that is counted apart and accepted. Any other error, and any such error on
 * an operation that was not redone, means a request was applied twice: a failure.
 *
 * <p>Prints {@code FAIL ...} lines and one last line {@code SUMMARY key=value ...}; exits 1 when
 * anything failed.
 */
public final class IndexWorkload {
  private static final int REDO_LIMIT = 5;
  private static final long KEEPALIVE_EVERY_MILLIS = 8_000; // a third of a 30 s lease, less

  private final InetSocketAddress index;
  private final AtomicLong ops = new AtomicLong();
  private final AtomicLong exchanges = new AtomicLong();
  private final AtomicLong giveUps = new AtomicLong();
  private final AtomicLong landedBefore = new AtomicLong();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final CountDownLatch finished;
  private final CountDownLatch checked = new CountDownLatch(1);

  private IndexWorkload(InetSocketAddress index, int workers) {
    this.index = index;
    this.finished = new CountDownLatch(workers);
  }

  /** What is missing from and what is extra in {@code seen}, compared with {@code model}. */
  static String difference(Map<String, Long> seen, Map<String, Long> model) {
    Map<String, Long> missing = new TreeMap<>(model);
    missing.entrySet().removeAll(seen.entrySet());
    Map<String, Long> extra = new TreeMap<>(seen);
    extra.entrySet().removeAll(model.entrySet());
    return seen.size() + " names, missing " + missing.keySet() + ", extra " + extra;
  }

  /** One operation against the index; {@code redone} tells it whether it is a second go. */
  private interface Op<T> {
    T run(boolean redone) throws IndexException, IOException;
  }

  public static void main(String[] args) throws Exception {
    InetSocketAddress index = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int workers = Integer.parseInt(args[2]);
    int contents = Integer.parseInt(args[3]);
    IndexWorkload w = new IndexWorkload(index, workers);
    long start = System.nanoTime();
    Map<String, Long> model = new TreeMap<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      String peer = String.format("w%02d", i);
      for (int j = 1; j < contents; j += 2) {
        model.put(content(peer, j), size(j));
      }
      threads.add(Thread.ofPlatform().name(peer).start(() -> w.worker(peer, contents)));
    }
    w.finished.await();
    try (IndexClient client = new IndexClient(index)) {
      Map<String, Long> seen = w.listing(client, "");
      w.expect(seen.equals(model), "final listing is the model", difference(seen, model));
    }
    w.checked.countDown();
    for (Thread t : threads) {
      t.join();
    }
    for (String f : w.failures) {
      System.out.println("FAIL " + f);
    }
    System.out.printf(
        "SUMMARY ops=%d failed=%d giveUps=%d landedBefore=%d exchanges=%d millis=%d%n",
        w.ops.get(),
        w.failures.size(),
        w.giveUps.get(),
        w.landedBefore.get(),
        w.exchanges.get(),
        (System.nanoTime() - start) / 1_000_000);
    System.exit(w.failures.isEmpty() ? 0 : 1);
  }

  static String content(String peer, int j) {
    return String.format("%s-c%04d", peer, j);
  }

  static long size(int j) {
    return 1000L + j;
  }

  static Digest digest(String content) {
    return Digest.sha256(content.getBytes(StandardCharsets.UTF_8));
  }

  private void worker(String peer, int contents) {
    boolean[] counted = {false};
    try (IndexClient client = new IndexClient(index)) {
      exchanges.incrementAndGet(); // the H for the client's cookie
      op(
          peer + " Q",
          r -> {
            client.quit(PeerName.of(peer));
            return Boolean.TRUE;
          });
      // called after operations once the peer holds a registration, as a peer's keepalive timer
      long[] lastKeepalive = {System.nanoTime()};
      Runnable keepalive =
          () -> {
            if ((System.nanoTime() - lastKeepalive[0]) / 1_000_000 >= KEEPALIVE_EVERY_MILLIS) {
              lastKeepalive[0] = System.nanoTime();
              op(peer + " K", r -> client.keepalive(PeerName.of(peer)));
            }
          };
      for (int j = 0; j < contents; j++) {
        String c = content(peer, j);
        int port = 20_000 + j;
        long size = size(j);
        Long lease =
            op(
                "R " + c,
                r ->
                    tolerate(
                        r,
                        ErrorCode.ALREADY_REGISTERED,
                        1L,
                        () ->
                            client.register(
                                PeerName.of(peer), ContentName.of(c), port, size, digest(c))));
        expect(lease != null && lease > 0, "R " + c + " answers a lease", String.valueOf(lease));
        keepalive.run();
      }
      for (int j = 0; j < contents; j++) {
        String c = content(peer, j);
        IndexMessage.Providers p =
            op("S " + c, r -> client.locate(PeerName.of(peer), ContentName.of(c), 16));
        expect(
            p != null
                && p.providers().size() == 1
                && p.providers().get(0).peer().toString().equals(peer)
                && p.providers().get(0).tcpPort() == 20_000 + j
                && p.size() == size(j)
                && p.digest().equals(digest(c)),
            "S " + c + " finds exactly its one provider",
            String.valueOf(p));
        keepalive.run();
      }
      Long lease = op(peer + " K", r -> client.keepalive(PeerName.of(peer)));
      expect(lease != null && lease > 0, peer + " K answers a lease", String.valueOf(lease));
      Map<String, Long> all = new TreeMap<>();
      for (int j = 0; j < contents; j++) {
        all.put(content(peer, j), size(j));
      }
      Map<String, Long> listed = listing(client, peer + "-");
      expect(listed.equals(all), peer + " lists all its contents once", difference(listed, all));
      Map<String, Long> left = new TreeMap<>(all);
      for (int j = 0; j < contents; j += 2) {
        String c = content(peer, j);
        op(
            "T " + c,
            r ->
                tolerate(
                    r,
                    ErrorCode.NOT_FOUND,
                    Boolean.TRUE,
                    () -> {
                      client.deregister(PeerName.of(peer), ContentName.of(c));
                      return Boolean.TRUE;
                    }));
        left.remove(c);
        keepalive.run();
      }
      for (int j = 0; j < contents; j += 2) {
        String c = content(peer, j);
        ErrorCode answer = op("S " + c + " after T", r -> locateError(client, peer, c));
        expect(answer == ErrorCode.NOT_FOUND, "S " + c + " after T is NOT_FOUND", "" + answer);
        keepalive.run();
      }
      lease = op(peer + " K", r -> client.keepalive(PeerName.of(peer)));
      expect(lease != null && lease > 0, peer + " K after T answers a lease", "" + lease);
      listed = listing(client, peer + "-");
      expect(listed.equals(left), peer + " lists what is left once", difference(listed, left));
      counted[0] = true;
      finished.countDown();
      // the other peers may take longer: keep the leases until the final listing is checked
      while (!checked.await(KEEPALIVE_EVERY_MILLIS, TimeUnit.MILLISECONDS)) {
        op(peer + " K", r -> client.keepalive(PeerName.of(peer)));
      }
    } catch (InterruptedException e) {
      failures.add(peer + " interrupted");
    } catch (IOException e) {
      failures.add(peer + ": " + e);
    } finally {
      if (!counted[0]) {
        finished.countDown();
      }
    }
  }

  /** The error a locate gets, or null when it finds providers. */
  private static ErrorCode locateError(IndexClient client, String peer, String content)
      throws IOException {
    try {
      client.locate(PeerName.of(peer), ContentName.of(content), 1);
      return null;
    } catch (IndexException e) {
      return e.code();
    }
  }

  private interface Call<T> {
    T call() throws IndexException, IOException;
  }

  /** Runs {@code call}; on a redone operation, {@code tolerated} means the first go landed. */
  private <T> T tolerate(boolean redone, ErrorCode tolerated, T landed, Call<T> call)
      throws IndexException, IOException {
    try {
      return call.call();
    } catch (IndexException e) {
      if (redone && e.code() == tolerated) {
        landedBefore.incrementAndGet();
        return landed;
      }
      throw e;
    }
  }

  /** All pages of the listing with {@code filter}, name to size; providers must be 1 each. */
  private Map<String, Long> listing(IndexClient client, String filter) {
    Map<String, Long> seen = new TreeMap<>();
    String after = "";
    while (true) {
      String from = after;
      ListingPage page = op("O after '" + from + "'", r -> client.list(from, filter));
      if (page == null) {
        return seen;
      }
      for (ListingEntry e : page.entries()) {
        expect(e.providers() == 1, e.content() + " has exactly one provider", String.valueOf(e));
        expect(
            seen.put(e.content().toString(), e.size()) == null,
            e.content() + " listed once",
            "twice");
      }
      if (!page.more() || page.entries().isEmpty()) {
        return seen;
      }
      after = page.entries().get(page.entries().size() - 1).content().toString();
    }
  }

  /** Runs one operation, doing it again when the client gives up; null when it failed. */
  private <T> T op(String what, Op<T> op) {
    ops.incrementAndGet();
    boolean redone = false;
    for (int go = 0; go <= REDO_LIMIT; go++) {
      exchanges.incrementAndGet();
      try {
        return op.run(redone);
      } catch (IndexUnreachableException e) {
        giveUps.incrementAndGet();
        redone = true;
      } catch (IndexException | IOException | RuntimeException e) {
        failures.add(what + ": " + e);
        return null;
      }
    }
    failures.add(what + ": no reply after " + (REDO_LIMIT + 1) + " gives-up");
    return null;
  }

  private void expect(boolean ok, String what, String got) {
    if (!ok) {
      failures.add(what + ": got " + got);
    }
  }
}
