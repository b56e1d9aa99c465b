package io.peershare.cli;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;

/**
 * The process's own terminal ({@link TerminalConsole#systemTerminal()}) and JLine's line reader on
 * it ({@link TerminalConsole#lineReader}), made on a thread of their own while the command line is
 * parsed and the peer starts (its name lock, the index's answer): on two cores they overlap, and
 * the prompt shows sooner. Closing it closes the terminal unless {@link #take()} handed it over.
 */
final class PendingTerminal implements AutoCloseable {
  private final FutureTask<LineReaderImpl> making = new FutureTask<>(PendingTerminal::make);
  private boolean taken;

  /** The one {@link #startEarly()} began and no command has claimed yet; guarded by the class. */
  private static PendingTerminal early;

  private PendingTerminal() {}

  /**
   * The terminal, then the class of JLine's signal handlers, then the line reader. JLine registers
   * each of its handlers (SIGINT at the prompt, for one) as a {@link Proxy} of {@code
   * sun.misc.SignalHandler}, whose class the JDK makes at run time, with its class-file library,
   * the first time: no start-up cache keeps it. Made here, on this thread, while the main thread
   * starts the peer, instead of on the main thread just before the prompt; the JDK keeps one such
   * class per class loader and list of interfaces, so JLine's later proxies (the application class
   * loader's, as here) use this one. The line reader (JLine's key maps and widgets: 4-7 ms) was
   * made on the main thread after the peer had started, on the way to the prompt; here it is made
   * while the peer starts.
   */
  private static LineReaderImpl make() throws IOException {
    Terminal terminal = TerminalConsole.systemTerminal();
    try {
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Proxy.newProxyInstance(
          PendingTerminal.class.getClassLoader(), new Class<?>[] {handler}, (p, m, a) -> null);
    } catch (ClassNotFoundException | RuntimeException e) {
      // no such interface here: JLine then registers no handler either
    }
    try {
      return TerminalConsole.lineReader(terminal);
    } catch (RuntimeException | Error e) {
      terminal.close();
      throw e;
    }
  }

  /** Starts making the terminal. */
  static PendingTerminal open() {
    PendingTerminal t = new PendingTerminal();
    Thread.ofPlatform().name("peershare-terminal").daemon().start(t.making);
    return t;
  }

  /**
   * Starts making the terminal before the command line is parsed, for a command that will want it
   * ({@link #claim()}); parsing {@code peer}'s options takes about as long as making the terminal.
   */
  static synchronized void startEarly() {
    if (early == null) {
      early = open();
    }
  }

  /** The terminal {@link #startEarly()} began, or else a new one. */
  static synchronized PendingTerminal claim() {
    PendingTerminal t = early;
    early = null;
    return t != null ? t : open();
  }

  /** Closes the terminal {@link #startEarly()} began if no command claimed it (help, bad usage). */
  static void closeUnclaimed() throws IOException {
    PendingTerminal t;
    synchronized (PendingTerminal.class) {
      t = early;
      early = null;
    }
    if (t != null) {
      t.close();
    }
  }

  /** The line reader on the terminal, once made; the caller closes the terminal from now on. */
  LineReaderImpl take() throws IOException {
    taken = true;
    try {
      return made();
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        case Throwable t -> throw new IllegalStateException(t); // systemTerminal throws no other
      }
    }
  }

  /** Waits for the reader, a few hundredths of a second at most, even when interrupted. */
  private LineReaderImpl made() throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return making.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (taken) {
      return;
    }
    taken = true;
    try {
      made().getTerminal().close();
    } catch (ExecutionException e) {
      // no terminal was made: nothing to close
    }
  }
}
