package io.peershare.peer.serve;

import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.TransferCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** Writing whole answers to a blocking channel. */
final class Answers {
  private Answers() {}

  static void write(WritableByteChannel out, byte[] bytes) throws IOException {
    write(out, ByteBuffer.wrap(bytes));
  }

  static void write(WritableByteChannel out, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      out.write(bytes);
    }
  }

  static void error(WritableByteChannel out, ErrorCode code, String message) throws IOException {
    write(out, TransferCodec.encodeError(code, message));
  }
}
