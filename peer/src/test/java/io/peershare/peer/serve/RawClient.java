package io.peershare.peer.serve;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import io.peershare.protocol.ProtocolException;
import io.peershare.protocol.TransferCodec;
import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import io.peershare.protocol.TransferMessage.TransferError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;

/** A tiny transfer-protocol client over a raw socket, reading answers strictly by the spec. */
final class RawClient {
  /** What came back: the bytes of the {@code C} frames, then how the answer ended. */
  record Answer(byte[] data, boolean endFrame, TransferError error, Manifest manifest) {
    ErrorCode code() {
      return error == null ? null : error.code();
    }
  }

  private RawClient() {}

  static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000); // a hung server fails the test instead of hanging it
    return s;
  }

  static Answer download(int port, String content, Digest digest, long offset, long length)
      throws IOException {
    return exchange(
        port,
        TransferCodec.encode(new DownloadRequest(ContentName.of(content), digest, offset, length)),
        -1);
  }

  static Answer manifest(int port, String content, Digest digest, long size) throws IOException {
    return exchange(
        port, TransferCodec.encode(new ManifestRequest(ContentName.of(content), digest)), size);
  }

  /** Sends {@code request} (then half-closes) and reads the whole answer. */
  static Answer exchange(int port, byte[] request, long manifestSize) throws IOException {
    try (Socket s = connect(port)) {
      s.getOutputStream().write(request);
      s.shutdownOutput();
      return read(s.getInputStream(), manifestSize);
    }
  }

  /** Reads one answer; frames' bytes are collected until the end frame, an error or EOF. */
  static Answer read(InputStream in, long manifestSize) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    try {
      while (true) {
        int first = in.read();
        if (first < 0) {
          return new Answer(data.toByteArray(), false, null, null);
        }
        int type = first;
        if (type == TransferCodec.ERROR) {
          TransferError e = TransferCodec.readError(in);
          expectEof(in);
          return new Answer(data.toByteArray(), false, e, null);
        }
        if (type == TransferCodec.MANIFEST) {
          Manifest m = TransferCodec.readManifest(in, manifestSize);
          expectEof(in);
          return new Answer(data.toByteArray(), false, null, m);
        }
        if (type != TransferCodec.FRAME) {
          throw new IOException("unknown answer type " + type);
        }
        int n = TransferCodec.readFrameLength(in);
        if (n == 0) {
          expectEof(in);
          return new Answer(data.toByteArray(), true, null, null);
        }
        byte[] frame = in.readNBytes(n);
        data.write(frame);
        if (frame.length < n) {
          return new Answer(data.toByteArray(), false, null, null);
        }
      }
    } catch (ProtocolException e) {
      throw new UncheckedIOException(new IOException("server broke the protocol: " + e, e));
    }
  }

  private static void expectEof(InputStream in) throws IOException {
    if (in.read() >= 0) {
      throw new IOException("bytes after the end of the answer");
    }
  }
}
