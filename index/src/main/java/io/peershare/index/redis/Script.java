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
 * shared helpers of {@code peer.lua} in front. Run with EVALSHA by its SHA-1, and with EVAL when
 * the server does not know it yet (after a restart or on a fresh node). Scripts rather than
 * FUNCTIONs: a restarted Redis forgets both, and EVALSHA-then-EVAL needs no loading step of its
 * own, in standalone and cluster alike.
 */
enum Script {
  CLAIM(true),
  FORGET(true),
  KEEPALIVE(true),
  DUE(true),
  QUIT(true),
  REGISTER(false),
  DEREGISTER(false),
  DROP(false),
  LOCATE(false),
  LIST(false),
  REPLY(false),
  SWARM(false),
  SWARMDONE(false);

  final byte[] source;
  final String sha;

  Script(boolean peerSlot) {
    String body = read(name().toLowerCase(java.util.Locale.ROOT) + ".lua");
    String text = peerSlot ? read("peer.lua") + "\n" + body : body;
    this.source = text.getBytes(StandardCharsets.UTF_8);
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
