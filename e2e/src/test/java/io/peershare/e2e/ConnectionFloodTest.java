package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slowloris against a real {@code share} process with {@code --max-connections 4}: 50 connections
 * that never send a request. Four take the slots and hang; the other 46 get {@code E LIMIT} at
 * once, and the sharer lives on. When the idle ones go, a {@code get} from another process
 * completes. (The idle timeout that frees slots from attackers who stay is covered by {@code
 * ConnectionLimitsTest} in the peer module; 30 s is too long to wait for here.)
 */
class ConnectionFloodTest {
  private static final int CAP = 4;
  private static final int FLOOD = 50;
  private static final int LIMIT_CODE = 10;

  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();
  private final List<Socket> flood = new ArrayList<>();

  @AfterEach
  void stopAll() throws IOException {
    for (Socket s : flood) {
      s.close();
    }
    processes.closeAll();
  }

  @Test
  void idleConnectionsOverTheCapGetLimitAndAGetWorksOnceTheyGo() throws Exception {
    int indexPort = Loopback.freeUdpPort();
    String index = "127.0.0.1:" + indexPort;
    processes.track(PeershareProcess.startIndex(tmp, indexPort, 90));
    // a sharer started before anything listens there would be told so at once, and give up
    await("the index answers")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> Run.of(tmp, "list", "--index", index).exitCode() == 0);
    Path file = Loopback.randomFile(tmp.resolve("src").resolve("clip.bin"), 1_300_000, 31);
    PeershareProcess sharer =
        processes.track(
            PeershareProcess.start(
                "sharer",
                tmp,
                "share",
                file.toString(),
                "--name",
                "kim",
                "--index",
                index,
                "--max-connections",
                String.valueOf(CAP)));
    // the sharer registers only once the index answers, so this also waits for the index
    int line = sharer.awaitRegistered("clip.bin");
    Matcher m = Pattern.compile("port (\\d+)$").matcher(sharer.stdout().get(line));
    assertThat(m.find()).isTrue();
    int port = Integer.parseInt(m.group(1));

    AtomicInteger limited = new AtomicInteger();
    AtomicInteger otherAnswers = new AtomicInteger();
    for (int i = 0; i < FLOOD; i++) {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      flood.add(s);
      Thread.ofVirtual()
          .start(
              () -> {
                try (InputStream in = s.getInputStream()) {
                  byte[] answer = in.readAllBytes(); // returns when the server closes
                  if (answer.length >= 3
                      && answer[0] == 'E'
                      && ((answer[1] & 0xff) << 8 | (answer[2] & 0xff)) == LIMIT_CODE) {
                    limited.incrementAndGet();
                  } else {
                    otherAnswers.incrementAndGet();
                  }
                } catch (IOException e) {
                  // the test closed a connection that was still held: no answer
                }
              });
    }
    await("every connection over the cap gets LIMIT")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> limited.get() >= FLOOD - CAP);
    assertThat(limited.get()).as("LIMIT answers").isEqualTo(FLOOD - CAP);
    assertThat(otherAnswers.get()).as("other answers").isZero();
    assertThat(sharer.isAlive()).isTrue();

    for (Socket s : flood) {
      s.close();
    }
    // the sharer frees a slot when it sees the held connections close; a manifest request that is
    // served (not LIMIT) shows it has
    byte[] probe =
        TransferCodec.encode(
            new ManifestRequest(ContentName.of("clip.bin"), Manifest.of(file).digest()));
    await("a slot is free again")
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> firstByteOfAnswer(port, probe) == 'M');

    Path into = Files.createDirectories(tmp.resolve("into"));
    try (PeershareProcess get =
        PeershareProcess.start(
            "get", tmp, "get", "clip.bin", "--dir", into.toString(), "--index", index)) {
      assertThat(get.awaitExit()).as("get, stderr %s", get.stderr()).isZero();
    }
    assertThat(Files.mismatch(file, into.resolve("clip.bin"))).isEqualTo(-1L);
    assertThat(String.join("\n", sharer.stderr())).doesNotContain("\tat ");
  }

  private static int firstByteOfAnswer(int port, byte[] request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request);
      s.shutdownOutput();
      return s.getInputStream().read();
    }
  }
}
