package io.peershare.cli;

import io.peershare.protocol.Names;

/**
 * The command line itself is wrong (a value out of range, a name the protocol forbids), whatever
 * the state of the machine: exit code 2, like the errors picocli finds while parsing. It is an
 * {@link IllegalArgumentException}, so code that reports those (the shell) still does.
 */
final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  /** {@code value} of {@code option}, which must lie in {@code min..max}. */
  static int inRange(String option, int value, int min, int max, String unit) {
    if (value < min || value > max) {
      throw new UsageException(option + " must be " + min + " to " + max + unit + ", not " + value);
    }
    return value;
  }

  /** {@code name} of {@code option}, when the protocol allows it as a peer name. */
  static String peerName(String option, String name) {
    String problem = Names.peerNameProblem(name);
    if (problem != null) {
      throw new UsageException(
          option + " '" + visible(name) + "': " + problem.replaceFirst("^a peer name ", "it "));
    }
    return name;
  }

  /** {@code name}, when the protocol allows it as a content name. */
  static String contentName(String name) {
    String problem = Names.contentNameProblem(name);
    if (problem != null) {
      throw new UsageException(
          "'"
              + visible(name)
              + "' is not a valid content name: "
              + problem.replaceFirst("^a content name ", "it "));
    }
    return name;
  }

  /** {@code text} with control characters shown as '?', so echoing it cannot drive the terminal. */
  static String visible(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
    return b.toString();
  }
}
