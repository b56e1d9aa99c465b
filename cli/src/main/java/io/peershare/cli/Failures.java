package io.peershare.cli;

import io.peershare.peer.SharingException;
import io.peershare.peer.download.DownloadException;
import io.peershare.peer.index.IndexException;
import io.peershare.peer.index.IndexUnreachableException;
import io.peershare.protocol.Addresses;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns an exception into one sentence a person can act on; never a stack trace. */
final class Failures {
  private Failures() {}

  static String describe(Throwable e) {
    return switch (e) {
      case IndexException x -> x.getMessage();
      case SharingException x -> x.getMessage();
      case DownloadException x -> x.getMessage();
      case IndexUnreachableException x -> x.getMessage();
      case NoSuchFileException x -> "no such file or folder: " + x.getFile();
      case AccessDeniedException x -> "permission denied: " + x.getFile();
      case NotDirectoryException x -> "not a folder: " + x.getFile();
      case FileAlreadyExistsException x -> "already exists: " + x.getFile();
      case FileSystemException x ->
          x.getFile() + ": " + (x.getReason() == null ? "file system error" : x.getReason());
      case BindException x ->
          inUse(x)
              ? "the port is already in use; choose another with --port"
              : "cannot listen there: " + orClass(x);
      case ConnectException x -> "cannot connect: " + orClass(x);
      case IOException x -> orClass(x);
      case IllegalArgumentException x -> orClass(x);
      case InterruptedException x -> "interrupted";
      default -> "unexpected error: " + e;
    };
  }

  /**
   * Why a server could not listen on {@code bind:port}, saying so plainly when it is taken and
   * which {@code option} chooses another.
   */
  static String cannotListen(
      String protocol, InetAddress bind, int port, String option, BindException e) {
    String where = protocol + " port " + port + " on " + Addresses.host(bind);
    return inUse(e)
        ? where
            + " is already in use (another "
            + (option.equals("--port") ? "index" : "tracker")
            + " running there?); choose another with "
            + option
        : "cannot listen on " + where + ": " + orClass(e);
  }

  private static boolean inUse(BindException e) {
    return e.getMessage() != null && e.getMessage().contains("in use");
  }

  private static String orClass(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
