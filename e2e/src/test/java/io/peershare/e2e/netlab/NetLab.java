package io.peershare.e2e.netlab;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A few separate hosts on one machine: each host is a network namespace with {@code lo} and one
 * veth, {@code eth0}, addressed {@code 10.213.0.<n>/24}; the other ends of the veths are joined by
 * a bridge in a hub namespace. Nothing routes out of these namespaces, so the tests' traffic never
 * leaves them. Faults are injected per host: {@link Host#dropIngressUdp}, {@link
 * Host#dropIngressTcp} (nftables, netdev ingress hook) and {@link Host#limitEgress} (tc tbf).
 *
 * <p>Namespaces are named {@code psnl-<pid>-<lab>-<host>}. {@link #close()} kills what still runs
 * in them and deletes them; a lab left behind by a JVM that died is deleted by the next {@link
 * #open}. When the machine cannot build a lab (not root, no nft, no namespaces), {@link #open}
 * aborts the calling test with a one-line reason instead of failing it.
 */
public final class NetLab implements AutoCloseable {
  static final String PREFIX = "psnl-";
  static final String SUBNET = "10.213.0.";
  private static final Pattern LEFTOVER = Pattern.compile("^(" + PREFIX + "(\\d+)-\\S+)");
  private static final AtomicInteger LABS = new AtomicInteger();
  private static volatile Optional<String> problem;

  private final String ip;
  private final String hub;
  private final List<Host> hosts = new ArrayList<>();
  private final Thread onExit;
  private boolean closed;

  private NetLab(String ip, String tag) {
    this.ip = ip;
    this.hub = PREFIX + tag + "-hub";
    this.onExit = new Thread(this::deleteAll, "netlab-cleanup-" + tag);
  }

  /** Why no lab can be built here (checked once per JVM), or empty. */
  public static Optional<String> unavailableReason() {
    Optional<String> p = problem;
    if (p == null) {
      p = Prerequisites.problem(Prerequisites.thisMachine());
      problem = p;
    }
    return p;
  }

  /** Aborts the calling test (JUnit: skipped) with the reason when no lab can be built here. */
  public static void assumeAvailable() {
    assumeNoProblem(unavailableReason());
  }

  static void assumeNoProblem(Optional<String> reason) {
    if (reason.isPresent()) {
      System.err.println(reason.get()); // also in the build log, not only in the test report
      Assumptions.abort(reason.get());
    }
  }

  /** Builds a lab of {@code count} hosts (1 to 200), or aborts the test when none can be built. */
  public static NetLab open(int count) {
    if (count < 1 || count > 200) {
      throw new IllegalArgumentException("1 to 200 hosts, not " + count);
    }
    assumeAvailable();
    String ip = Commands.which("ip").orElseThrow();
    String nft = Commands.which("nft").orElseThrow();
    String tc = Commands.which("tc").orElseThrow();
    deleteLeftovers(ip);
    String tag = ProcessHandle.current().pid() + "-" + LABS.incrementAndGet();
    NetLab lab = new NetLab(ip, tag);
    Runtime.getRuntime().addShutdownHook(lab.onExit);
    try {
      lab.build(tag, count, nft, tc);
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  private void build(String tag, int count, String nft, String tc) {
    Commands.run(ip, "netns", "add", hub).orThrow();
    ipIn(hub, "link", "set", "lo", "up");
    ipIn(hub, "link", "add", "name", "br0", "type", "bridge", "stp_state", "0");
    ipIn(hub, "link", "set", "br0", "up");
    for (int n = 1; n <= count; n++) {
      String ns = PREFIX + tag + "-" + n;
      Commands.run(ip, "netns", "add", ns).orThrow();
      Host host = new Host(ns, SUBNET + n, ip, nft, tc);
      hosts.add(host);
      String port = "h" + n;
      // "name" is needed: `ip link add a ...` would read "a" as "address"
      ipIn(
          hub,
          "link",
          "add",
          "name",
          port,
          "type",
          "veth",
          "peer",
          "name",
          Host.DEVICE,
          "netns",
          ns);
      ipIn(hub, "link", "set", port, "master", "br0", "up");
      ipIn(ns, "link", "set", "lo", "up");
      // one packet per segment, as on a real wire: dropping one drops one MTU, not a 64 KiB burst
      ipIn(ns, "link", "set", Host.DEVICE, "gso_max_segs", "1");
      ipIn(ns, "addr", "add", host.address() + "/24", "dev", Host.DEVICE);
      ipIn(ns, "link", "set", Host.DEVICE, "up");
    }
    await("the lab's bridge forwards")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              String ports =
                  Commands.run(ip, "-n", hub, "-d", "link", "show", "master", "br0").output();
              return ports.split("state forwarding", -1).length - 1 == count;
            });
  }

  private void ipIn(String ns, String... args) {
    List<String> cmd = new ArrayList<>(List.of(ip, "-n", ns));
    cmd.addAll(List.of(args));
    Commands.run(null, cmd).orThrow();
  }

  /** Host {@code n}, counted from 1; its address is {@code 10.213.0.<n>}. */
  public Host host(int n) {
    return hosts.get(n - 1);
  }

  public List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** Kills every process still inside the lab and deletes its namespaces. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // the JVM is already exiting: the hook runs anyway
    }
    List<String> failed = deleteAll();
    if (!failed.isEmpty()) {
      throw new IllegalStateException("netlab: could not delete namespaces " + failed);
    }
  }

  private List<String> deleteAll() {
    List<String> names = new ArrayList<>();
    for (Host h : hosts) {
      names.add(h.name());
    }
    names.add(hub);
    List<String> failed = new ArrayList<>();
    for (String ns : names) {
      if (!delete(ip, ns)) {
        failed.add(ns);
      }
    }
    return failed;
  }

  /** Kills the processes inside {@code ns} (all started by the lab's tests), then deletes it. */
  private static boolean delete(String ip, String ns) {
    Commands.Result pids = Commands.run(ip, "netns", "pids", ns);
    if (pids.ok()) {
      for (String line : pids.output().split("\\s+")) {
        if (line.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(line))
              .ifPresent(
                  p -> {
                    p.destroyForcibly();
                    p.onExit()
                        .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                        .exceptionally(t -> p)
                        .join();
                  });
        }
      }
    }
    Commands.Result del = Commands.run(ip, "netns", "del", ns);
    return del.ok() || del.output().contains("No such file");
  }

  /** Deletes labs whose JVM is gone (it was killed before it could clean up). */
  private static void deleteLeftovers(String ip) {
    long self = ProcessHandle.current().pid();
    for (String line : Commands.run(ip, "netns", "list").output().split("\n")) {
      Matcher m = LEFTOVER.matcher(line.strip());
      if (!m.find()) {
        continue;
      }
      long owner = Long.parseLong(m.group(2));
      if (owner != self && ProcessHandle.of(owner).isEmpty()) {
        delete(ip, m.group(1));
      }
    }
  }
}
