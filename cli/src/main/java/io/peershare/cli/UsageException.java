package io.peershare.cli;

/**
 * The command line itself is wrong (a value out of range), whatever the state of the machine: exit
 * code 2, like the errors picocli finds while parsing. It is an {@link IllegalArgumentException},
 * so code that reports those (the shell) still does. A name the protocol forbids is the protocol's
 * {@link io.peershare.protocol.InvalidNameException}, which {@link Main} reports the same way.
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
}
