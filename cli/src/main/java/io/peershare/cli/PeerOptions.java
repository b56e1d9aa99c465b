package io.peershare.cli;

import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.rate.ByteRate;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Options shared by the commands that talk to an index, serve, or download. */
final class PeerOptions {
  private PeerOptions() {}

  /** Bytes per second of a rate option; a value that does not parse is bad usage. */
  static long rate(String option, String text) {
    try {
      return ByteRate.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  /** {@code -n, --name}: a peer name, checked as the protocol says; the caller adds the rest. */
  static OptionSpec.Builder peerName(String description) {
    return OptionSpec.builder("-n", "--name")
        .type(PeerName.class)
        .paramLabel("<name>")
        .converters(new NameConverters.Peer())
        .description(description);
  }

  /** {@code -d, --dir}: a folder, the current one by default. */
  static OptionSpec folder(String description) {
    return OptionSpec.builder("-d", "--dir")
        .type(Path.class)
        .paramLabel("<dir>")
        .defaultValue(".")
        .description(description)
        .build();
  }

  /** The environment variable that names the index when {@code --index} does not. */
  static final String INDEX_ENV = "PEERSHARE_INDEX";

  /** The index when neither {@code --index} nor {@link #INDEX_ENV} names one. */
  static final String DEFAULT_INDEX = "127.0.0.1:3000";

  /** {@code --index HOST:PORT[,HOST:PORT...]}. */
  static final class Index {
    private final OptionSpec index =
        OptionSpec.builder("-i", "--index")
            .type(List.class)
            .auxiliaryTypes(InetSocketAddress.class)
            .paramLabel("HOST:PORT[,HOST:PORT...]")
            .splitRegex(",")
            .hideParamSyntax(true)
            .converters(new IndexAddress())
            .defaultValue("${env:" + INDEX_ENV + ":-" + DEFAULT_INDEX + "}")
            .description(
                "The index server ([::1]:3000 for IPv6), or several nodes of one index: the first"
                    + " that answers is used, and the next when it stops answering.",
                "Default: $PEERSHARE_INDEX, else 127.0.0.1:3000.")
            .build();

    void addTo(CommandSpec spec) {
      spec.addOption(index);
    }

    /** The index's nodes, in the order given. */
    List<InetSocketAddress> nodes() {
      return index.getValue();
    }

    /**
     * The nodes {@code --index} names, read as this option reads them, for the command lines read
     * without picocli ({@link QuickGet}, {@link PeerLine}): {@code given} is the option's value
     * (null: not given), {@code fromEnvironment} the value of {@link #INDEX_ENV} (null: not set;
     * else {@link #DEFAULT_INDEX}). Null when picocli would read it otherwise: quotes (its split
     * keeps what they enclose together), a variable's value with {@code $} (which it expands
     * further), an empty piece (which it refuses). An address that does not convert throws, as the
     * converter does.
     */
    static List<InetSocketAddress> quickNodes(String given, String fromEnvironment) {
      String value = given;
      if (value == null) {
        if (fromEnvironment != null && fromEnvironment.indexOf('$') >= 0) {
          return null;
        }
        value = fromEnvironment == null ? DEFAULT_INDEX : fromEnvironment;
      }
      if (value.indexOf('"') >= 0 || value.indexOf('\'') >= 0) {
        return null;
      }
      List<InetSocketAddress> nodes = new ArrayList<>();
      for (String piece : value.split(",", -1)) {
        if (piece.isEmpty()) {
          return null;
        }
        nodes.add(IndexAddress.parse(piece));
      }
      return nodes;
    }
  }

  /** How content is served. */
  static final class Serving {
    private final OptionSpec port =
        OptionSpec.builder("-p", "--port")
            .type(Integer.class)
            .paramLabel("N")
            .description(
                "Serve all content on this one TCP port (0: any free port). Default: a port per"
                    + " content.")
            .build();

    private final OptionSpec uploadLimit =
        OptionSpec.builder("--upload-limit")
            .type(String.class)
            .paramLabel("RATE")
            .description("Cap the upload rate, e.g. 20MB (per second), 512k. Default: no cap.")
            .build();

    /** {@code --max-connections} when not given. */
    static final int DEFAULT_MAX_CONNECTIONS = 64;

    private final OptionSpec maxConnections =
        OptionSpec.builder("--max-connections")
            .type(int.class)
            .paramLabel("N")
            .defaultValue(String.valueOf(DEFAULT_MAX_CONNECTIONS))
            .description(
                "Most downloaders served at once; others get LIMIT. Default: ${DEFAULT-VALUE}.")
            .build();

    void addTo(CommandSpec spec) {
      spec.addOption(port).addOption(uploadLimit).addOption(maxConnections);
    }

    ServeOptions toOptions() {
      return options(port.getValue(), maxConnections.getValue(), uploadLimit.getValue());
    }

    /** The options these values give; a value out of range is bad usage. */
    static ServeOptions options(Integer port, int maxConnections, String uploadLimit) {
      if (port != null) {
        UsageException.inRange("--port", port, 0, 65535, "");
      }
      if (maxConnections < 1) {
        throw new UsageException("--max-connections must be at least 1, not " + maxConnections);
      }
      ServeOptions d = ServeOptions.defaults();
      return new ServeOptions(
          port == null ? -1 : port,
          maxConnections,
          uploadLimit == null ? 0 : rate("--upload-limit", uploadLimit),
          d.idleTimeout(),
          d.bindAddress());
    }
  }

  /** How content is downloaded. */
  static final class Downloading {
    /** {@code --sources} when not given. */
    static final int DEFAULT_SOURCES = 4;

    /** {@code --stall-timeout} when not given, in seconds. */
    static final int DEFAULT_STALL_SECONDS = 15;

    private final OptionSpec sources =
        OptionSpec.builder("--sources")
            .type(int.class)
            .paramLabel("N")
            .defaultValue(String.valueOf(DEFAULT_SOURCES))
            .description(
                "Download from up to N providers at once (1-16). Default: ${DEFAULT-VALUE}.")
            .build();

    private final OptionSpec downloadLimit =
        OptionSpec.builder("--download-limit")
            .type(String.class)
            .paramLabel("RATE")
            .description("Cap the download rate, e.g. 50MB (per second). Default: no cap.")
            .build();

    private final OptionSpec stallSeconds =
        OptionSpec.builder("--stall-timeout")
            .type(int.class)
            .paramLabel("SECONDS")
            .defaultValue(String.valueOf(DEFAULT_STALL_SECONDS))
            .hidden(true)
            .description("Drop a provider that sends nothing for this long.")
            .build();

    private final OptionSpec fsync =
        OptionSpec.builder("--fsync")
            .type(boolean.class)
            .description(
                "Flush each finished download to the disk before it is moved into place, so it"
                    + " survives a power cut right after. Default: off, like curl and wget (every"
                    + " piece is verified either way).")
            .build();

    void addTo(CommandSpec spec) {
      spec.addOption(sources).addOption(downloadLimit).addOption(stallSeconds).addOption(fsync);
    }

    DownloadOptions toOptions() {
      int sources = this.sources.getValue();
      int stallSeconds = this.stallSeconds.getValue();
      String downloadLimit = this.downloadLimit.getValue();
      return options(sources, downloadLimit, stallSeconds, Specs.flag(fsync));
    }

    /**
     * The options of {@code --sources}, {@code --download-limit} (null: not given), {@code
     * --stall-timeout} and {@code --fsync}; a value out of range is a {@link UsageException}.
     */
    static DownloadOptions options(
        int sources, String downloadLimit, int stallSeconds, boolean fsync) {
      UsageException.inRange("--sources", sources, 1, 16, "");
      DownloadOptions d = DownloadOptions.defaults();
      return new DownloadOptions(
          sources,
          downloadLimit == null ? 0 : rate("--download-limit", downloadLimit),
          d.connectTimeout(),
          Duration.ofSeconds(Math.max(1, stallSeconds)),
          d.maxLocateRounds(),
          fsync);
    }
  }
}
