package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.PeerName;
import io.peershare.protocol.ProtocolException;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import io.peershare.protocol.TransferMessage.Request;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A content server for tests: the transfer protocol on loopback port 0, one content held in memory,
 * with switches to misbehave. Frames are 300,000 bytes, so they straddle piece borders.
 */
final class FakeContentServer implements AutoCloseable {
  private static final int FRAME = 300_000;

  private final ContentName content;
  private final byte[] data;
  private final Manifest manifest;
  private final ServerSocket server;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  final List<DownloadRequest> downloads = new CopyOnWriteArrayList<>();
  final AtomicInteger manifestRequests = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger closedByClient = new AtomicInteger();
  final AtomicLong bytesServed = new AtomicLong();

  private volatile int corruptPiece = -1;
  private volatile long dieAfter = -1;
  private volatile long stallAfter = -1;
  private volatile ErrorCode error;
  private volatile boolean closeMidRange;
  private volatile int extraBytes;
  private volatile boolean stallManifest;
  private volatile CountDownLatch arrivals;
  private volatile CountDownLatch hold;

  FakeContentServer(String content, byte[] data) throws IOException {
    this.content = ContentName.of(content);
    this.data = data;
    this.manifest = Manifest.of(data);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("fake-server-" + server.getLocalPort()).start(this::acceptLoop);
  }

  /** Serves piece {@code k} with one byte flipped. */
  FakeContentServer corruptPiece(int k) {
    corruptPiece = k;
    return this;
  }

  /** After {@code bytes} file bytes in all, closes the connection and stops listening. */
  FakeContentServer dieAfter(long bytes) {
    dieAfter = bytes;
    return this;
  }

  /** After {@code bytes} file bytes in all, sends nothing more and holds the connection open. */
  FakeContentServer stallAfter(long bytes) {
    stallAfter = bytes;
    return this;
  }

  /** Answers every request, {@code M} and {@code D}, with {@code E code}. */
  FakeContentServer answerError(ErrorCode code) {
    error = code;
    return this;
  }

  /** Sends half of every range asked for, then closes. */
  FakeContentServer closeMidRange() {
    closeMidRange = true;
    return this;
  }

  /** Never answers {@code M}: holds the connection until the client closes it. */
  FakeContentServer stallManifest() {
    stallManifest = true;
    return this;
  }

  /** Sends {@code n} more bytes than asked for. */
  FakeContentServer extraBytes(int n) {
    extraBytes = n;
    return this;
  }

  /**
   * A slow provider: each {@code D} counts {@code arrivals} down, then waits for {@code hold} to
   * open before sending a byte.
   */
  FakeContentServer holdDownloads(CountDownLatch arrivals, CountDownLatch hold) {
    this.arrivals = arrivals;
    this.hold = hold;
    return this;
  }

  Provider provider(String peer) {
    return new Provider(PeerName.of(peer), server.getInetAddress(), server.getLocalPort());
  }

  /** True when some {@code D} asked for a byte of piece {@code k}. */
  boolean requested(int k) {
    long start = manifest.pieceOffset(k);
    return downloads.stream()
        .anyMatch(d -> d.offset() <= start && start < d.offset() + effectiveLength(d));
  }

  long effectiveLength(DownloadRequest d) {
    return d.length() == 0 ? data.length - d.offset() : d.length();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        clients.add(s);
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 << 10);
      Request r = TransferCodec.readRequest(in);
      if (error != null) {
        out.write(TransferCodec.encodeError(error, "told to fail"));
      } else if (!r.content().equals(content) || !r.digest().equals(manifest.digest())) {
        out.write(TransferCodec.encodeError(ErrorCode.NOT_FOUND, "not served here"));
      } else if (r instanceof ManifestRequest) {
        manifestRequests.incrementAndGet();
        if (stallManifest) {
          awaitClientClose(in);
          return;
        }
        out.write(TransferCodec.encodeManifest(manifest));
      } else if (r instanceof DownloadRequest d) {
        downloads.add(d);
        awaitHold();
        try {
          sendRange(s, in, out, d);
        } catch (IOException e) {
          // the client closed while the range was still going out (a session that failed
          // closes its connections at once, whether or not this server reached its stall)
          countClientClose();
        }
        return;
      }
      out.flush();
    } catch (IOException | ProtocolException | InterruptedException e) {
      // the client went away or sent junk: a test server just drops the connection
    } finally {
      clients.remove(s);
    }
  }

  private void awaitHold() throws InterruptedException {
    CountDownLatch a = arrivals;
    if (a != null) {
      a.countDown();
    }
    CountDownLatch h = hold;
    while (h != null && !closed && !h.await(20, TimeUnit.MILLISECONDS)) {
      // wait for the test to open the gate, or for close()
    }
  }

  private void sendRange(Socket s, InputStream in, OutputStream out, DownloadRequest d)
      throws IOException {
    long pos = d.offset();
    long end = pos + effectiveLength(d);
    if (end > data.length) {
      out.write(TransferCodec.encodeError(ErrorCode.MALFORMED, "range outside the file"));
      out.flush();
      return;
    }
    if (closeMidRange) {
      end = pos + (end - pos) / 2;
    }
    while (pos < end) {
      int n = (int) Math.min(FRAME, end - pos);
      long served = bytesServed.get();
      if (dieAfter >= 0 && served + n >= dieAfter) {
        n = (int) Math.max(0, dieAfter - served);
        writeFrame(out, pos, n);
        out.flush();
        server.close();
        return;
      }
      if (stallAfter >= 0 && served + n >= stallAfter) {
        n = (int) Math.max(0, stallAfter - served);
        writeFrame(out, pos, n);
        out.flush();
        awaitClientClose(in);
        return;
      }
      writeFrame(out, pos, n);
      pos += n;
    }
    if (closeMidRange) {
      out.flush();
      return;
    }
    if (extraBytes > 0) {
      byte[] extra = new byte[extraBytes];
      out.write(TransferCodec.frameHeader(extra.length));
      out.write(extra);
    }
    out.write(TransferCodec.frameHeader(0));
    out.flush();
  }

  private void awaitClientClose(InputStream in) {
    try {
      if (in.read() >= 0) {
        return; // a client sends nothing after its request
      }
    } catch (IOException e) {
      // a reset counts as a close too
    }
    countClientClose();
  }

  private void countClientClose() {
    if (!closed) {
      closedByClient.incrementAndGet();
    }
  }

  private void writeFrame(OutputStream out, long pos, int n) throws IOException {
    if (n == 0) {
      return;
    }
    byte[] frame = java.util.Arrays.copyOfRange(data, (int) pos, (int) pos + n);
    int k = corruptPiece;
    if (k >= 0) {
      long bad = manifest.pieceOffset(k) + 7;
      if (bad >= pos && bad < pos + n) {
        frame[(int) (bad - pos)] ^= 0x5a;
      }
    }
    out.write(TransferCodec.frameHeader(n));
    out.write(frame);
    bytesServed.addAndGet(n);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : clients) {
      s.close();
    }
  }
}
