package io.peershare.index.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script of the store, loaded from this package's resources; peer-slot scripts get the
 * shared helpers of {@code peer.lua} in front, and the first steps of R, T, Q and K the
 * shared-reply claim of {@code once.lua}. Run with EVALSHA by its SHA-1, and with EVAL when the
 * server does not know it yet (after a restart or on a fresh node). Scripts rather than FUNCTIONs:
 * a restarted Redis forgets both, and EVALSHA-then-EVAL needs no loading step of its own, in
 * standalone and cluster alike.
 */
enum Script {
  CLAIM("once.lua", "peer.lua"),
  FORGET("peer.lua"),
  KEEPALIVE("once.lua", "peer.lua"),
  DUE("peer.lua"),
  QUIT("once.lua", "peer.lua"),
  REGISTER("content.lua"),
  REGISTER_ALL("once.lua", "peer.lua", "content.lua"),
  REGISTER_MANY("once.lua", "peer.lua", "content.lua"),
  DEREGISTER("once.lua", "content.lua"),
  RELEASE,
  REMEMBER,
  DROP("content.lua"),
  LOCATE,
  LIST,
  SWARM,
  SWARMDONE;

  final byte[] source;
  final String sha;

  /** The script's own file with the shared helpers of {@code preludes} in front. */
  Script(String... preludes) {
    StringBuilder text = new StringBuilder();
    for (String p : preludes) {
      text.append(read(p)).append('\n');
    }
    text.append(read(name().toLowerCase(java.util.Locale.ROOT) + ".lua"));
    this.source = text.toString().getBytes(StandardCharsets.UTF_8);
    this.sha = sha1(source);
  }

  private static String read(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-1", e);
    }
  }
}
