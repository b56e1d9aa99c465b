package io.peershare.index.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.peershare.index.ReplyCache;
import io.peershare.index.SharedReplies;
import io.peershare.protocol.Digest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Mutation replies in the store: key {@code ps:r} + source address + port + request id, value the
 * state, a SHA-256 of the request bytes (so a different datagram reusing the id is told apart) and
 * the reply. A claim holds {@link #PENDING_MILLIS}, long enough for any one operation and short
 * enough that a node dying mid-way does not block a client's retries for long. A server sends the
 * claims of a whole receive batch back to back: Lettuce pipelines them on its connection.
 */
public final class RedisReplies implements SharedReplies {
  static final long PENDING_MILLIS = 3_000;

  private static final byte[] PENDING = Keys.ascii(Long.toString(PENDING_MILLIS));

  private final RedisStore store;

  public RedisReplies(RedisStore store) {
    this.store = store;
  }

  @Override
  public CompletionStage<byte[]> claim(
      InetSocketAddress from, byte[] request, int offset, int length, int requestId) {
    return store
        .<List<Object>>run(
            Script.REPLY,
            ScriptOutputType.MULTI,
            new byte[][] {key(from, requestId)},
            hash(request, offset, length),
            PENDING)
        .thenApply(
            r ->
                switch (new String((byte[]) r.get(0), StandardCharsets.US_ASCII)) {
                  case "GO" -> null;
                  case "DONE" -> (byte[]) r.get(1);
                  default -> IN_PROGRESS;
                });
  }

  @Override
  public void remember(
      InetSocketAddress from,
      byte[] request,
      int offset,
      int length,
      int requestId,
      byte[] reply,
      int replyOffset,
      int replyLength) {
    byte[] h = hash(request, offset, length);
    byte[] v = new byte[1 + h.length + replyLength];
    v[0] = 'D';
    System.arraycopy(h, 0, v, 1, h.length);
    System.arraycopy(reply, replyOffset, v, 1 + h.length, replyLength);
    // not waited for: the reply goes out now, and a retransmission seen before this lands waits
    store.commands().set(key(from, requestId), v, SetArgs.Builder.px(ReplyCache.LONG_KEEP_MILLIS));
  }

  @Override
  public void gatherClaims() {
    store.gather();
  }

  @Override
  public void sendClaims() {
    store.sendGathered();
  }

  @Override
  public long timeoutMillis() {
    return store.operationTimeout().toMillis();
  }

  @Override
  public void release(InetSocketAddress from, int requestId) {
    store.commands().del(key(from, requestId));
  }

  private static byte[] key(InetSocketAddress from, int requestId) {
    byte[] ip = from.getAddress().getAddress();
    return ByteBuffer.allocate(4 + ip.length + 2 + 4)
        .put(Keys.ascii("ps:r"))
        .put(ip)
        .putShort((short) from.getPort())
        .putInt(requestId)
        .array();
  }

  private static byte[] hash(byte[] request, int offset, int length) {
    MessageDigest md = Digest.newSha256();
    md.update(request, offset, length);
    return md.digest();
  }
}
