package io.peershare.e2e.netlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Decides whether this machine can build a {@link NetLab}: Linux, root, {@code ip}, {@code tc} and
 * {@code nft} installed, and {@code ip netns add} allowed. Every answer is one line a person can
 * act on; the lab's tests skip with it instead of failing.
 */
public final class Prerequisites {
  static final String FIX = "run scripts/netlab-prereqs.sh as root";

  /** What the check looks at; the real machine, or a stand-in in tests of the skip path. */
  public interface Machine {
    String osName();

    /** The real user id of this process, or -1 when it cannot be told. */
    long uid();

    Optional<String> which(String tool);

    /** Tries {@code ip netns add NAME} (then deletes it); empty on success, else what ip said. */
    Optional<String> tryNamespace(String ip, String name);
  }

  private Prerequisites() {}

  /** Why the lab cannot run on {@code machine}, or empty when it can. */
  public static Optional<String> problem(Machine machine) {
    String os = machine.osName();
    if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return skip("network namespaces need Linux, this is " + os);
    }
    long uid = machine.uid();
    if (uid != 0) {
      return skip("creating network namespaces needs root, this process runs as uid " + uid);
    }
    Optional<String> ip = machine.which("ip");
    if (ip.isEmpty()) {
      return skip("`ip` (iproute2) is not installed; " + FIX);
    }
    if (machine.which("tc").isEmpty()) {
      return skip("`tc` (iproute2) is not installed; " + FIX);
    }
    if (machine.which("nft").isEmpty()) {
      return skip("`nft` (nftables) is not installed; " + FIX);
    }
    String probe = NetLab.PREFIX + ProcessHandle.current().pid() + "-probe";
    Optional<String> refused = machine.tryNamespace(ip.get(), probe);
    if (refused.isPresent()) {
      return skip("`ip netns add` failed here (" + refused.get().strip() + ")");
    }
    return Optional.empty();
  }

  private static Optional<String> skip(String why) {
    return Optional.of("netlab: lab tests skipped: " + why);
  }

  /** This machine. */
  public static Machine thisMachine() {
    return new Machine() {
      @Override
      public String osName() {
        return System.getProperty("os.name", "unknown");
      }

      @Override
      public long uid() {
        try {
          for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
              return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
            }
          }
        } catch (IOException | RuntimeException e) {
          // not Linux, or no /proc: reported as unknown
        }
        return -1;
      }

      @Override
      public Optional<String> which(String tool) {
        return Commands.which(tool);
      }

      @Override
      public Optional<String> tryNamespace(String ip, String name) {
        Commands.Result add = Commands.run(ip, "netns", "add", name);
        if (!add.ok()) {
          return Optional.of(add.output().isBlank() ? "exit " + add.exitCode() : add.output());
        }
        Commands.run(ip, "netns", "del", name);
        return Optional.empty();
      }
    };
  }
}
