package io.peershare.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli command models built in code, not read from annotations. picocli reads annotations
 * through reflection, and the JDK makes a proxy class for each annotation type it hands out: six of
 * them, made afresh at every start (no start-up cache keeps them), were most of the time between
 * the JVM's start and a command's first line (docs/benchmarks.md, "Start-up and exit").
 *
 * <p>Each command owns its {@code OptionSpec}s and reads their values after picocli has parsed the
 * command line; help texts, defaults and errors are what the annotations gave.
 */
final class Specs {
  private Specs() {}

  /**
   * A command named {@code name} that runs {@code command}, with {@code -h, --help} and {@code -V,
   * --version} as picocli's {@code mixinStandardHelpOptions} adds them.
   */
  static CommandSpec command(Object command, String name, String... description) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.usageMessage().description(description);
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    spec.addOption(
        OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print version information and exit.")
            .build());
    return spec;
  }

  /** A flag's value: false unless it was given. */
  static boolean flag(OptionSpec option) {
    return Boolean.TRUE.equals(option.getValue());
  }
}
