package io.peershare.bench;

import io.peershare.index.IndexServer;
import io.peershare.peer.index.IndexClient;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A UDP load generator for the index: several sockets, each keeping a window of requests in flight,
 * count replies per second for {@code S} (locate) and {@code R} (register). Starts an index server
 * on loopback in this JVM (rate limit off) unless given {@code --index HOST:PORT}.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.peershare.bench.IndexLoad [--index
 * HOST:PORT[,HOST:PORT...]] [--seconds 5] [--sockets 4] [--window 32]}; with several nodes the
 * sockets are spread over them in turn.
 */
public final class IndexLoad {
  private static final Digest DIGEST = Digest.sha256(new byte[0]);
  private static final int CONTENTS = 1000;
  private static final PeerName SEEDER = PeerName.of("load-seed");
  private static final PeerName LOAD = PeerName.of("load");
  private static final ContentName[] SEEDED = new ContentName[CONTENTS];

  static {
    for (int i = 0; i < CONTENTS; i++) {
      SEEDED[i] = ContentName.of("load-" + i);
    }
  }

  /** Names differ from one run to the next, so R runs on one shared store never collide. */
  private static final String RUN = Long.toString(System.nanoTime() % 100_000, 36);

  private IndexLoad() {}

  public static void main(String[] args) throws Exception {
    List<InetSocketAddress> targets = new ArrayList<>();
    int seconds = 5;
    int sockets = 4;
    int window = 32;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--index" -> {
          for (String node : args[i + 1].split(",")) {
            String[] hp = node.split(":");
            targets.add(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
          }
        }
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--sockets" -> sockets = Integer.parseInt(args[i + 1]);
        case "--window" -> window = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    IndexServer server = null;
    if (targets.isEmpty()) {
      server =
          new IndexServer(
                  IndexServer.Config.defaults()
                      .withPort(0)
                      .withBind(InetAddress.getLoopbackAddress())
                      .withRatePerSecond(0))
              .start();
      targets.add(server.localAddress());
    }
    try {
      seed(targets.getFirst());
      run("S", targets, seconds, sockets, window, (sock) -> locate(sock));
      run("R", targets, seconds, sockets, window, (sock) -> register(sock, RUN));
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** Registers the contents the S load asks for. */
  static void seed(InetSocketAddress target) throws Exception {
    try (IndexClient setup = new IndexClient(target)) {
      setup.quit(SEEDER);
      for (ContentName c : SEEDED) {
        setup.register(SEEDER, c, 4000, 1, DIGEST);
      }
    }
  }

  /** S load on {@code targets}; replies per second. */
  static double locates(List<InetSocketAddress> targets, int seconds, int sockets, int window)
      throws Exception {
    return run("S", targets, seconds, sockets, window, (sock) -> locate(sock));
  }

  /** R load on {@code targets} (every R a new registration); replies per second. */
  static double registers(List<InetSocketAddress> targets, int seconds, int sockets, int window)
      throws Exception {
    return run("R", targets, seconds, sockets, window, (sock) -> register(sock, RUN));
  }

  /**
   * R load as {@link #registers} under names of their own (a warm-up: the names of the measured R
   * load stay new); replies per second.
   */
  static double registersWarmUp(
      List<InetSocketAddress> targets, int seconds, int sockets, int window) throws Exception {
    return run("R warm-up", targets, seconds, sockets, window, (sock) -> register(sock, RUN + "w"));
  }

  /** Makes the n-th request of one socket for a cookie. */
  private interface RequestMaker {
    IndexMessage make(int n, long cookie);
  }

  private static RequestMaker locate(int sock) {
    return (n, cookie) -> new IndexMessage.Locate(n, cookie, LOAD, SEEDED[n % CONTENTS], 4);
  }

  private static RequestMaker register(int sock, String run) {
    // a new peer name every 5,000 so the per-peer limit is never reached
    return (n, cookie) ->
        new IndexMessage.Register(
            n,
            cookie,
            PeerName.of("load" + run + sock + "-" + (n / 5000)),
            ContentName.of("f" + run + sock + "-" + n),
            4000,
            1,
            DIGEST);
  }

  private static double run(
      String label,
      List<InetSocketAddress> targets,
      int seconds,
      int sockets,
      int window,
      IntFunction<RequestMaker> makers)
      throws Exception {
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lost = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < sockets; s++) {
      RequestMaker maker = makers.apply(s);
      InetSocketAddress target = targets.get(s % targets.size());
      Thread t =
          Thread.ofPlatform()
              .name("load-" + label + s)
              .start(() -> drive(target, maker, window, end, ok, errors, lost));
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf(
        "%s: %,d replies in %d s = %,.0f req/s (%d sockets x window %d; %,d E replies, %,d"
            + " timeouts)%n",
        label,
        ok.get() + errors.get(),
        seconds,
        (ok.get() + errors.get()) / (double) seconds,
        sockets,
        window,
        errors.get(),
        lost.get());
    return (ok.get() + errors.get()) / (double) seconds;
  }

  private static void drive(
      InetSocketAddress target,
      RequestMaker maker,
      int window,
      long end,
      AtomicLong ok,
      AtomicLong errors,
      AtomicLong lost) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(target);
      socket.setSoTimeout(200);
      long cookie = hello(socket);
      int n = 1;
      int inFlight = 0;
      byte[] buf = new byte[1500];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      while (System.nanoTime() < end) {
        while (inFlight < window) {
          byte[] out = IndexCodec.encode(maker.make(n++, cookie));
          socket.send(new DatagramPacket(out, out.length));
          inFlight++;
        }
        try {
          socket.receive(in);
          inFlight--;
          (buf[0] == 'E' ? errors : ok).incrementAndGet();
        } catch (SocketTimeoutException e) {
          lost.addAndGet(inFlight);
          inFlight = 0; // start a new window
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("load socket failed: " + e);
    }
  }

  private static long hello(DatagramSocket socket) throws IOException {
    byte[] h = IndexCodec.encode(new IndexMessage.Hello(0));
    DatagramPacket in = new DatagramPacket(new byte[64], 64);
    for (int attempt = 1; ; attempt++) {
      // a server still working off the previous run's backlog may take a while to answer
      socket.send(new DatagramPacket(h, h.length));
      try {
        socket.receive(in);
        if (in.getLength() > 0 && in.getData()[0] == 'Y') {
          break;
        }
      } catch (SocketTimeoutException e) {
        if (attempt == 50) {
          throw e;
        }
      }
    }
    try {
      return ((IndexMessage.CookieReply) IndexCodec.decode(in.getData(), 0, in.getLength()))
          .cookie();
    } catch (io.peershare.protocol.ProtocolException e) {
      throw new IOException(e);
    }
  }
}
