package io.peershare.protocol;

import java.util.Objects;

/**
 * A peer name that keeps the spec's rules: 1–32 bytes of UTF-8, no control characters, no '/' or
 * '\'. Like {@link ContentName}, text becomes a peer name once, where it enters ({@link #of}, or
 * the codecs); code that takes a {@code PeerName} never checks it again.
 */
public final class PeerName {
  /** The longest peer name, in UTF-8 bytes. */
  public static final int MAX_BYTES = 32;

  private final String name;

  /** For the codecs, which have checked {@code name} already. */
  PeerName(String name) {
    this.name = name;
  }

  /**
   * The peer name {@code text}.
   *
   * @throws InvalidNameException saying which rule {@code text} breaks
   */
  public static PeerName of(String text) {
    String problem = Names.peerProblem(Objects.requireNonNull(text, "text"));
    if (problem != null) {
      throw new InvalidNameException("peer", text, problem);
    }
    return new PeerName(text);
  }

  /** True when {@code text} keeps the peer name rules. */
  public static boolean isValid(String text) {
    return text != null && Names.peerProblem(text) == null;
  }

  /** The name's text. */
  @Override
  public String toString() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerName p && name.equals(p.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }
}
