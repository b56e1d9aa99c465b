package io.peershare.peer.serve;

import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.ProtocolException;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import io.peershare.protocol.TransferMessage.Request;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the one request a connection carries. Knows nothing of sockets, so it runs as well over
 * in-memory streams (the fuzz test does). A request the codec rejects is answered with the code of
 * its {@link ProtocolException}; a content name is only ever a key into what was shared.
 */
final class RequestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

  private final Function<ContentName, Optional<ContentGuard>> lookup;
  private final RangeSender sender;

  /**
   * @param lookup the content shared under a name, as seen from this listener
   * @param idleTimeout the connections' idle timeout, which bounds how long one send may block
   */
  RequestHandler(
      Function<ContentName, Optional<ContentGuard>> lookup,
      ByteRateLimiter uploadLimit,
      Duration idleTimeout) {
    this.lookup = lookup;
    this.sender = new RangeSender(uploadLimit, idleTimeout);
  }

  /**
   * Reads one request from {@code in} and writes its whole answer to {@code out}.
   *
   * @param client who asked (for the log)
   * @param requestRead called once the request is in, and as bytes go out (idle timer)
   * @throws IOException only when the connection itself fails
   */
  void handle(InputStream in, WritableByteChannel out, String client, Runnable requestRead)
      throws IOException {
    Request request;
    try {
      request = TransferCodec.readRequest(in);
    } catch (ProtocolException e) {
      LOG.debug("bad request: {}", e.getMessage());
      Answers.error(out, e.code(), e.getMessage());
      return;
    }
    requestRead.run();
    try {
      answer(request, out, client, requestRead);
    } catch (RuntimeException e) {
      LOG.warn("failed to answer {}", request, e);
      Answers.error(out, ErrorCode.INTERNAL, "the content server failed");
    }
  }

  private void answer(Request request, WritableByteChannel out, String client, Runnable progress)
      throws IOException {
    Optional<ContentGuard> found =
        lookup.apply(request.content()).filter(g -> g.manifest().digest().equals(request.digest()));
    if (found.isEmpty()) {
      LOG.debug("not shared here: {} {}", request.content(), request.digest().shortHex());
      Answers.error(out, ErrorCode.NOT_FOUND, "not shared here: " + request.content());
      return;
    }
    ContentGuard guard = found.get();
    switch (request) {
      case ManifestRequest m -> answerManifest(guard, out);
      case DownloadRequest d -> answerDownload(guard, d, out, client, progress);
    }
  }

  private static void answerManifest(ContentGuard guard, WritableByteChannel out)
      throws IOException {
    ContentGuard.Check check = guard.check();
    if (check.mode() == ContentGuard.Mode.CONFLICT) {
      Answers.error(out, ErrorCode.CONFLICT, check.reason());
    } else {
      Answers.write(out, TransferCodec.encodeManifest(guard.manifest()));
      guard.served().manifestAnswered();
    }
  }

  private void answerDownload(
      ContentGuard guard,
      DownloadRequest d,
      WritableByteChannel out,
      String client,
      Runnable progress)
      throws IOException {
    long size = guard.manifest().size();
    if (d.offset() > size || d.length() > size - d.offset()) {
      Answers.error(
          out,
          ErrorCode.MALFORMED,
          "range "
              + d.offset()
              + "+"
              + d.length()
              + " lies outside the content's "
              + size
              + " bytes");
      return;
    }
    long end = d.length() == 0 ? size : d.offset() + d.length();
    if (sender.send(guard, d.offset(), end, out, progress)) {
      // one line per range actually delivered: who served what is visible (PEERSHARE_LOG=info)
      LOG.info("served {} [{}, +{}] to {}", d.content(), d.offset(), end - d.offset(), client);
    }
  }
}
