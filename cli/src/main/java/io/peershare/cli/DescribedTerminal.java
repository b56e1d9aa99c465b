package io.peershare.cli;

import java.io.IOException;
import java.nio.charset.Charset;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.PosixSysTerminal;
import org.jline.terminal.impl.jni.JniTerminalProvider;
import org.jline.terminal.spi.Pty;
import org.jline.terminal.spi.SystemStream;

/**
 * The process's own terminal as JLine's builder makes it with its JNI provider (a {@link
 * PosixSysTerminal} on standard output, JLine's signal handling, the builder's encodings), for a
 * terminal type whose description {@link TerminalDescriptions} holds: the description comes from
 * there, not from JLine's jar, and no provider is looked up by its service file. Between them those
 * two resources and JLine's parse cost the terminal's thread 80-180 ms of CPU before the prompt
 * (docs/benchmarks.md, "Start-up and exit").
 */
final class DescribedTerminal extends PosixSysTerminal {
  private DescribedTerminal(String type, Pty pty, TerminalBuilder defaults) throws IOException {
    super(
        "JLine terminal", // the builder's name for it
        type,
        pty,
        builderEncoding(),
        defaults.computeStdinEncoding(),
        defaults.computeStdoutEncoding(),
        true, // the builder's default: JLine handles INT, TSTP, WINCH... itself
        SignalHandler.SIG_DFL);
  }

  /**
   * The terminal's encoding, as JLine's builder computes it ({@code computeEncoding()}). Where
   * neither of JLine's properties for it is set, that is the JVM's default charset, which JLine
   * 3.30 returns only after asking whether "ms0" and "cp0" are charsets (its code page 0): two
   * names no charset has, whose lookup loads the JDK's extended charsets and looks for charset
   * providers in every jar of the class path, 8-10 ms of the terminal thread's CPU before the
   * prompt (docs/benchmarks.md).
   */
  static Charset builderEncoding() {
    if (System.getProperty(TerminalBuilder.PROP_ENCODING) == null
        && System.getProperty(TerminalBuilder.PROP_CODEPAGE) == null) {
      return Charset.defaultCharset();
    }
    return TerminalBuilder.builder().computeEncoding();
  }

  /** Called by the constructor of JLine's terminal, before this class's own fields are set. */
  @Override
  protected void parseInfoCmp() {
    TerminalDescriptions.parse(TerminalDescriptions.of(type), bools, ints, strings);
  }

  /**
   * The terminal on standard input and output when both are one, of type {@code type} if {@link
   * TerminalDescriptions} describes it; null where it does not, where JLine's native library does
   * not load, or where standard input or output is not a terminal (the caller then asks JLine's
   * builder, as before).
   */
  static Terminal open(String type) throws IOException {
    if (TerminalDescriptions.of(type) == null) {
      return null;
    }
    Pty pty;
    try {
      JniTerminalProvider jni = new JniTerminalProvider();
      if (!jni.isSystemStream(SystemStream.Input) || !jni.isSystemStream(SystemStream.Output)) {
        return null;
      }
      pty = jni.current(SystemStream.Output);
    } catch (RuntimeException | LinkageError e) {
      return null; // no native library for this platform: the builder finds another way
    }
    // as the builder does, the process's own terminal is left open on a failure here
    return new DescribedTerminal(type, pty, TerminalBuilder.builder());
  }
}
