package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.peer.serve.RawClient.Answer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.ProtocolException;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import io.peershare.protocol.TransferMessage.Request;
import io.peershare.testing.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Any bytes at all, as a request: the answer is a well-formed protocol answer (the protocol's
 * errors, or the exact bytes or manifest asked for), and nothing escapes the handler.
 */
class RequestFuzzTest {
  private static final byte[] DATA = TestBytes.random(3000, 11);
  private static final Set<ErrorCode> EXPECTED =
      Set.of(
          ErrorCode.MALFORMED,
          ErrorCode.UNSUPPORTED,
          ErrorCode.UNSUPPORTED_VERSION,
          ErrorCode.NOT_FOUND);
  private static final Manifest MANIFEST = Manifest.of(DATA);
  private static final RequestHandler HANDLER = handler();

  private static RequestHandler handler() {
    try {
      Path file = Files.createTempFile("peershare-fuzz", ".bin");
      file.toFile().deleteOnExit();
      Files.write(file, DATA);
      SharedContent sc = new SharedContent(ContentName.of("a"), file, MANIFEST, 1);
      ContentGuard guard = new ContentGuard(sc, FileStamp.of(file), Fixture.LATER, Runnable::run);
      return new RequestHandler(
          name -> name.equals(sc.content()) ? Optional.of(guard) : Optional.empty(),
          ByteRateLimiter.unlimited(),
          ServeOptions.defaults().idleTimeout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void handlesAnyRequest(byte[] request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HANDLER.handle(new ByteArrayInputStream(request), Channels.newChannel(out), "fuzz", () -> {});
    Answer a = RawClient.read(new ByteArrayInputStream(out.toByteArray()), MANIFEST.size());
    if (a.error() != null) {
      assertThat(a.code()).isIn(EXPECTED);
      assertThat(a.data()).isEmpty();
    } else if (a.manifest() != null) {
      assertThat(a.manifest()).isEqualTo(MANIFEST);
    } else {
      assertThat(a.endFrame()).isTrue();
      DownloadRequest d = (DownloadRequest) decode(request);
      long end = d.length() == 0 ? DATA.length : d.offset() + d.length();
      assertThat(a.data()).isEqualTo(Arrays.copyOfRange(DATA, (int) d.offset(), (int) end));
    }
  }

  /** The request the handler read: the same codec, so only valid requests get here. */
  private static Request decode(byte[] request) throws IOException {
    try {
      return TransferCodec.readRequest(new ByteArrayInputStream(request));
    } catch (ProtocolException e) {
      throw new AssertionError("answered an invalid request: " + e.getMessage(), e);
    }
  }

  /** The same property over mutated valid requests, in every plain test run. */
  @Test
  void mutatedRequests() throws IOException {
    Random random = new Random(1234);
    byte[][] seeds = {
      TransferCodec.encode(new DownloadRequest(ContentName.of("a"), MANIFEST.digest(), 0, 0)),
      TransferCodec.encode(new DownloadRequest(ContentName.of("a"), MANIFEST.digest(), 1000, 10)),
      TransferCodec.encode(new ManifestRequest(ContentName.of("a"), MANIFEST.digest())),
    };
    for (int i = 0; i < 2000; i++) {
      byte[] r = seeds[random.nextInt(seeds.length)].clone();
      int edits = random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        switch (random.nextInt(3)) {
          case 0 -> r[random.nextInt(r.length)] = (byte) random.nextInt(256);
          case 1 -> r = Arrays.copyOf(r, random.nextInt(r.length + 1));
          default -> r = Arrays.copyOf(r, r.length + random.nextInt(8));
        }
        if (r.length == 0) {
          break;
        }
      }
      handlesAnyRequest(r);
    }
  }
}
