package io.peershare.cli;

import io.peershare.peer.download.ProgressListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Where the shell reads lines and writes answers: a terminal, or plain streams. */
interface Console {
  /** The next line, or null at end of input (Ctrl-D) or on Ctrl-C. */
  String readLine(String prompt);

  PrintWriter out();

  /** A progress display for a download, or none where output is not a terminal. */
  ProgressListener progress();

  /** Content names the index listed, offered by completion. */
  default void rememberIndexNames(List<String> names) {}

  /**
   * Runs one command line and returns what it returns. On a terminal, Ctrl-C while it runs
   * interrupts the calling thread (the command stops, as the downloader and the hashing of a file
   * do when interrupted) instead of ending the process; plain streams have no such key.
   */
  default boolean runCancellable(BooleanSupplier command) {
    return command.getAsBoolean();
  }

  /** True when Ctrl-C cancelled the command {@link #runCancellable} runs now. */
  default boolean cancelled() {
    return false;
  }

  /** Plain streams: no prompt echo, no progress, no completion. */
  static Console of(BufferedReader in, PrintWriter out) {
    return new Console() {
      @Override
      public String readLine(String prompt) {
        try {
          return in.readLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public PrintWriter out() {
        return out;
      }

      @Override
      public ProgressListener progress() {
        return ProgressListener.none();
      }
    };
  }
}
