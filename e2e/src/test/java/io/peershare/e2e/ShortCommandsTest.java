package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./peershare} launcher's short commands ({@code --version}, {@code list}, {@code
 * get}), which run on a smaller class path than the others (the cli jar and {@code lib/}, without
 * {@code lib/more/}) with a start-up cache made on that path, and the shell ({@code peer}, on that
 * path and {@code lib/peer/}, with its own cache): on a copy of the reactor's build with no cache
 * yet, so the first command prepares the caches, and again after the jar is rebuilt. A class one of
 * them needs from a jar left out fails only there, and often only on an error path, so each command
 * runs its error path too; and the JVM refuses in silence a cache made on another class path (the
 * full one, say), which costs only time, so the test checks the command's classes come from its
 * cache.
 */
class ShortCommandsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir Path tmp;
  private Path checkout;
  private Path target;
  private String indexAddress;
  private final List<PeershareProcess> started = new ArrayList<>();

  @BeforeEach
  void copyTheBuildAndStartAProvider() throws Exception {
    assumeThat(Runtime.version().feature()).as("a JDK with AOT caches").isGreaterThanOrEqualTo(25);
    Path built = ROOT.resolve("cli/target");
    assumeThat(built.resolve("peershare-cli.jar")).as("the cli module's jar").exists();
    checkout = Files.createDirectories(tmp.resolve("checkout"));
    Files.copy(ROOT.resolve("peershare"), checkout.resolve("peershare"));
    Files.createDirectories(checkout.resolve(".mvn"));
    Files.copy(ROOT.resolve(".mvn/jdk.sh"), checkout.resolve(".mvn/jdk.sh"));
    target = Files.createDirectories(checkout.resolve("cli/target"));
    Files.copy(built.resolve("peershare-cli.jar"), target.resolve("peershare-cli.jar"));
    copyTree(built.resolve("lib"), target.resolve("lib"));
    Files.writeString(target.resolve(".peershare-built"), "");

    int port = Loopback.freeUdpPort();
    indexAddress = "127.0.0.1:" + port;
    PeershareProcess index = PeershareProcess.startIndex(tmp, port, 60);
    started.add(index);
    index.awaitErr("index server listening");
    Path shared = Loopback.randomFile(tmp.resolve("provider/data.bin"), 300_000, 16);
    PeershareProcess provider =
        PeershareProcess.start(
            "provider",
            shared.getParent(),
            "share",
            shared.toString(),
            "--name",
            "provider",
            "--index",
            indexAddress);
    started.add(provider);
    provider.awaitRegistered("data.bin");
  }

  @AfterEach
  void stopAll() throws Exception {
    for (PeershareProcess p : started) {
      p.close();
    }
  }

  @Test
  void runFromAFreshBuildAndAgainAfterARebuild() throws Exception {
    Launch first = launch("--version");
    assertThat(first.err()).singleElement().asString().contains("preparing the start-up cache");
    assertThat(first.out()).singleElement().asString().startsWith("peershare ");
    assertThat(first.code()).isZero();
    Path client = target.resolve("peershare-client.aot");
    assertThat(
            List.of(
                client,
                target.resolve("peershare.aot"),
                target.resolve("peershare-peer.aot"),
                target.resolve("peershare-get.aot")))
        .allSatisfy(c -> assertThat(c).isNotEmptyFile());
    shortCommandsWork("get1");

    // the jar rebuilt: newer than the caches, which the next command makes again
    FileTime before = FileTime.from(Instant.now().minusSeconds(600));
    try (Stream<Path> caches = Files.list(target)) {
      for (Path c : caches.filter(p -> p.toString().endsWith(".aot")).toList()) {
        Files.setLastModifiedTime(c, before);
      }
    }
    Launch list = launch("list", "--index", indexAddress);
    assertThat(list.err()).singleElement().asString().contains("preparing the start-up cache");
    assertThat(list.out()).contains("data.bin\t300000\t1");
    assertThat(Files.getLastModifiedTime(client)).isGreaterThan(before);
    shortCommandsWork("get2");
  }

  private void shortCommandsWork(String folder) throws Exception {
    Launch version = launch("--version");
    assertThat(version.out()).singleElement().asString().startsWith("peershare ");
    assertThat(version.err()).isEmpty();
    assertThat(version.code()).isZero();

    Launch list = launch("list", "--index", indexAddress);
    assertThat(list.out()).containsExactly("data.bin\t300000\t1");
    assertThat(list.err()).isEmpty();
    assertThat(list.code()).isZero();

    Path into = Files.createDirectories(tmp.resolve(folder));
    Launch get = launch("get", "data.bin", "--index", indexAddress, "--dir", into.toString());
    assertThat(get.err()).isEmpty();
    assertThat(get.code()).isZero();
    assertThat(into.resolve("data.bin")).hasSameBinaryContentAs(tmp.resolve("provider/data.bin"));

    // the error paths: one line each, as on the full class path
    Launch missing = launch("get", "nosuch", "--index", indexAddress, "--dir", into.toString());
    assertThat(missing.err()).containsExactly("peershare: nobody provides 'nosuch'");
    assertThat(missing.code()).isEqualTo(1);
    Launch noFolder =
        launch("get", "data.bin", "--index", indexAddress, "--dir", tmp.resolve("no").toString());
    assertThat(noFolder.err()).singleElement().asString().startsWith("peershare: the folder ");
    assertThat(noFolder.code()).isEqualTo(1);
    Launch badIndex = launch("list", "--index", "127.0.0.1:0");
    assertThat(badIndex.err()).singleElement().asString().startsWith("peershare: ");
    assertThat(badIndex.code()).isEqualTo(2);

    // the shell on its own path (the short commands' and the metrics module), from its cache: at
    // the end of its input it quits; with --metrics, Micrometer's jars come after that path
    Path shellDir = Files.createDirectories(tmp.resolve(folder + "-shell"));
    Launch shell = launchShell("shell-" + folder, shellDir);
    assertThat(shell.out()).first().asString().startsWith("Peer 'shell-" + folder + "' is up");
    assertThat(shell.out()).last().isEqualTo("Bye.");
    assertThat(shell.err()).isEmpty();
    assertThat(shell.code()).isZero();
    Launch metrics = launchShell("metrics-" + folder, shellDir, "--metrics", "127.0.0.1:0");
    assertThat(metrics.out()).first().asString().startsWith("metrics on http://127.0.0.1:");
    assertThat(metrics.out()).last().isEqualTo("Bye.");
    assertThat(metrics.err()).isEmpty();
    assertThat(metrics.code()).isZero();
    Launch shellNoFolder = launchShell("nofolder-" + folder, tmp.resolve("no"));
    assertThat(shellNoFolder.err()).singleElement().asString().startsWith("peershare: the folder ");
    assertThat(shellNoFolder.code()).isEqualTo(1);

    // the general help builds every command's model: the full class path, the same cache
    Launch help = launch("--help");
    assertThat(help.out()).anySatisfy(l -> assertThat(l).contains("index"));
    assertThat(help.err()).isEmpty();
    assertThat(help.code()).isZero();

    for (List<String> args :
        List.of(
            List.of("--version"),
            List.of("list", "--index", indexAddress),
            List.of("get", "nosuch", "--index", indexAddress, "--dir", shellDir.toString()),
            // a download, which starts the session's threads
            download(indexAddress, tmp.resolve(folder + "-cached")),
            List.of(
                "peer",
                "--name",
                "cached-" + folder,
                "--index",
                indexAddress,
                "--dir",
                shellDir.toString()))) {
      Path log = tmp.resolve("class-load.log");
      Files.deleteIfExists(log);
      Launch r =
          launch(
              Map.of("PEERSHARE_JAVA_OPTS", "-Xlog:class+load=info,class+init=info:file=" + log),
              args.toArray(String[]::new));
      assertThat(r.err()).doesNotContain("Exception");
      List<String> loaded = Files.readAllLines(log);
      assertThat(loaded)
          .as("%s starts from its cache", args)
          .anySatisfy(
              l -> assertThat(l).contains("io.peershare.cli.Main source: shared objects file"));
      // no method-handle class spun at run time (for a reflective call: the launcher's native
      // accessors; for a thread builder's counter: the download's own thread names), no
      // lambda of the command line's made at run time (the shell's shutdown hook, logging's
      // set-up in the short commands), and neither the metrics server's class (the shell, by its
      // type) nor the shell's pending terminal (the short commands, at exit) read from a jar:
      // each cost the main thread at every start
      assertThat(loaded)
          .as("%s spins no method-handle class, reads no class of the shell's from a jar", args)
          .noneSatisfy(
              l -> assertThat(l).contains("LambdaForm$").contains("__JVM_LookupDefineClass__"))
          .noneSatisfy(
              l ->
                  assertThat(l)
                      .containsPattern("io\\.peershare\\.cli\\.\\w+\\$\\$Lambda\\S* source: io\\."))
          .noneSatisfy(
              l ->
                  assertThat(l)
                      .containsPattern(
                          "io\\.peershare\\.(metrics\\.MetricsServer|cli\\.PendingTerminal)"
                              + " source: (file|jar):"));
      // logging's set-up does not read the JDK's time-zone database (15-35 ms of its thread): the
      // zone is looked up at the first line, and these runs log none
      assertThat(loaded)
          .as("%s reads no time-zone data", args)
          .noneSatisfy(
              l -> assertThat(l).contains("Initializing 'sun/util/calendar/ZoneInfoFile'"));
    }

    // no jar of the class path is opened: every class comes from the cache, and nothing searches
    // the jars for services (picocli's Groovy check, SLF4J's providers, logback's configurators,
    // the selector provider, System.exit's logger), which read every jar's directory at each start
    for (List<String> args :
        List.of(
            List.of("--version"),
            List.of("list", "--index", indexAddress),
            download(indexAddress, tmp.resolve(folder + "-jars")))) {
      Launch r =
          launch(
              Map.of("PEERSHARE_JAVA_OPTS", "-Dsun.misc.URLClassPath.debug=true"),
              args.toArray(String[]::new));
      assertThat(r.code()).as("%s", args).isZero();
      assertThat(r.err()).as("%s opens no jar", args).noneMatch(l -> l.startsWith("Opening "));
    }
    // the JDK says when it opens one: a command that fails still exits through System.exit, whose
    // logger lookup opens them all
    Launch failed =
        launch(
            Map.of("PEERSHARE_JAVA_OPTS", "-Dsun.misc.URLClassPath.debug=true"),
            "get",
            "nosuch",
            "--index",
            indexAddress,
            "--dir",
            shellDir.toString());
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).anyMatch(l -> l.startsWith("Opening "));
  }

  /** The command line of a download of data.bin into {@code dir}, made here. */
  private static List<String> download(String indexAddress, Path dir) throws IOException {
    return List.of(
        "get",
        "data.bin",
        "--index",
        indexAddress,
        "--dir",
        Files.createDirectories(dir).toString());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path copy = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(f, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** {@code peer} on no input: the shell starts, reads the end of its input and quits. */
  private Launch launchShell(String name, Path dir, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("peer", "--name", name, "--index", indexAddress, "--dir", dir.toString()));
    args.addAll(List.of(more));
    return launch(args.toArray(String[]::new));
  }

  private Launch launch(String... args) throws Exception {
    return launch(Map.of(), args);
  }

  /** Runs the launcher's copy on this JVM's JDK, as a user would, with {@code env} added. */
  private Launch launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(checkout.resolve("peershare").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("PEERSHARE_JAVA_OPTS", "");
    pb.environment().remove("PEERSHARE_NO_AOT");
    pb.environment().remove("PEERSHARE_INDEX");
    pb.environment().remove("PEERSHARE_LOG");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("TMPDIR", tmp.toString());
    pb.environment().put("PEERSHARE_CACHE", tmp.resolve(".cache").toString());
    pb.environment().putAll(e);
    // the first command of a build also runs the training
    return Launch.run(pb, tmp, PeershareProcess.PATIENCE.multipliedBy(5));
  }
}
