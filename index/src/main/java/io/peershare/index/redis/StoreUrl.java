package io.peershare.index.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the registry lives, as given to {@code peershare index --store}: {@code memory}, {@code
 * redis://[user:pass@]HOST:PORT[/DB]}, {@code rediss://...} (TLS) or {@code
 * redis-cluster://[user:pass@]HOST:PORT[,HOST:PORT...]} (seed nodes; {@code rediss-cluster://} with
 * TLS). A password not in the URL may come from elsewhere ({@link #withPassword}).
 *
 * @param kind memory, standalone or cluster
 * @param nodes host and port of each node given (one for standalone)
 * @param database the database number (standalone only)
 * @param tls whether to speak TLS
 * @param user the ACL user, or null
 * @param password the password, or null
 */
public record StoreUrl(
    Kind kind, List<HostPort> nodes, int database, boolean tls, String user, String password) {

  public enum Kind {
    MEMORY,
    STANDALONE,
    CLUSTER
  }

  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  public static final StoreUrl MEMORY = new StoreUrl(Kind.MEMORY, List.of(), 0, false, null, null);

  public StoreUrl {
    nodes = List.copyOf(nodes);
    Objects.requireNonNull(kind);
  }

  /**
   * Parses a store URL.
   *
   * @throws IllegalArgumentException with a one-line message saying what is wrong
   */
  public static StoreUrl parse(String text) {
    if (text.equals("memory")) {
      return MEMORY;
    }
    int sep = text.indexOf("://");
    if (sep < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not memory, redis://, rediss:// or redis-cluster://");
    }
    String scheme = text.substring(0, sep);
    boolean cluster = scheme.equals("redis-cluster") || scheme.equals("rediss-cluster");
    boolean tls = scheme.equals("rediss") || scheme.equals("rediss-cluster");
    if (!cluster && !tls && !scheme.equals("redis")) {
      throw new IllegalArgumentException(
          "unknown scheme '" + scheme + "' (memory, redis, rediss, redis-cluster)");
    }
    String rest = text.substring(sep + 3);
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String info = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = info.indexOf(':');
      String u = colon < 0 ? info : info.substring(0, colon);
      user = u.isEmpty() ? null : decode(u);
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    int database = 0;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String db = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
      if (!db.isEmpty()) {
        if (cluster) {
          throw new IllegalArgumentException("a Redis Cluster has no database number");
        }
        database = number(db, "database", 0, 10_000);
      }
    }
    List<HostPort> nodes = new ArrayList<>();
    for (String node : rest.split(",", -1)) {
      nodes.add(hostPort(node));
    }
    if (!cluster && nodes.size() != 1) {
      throw new IllegalArgumentException("redis:// takes one HOST:PORT; use redis-cluster://");
    }
    return new StoreUrl(
        cluster ? Kind.CLUSTER : Kind.STANDALONE, nodes, database, tls, user, password);
  }

  /** This URL with {@code pass} as its password unless it has one already. */
  public StoreUrl withPassword(String pass) {
    if (password != null || pass == null || pass.isEmpty() || kind == Kind.MEMORY) {
      return this;
    }
    return new StoreUrl(kind, nodes, database, tls, user, pass);
  }

  /** The URL with the password hidden, for messages and logs. */
  @Override
  public String toString() {
    if (kind == Kind.MEMORY) {
      return "memory";
    }
    StringBuilder b = new StringBuilder(tls ? "rediss" : "redis");
    b.append(kind == Kind.CLUSTER ? "-cluster://" : "://");
    if (user != null || password != null) {
      b.append(user == null ? "" : user).append(password == null ? "" : ":***").append('@');
    }
    b.append(String.join(",", nodes.stream().map(HostPort::toString).toList()));
    if (database != 0) {
      b.append('/').append(database);
    }
    return b.toString();
  }

  private static HostPort hostPort(String s) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("a node is missing: give HOST:PORT");
    }
    try {
      URI u = new URI("redis://" + s);
      if (u.getHost() == null || u.getPort() < 0 || u.getRawPath().length() > 0) {
        throw new IllegalArgumentException("'" + s + "' is not HOST:PORT");
      }
      String host = u.getHost();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new HostPort(host, number(String.valueOf(u.getPort()), "port", 1, 65535));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + s + "' is not HOST:PORT");
    }
  }

  private static int number(String s, String what, int min, int max) {
    try {
      int n = Integer.parseInt(s);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below says it
    }
    throw new IllegalArgumentException(what + " '" + s + "' must be " + min + "-" + max);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
