package io.peershare.e2e.netlab;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One host of a {@link NetLab}: a network namespace with {@code lo} and {@code eth0}. Commands run
 * in it through {@code ip netns exec}; faults apply to its {@code eth0}.
 */
public final class Host {
  static final String DEVICE = "eth0";
  private static final String TABLE = "netlab";
  private static final Pattern COUNTER =
      Pattern.compile("counter packets (\\d+) bytes \\d+.*comment \"(\\w+)-(seen|dropped)\"");

  private final String name;
  private final String address;
  private final String ip;
  private final String nft;
  private final String tc;

  /** Percent of incoming packets dropped, per transport protocol. */
  private final Map<String, Integer> drops = new TreeMap<>();

  Host(String name, String address, String ip, String nft, String tc) {
    this.name = name;
    this.address = address;
    this.ip = ip;
    this.nft = nft;
    this.tc = tc;
  }

  /** The namespace's name. */
  public String name() {
    return name;
  }

  /** This host's IPv4 address, as text ({@code 10.213.0.<n>}). */
  public String address() {
    return address;
  }

  public InetAddress inetAddress() {
    try {
      return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code command} prefixed so that it runs inside this host. */
  public List<String> command(List<String> command) {
    List<String> all = new ArrayList<>(List.of(ip, "netns", "exec", name));
    String program = command.get(0);
    // `ip netns exec` searches $PATH, which may lack the sbin folders where ip, tc and nft live
    all.add(program.contains("/") ? program : Commands.which(program).orElse(program));
    all.addAll(command.subList(1, command.size()));
    return all;
  }

  /** A process builder for {@code command} inside this host (start it yourself). */
  public ProcessBuilder exec(String... command) {
    return new ProcessBuilder(command(List.of(command)));
  }

  /** Runs a short command inside this host to its end; fails when it fails. */
  public String run(String... command) {
    return Commands.run(null, command(List.of(command))).orThrow().output();
  }

  /** Drops a random {@code percent} of the UDP packets arriving at this host (0: none). */
  public Host dropIngressUdp(int percent) {
    return dropIngress("udp", percent);
  }

  /** Drops a random {@code percent} of the TCP packets arriving at this host (0: none). */
  public Host dropIngressTcp(int percent) {
    return dropIngress("tcp", percent);
  }

  private synchronized Host dropIngress(String protocol, int percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("a percentage, not " + percent);
    }
    drops.put(protocol, percent);
    // Ingress, not output: a drop in the output hook makes the sender's send() fail with EPERM
    // instead of losing the packet on the way. Counters make the loss measurable.
    StringBuilder rules = new StringBuilder();
    rules.append("table netdev ").append(TABLE).append('\n');
    rules.append("delete table netdev ").append(TABLE).append('\n');
    rules.append("table netdev ").append(TABLE).append(" {\n chain ingress {\n");
    rules.append("  type filter hook ingress device \"").append(DEVICE);
    rules.append("\" priority 0; policy accept;\n");
    for (Map.Entry<String, Integer> d : drops.entrySet()) {
      String p = d.getKey();
      rules.append("  meta l4proto ").append(p).append(" counter comment \"");
      rules.append(p).append("-seen\"\n");
      rules.append("  meta l4proto ").append(p).append(" numgen random mod 100 < ");
      rules
          .append(d.getValue())
          .append(" counter drop comment \"")
          .append(p)
          .append("-dropped\"\n");
    }
    rules.append(" }\n}\n");
    Commands.run(rules.toString(), command(List.of(nft, "-f", "-"))).orThrow();
    return this;
  }

  /** Packets of one protocol that reached this host's ingress hook, and how many it dropped. */
  public record Counters(long seen, long dropped) {}

  /** The ingress counters for {@code protocol} ("udp", "tcp") since its drop rule was set. */
  public synchronized Counters ingressCounters(String protocol) {
    if (!drops.containsKey(protocol)) {
      return new Counters(0, 0);
    }
    String listing = run(nft, "list", "table", "netdev", TABLE);
    long seen = 0;
    long dropped = 0;
    for (String line : listing.split("\n")) {
      Matcher m = COUNTER.matcher(line);
      if (m.find() && m.group(2).equals(protocol)) {
        long n = Long.parseLong(m.group(1));
        if (m.group(3).equals("seen")) {
          seen = n;
        } else {
          dropped = n;
        }
      }
    }
    return new Counters(seen, dropped);
  }

  /**
   * Caps what this host sends to {@code rate} (tc syntax, e.g. "40mbit") with a token bucket
   * filter; packets wait up to 100 ms in its queue.
   */
  public Host limitEgress(String rate) {
    Commands.run(
            null,
            command(
                List.of(
                    tc, "qdisc", "replace", "dev", DEVICE, "root", "tbf", "rate", rate, "burst",
                    "64kb", "latency", "100ms")))
        .orThrow();
    return this;
  }

  @Override
  public String toString() {
    return name + "(" + address + ")";
  }
}
