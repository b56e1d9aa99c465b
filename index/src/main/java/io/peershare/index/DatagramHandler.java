package io.peershare.index;

import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexType;
import io.peershare.protocol.ProtocolException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One datagram in, at most one datagram out, with no socket: the server loop calls it, and so can
 * tests and fuzzers. Checks run in the spec's order: size (drop), version, type, cookie, body. A
 * reply to a request without a valid cookie is never longer than the request. Nothing thrown while
 * handling one datagram escapes: the answer is then {@code INTERNAL}. Not thread-safe: one owner.
 */
public final class DatagramHandler {
  private static final Logger log = LoggerFactory.getLogger(DatagramHandler.class);

  private final Registry registry;
  private final ReplyCache cache;
  private final RateLimiter limiter;
  private final CookieJar cookies;
  private final RequestExecutor executor;
  private final SharedReplies shared;
  private long lastSweep = Long.MIN_VALUE / 2;

  /** How often {@link #tick} sweeps leases when the registry's own operations do not. */
  static final long SWEEP_EVERY_MILLIS = 250;

  public DatagramHandler(
      Registry registry, CookieJar cookies, ReplyCache cache, RateLimiter limiter) {
    this(registry, cookies, cache, limiter, null);
  }

  /** With {@code shared} (null for none): mutation replies shared with other nodes. */
  public DatagramHandler(
      Registry registry,
      CookieJar cookies,
      ReplyCache cache,
      RateLimiter limiter,
      SharedReplies shared) {
    this.registry = registry;
    this.cookies = cookies;
    this.cache = cache;
    this.limiter = limiter;
    this.executor = new RequestExecutor(registry, cookies);
    this.shared = shared;
  }

  /** The reply to the first {@code length} bytes of {@code buf}, or null for none. */
  public byte[] handle(InetSocketAddress from, byte[] buf, int length, long now) {
    if (length < IndexMessage.HEADER_SIZE || length > IndexMessage.MAX_DATAGRAM) {
      return null;
    }
    if (!limiter.tryAcquire(from.getAddress(), now)) {
      log.debug("rate limit: dropped a datagram from {}", from);
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(buf, 0, length);
    int requestId = b.getInt(2);
    int maxReply = length; // until a valid cookie is seen
    try {
      int version = buf[1] & 0xff;
      if (version != IndexMessage.VERSION) {
        return error(
            requestId, ErrorCode.UNSUPPORTED_VERSION, "this server speaks version 1", maxReply);
      }
      IndexType type = IndexType.ofByte(buf[0] & 0xff);
      if (type == null || !type.isRequest()) {
        return error(requestId, ErrorCode.UNSUPPORTED, "not a request type", maxReply);
      }
      if (type != IndexType.HELLO) {
        if (length < IndexMessage.COOKIE_END || !cookies.isValid(from, b.getLong(6), now)) {
          return error(requestId, ErrorCode.BAD_COOKIE, "send H for a new cookie", maxReply);
        }
        maxReply = IndexMessage.MAX_DATAGRAM;
      }
      byte[] cached = cache.get(from, buf, length, now);
      if (cached != null) {
        return cached;
      }
      boolean share = shared != null && keepMillis(type) == ReplyCache.LONG_KEEP_MILLIS;
      if (share) {
        byte[] first = shared.claim(from, buf, length, requestId);
        if (first == SharedReplies.IN_PROGRESS) {
          return null; // another node is at it; the client's next try gets its reply
        }
        if (first != null) {
          cache.put(from, buf, length, first, keepMillis(type), now);
          return first;
        }
      }
      byte[] reply;
      try {
        reply = answer(from, buf, length, requestId, maxReply, now);
      } catch (RuntimeException e) {
        if (share) {
          shared.release(from, buf, length, requestId);
        }
        throw e;
      }
      if (reply != null && reply.length > maxReply) {
        return null; // cannot happen (Y is as long as H); the rule outranks the reply
      }
      if (reply != null) {
        cache.put(from, buf, length, reply, keepMillis(type), now);
        if (share) {
          shared.remember(from, buf, length, requestId, reply);
        }
      }
      return reply;
    } catch (RuntimeException e) {
      log.debug("failed on a datagram from {}", from, e);
      return error(requestId, ErrorCode.INTERNAL, "internal error", maxReply);
    }
  }

  private byte[] answer(
      InetSocketAddress from, byte[] buf, int length, int requestId, int maxReply, long now) {
    IndexMessage m;
    try {
      m = IndexCodec.decode(buf, 0, length);
    } catch (ProtocolException e) {
      log.debug("{} from {}: {}", e.code(), from, e.getMessage());
      return error(requestId, e.code(), e.getMessage(), maxReply);
    }
    if (!(m instanceof IndexMessage.Request request)) {
      return error(requestId, ErrorCode.UNSUPPORTED, "not a request type", maxReply);
    }
    try {
      return IndexCodec.encode(executor.execute(request, from, now));
    } catch (RegistryException e) {
      return error(requestId, e.code(), e.getMessage(), maxReply);
    }
  }

  /** Drops expired registrations and cached replies; the loop calls it between datagrams. */
  public void tick(long now) {
    cache.purge(now);
    if (now - lastSweep >= SWEEP_EVERY_MILLIS || now < lastSweep) {
      lastSweep = now; // a shared registry's sweep is a round of store commands: not per batch
      cookies.refresh();
      registry.expire(now);
    }
  }

  private static long keepMillis(IndexType type) {
    return switch (type) {
      case REGISTER, DEREGISTER, QUIT, KEEPALIVE -> ReplyCache.LONG_KEEP_MILLIS;
      default -> ReplyCache.SHORT_KEEP_MILLIS;
    };
  }

  private static byte[] error(int requestId, ErrorCode code, String message, int maxReply) {
    return IndexCodec.encodeError(requestId, code, message, maxReply);
  }
}
