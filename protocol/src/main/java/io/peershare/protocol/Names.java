package io.peershare.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The spec's name rules, checked on UTF-8 bytes. Peer names: 1–32 bytes (docs/protocol.md §2.2);
 * content names: 1–255 bytes, not "." or "..", no leading or trailing space (§2.3). Neither may
 * hold control characters (U+0000–U+001F, U+007F), '/' or '\' (§2.1). Byte order and the folded
 * filter: §2.4.
 */
public final class Names {
  public static final int MAX_PEER_BYTES = 32;
  public static final int MAX_CONTENT_BYTES = 255;

  private Names() {}

  /** Why {@code name} is not a valid peer name, or null when it is. */
  public static String peerNameProblem(String name) {
    return problem(name, "peer", MAX_PEER_BYTES, false);
  }

  /** Why {@code name} is not a valid content name, or null when it is. */
  public static String contentNameProblem(String name) {
    return problem(name, "content", MAX_CONTENT_BYTES, true);
  }

  public static boolean isValidPeerName(String name) {
    return peerNameProblem(name) == null;
  }

  public static boolean isValidContentName(String name) {
    return contentNameProblem(name) == null;
  }

  /** Returns {@code name}, or throws MALFORMED saying which rule it breaks. */
  public static String requirePeerName(String name) throws ProtocolException {
    String p = peerNameProblem(name);
    if (p != null) {
      throw ProtocolException.malformed(p);
    }
    return name;
  }

  /** Returns {@code name}, or throws MALFORMED saying which rule it breaks. */
  public static String requireContentName(String name) throws ProtocolException {
    String p = contentNameProblem(name);
    if (p != null) {
      throw ProtocolException.malformed(p);
    }
    return name;
  }

  /** Compares two strings by their UTF-8 bytes, unsigned: the spec's "byte order". */
  public static int compareBytes(String a, String b) {
    return Arrays.compareUnsigned(utf8(a), utf8(b));
  }

  /** True when {@code name} contains {@code filter}, folding ASCII letters only. */
  public static boolean containsFolded(String name, String filter) {
    if (filter.isEmpty()) {
      return true;
    }
    byte[] n = utf8(name);
    byte[] f = utf8(filter);
    outer:
    for (int i = 0; i + f.length <= n.length; i++) {
      for (int j = 0; j < f.length; j++) {
        if (foldAscii(n[i + j]) != foldAscii(f[j])) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte foldAscii(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String problem(String name, String what, int maxBytes, boolean content) {
    if (name == null || name.isEmpty()) {
      return "a " + what + " name cannot be empty";
    }
    int bytes = Utf8.encodedLength(name);
    if (bytes < 0) {
      return "a " + what + " name must be valid text";
    }
    if (bytes > maxBytes) {
      return "a "
          + what
          + " name is at most "
          + maxBytes
          + " bytes of UTF-8, this one has "
          + bytes;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "a " + what + " name cannot hold control characters";
      }
      if (c == '/' || c == '\\') {
        return "a " + what + " name cannot hold '/' or '\\'";
      }
    }
    if (content) {
      if (name.equals(".") || name.equals("..")) {
        return "a content name cannot be '.' or '..'";
      }
      if (name.charAt(0) == ' ' || name.charAt(name.length() - 1) == ' ') {
        return "a content name cannot start or end with a space";
      }
    }
    return null;
  }
}
