package org.jline.nativ;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * peershare's replacement for JLine's loader of its native terminal library (same API, same places
 * looked in), without the {@code java.util.logging} logger JLine's sets up when the class is
 * initialised: the reason is in {@link org.jline.utils.Log}, which is ours too. It comes first on
 * the class path, so JLine's classes use it instead of their own.
 *
 * <p>The library is loaded from the first of: the folder {@code library.jline.path} names (where
 * the launcher points it, at the library the build unpacked: {@code ...nativ/Linux/x86_64}), and in
 * it the platform's subfolder, as JLine looks; a copy of the library in JLine's jar, written to
 * {@code jline.tmpdir} (else {@code java.io.tmpdir}) and removed at exit, as JLine does, with the
 * copies a crashed run left there removed on a thread of their own; {@code java.library.path}. The
 * platform's subfolder is looked up only when the folder itself has no library: JLine's {@link
 * OSInfo} sets up {@code java.util.logging} as its loader did. {@code JLineShadowsTest} checks this
 * class keeps JLine's API.
 *
 * <p>Written for peershare to the API of the class of this name in JLine 3.30.6 (BSD-3-Clause
 * licensed; the parent POM pins the version). After an upgrade of JLine, {@code JLineShadowsTest}
 * fails when JLine's class has a public member this one lacks; what the new class does should be
 * read again then too.
 */
public class JLineNativeLoader {
  private static boolean loaded;
  private static String nativeLibraryPath;
  private static String nativeLibrarySourceUrl;

  /** Public, as JLine's is. */
  public JLineNativeLoader() {}

  /**
   * Loads the library, once.
   *
   * @return true
   * @throws RuntimeException when no library loads, as JLine's does
   */
  public static synchronized boolean initialize() {
    if (!loaded) {
      try {
        load();
      } catch (Exception e) {
        throw new RuntimeException("Unable to load jline native library: " + e.getMessage(), e);
      }
      loaded = true;
    }
    return loaded;
  }

  public static String getNativeLibraryPath() {
    return nativeLibraryPath;
  }

  public static String getNativeLibrarySourceUrl() {
    return nativeLibrarySourceUrl;
  }

  public static int getMajorVersion() {
    return versionPart(0, 1);
  }

  public static int getMinorVersion() {
    return versionPart(1, 0);
  }

  /** The version of JLine's native library, from its Maven properties in JLine's jar. */
  public static String getVersion() {
    String version = "unknown";
    try (InputStream in =
        JLineNativeLoader.class.getResourceAsStream(
            "/META-INF/maven/org.jline/jline-native/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        version = p.getProperty("version", version).trim().replaceAll("[^0-9.]", "");
      }
    } catch (IOException e) {
      System.err.println(e);
    }
    return version;
  }

  private static int versionPart(int index, int otherwise) {
    String[] parts = getVersion().split("\\.");
    return parts.length > index ? Integer.parseInt(parts[index]) : otherwise;
  }

  private static void load() throws Exception {
    String name = System.getProperty("library.jline.name");
    if (name == null) {
      name = System.mapLibraryName("jlinenative");
      if (name.endsWith(".dylib")) {
        name = name.replace(".dylib", ".jnilib");
      }
    }
    List<String> tried = new ArrayList<>();
    String path = System.getProperty("library.jline.path");
    if (path != null) {
      if (loaded(new File(path, name))) {
        return;
      }
      String inPlatformFolder = path + "/" + OSInfo.getNativeLibFolderPathForCurrentOS();
      if (loaded(new File(inPlatformFolder, name))) {
        return;
      }
      tried.add(inPlatformFolder);
      tried.add(path);
    }
    String resource =
        "/org/jline/nativ/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
    if (JLineNativeLoader.class.getResource(resource) != null) {
      if (extractedAndLoaded(resource, name)) {
        return;
      }
      tried.add(resource);
    }
    for (String folder : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
      if (!folder.isEmpty()) {
        if (loaded(new File(folder, name))) {
          return;
        }
        tried.add(folder);
      }
    }
    throw new Exception(
        "No native library found for os.name="
            + OSInfo.getOSName()
            + ", os.arch="
            + OSInfo.getArchName()
            + ", paths=["
            + String.join(File.pathSeparator, tried)
            + "]");
  }

  /** Loads {@code library} if it exists; false when it does not or does not load. */
  private static boolean loaded(File library) {
    if (!library.exists()) {
      return false;
    }
    try {
      String path = library.getAbsolutePath();
      System.load(path);
      nativeLibraryPath = path;
      return true;
    } catch (UnsatisfiedLinkError e) {
      System.err.println(
          "Failed to load native library:"
              + library.getName()
              + ". osinfo: "
              + OSInfo.getNativeLibFolderPathForCurrentOS());
      System.err.println(e);
      return false;
    }
  }

  /**
   * Writes the library in JLine's jar at {@code resource} to a file of its own in the temporary
   * folder, with a lock file beside it while this process runs, both removed at exit, and loads it.
   */
  private static boolean extractedAndLoaded(String resource, String name) {
    File folder =
        new File(System.getProperty("jline.tmpdir", System.getProperty("java.io.tmpdir")));
    String prefix = "jlinenative-" + getVersion();
    Thread cleanup = new Thread(() -> removeStaleCopies(folder, prefix), "cleanup");
    cleanup.setPriority(Thread.MIN_PRIORITY);
    cleanup.setDaemon(true);
    cleanup.start();
    String unique = Long.toHexString(ThreadLocalRandom.current().nextLong());
    File library = new File(folder, prefix + "-" + unique + "-" + name);
    File lock = new File(library.getPath() + ".lck");
    try {
      try (InputStream in = JLineNativeLoader.class.getResourceAsStream(resource)) {
        if (!lock.exists()) {
          Files.createFile(lock.toPath());
        }
        Files.copy(in, library.toPath(), StandardCopyOption.REPLACE_EXISTING);
      } finally {
        library.deleteOnExit();
        lock.deleteOnExit();
      }
      if (!library.setReadable(true) || !library.setExecutable(true)) {
        System.err.println("Failed to make " + library + " readable and executable");
      }
      if (loaded(library)) {
        nativeLibrarySourceUrl = JLineNativeLoader.class.getResource(resource).toExternalForm();
        return true;
      }
    } catch (IOException e) {
      System.err.println(e.getMessage());
    }
    return false;
  }

  /** Copies of the library in {@code folder} whose process is gone (no lock file beside them). */
  private static void removeStaleCopies(File folder, String prefix) {
    File[] copies = folder.listFiles((d, n) -> n.startsWith(prefix) && !n.endsWith(".lck"));
    if (copies == null) {
      return;
    }
    for (File copy : copies) {
      if (!new File(copy.getPath() + ".lck").exists() && !copy.delete()) {
        System.err.println("Failed to delete old native lib " + copy);
      }
    }
  }
}
