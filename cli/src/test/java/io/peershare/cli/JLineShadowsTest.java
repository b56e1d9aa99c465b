package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jline.nativ.JLineNativeLoader;
import org.jline.terminal.Terminal;
import org.jline.utils.Log;
import org.junit.jupiter.api.Test;

/**
 * Our {@code org.jline.utils.Log} and {@code org.jline.nativ.JLineNativeLoader}, which take the
 * place of JLine's on the class path (they do not set {@code java.util.logging} up on the way to
 * the shell's prompt): they are the ones loaded, they keep JLine's API, so a JLine that calls
 * something they lack fails here and not in a user's shell, and JLine's log still reaches {@code
 * java.util.logging}.
 */
class JLineShadowsTest {
  @Test
  void oursAreTheOnesLoadedNotJLines() {
    URL jline = Terminal.class.getProtectionDomain().getCodeSource().getLocation();
    for (Class<?> c : List.of(Log.class, JLineNativeLoader.class)) {
      assertThat(c.getProtectionDomain().getCodeSource().getLocation())
          .as(c.getName())
          .isNotEqualTo(jline);
    }
  }

  /**
   * Ours were written to JLine 3.30.6's classes: an upgrade of JLine fails here, so that someone
   * reads JLine's new classes against ours (what they do, not only their API) before changing the
   * version below.
   */
  @Test
  void writtenForTheJLineThePomPins() throws Exception {
    Properties pom = new Properties();
    try (InputStream in =
        Terminal.class.getResourceAsStream("/META-INF/maven/org.jline/jline/pom.properties")) {
      assertThat(in).as("JLine's pom.properties").isNotNull();
      pom.load(in);
    }
    assertThat(pom.getProperty("version")).isEqualTo("3.30.6");
  }

  @Test
  void everyPublicMemberOfJLinesOwnIsThereWithTheSameSignature() throws Exception {
    URL jline = Terminal.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader jlineAlone =
        new URLClassLoader(new URL[] {jline}, ClassLoader.getPlatformClassLoader())) {
      for (Class<?> ours : List.of(Log.class, JLineNativeLoader.class)) {
        Class<?> theirs = Class.forName(ours.getName(), false, jlineAlone);
        assertThat(theirs.getClassLoader()).isSameAs(jlineAlone);
        assertThat(ours.getModifiers()).as(ours.getName()).isEqualTo(theirs.getModifiers());
        assertThat(api(ours)).as(ours.getName()).containsAll(api(theirs));
      }
    }
  }

  /** The public and protected constructors and methods of {@code c}, as text. */
  private static List<String> api(Class<?> c) {
    List<String> members = new ArrayList<>();
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (visible(k.getModifiers())) {
        members.add(k.getModifiers() + " <init>" + Arrays.toString(k.getParameterTypes()));
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (visible(m.getModifiers())) {
        members.add(
            m.getModifiers()
                + " "
                + m.getReturnType().getName()
                + " "
                + m.getName()
                + Arrays.toString(m.getParameterTypes()));
      }
    }
    return members;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  @Test
  void jlinesWarningsAndOnceLoggingIsUpItsDebugLinesReachJavaUtilLogging() {
    Logger logger = Logger.getLogger("org.jline");
    List<LogRecord> seen = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            seen.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    Level was = logger.getLevel();
    boolean parents = logger.getUseParentHandlers();
    logger.addHandler(handler);
    logger.setUseParentHandlers(false); // nothing on the build's standard error
    try {
      IllegalStateException cause = new IllegalStateException("boom");
      Log.warn("cannot ", "open ", new Object[] {"a", "b"}, cause);
      logger.setLevel(Level.FINE);
      Log.debug(() -> "now at debug");
      Log.trace("not at trace");
      assertThat(Log.isDebugEnabled()).isTrue();

      assertThat(seen).hasSize(2);
      assertThat(seen.get(0).getLevel()).isEqualTo(Level.WARNING);
      assertThat(seen.get(0).getMessage()).isEqualTo("cannot open [a,b]");
      assertThat(seen.get(0).getThrown()).isSameAs(cause);
      assertThat(seen.get(0).getLoggerName()).isEqualTo("org.jline");
      assertThat(seen.get(1).getLevel()).isEqualTo(Level.FINE);
      assertThat(seen.get(1).getMessage()).isEqualTo("now at debug");
    } finally {
      logger.removeHandler(handler);
      logger.setUseParentHandlers(parents);
      logger.setLevel(was);
    }
  }
}
