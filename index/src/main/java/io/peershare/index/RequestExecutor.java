package io.peershare.index;

import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.Deregister;
import io.peershare.protocol.IndexMessage.Hello;
import io.peershare.protocol.IndexMessage.Keepalive;
import io.peershare.protocol.IndexMessage.ListRequest;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Quit;
import io.peershare.protocol.IndexMessage.Register;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Applies one decoded, cookie-checked request to the registry and says what to answer. */
final class RequestExecutor {
  /** Room for listing entries: a datagram less the header, {@code more} and {@code count}. */
  static final int LISTING_ROOM = IndexMessage.MAX_DATAGRAM - IndexMessage.HEADER_SIZE - 2;

  /** {@code count} is a u8. */
  static final int LISTING_MAX_ENTRIES = 255;

  private final Registry registry;
  private final CookieJar cookies;
  private final long leaseSeconds;

  RequestExecutor(Registry registry, CookieJar cookies) {
    this.registry = registry;
    this.cookies = cookies;
    this.leaseSeconds = registry.leaseMillis() / 1000;
  }

  /**
   * The reply to {@code request} from {@code from}.
   *
   * @throws RegistryException when the registry refuses: the caller answers {@code E}
   */
  IndexMessage.Reply execute(IndexMessage.Request request, InetSocketAddress from, long now)
      throws RegistryException {
    InetAddress ip = from.getAddress();
    int id = request.requestId();
    return switch (request) {
      case Hello h -> new CookieReply(id, cookies.issue(from, now));
      case Register r -> {
        registry.register(r.peer(), ip, r.content(), r.tcpPort(), r.size(), r.digest(), now);
        yield new Ack(id, leaseSeconds);
      }
      case Deregister t -> {
        registry.deregister(t.peer(), ip, t.content(), now);
        yield new Ack(id, 0);
      }
      case Quit q -> {
        registry.quit(q.peer(), ip, now);
        yield new Ack(id, 0);
      }
      case Keepalive k -> {
        registry.keepalive(k.peer(), ip, now);
        yield new Ack(id, leaseSeconds);
      }
      case ListRequest o -> {
        Registry.Page page =
            registry.list(o.after(), o.filter(), LISTING_ROOM, LISTING_MAX_ENTRIES, now);
        yield new Listing(id, page.more(), page.entries());
      }
      case Locate s -> {
        Registry.Located l = registry.locate(s.content(), s.max(), now);
        yield new Providers(id, l.size(), l.digest(), l.providers());
      }
    };
  }
}
