package io.peershare.protocol;

/**
 * Text given as a peer or content name breaks the name rules: what {@link ContentName#of} and
 * {@link PeerName#of} throw, and nothing else does. It is an {@link IllegalArgumentException}, like
 * the JDK's {@code InvalidPathException} for {@code Path.of}. The message quotes the text with
 * control characters shown as '?' (so printing it cannot drive a terminal) and says which rule it
 * breaks, e.g. {@code 'a/b' is not a valid content name: it cannot hold '/' or '\'}.
 *
 * <p>Names that arrive in a message are the codecs' business: they answer {@link ProtocolException}
 * ({@code MALFORMED}), never this.
 */
public final class InvalidNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Quoted text is cut to this many characters, so one bad name is one readable line. */
  private static final int SHOWN = 64;

  private final String input;
  private final String reason;

  InvalidNameException(String kind, String input, String reason) {
    super("'" + visible(input) + "' is not a valid " + kind + " name: it " + reason);
    this.input = input;
    this.reason = reason;
  }

  /** The text as it was given. */
  public String input() {
    return input;
  }

  /** Which rule it breaks, e.g. {@code cannot hold '/' or '\'}. */
  public String reason() {
    return reason;
  }

  private static String visible(String text) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), SHOWN + 1));
    int shown = 0;
    for (int i = 0; i < text.length(); shown++) {
      if (shown == SHOWN) {
        return b.append('\u2026').toString();
      }
      int c = text.codePointAt(i);
      b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c);
      i += Character.charCount(c);
    }
    return b.toString();
  }
}
