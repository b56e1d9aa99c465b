package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.IndexServer;
import io.peershare.peer.PeerConfig;
import io.peershare.peer.PeerNode;
import io.peershare.peer.download.DownloadOptions;
import io.peershare.peer.serve.ServeOptions;
import io.peershare.peer.serve.SharedContent;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestBytes;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interactive shell, driven through its input and output streams against a real index. */
class ShellTest {
  @TempDir Path tmp;
  private IndexServer index;

  @BeforeEach
  void startIndex() throws Exception {
    index = new IndexServer(IndexServer.Config.loopback()).start();
  }

  @AfterEach
  void stopIndex() {
    index.close();
  }

  private PeerNode node(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    InetSocketAddress at = index.localAddress();
    return PeerNode.start(
        new PeerConfig(
            PeerName.of(name), at, dir, ServeOptions.defaults(), DownloadOptions.defaults()));
  }

  /** Runs the shell of {@code node} on {@code input} and returns everything it printed. */
  private static String session(PeerNode node, String input) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);
    new Shell(node, Console.of(new BufferedReader(new StringReader(input)), out)).run();
    return text.toString();
  }

  @Test
  void registerListAndQuitInOneSession() throws Exception {
    PeerNode mai = node("mai");
    Files.writeString(mai.config().dir().resolve("lorem"), "lorem ipsum dolor sit amet\n");
    String out = session(mai, "R lorem\nR missing\nO\nL\nhelp\nwhat\nQ\n");
    assertThat(out)
        .contains("Registered 'lorem' (27 B), serving it on port ")
        .contains("There is no file named 'missing' in ")
        .contains("nothing was registered")
        .containsPattern("(?m)^lorem\\s+27 B\\s+1$")
        .containsPattern("(?m)^1\\s+lorem\\s+27 B\\s+\\d+$")
        .contains("R [name]", "T [name]", "D [name]")
        .contains("Unknown command 'what'")
        .contains("Deregistered your one content");
  }

  @Test
  void localAndOnlineTablesStayAlignedWithWideNames() throws Exception {
    PeerNode mai = node("mai");
    String wide = "日本語のファイル.txt";
    Files.writeString(mai.config().dir().resolve(wide), "x".repeat(2048));
    Files.writeString(mai.config().dir().resolve("lorem"), "lorem ipsum\n");
    String out = session(mai, "R " + wide + "\nR lorem\nO\nL\nQ\n");
    List<String> lines = out.lines().toList();
    // O: name, size, providers; L: #, name, size, port
    for (String header : List.of("name  ", "#  ")) {
      int at = lines.indexOf(lines.stream().filter(l -> l.startsWith(header)).findFirst().get());
      List<String> table = lines.subList(at, at + 3);
      int sizeColumn = column(table.get(0), "size");
      assertThat(column(table.get(1), table.get(1).contains(wide) ? "2.0 KiB" : "12 B"))
          .as("%s", table)
          .isEqualTo(sizeColumn);
      assertThat(column(table.get(2), table.get(2).contains(wide) ? "2.0 KiB" : "12 B"))
          .as("%s", table)
          .isEqualTo(sizeColumn);
    }
  }

  /** The terminal column where {@code cell} starts in {@code line}. */
  private static int column(String line, String cell) {
    return Text.width(line.substring(0, line.indexOf(cell)));
  }

  @Test
  void theHeaderSaysWhichIndexNodeIsInUse() throws Exception {
    InetSocketAddress dead;
    try (java.net.DatagramSocket s =
        new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      dead = (InetSocketAddress) s.getLocalSocketAddress(); // nothing listens there once closed
    }
    InetSocketAddress live = index.localAddress();
    Path dir = Files.createDirectories(tmp.resolve("kim"));
    try (PeerNode kim =
        PeerNode.start(
            new PeerConfig(
                PeerName.of("kim"),
                List.of(dead, live),
                dir,
                ServeOptions.defaults(),
                DownloadOptions.defaults()))) {
      assertThat(session(kim, "Q\n"))
          .contains(
              "index 127.0.0.1:"
                  + live.getPort()
                  + " (of 127.0.0.1:"
                  + dead.getPort()
                  + ", 127.0.0.1:"
                  + live.getPort()
                  + ")");
    }
  }

  @Test
  void askedForTheNameWhenOmittedAndWordsWorkInAnyCase() throws Exception {
    PeerNode mai = node("mai");
    Files.writeString(mai.config().dir().resolve("song one.mp3"), "la la la");
    String out = session(mai, "REGISTER\nsong one.mp3\nlocal\nDeregister song one.mp3\nl\nq\n");
    assertThat(out)
        .contains("Registered 'song one.mp3'")
        .contains("Deregistered 'song one.mp3'; no longer serving it.")
        .contains("You share nothing yet.");
  }

  @Test
  void downloadVerifiesAndSharesTheContent() throws Exception {
    PeerNode mai = node("mai");
    byte[] data = TestBytes.random(3 * 1024 * 1024 + 5, 7);
    Files.write(mai.config().dir().resolve("shrek"), data);
    SharedContent shared = mai.register(ContentName.of("shrek"));
    PeerNode jeff = node("jeff");
    String out = session(jeff, "D shrek\nO\nd nothing\nQ\n");
    assertThat(out)
        .contains("Downloaded 'shrek' (3.0 MiB)")
        // the content digest (of the piece hashes), named as such: it is not the file's SHA-256
        .contains("every piece verified by SHA-256 (content digest " + shared.digest().shortHex())
        .contains("You now share it too, on port ")
        .containsPattern("(?m)^shrek\\s+3\\.0 MiB\\s+2$")
        .contains("Could not download 'nothing': nobody provides 'nothing'");
    assertThat(Files.readAllBytes(jeff.config().dir().resolve("shrek"))).isEqualTo(data);
    mai.close();
  }

  @Test
  void indexErrorsReadAsSentences() throws Exception {
    PeerNode mai = node("mai");
    Files.writeString(mai.config().dir().resolve("a"), "one");
    Files.writeString(mai.config().dir().resolve("b"), "two");
    String out = session(mai, "R a\nR a\nT b\nR ../etc/passwd\nQ\n");
    assertThat(out)
        .contains("Could not register 'a': you already share 'a'")
        .contains("Could not deregister 'b': you do not share 'b'")
        .contains("'../etc/passwd' is not a valid content name: it cannot hold '/' or '\\'.");
  }

  @Test
  void endOfInputQuitsAndDeregisters() throws Exception {
    PeerNode mai = node("mai");
    Files.writeString(mai.config().dir().resolve("x"), "x");
    String out = session(mai, "R x\n");
    assertThat(out).contains("Deregistered your one content");
    try (var client = new io.peershare.peer.index.IndexClient(index.localAddress())) {
      assertThat(client.listAll("")).isEmpty();
    }
  }
}
