package io.peershare.protocol;

/**
 * The spec's name rules, checked on the UTF-8 form of a name, shared by {@link PeerName} and {@link
 * ContentName}. Peer names: 1–32 bytes (docs/protocol.md §2.2); content names: 1–255 bytes, not "."
 * or "..", no leading or trailing space (§2.3). Neither may hold control characters (U+0000–U+001F,
 * U+007F), '/' or '\' (§2.1).
 */
final class Names {
  private Names() {}

  /** What is wrong with {@code name} as a peer name ("cannot be empty", ...), or null. */
  static String peerProblem(String name) {
    return problem(name, PeerName.MAX_BYTES, false);
  }

  /** What is wrong with {@code name} as a content name, or null. */
  static String contentProblem(String name) {
    return problem(name, ContentName.MAX_BYTES, true);
  }

  private static String problem(String name, int maxBytes, boolean content) {
    if (name.isEmpty()) {
      return "cannot be empty";
    }
    int bytes = Utf8.encodedLength(name);
    if (bytes < 0) {
      return "must be valid text";
    }
    if (bytes > maxBytes) {
      return "is at most " + maxBytes + " bytes of UTF-8, this one has " + bytes;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "cannot hold control characters";
      }
      if (c == '/' || c == '\\') {
        return "cannot hold '/' or '\\'";
      }
    }
    if (content) {
      if (name.equals(".") || name.equals("..")) {
        return "cannot be '.' or '..'";
      }
      if (name.charAt(0) == ' ' || name.charAt(name.length() - 1) == ' ') {
        return "cannot start or end with a space";
      }
    }
    return null;
  }
}
