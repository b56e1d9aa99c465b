package io.peershare.index.soak;

import io.peershare.index.IndexServer;
import io.peershare.index.RegistryLimits;
import io.peershare.index.TestServers;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Reply;
import io.peershare.protocol.IndexMessage.Request;
import io.peershare.protocol.PeerName;
import io.peershare.protocol.ProtocolException;
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * One seeded soak: random operations from simulated peers on three loopback addresses against the
 * real server, each reply compared with {@link IndexModel}'s, and after every step the whole
 * listing, and every few steps every content's provider queue, compared too. Time only moves when
 * the run moves the {@link TestClock}. A failure names the seed and the step; the same seed replays
 * the same run.
 */
final class SoakRun implements AutoCloseable {
  static final long LEASE_MILLIS = 90_000;
  static final int PER_PEER = 4;
  static final int TOTAL = 24;

  /** Eight peer names; each has a home address (index mod 3) it mostly uses. */
  private static final List<String> PEERS =
      List.of("mai", "bo", "ana", "li", "kim", "zed", "Ødin", "x");

  /**
   * Content names chosen for the rules: case pairs for the folded filter, names above U+FFFF where
   * UTF-8 byte order and Java's UTF-16 order differ ("ﬀ" sorts before "𝄞" in bytes, after in
   * Java), a prefix pair for "strictly after".
   */
  private static final List<String> CONTENTS =
      List.of(
          "alpha",
          "Alpha",
          "a",
          "ab",
          "beta.ogg",
          "BETA-2",
          "song.ogg",
          "Song.OGG",
          "Ωmega",
          "𝄞clef",
          "ﬀ-lig",
          "zeta file");

  private static final List<String> FILTERS =
      List.of("", "", "a", "A", "ogg", "OGG", "Ω", "ω", "𝄞", "zz", "e", "-");

  private static final String[] IPS = {"127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.3"};

  /** The client whose address is each peer's home, by peer index mod 3. */
  private static final int[] HOME = {0, 2, 3};

  private final long seed;
  private final SplittableRandom random;
  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private final IndexServer server;
  private final UdpClient[] clients;
  private final IndexModel model = new IndexModel(LEASE_MILLIS, PER_PEER, TOTAL);
  private final Map<String, InetAddress> crashed = new LinkedHashMap<>();
  private final ArrayDeque<String> history = new ArrayDeque<>();
  private final Map<String, Integer> ops = new TreeMap<>();
  private final Map<String, Integer> replies = new TreeMap<>();
  private final byte[][] lastRequest;
  private final byte[][] lastReply;
  private final long[] lastSentAt;
  private int step;
  private long datagrams;

  SoakRun(TestServers store, long seed) throws IOException {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.server =
        store.start(
            IndexServer.Config.loopback()
                .withLease(Duration.ofMillis(LEASE_MILLIS))
                .withLimits(new RegistryLimits(PER_PEER, TOTAL))
                .withRatePerSecond(0) // the flood tests cover the rate limit
                .withClock(clock));
    // two sockets on one address (one peer identity, two ports, two cookies), one on each other
    clients = new UdpClient[IPS.length];
    for (int i = 0; i < IPS.length; i++) {
      clients[i] = new UdpClient(server.localAddress(), IPS[i], Strangers.SKIP);
    }
    lastRequest = new byte[IPS.length][];
    lastReply = new byte[IPS.length][];
    lastSentAt = new long[IPS.length];
  }

  /** Runs {@code count} operations; checks every queue every {@code queueCheckEvery} steps. */
  void run(int count, int queueCheckEvery) throws IOException, ProtocolException {
    for (step = 1; step <= count; step++) {
      int dice = random.nextInt(100);
      String what;
      if (dice < 30) {
        what = register();
      } else if (dice < 40) {
        what = deregister();
      } else if (dice < 55) {
        what = locate();
      } else if (dice < 63) {
        what = list();
      } else if (dice < 70) {
        what = keepalive();
      } else if (dice < 74) {
        what = quit();
      } else if (dice < 80) {
        what = retransmit();
      } else if (dice < 92) {
        long ms = random.nextLong(3_000);
        clock.advance(Duration.ofMillis(ms));
        what = "tick " + ms + " ms";
      } else if (dice < 96) {
        what = keepaliveRound();
      } else if (dice < 99) {
        what = crash();
      } else {
        what = expireAll();
      }
      ops.merge(what.split(" ")[0], 1, Integer::sum);
      remember(what);
      checkListing();
      if (step % queueCheckEvery == 0) {
        checkQueues();
      }
    }
  }

  /** What was done and answered, for the test's report. */
  String summary() {
    return String.format(
        "seed %d: %d steps, %d datagrams, %d registrations at the end; ops %s; replies %s",
        seed, step - 1, datagrams, model.size(), ops, replies);
  }

  private void remember(String what) {
    history.addLast(step + ": " + what);
    if (history.size() > 12) {
      history.removeFirst();
    }
  }

  private String peer() {
    while (true) {
      String p = PEERS.get(random.nextInt(PEERS.size()));
      if (!crashed.containsKey(p)) {
        return p;
      }
      if (crashed.size() == PEERS.size()) {
        return null;
      }
    }
  }

  /** A client on the peer's home address mostly, sometimes any (NAME_TAKEN, NOT_OWNER). */
  private int clientFor(String peer) {
    if (random.nextInt(100) < 15) {
      return random.nextInt(clients.length);
    }
    return onIp(clients[HOME[PEERS.indexOf(peer) % HOME.length]].ip());
  }

  /** A client on {@code ip}: clients 0 and 1 share 127.0.0.1, 2 and 3 have .2 and .3. */
  private int onIp(InetAddress ip) {
    int first = ip.equals(clients[0].ip()) ? 0 : ip.equals(clients[2].ip()) ? 2 : 3;
    return first == 0 ? random.nextInt(2) : first;
  }

  private String content() {
    return CONTENTS.get(random.nextInt(CONTENTS.size()));
  }

  private static long trueSize(String content) {
    return CONTENTS.indexOf(content) * 1_000_003L;
  }

  private static Digest trueDigest(String content) {
    return Digest.sha256(content.getBytes(StandardCharsets.UTF_8));
  }

  private String register() throws IOException, ProtocolException {
    String peer = peer();
    if (peer == null) {
      return "skip";
    }
    int c = clientFor(peer);
    String content = content();
    long size = trueSize(content);
    Digest digest = trueDigest(content);
    int odd = random.nextInt(100);
    if (odd < 4) {
      size++;
    } else if (odd < 8) {
      digest = Digest.sha256(new byte[] {(byte) odd});
    }
    int port = 1 + random.nextInt(0xffff);
    long s = size;
    Digest d = digest;
    String what = "register " + peer + " '" + content + "' from " + c + " size " + s;
    Reply expected =
        model.register(next(c), peer, clients[c].ip(), content, port, s, d, clock.millis());
    exchange(
        c,
        (id, k) ->
            new IndexMessage.Register(
                id, k, PeerName.of(peer), ContentName.of(content), port, s, d),
        expected);
    return what;
  }

  private String deregister() throws IOException, ProtocolException {
    String peer = peer();
    if (peer == null) {
      return "skip";
    }
    int c = clientFor(peer);
    String content = content();
    Reply expected = model.deregister(next(c), peer, clients[c].ip(), content, clock.millis());
    exchange(
        c,
        (id, k) -> new IndexMessage.Deregister(id, k, PeerName.of(peer), ContentName.of(content)),
        expected);
    return "deregister " + peer + " '" + content + "' from " + c;
  }

  private String quit() throws IOException, ProtocolException {
    String peer = peer();
    if (peer == null) {
      return "skip";
    }
    int c = clientFor(peer);
    Reply expected = model.quit(next(c), peer, clients[c].ip(), clock.millis());
    exchange(c, (id, k) -> new IndexMessage.Quit(id, k, PeerName.of(peer)), expected);
    return "quit " + peer + " from " + c;
  }

  private String keepalive() throws IOException, ProtocolException {
    String peer = peer();
    if (peer == null) {
      return "skip";
    }
    int c = clientFor(peer);
    Reply expected = model.keepalive(next(c), peer, clients[c].ip(), clock.millis());
    exchange(c, (id, k) -> new IndexMessage.Keepalive(id, k, PeerName.of(peer)), expected);
    return "keepalive " + peer + " from " + c;
  }

  private String locate() throws IOException, ProtocolException {
    int c = random.nextInt(clients.length);
    String asker = PEERS.get(random.nextInt(PEERS.size())); // need not be registered
    String content = content();
    int max = random.nextInt(4) == 0 ? 1 + random.nextInt(16) : 1 + random.nextInt(3);
    Reply expected = model.locate(next(c), content, max, clock.millis());
    exchange(
        c,
        (id, k) -> new IndexMessage.Locate(id, k, PeerName.of(asker), ContentName.of(content), max),
        expected);
    return "locate '" + content + "' max " + max + " from " + c;
  }

  private String list() throws IOException, ProtocolException {
    int c = random.nextInt(clients.length);
    String after = random.nextBoolean() ? "" : content();
    String filter = FILTERS.get(random.nextInt(FILTERS.size()));
    Reply expected = model.list(next(c), after, filter, clock.millis());
    exchange(c, (id, k) -> new IndexMessage.ListRequest(id, k, after, filter), expected);
    return "list after '" + after + "' filter '" + filter + "' from " + c;
  }

  /** The same bytes again within 2 s: the first reply again, byte for byte, and no effect. */
  private String retransmit() throws IOException {
    int c = random.nextInt(clients.length);
    if (lastRequest[c] == null || clock.millis() - lastSentAt[c] >= 2_000) {
      return "skip";
    }
    byte[] again = clients[c].exchange(lastRequest[c]);
    datagrams += 2;
    if (!Arrays.equals(again, lastReply[c])) {
      fail("a retransmission from client " + c + " got another reply", lastReply[c], again);
    }
    return "retransmit '" + (char) lastRequest[c][0] + "' from " + c;
  }

  /** Every live peer renews as a real one would, a third of a lease apart; crashed ones do not. */
  private String keepaliveRound() throws IOException, ProtocolException {
    int sent = 0;
    for (String peer : PEERS) {
      InetAddress ip = model.ipOf(peer);
      if (ip == null || crashed.containsKey(peer)) {
        continue;
      }
      int c = onIp(ip);
      Reply expected = model.keepalive(next(c), peer, ip, clock.millis());
      exchange(c, (id, k) -> new IndexMessage.Keepalive(id, k, PeerName.of(peer)), expected);
      sent++;
    }
    clock.advance(Duration.ofMillis(LEASE_MILLIS / 3));
    restartCrashedWithNothingLeft();
    return "keepalive-round of " + sent + " peers, then 30 s";
  }

  /** A peer stops renewing: its registrations must go within a lease, the others' stay. */
  private String crash() throws IOException, ProtocolException {
    String peer = peer();
    InetAddress ip = peer == null ? null : model.ipOf(peer);
    if (ip == null) {
      return "skip";
    }
    crashed.put(peer, ip);
    return "crash " + peer;
  }

  /** Time jumps past the lease: everything goes. */
  private String expireAll() throws IOException, ProtocolException {
    long ms = LEASE_MILLIS + random.nextLong(5_000);
    clock.advance(Duration.ofMillis(ms));
    restartCrashedWithNothingLeft();
    return "expire +" + ms + " ms";
  }

  /** A crashed peer whose registrations are gone starts again, and sends Q first as peers do. */
  private void restartCrashedWithNothingLeft() throws IOException, ProtocolException {
    model.expire(clock.millis());
    for (var it = crashed.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (model.ipOf(e.getKey()) != null) {
        continue;
      }
      int c = onIp(e.getValue());
      String peer = e.getKey();
      Reply expected = model.quit(next(c), peer, e.getValue(), clock.millis());
      exchange(c, (id, k) -> new IndexMessage.Quit(id, k, PeerName.of(peer)), expected);
      it.remove();
    }
  }

  private void checkListing() throws IOException, ProtocolException {
    int c = random.nextInt(clients.length);
    Reply expected = model.list(next(c), "", "", clock.millis());
    exchange(c, (id, k) -> new IndexMessage.ListRequest(id, k, "", ""), expected);
  }

  /** S with max 16 returns a whole queue (at most 8 providers here) and leaves its order. */
  private void checkQueues() throws IOException, ProtocolException {
    for (String content : model.contentNames()) {
      int c = random.nextInt(clients.length);
      Reply expected = model.locate(next(c), content, 16, clock.millis());
      exchange(
          c,
          (id, k) ->
              new IndexMessage.Locate(id, k, PeerName.of("checker"), ContentName.of(content), 16),
          expected);
    }
  }

  /** The id the next request of client {@code c} will carry (after a cookie refresh if due). */
  private int next(int c) throws IOException, ProtocolException {
    UdpClient p = clients[c];
    long now = clock.millis();
    if (p.cookieAt() == Long.MIN_VALUE || now - p.cookieAt() >= 60_000) {
      int id = p.nextId();
      byte[] h = IndexCodec.encode(new IndexMessage.Hello(id));
      byte[] y = p.exchange(h);
      datagrams += 2;
      if (!(IndexCodec.decode(y) instanceof CookieReply r) || r.requestId() != id) {
        fail("H from client " + c + " got no Y", null, y);
        return 0;
      }
      p.useCookie(r.cookie(), now);
    }
    return p.nextId();
  }

  private void exchange(int c, BiFunction<Integer, Long, Request> maker, Reply expected)
      throws IOException, ProtocolException {
    UdpClient p = clients[c];
    byte[] request = IndexCodec.encode(maker.apply(expected.requestId(), p.cookie()));
    byte[] reply = p.exchange(request);
    datagrams += 2;
    lastRequest[c] = request;
    lastReply[c] = reply;
    lastSentAt[c] = clock.millis();
    IndexMessage got = IndexCodec.decode(reply);
    String kind = got instanceof ErrorReply e ? "E " + e.code() : String.valueOf(got.type());
    replies.merge(kind, 1, Integer::sum);
    boolean same =
        expected instanceof ErrorReply x
            ? got instanceof ErrorReply y && x.code() == y.code() && x.requestId() == y.requestId()
            : expected.equals(got);
    if (!same) {
      fail(
          "reply to " + describe(request) + " from client " + c + " differs from the model's",
          IndexCodec.encode(expected),
          reply);
    }
  }

  private void fail(String why, byte[] expected, byte[] got) {
    String show = got == null ? "nothing" : describe(got);
    throw new AssertionError(
        String.format(
            "soak seed=%d step=%d: %s%n  expected %s%n  got      %s%n  last steps:%n    %s%n"
                + "  replay with -Dsoak.seed=%d",
            seed,
            step,
            why,
            expected == null ? "?" : describe(expected),
            show,
            String.join("\n    ", history),
            seed));
  }

  private static String describe(byte[] datagram) {
    try {
      return IndexCodec.decode(datagram).toString();
    } catch (ProtocolException e) {
      return "undecodable " + Arrays.toString(datagram);
    }
  }

  @Override
  public void close() {
    for (UdpClient c : clients) {
      c.close();
    }
    server.close();
  }
}
