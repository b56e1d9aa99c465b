package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./peershare} launcher as a real process: which JDK it picks, how it fails when there
 * is none, and how it makes, uses and remakes the start-up cache. It runs on a copy of the launcher
 * in a folder of its own with a build already in place, so it never builds; most tests give it JDKs
 * made of a {@code release} file and a {@code bin/java} script that writes down how it was called,
 * and a few run it on this JVM's own JDK with the real jar.
 */
class LauncherTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir Path tmp;
  private Path checkout;
  private Path target;
  private Path jdks;

  @BeforeEach
  void copyTheLauncher() throws IOException {
    checkout = Files.createDirectories(tmp.resolve("checkout"));
    Files.copy(ROOT.resolve("peershare"), checkout.resolve("peershare"));
    Files.createDirectories(checkout.resolve(".mvn"));
    Files.copy(ROOT.resolve(".mvn/jdk.sh"), checkout.resolve(".mvn/jdk.sh"));
    target = Files.createDirectories(checkout.resolve("cli/target"));
    Files.createDirectories(target.resolve("lib"));
    Files.writeString(target.resolve("peershare-cli.jar"), "not a jar: the JDKs here are scripts");
    built();
    jdks = Files.createDirectories(tmp.resolve("jdks"));
  }

  /** Marks the build in place as newer than every source, as the launcher's own build does. */
  private void built() throws IOException {
    Files.writeString(target.resolve(".peershare-built"), "");
  }

  @Test
  void takesJavaHomeWhenItIsNewEnough() throws Exception {
    Path jdk21 = fakeJdk("21.0.5");
    fakeJdk("25.0.1");
    Launch r = launch(Map.of("JAVA_HOME", jdk21.toString()), "list", "--index", "a b");

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    // JDK 21 has no AOT cache: the AppCDS archive, the arguments passed on as they came
    assertThat(calls(jdk21))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c).contains("-XX:SharedArchiveFile=" + target.resolve("peershare.jsa"));
              // one archive, remade whenever the class path changes: the full path for all
              assertThat(c)
                  .doesNotContain("AOTCache")
                  .contains(
                      "/lib/*:"
                          + target.resolve("lib/peer")
                          + "/*:"
                          + target.resolve("lib/more")
                          + "/*|")
                  .endsWith("io.peershare.cli.Main|list|--index|a b");
            });
  }

  @Test
  void passesTheCommandsExitCodeOn() throws Exception {
    Path jdk21 = fakeJdk("21.0.5");
    Launch r = launch(Map.of("JAVA_HOME", jdk21.toString()), "exit-with", "7");
    assertThat(r.code()).isEqualTo(7);
  }

  @Test
  void passesOverAnOldJavaHomeForTheNewestJdkInstalled() throws Exception {
    Path jdk17 = fakeJdk("17.0.15");
    fakeJdk("21.0.5");
    Path jdk25 = fakeJdk("25.0.1");
    Launch r = launch(Map.of("JAVA_HOME", jdk17.toString(), "PEERSHARE_NO_AOT", "1"), "--version");

    assertThat(r.code()).isZero();
    assertThat(calls(jdk17)).isEmpty();
    assertThat(calls(jdk25)).singleElement().asString().endsWith("io.peershare.cli.Main|--version");
  }

  @Test
  void withoutAJdk21SaysSoInOneLine() throws Exception {
    Path jdk17 = fakeJdk("17.0.15");
    Files.writeString(jdks.resolve("not-a-jdk"), "");
    Launch r = launch(Map.of("JAVA_HOME", jdk17.toString()), "--version");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .singleElement()
        .asString()
        .startsWith(
            "peershare needs a JDK 21 or newer and found none (JAVA_HOME=" + jdk17 + " is JDK 17;")
        .contains("install one");
    assertThat(calls(jdk17)).isEmpty();
  }

  @Test
  void rebuildsForANewerMainSourceResourceOrPomWithoutRunningFind() throws Exception {
    Path jdk21 = fakeJdk("21.0.5");
    // a find that says it ran: a fork and exec cost 15-30 ms of every command on two busy cores
    Path tools = Files.createDirectories(tmp.resolve("tools"));
    Path ranFind = tmp.resolve("ran-find");
    script(
        tools.resolve("find"),
        "echo \"$*\" >>'%s'\nexec /usr/bin/find \"$@\"\n".formatted(ranFind));
    Map<String, String> env =
        Map.of("JAVA_HOME", jdk21.toString(), "PATH", tools + ":/usr/bin:/bin");
    Instant before = Instant.now().minusSeconds(600);
    Instant after = Instant.now().plusSeconds(600);
    List<Path> built = new ArrayList<>();
    for (String f :
        List.of(
            "pom.xml",
            "cli/pom.xml",
            "cli/src/main/java/io/peershare/cli/Main.java",
            "peer/src/main/resources/deep/.hidden",
            "cli/src/main/resources/notes.txt")) {
      built.add(source(f, before));
    }
    Path test = source("cli/src/test/java/io/peershare/cli/MainTest.java", before);
    Path doc = source("cli/src/main/README.md", before);
    built(); // after the folders made just now, which count too

    assertThat(launch(env, "--version").err()).isEmpty();
    // named from its own folder, as the README says, it finds its build there
    Launch fromHere = launchAs("./peershare", checkout, env, "--version");
    assertThat(fromHere.err()).isEmpty();
    assertThat(calls(jdk21))
        .last()
        .asString()
        .contains("|-cp|" + target.resolve("peershare-cli.jar") + ":");
    // what the build does not compile
    for (Path p : List.of(test, doc)) {
      Files.setLastModifiedTime(p, FileTime.from(after));
      assertThat(launch(env, "--version").err()).as("%s newer", p).isEmpty();
      Files.setLastModifiedTime(p, FileTime.from(before));
    }
    // what it does: no mvnw in this checkout, so the build fails, in one line and a pointer
    for (Path p : built) {
      Files.setLastModifiedTime(p, FileTime.from(after));
      Launch r = launch(env, "--version");
      assertThat(r.code()).as("%s newer", p).isEqualTo(1);
      assertThat(r.err()).as("%s newer", p).first().asString().contains("building");
      Files.setLastModifiedTime(p, FileTime.from(before));
      Files.createDirectories(target.resolve("lib")); // the failed build removed them
      Files.writeString(target.resolve("peershare-cli.jar"), "not a jar");
      built();
    }
    assertThat(ranFind).doesNotExist();
  }

  /**
   * After a walk that found nothing newer, the launcher lists what it saw and the folders it went
   * through (cli/target/.peershare-sources); later starts test those entries instead of walking,
   * and still notice every change the walk would: a source changed in place, one added in a new
   * folder, a new module's POM.
   */
  @Test
  void listsTheSourcesItSawAndStillSeesEveryChange() throws Exception {
    Path jdk21 = fakeJdk("21.0.5");
    Map<String, String> env = Map.of("JAVA_HOME", jdk21.toString());
    Instant before = Instant.now().minusSeconds(600);
    Path main = source("cli/src/main/java/io/peershare/cli/Main.java", before);
    source("peer/src/main/resources/deep/.hidden", before);
    source("pom.xml", before);
    built();
    Path list = target.resolve(".peershare-sources");

    assertThat(launch(env, "--version").err()).isEmpty();
    assertThat(list).exists();
    assertThat(Files.readAllLines(list))
        .startsWith("peershare sources 1", "")
        .endsWith("end")
        .contains(
            "cli/",
            "cli/src/",
            "cli/src/main/",
            "cli/src/main/java/io/peershare/cli/",
            "cli/src/main/java/io/peershare/cli/Main.java",
            "peer/src/main/resources/deep/.hidden",
            "pom.xml");
    assertThat(launch(env, "--version").err()).isEmpty();

    // a source changed in place; one added in a folder of its own; a new module
    List<Change> changes =
        List.of(
            () -> touch(main, Instant.now()),
            () -> source("cli/src/main/java/io/peershare/cli/extra/Extra.java", Instant.now()),
            () -> source("newmodule/pom.xml", Instant.now()));
    for (Change change : changes) {
      change.make();
      Launch r = launch(env, "--version");
      assertThat(r.code()).isEqualTo(1); // no mvnw in this checkout: the build fails
      assertThat(r.err()).first().asString().contains("building");
      touch(main, before);
      Files.createDirectories(target.resolve("lib")); // the failed build removed them
      Files.writeString(target.resolve("peershare-cli.jar"), "not a jar");
      built();
      assertThat(launch(env, "--version").err()).isEmpty();
    }

    // the list decides, not a walk: a source it does not name, changed in place, goes unseen...
    List<String> without = new ArrayList<>(Files.readAllLines(list));
    assertThat(without.remove("cli/src/main/java/io/peershare/cli/Main.java")).isTrue();
    Files.write(list, without);
    touch(main, Instant.now());
    assertThat(launch(env, "--version").err()).isEmpty();
    // ...but a list cut short is not trusted
    Files.write(list, without.subList(0, without.size() - 1));
    assertThat(launch(env, "--version").err()).first().asString().contains("building");
  }

  private interface Change {
    void make() throws IOException;
  }

  private static void touch(Path p, Instant time) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(time));
  }

  /** An empty file at {@code relative} in the checkout, last modified at {@code time}. */
  private Path source(String relative, Instant time) throws IOException {
    Path p = checkout.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "");
    Files.setLastModifiedTime(p, FileTime.from(time));
    return p;
  }

  @Test
  void makesTheStartUpCacheOnceThenUsesIt() throws Exception {
    Path jdk25 = fakeJdk("25.0.1");
    Map<String, String> env = Map.of("JAVA_HOME", jdk25.toString());
    Path aot = target.resolve("peershare.aot");

    Launch first = launch(env, "--version");
    assertThat(first.code()).isZero();
    assertThat(first.err()).singleElement().asString().contains("preparing the start-up cache");
    assertThat(calls(jdk25))
        .hasSize(2)
        .satisfies(
            c -> {
              assertThat(c.get(0))
                  .contains("-XX:AOTCacheOutput=" + aot + ".tmp")
                  .endsWith("io.peershare.cli.Training");
              assertThat(c.get(1)).contains("-XX:AOTCache=" + aot).endsWith("Main|--version");
            });

    Launch second = launch(env, "--version");
    assertThat(second.err()).isEmpty();
    assertThat(calls(jdk25)).hasSize(3).last().asString().contains("-XX:AOTCache=" + aot);
  }

  @Test
  void shortCommandsAndTheShellStartFromTheirOwnSmallerCaches() throws Exception {
    Path jdk25 = fakeJdk("25.0.1");
    Files.writeString(jdk25.resolve("small-caches"), "");
    Map<String, String> env = Map.of("JAVA_HOME", jdk25.toString());
    Path full = target.resolve("peershare.aot");
    Path client = target.resolve("peershare-client.aot");
    Path shell = target.resolve("peershare-peer.aot");
    Path get = target.resolve("peershare-get.aot");

    String small = target.resolve("peershare-cli.jar") + ":" + target.resolve("lib") + "/*";
    String smallPath = "|-cp|" + small + "|";
    String shellCp = small + ":" + target.resolve("lib/peer") + "/*";
    String shellPath = "|-cp|" + shellCp + "|";
    String fullPath = "|-cp|" + shellCp + ":" + target.resolve("lib/more") + "/*|";

    launch(env, "--version");
    assertThat(calls(jdk25).get(0))
        .contains("-Dpeershare.training.client=" + client + ".tmp")
        .contains("-Dpeershare.training.client.path=" + small + "|")
        .contains("-Dpeershare.training.get=" + get + ".tmp|")
        .contains("-Dpeershare.training.peer=" + shell + ".tmp")
        .contains("-Dpeershare.training.peer.path=" + shellCp + "|")
        .contains("-XX:AOTCacheOutput=" + full + ".tmp")
        .contains(fullPath);
    assertThat(List.of(client, shell, full, get)).allSatisfy(c -> assertThat(c).exists());
    assertThat(target.resolve("peershare-client.aot.tmp")).doesNotExist();
    assertThat(target.resolve("peershare-get.aot.tmp")).doesNotExist();
    assertThat(target.resolve("peershare-peer.aot.tmp")).doesNotExist();
    assertThat(calls(jdk25).get(1)).contains("-XX:AOTCache=" + client + "|").contains(smallPath);

    // the short commands on the class path their cache was made on
    for (List<String> args :
        List.of(
            List.of("list"),
            List.of("-V"),
            List.of("-h", "get"),
            List.of("get", "x", "--help"),
            List.of("get", "-V"),
            List.of("list", "--help"))) {
      launch(env, args.toArray(String[]::new));
      assertLastRanWith(jdk25, client, smallPath);
    }
    // get from its own cache, made on the same path
    for (List<String> args : List.of(List.of("get", "x"), List.of("get", "x", "--dir", "d"))) {
      launch(env, args.toArray(String[]::new));
      assertLastRanWith(jdk25, get, smallPath);
    }
    // the general help builds every command: on the full path, which starts with the small one
    for (List<String> args :
        List.of(List.of("--help"), List.of("help", "index"), List.of("--version", "--help"))) {
      launch(env, args.toArray(String[]::new));
      assertLastRanWith(jdk25, client, fullPath);
    }
    // the shell on the path its cache was made on; with --metrics, Micrometer's jars after it
    launch(env, "peer", "--name", "a");
    assertLastRanWith(jdk25, shell, shellPath);
    launch(env, "peer", "--name", "a", "--metrics", "127.0.0.1:0");
    assertLastRanWith(jdk25, shell, fullPath);
    launch(env, "peer", "--metrics=127.0.0.1:0", "--name", "a");
    assertLastRanWith(jdk25, shell, fullPath);
    // an option is told by the whole argument, not by a part of another one's value
    launch(env, "peer", "--name", "a", "--dir", "/tmp/x --metrics");
    assertLastRanWith(jdk25, shell, shellPath);
    for (List<String> args : List.of(List.of("index"), List.of("-h", "share", "f"))) {
      launch(env, args.toArray(String[]::new));
      assertThat(calls(jdk25))
          .last()
          .asString()
          .contains("-XX:AOTCache=" + full + "|")
          .contains(fullPath);
    }
    assertThat(trainings(jdk25)).isEqualTo(1);
    // without its own cache (its run failed), get takes the short commands'
    Files.delete(get);
    launch(env, "get", "x");
    assertLastRanWith(jdk25, client, smallPath);

    // a new build: both caches made again
    Files.setLastModifiedTime(full, FileTime.from(Instant.now().minusSeconds(600)));
    Files.delete(jdk25.resolve("small-caches"));
    launch(env, "list");
    assertThat(trainings(jdk25)).isEqualTo(2);
    assertThat(client).as("no short commands' cache from this training").doesNotExist();
    assertThat(calls(jdk25))
        .last()
        .asString()
        .contains("-XX:AOTCache=" + full + "|")
        .as("the full cache's class path")
        .contains(fullPath);
    launch(env, "peer", "--name", "a");
    assertThat(calls(jdk25))
        .last()
        .asString()
        .contains("-XX:AOTCache=" + full + "|")
        .as("without its own cache, the shell on the full path")
        .contains(fullPath);
  }

  @Test
  void remakesTheCacheForANewJarOrAnotherJdk() throws Exception {
    Path jdk25 = fakeJdk("25.0.1");
    Path jdk26 = fakeJdk("26");
    launch(Map.of("JAVA_HOME", jdk25.toString()), "--version");
    assertThat(trainings(jdk25)).isEqualTo(1);

    // the jar rebuilt behind the launcher's back: newer than the cache
    Path aot = target.resolve("peershare.aot");
    Files.setLastModifiedTime(aot, FileTime.from(Instant.now().minusSeconds(600)));
    launch(Map.of("JAVA_HOME", jdk25.toString()), "--version");
    assertThat(trainings(jdk25)).isEqualTo(2);

    // another JDK: its own cache
    launch(Map.of("JAVA_HOME", jdk26.toString()), "--version");
    assertThat(trainings(jdk26)).isEqualTo(1);
    launch(Map.of("JAVA_HOME", jdk26.toString()), "--version");
    assertThat(trainings(jdk26)).isEqualTo(1);

    // the same JDK updated in place: its lib/modules newer than the cache
    Files.setLastModifiedTime(
        target.resolve("peershare.aot.jdk"), FileTime.from(Instant.now().minusSeconds(600)));
    Files.setLastModifiedTime(jdk26.resolve("lib/modules"), FileTime.from(Instant.now()));
    Launch after = launch(Map.of("JAVA_HOME", jdk26.toString()), "--version");
    assertThat(trainings(jdk26)).isEqualTo(2);
    assertThat(after.code()).isZero();
  }

  @Test
  void aFailedTrainingLeavesTheCommandRunningWithoutTheCache() throws Exception {
    Path jdk25 = fakeJdk("25.0.1");
    Files.writeString(jdk25.resolve("fail-training"), "");
    Map<String, String> env = Map.of("JAVA_HOME", jdk25.toString());

    Launch first = launch(env, "--version");
    assertThat(first.code()).isZero();
    assertThat(first.err())
        .hasSize(2)
        .last()
        .asString()
        .isEqualTo(
            "peershare: no start-up cache (see "
                + target.resolve("training.log")
                + "); carrying on without it");
    assertThat(calls(jdk25))
        .last()
        .asString()
        .contains("-XX:SharedArchiveFile=")
        .doesNotContain("AOTCache");

    // not tried again at every start: once per build
    Launch second = launch(env, "--version");
    assertThat(second.err()).isEmpty();
    assertThat(trainings(jdk25)).isEqualTo(1);
  }

  @Test
  void theShortCommandsRunOnTheSerialCollectorWithoutPerfDataAndAllButGetOnC1Alone()
      throws Exception {
    String shortCommand = "|-XX:CompileThresholdScaling=4|-XX:+UseSerialGC|-XX:-UsePerfData|";
    String c1 = "|-XX:TieredStopAtLevel=1|";
    for (String jdk : List.of("21.0.5", "25.0.1")) {
      Path home = fakeJdk(jdk);
      Map<String, String> env = Map.of("JAVA_HOME", home.toString());

      // get: its SHA-256 needs C2's intrinsic
      assertThat(ran(home, env, "get", "x", "--index", "127.0.0.1:4000"))
          .contains(shortCommand)
          .doesNotContain("TieredStopAtLevel");
      // the command is the first word that is not an option, wherever the options are
      assertThat(ran(home, env, "--stats", "get", "x"))
          .contains(shortCommand)
          .doesNotContain("TieredStopAtLevel");
      // a name that is another command's argument does not count
      for (List<String> args :
          List.of(
              List.of("--version"),
              List.of("--help"),
              List.of("list", "get"),
              List.of("help", "get"),
              List.<String>of())) {
        assertThat(ran(home, env, args.toArray(String[]::new)))
            .as("%s", args)
            .contains(shortCommand)
            .contains(c1);
      }
      // the servers (the shell has its own options)
      for (List<String> args : List.of(List.of("share", "get"), List.of("index"))) {
        assertThat(ran(home, env, args.toArray(String[]::new)))
            .as("%s", args)
            .doesNotContain("UseSerialGC")
            .doesNotContain("UsePerfData")
            .doesNotContain("TieredStopAtLevel");
      }
      // the user's options come after the launcher's, so theirs win; a collector of theirs
      // replaces the serial one, which the JVM would refuse beside it
      Map<String, String> g1 =
          Map.of(
              "JAVA_HOME",
              home.toString(),
              "PEERSHARE_JAVA_OPTS",
              "-XX:CompileThresholdScaling=1 -XX:+UseG1GC -XX:TieredStopAtLevel=4");
      assertThat(ran(home, g1, "get", "x"))
          .containsPattern(
              "\\|-XX:CompileThresholdScaling=4\\|.*\\|-XX:CompileThresholdScaling=1\\|-XX:\\+UseG1GC\\|")
          .doesNotContain("UseSerialGC");
      assertThat(ran(home, g1, "list"))
          .containsPattern("\\|-XX:TieredStopAtLevel=1\\|.*\\|-XX:TieredStopAtLevel=4\\|")
          .doesNotContain("UseSerialGC");
      // other options leave the serial collector in place
      Map<String, String> xmx =
          Map.of("JAVA_HOME", home.toString(), "PEERSHARE_JAVA_OPTS", "-Xmx64m");
      assertThat(ran(home, xmx, "get", "x")).contains(shortCommand).contains("|-Xmx64m|");
    }
  }

  @Test
  void theShellAndTheShortCommandsReflectNativelyAndCompileLessButTheServersDoNot()
      throws Exception {
    String lighter = "|-Djdk.reflect.useNativeAccessorOnly=true|-XX:CompileThresholdScaling=4|";
    for (String jdk : List.of("21.0.5", "25.0.1")) {
      Path home = fakeJdk(jdk);
      Map<String, String> env = Map.of("JAVA_HOME", home.toString());
      for (List<String> args :
          List.of(
              List.of("peer", "--name", "a"),
              List.of("--version"),
              List.of("list"),
              List.of("get", "x"),
              List.of("--help"),
              List.of("help", "index"),
              List.of("list", "share"))) {
        assertThat(ran(home, env, args.toArray(String[]::new))).as("%s", args).contains(lighter);
      }
      for (List<String> args :
          List.of(List.of("index"), List.of("share", "f"), List.of("--stats", "index", "peer"))) {
        assertThat(ran(home, env, args.toArray(String[]::new)))
            .as("%s", args)
            .doesNotContain("useNativeAccessorOnly")
            .doesNotContain("CompileThresholdScaling");
      }
      // the user's options come after the launcher's: theirs win
      Map<String, String> theirs =
          Map.of(
              "JAVA_HOME", home.toString(), "PEERSHARE_JAVA_OPTS", "-XX:CompileThresholdScaling=1");
      assertThat(ran(home, theirs, "peer", "--name", "a"))
          .containsPattern(
              "\\|-XX:CompileThresholdScaling=4\\|.*\\|-XX:CompileThresholdScaling=1\\|");
    }
  }

  /**
   * The shell's cache holds no method profiles, and on JDK 25 the shell runs without the training
   * replay that would find none in it; every other command, and the shell without its own cache or
   * on another JDK, keeps the JDK's default.
   */
  @Test
  void theShellAndTheC1CommandsReplayNoTrainingFromTheirCacheOnJdk25Only() throws Exception {
    String noReplay = "|-XX:+UnlockDiagnosticVMOptions|-XX:-AOTReplayTraining|";
    for (String version : List.of("25.0.1", "26.0.1")) {
      Path jdk = fakeJdk(version);
      Files.writeString(jdk.resolve("small-caches"), "");
      Map<String, String> env = Map.of("JAVA_HOME", jdk.toString());
      Path shell = target.resolve("peershare-peer.aot");
      String peer = ran(jdk, env, "peer", "--name", "a");
      assertThat(peer).contains("-XX:AOTCache=" + shell + "|");
      if (version.startsWith("25.")) {
        assertThat(peer).contains(noReplay);
      } else {
        assertThat(peer).doesNotContain("AOTReplayTraining");
      }
      // nor do the short commands that run on C1 alone; get and the servers replay the profiles
      for (List<String> args : List.of(List.of("--version"), List.of("list"))) {
        String ran = ran(jdk, env, args.toArray(String[]::new));
        if (version.startsWith("25.")) {
          assertThat(ran).as("%s", args).contains(noReplay);
        } else {
          assertThat(ran).as("%s", args).doesNotContain("AOTReplayTraining");
        }
      }
      for (List<String> args : List.of(List.of("get", "x"), List.of("index"))) {
        assertThat(ran(jdk, env, args.toArray(String[]::new)))
            .as("%s", args)
            .doesNotContain("AOTReplayTraining");
      }
      Files.delete(shell); // a training that made no shell's cache: the full one has profiles
      assertThat(ran(jdk, env, "peer", "--name", "a")).doesNotContain("AOTReplayTraining");
    }
  }

  @Test
  void noAotSkipsTheTraining() throws Exception {
    Path jdk25 = fakeJdk("25.0.1");
    Launch r = launch(Map.of("JAVA_HOME", jdk25.toString(), "PEERSHARE_NO_AOT", "1"), "--version");
    assertThat(r.err()).isEmpty();
    assertThat(calls(jdk25)).singleElement().asString().contains("-XX:SharedArchiveFile=");
  }

  @Test
  void pointsJLineAtItsNativeLibraryWhenTheBuildUnpackedIt() throws Exception {
    Path jdk21 = fakeJdk("21.0.5");
    launch(Map.of("JAVA_HOME", jdk21.toString()), "--version");
    assertThat(calls(jdk21)).singleElement().asString().doesNotContain("library.jline.path");

    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64" -> "arm64";
          default -> System.getProperty("os.arch");
        };
    Path dir = Files.createDirectories(target.resolve("native/org/jline/nativ/Linux/" + arch));
    Files.writeString(dir.resolve("libjlinenative.so"), "");
    assertThat(ran(jdk21, Map.of("JAVA_HOME", jdk21.toString()), "--version"))
        .contains("|-Dlibrary.jline.path=" + dir + "|");
  }

  /** This JVM's JDK with the real jar: a cache the JVM cannot use costs the cache, nothing else. */
  @Test
  void aCacheTheJvmRejectsIsIgnoredInSilence() throws Exception {
    Path home = Path.of(System.getProperty("java.home"));
    assumeThat(Runtime.version().feature()).as("a JDK with AOT caches").isGreaterThanOrEqualTo(25);
    realBuild();
    Path aot = target.resolve("peershare.aot");
    Files.write(aot, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Files.writeString(target.resolve("peershare.aot.jdk"), home + "\n");
    Files.setLastModifiedTime(target.resolve("peershare.aot.jdk"), FileTime.from(Instant.now()));

    Launch r = launch(Map.of("JAVA_HOME", home.toString()), "--version");

    assertThat(r.err()).isEmpty();
    assertThat(r.out()).singleElement().asString().startsWith("peershare ");
    assertThat(r.code()).isZero();
  }

  /**
   * A JDK 21 (this JVM's java behind a {@code release} that says 21): the launcher's JDK 21 path,
   * an AppCDS archive made on the first run and used from then on, with the real jar.
   */
  @Test
  void onAJdk21TheRealCommandRunsWithItsAppCdsArchive() throws Exception {
    realBuild();
    Path jdk21 = Files.createDirectories(jdks.resolve("jdk-21"));
    Files.writeString(jdk21.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n");
    Path bin = Files.createDirectories(jdk21.resolve("bin"));
    Path real = Path.of(System.getProperty("java.home"), "bin", "java");
    script(bin.resolve("java"), "exec '" + real + "' \"$@\"\n");
    script(bin.resolve("javac"), "exit 0\n");

    for (int i = 0; i < 2; i++) {
      Launch r = launch(Map.of("JAVA_HOME", jdk21.toString()), "--version");
      assertThat(r.err()).isEmpty();
      assertThat(r.out()).singleElement().asString().startsWith("peershare ");
      assertThat(r.code()).isZero();
    }
    assertThat(target.resolve("peershare.jsa")).as("the AppCDS archive").isNotEmptyFile();
    assertThat(target.resolve("peershare.aot")).doesNotExist();
  }

  /** The jar and libraries the reactor built, in place of the fake jar. */
  private void realBuild() throws IOException {
    Path cli = ROOT.resolve("cli/target");
    Path jar = cli.resolve("peershare-cli.jar");
    assumeThat(jar).as("the cli module's jar, built before this module").exists();
    Files.copy(jar, target.resolve("peershare-cli.jar"), StandardCopyOption.REPLACE_EXISTING);
    Path libs = cli.resolve("lib");
    try (var files = Files.walk(libs)) {
      for (Path f : files.toList()) {
        Path copy = target.resolve("lib").resolve(libs.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(f, copy);
        }
      }
    }
    built();
  }

  /**
   * A JDK of version {@code version} under {@code jdks}: {@code bin/java} writes its arguments, one
   * call a line joined by '|', to {@code calls} in its home; a training run writes the cache it is
   * asked for (unless {@code fail-training} is there), and the smaller ones too when {@code
   * small-caches} is there; a command {@code exit-with N} exits with N.
   */
  private Path fakeJdk(String version) throws IOException {
    Path home = Files.createDirectories(jdks.resolve("jdk-" + version));
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
    Files.createDirectories(home.resolve("lib"));
    Files.writeString(home.resolve("lib/modules"), "");
    Files.setLastModifiedTime(
        home.resolve("lib/modules"), FileTime.from(Instant.now().minusSeconds(3600)));
    Path bin = Files.createDirectories(home.resolve("bin"));
    script(
        bin.resolve("java"),
        """
        home='%s'
        line=""
        for a; do line="$line${line:+|}$a"; done
        printf '%%s\\n' "$line" >>"$home/calls"
        out="" small=()
        for a; do
          case $a in
            -Dpeershare.training.*=*) small+=("${a#*=}") ;;
            -XX:AOTCacheOutput=*) out=${a#-XX:AOTCacheOutput=} ;;
          esac
        done
        if [ -n "$out" ]; then
          [ -e "$home/fail-training" ] && { echo 'training failed' >&2; exit 1; }
          if [ -e "$home/small-caches" ]; then for c in "${small[@]}"; do printf cache >"$c"; done; fi
          printf cache >"$out"; exit 0
        fi
        [ "${*: -2:1}" = exit-with ] && exit "${*: -1}"
        echo "ran on $home"
        """
            .formatted(home));
    script(bin.resolve("javac"), "exit 0\n");
    return home;
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static List<String> calls(Path jdk) throws IOException {
    Path calls = jdk.resolve("calls");
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private static long trainings(Path jdk) throws IOException {
    return calls(jdk).stream().filter(c -> c.contains("AOTCacheOutput")).count();
  }

  /**
   * Runs the launcher with {@code env} and {@code args}; returns the java command line it ran on
   * {@code jdk} last (one there must be).
   */
  private String ran(Path jdk, Map<String, String> env, String... args) throws Exception {
    launch(env, args);
    List<String> calls = calls(jdk);
    assertThat(calls).as("java command lines run on %s", jdk).isNotEmpty();
    return calls.getLast();
  }

  /**
   * The last java command line the launcher ran on {@code jdk} used {@code cache} and {@code path}.
   */
  private void assertLastRanWith(Path jdk, Path cache, String path) throws IOException {
    assertThat(calls(jdk)).last().asString().contains("-XX:AOTCache=" + cache + "|").contains(path);
  }

  /**
   * Runs the launcher copy with {@code env} on top of a bare environment: no JAVA_HOME of its own,
   * JDKs looked for only under {@code jdks}, and a PATH of system tools (its javac, if any, is
   * older than 21 on this machine, or the JDK the tests run on).
   */
  private Launch launch(Map<String, String> env, String... args) throws Exception {
    return launchAs(checkout.resolve("peershare").toString(), tmp, env, args);
  }

  /** {@link #launch}, the launcher named {@code name} (a path) from the folder {@code from}. */
  private Launch launchAs(String name, Path from, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(name);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(from.toFile());
    pb.environment().remove("JAVA_HOME");
    pb.environment().remove("PEERSHARE_NO_AOT");
    pb.environment().remove("PEERSHARE_JAVA_OPTS");
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("HOME", tmp.toString());
    pb.environment().put("TMPDIR", tmp.toString());
    pb.environment().put("PEERSHARE_JDK_DIRS", jdks.toString());
    pb.environment().putAll(env);
    return Launch.run(pb, tmp, PeershareProcess.PATIENCE);
  }
}
