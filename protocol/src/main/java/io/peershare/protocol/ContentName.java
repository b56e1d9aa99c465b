package io.peershare.protocol;

import java.util.Objects;

/**
 * A content name that keeps the spec's rules: 1–255 bytes of UTF-8, no control characters, no '/'
 * or '\', not "." or "..", no leading or trailing space. Text becomes a content name once, where it
 * enters: {@link #of} for what a person or a program typed, the codecs for what came off the wire
 * (which answer {@code MALFORMED} instead). Code that takes a {@code ContentName} never checks it
 * again.
 *
 * <p>Names are equal when their text is; {@link #compareTo} is the spec's byte order (UTF-8 bytes,
 * unsigned; docs/protocol.md §2.4), which is not {@link String}'s UTF-16 order above U+FFFF.
 */
public final class ContentName implements Comparable<ContentName> {
  /** The longest content name, in UTF-8 bytes. */
  public static final int MAX_BYTES = 255;

  private final String name;

  /** For the codecs, which have checked {@code name} already. */
  ContentName(String name) {
    this.name = name;
  }

  /**
   * The content name {@code text}.
   *
   * @throws InvalidNameException saying which rule {@code text} breaks
   */
  public static ContentName of(String text) {
    String problem = Names.contentProblem(Objects.requireNonNull(text, "text"));
    if (problem != null) {
      throw new InvalidNameException("content", text, problem);
    }
    return new ContentName(text);
  }

  /** True when {@code text} keeps the content name rules. */
  public static boolean isValid(String text) {
    return text != null && Names.contentProblem(text) == null;
  }

  /** The name's text. */
  @Override
  public String toString() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentName c && name.equals(c.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /**
   * Byte order: the order of the names' UTF-8 bytes, unsigned. It is the order of their code
   * points, so it is computed on the text without encoding it.
   */
  @Override
  public int compareTo(ContentName other) {
    String a = name;
    String b = other.name;
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
