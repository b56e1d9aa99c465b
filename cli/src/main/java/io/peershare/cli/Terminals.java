package io.peershare.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether a person is at a terminal: decides between the JLine shell and plain streams. */
final class Terminals {
  private Terminals() {}

  /**
   * True when standard input and output are both a terminal. JDK 22+ returns a console even when
   * redirected and says so with {@code isTerminal()}; on 21 a non-null console is enough.
   */
  static boolean interactive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
