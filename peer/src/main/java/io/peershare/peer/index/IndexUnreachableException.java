package io.peershare.peer.index;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;

/** No reply came from the index server after every try of the retry schedule. */
public final class IndexUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  public IndexUnreachableException(InetSocketAddress server, int tries, Duration total) {
    super(
        "no reply from the index server at "
            + server.getHostString()
            + ":"
            + server.getPort()
            + " after "
            + tries
            + " tries ("
            + BigDecimal.valueOf(total.toMillis(), 3).stripTrailingZeros().toPlainString()
            + " s); is it running and reachable?");
  }
}
