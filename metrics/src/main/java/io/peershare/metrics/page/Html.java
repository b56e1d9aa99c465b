package io.peershare.metrics.page;

/**
 * An HTML page written in order. Every piece of text goes through {@link #text} or an attribute
 * method, which escape it: content and peer names come from the network and must never become
 * markup. Markup itself ({@link #raw}) is only ever a constant of this code.
 */
public final class Html {
  private final StringBuilder out = new StringBuilder(8192);

  /** Markup written as it is: only constants of this code, never data. */
  public Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Text, escaped. */
  public Html text(String text) {
    escape(text, out);
    return this;
  }

  /** {@code <tag>text</tag>}, the text escaped. */
  public Html element(String tag, String text) {
    return raw("<" + tag + ">").text(text).raw("</" + tag + ">");
  }

  /** {@code <tag class="cls">text</tag>}, the text escaped. */
  public Html element(String tag, String cls, String text) {
    return raw("<" + tag + " class=\"" + cls + "\">").text(text).raw("</" + tag + ">");
  }

  /** {@code name="value"} with the value escaped, after a space. */
  public Html attribute(String name, String value) {
    out.append(' ').append(name).append("=\"");
    escape(value, out);
    out.append('"');
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** Escapes the five characters that matter in text and in quoted attributes. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    escape(s, b);
    return b.toString();
  }

  private static void escape(String s, StringBuilder b) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\t' && c != '\n') {
            b.append('\uFFFD'); // control characters have no business on a page
          } else {
            b.append(c);
          }
        }
      }
    }
  }
}
