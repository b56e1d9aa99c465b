package io.peershare.peer.index;

import io.peershare.protocol.Addresses;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * No index node answered: each was silent through the whole retry schedule, answered with ICMP port
 * unreachable (nothing listens there; the cause is then the {@link
 * java.net.PortUnreachableException}), or could not be sent to at all.
 */
public final class IndexUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why one node was given up on; {@code hint} is what to check, said when it is the only node. */
  record NodeFailure(InetSocketAddress node, String reason, String hint, Throwable cause) {
    static NodeFailure silent(InetSocketAddress node, RetrySchedule schedule) {
      return new NodeFailure(
          node,
          "no reply from "
              + Addresses.format(node)
              + " after "
              + schedule.tries()
              + " tries ("
              + seconds(schedule.total())
              + " s)",
          "is the index server running and reachable?",
          null);
    }

    static NodeFailure refused(InetSocketAddress node, Throwable cause) {
      return new NodeFailure(
          node,
          "nothing listens at " + Addresses.format(node),
          "is the index server running, and on that port?",
          cause);
    }

    static NodeFailure unsendable(InetSocketAddress node, Throwable cause) {
      String why =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      return new NodeFailure(
          node, "cannot send to " + Addresses.format(node) + ": " + why, "", cause);
    }
  }

  IndexUnreachableException(List<NodeFailure> failures) {
    super(message(failures), firstCause(failures));
  }

  private static String message(List<NodeFailure> failures) {
    if (failures.size() == 1) {
      NodeFailure f = failures.get(0);
      return f.hint().isEmpty() ? f.reason() : f.reason() + "; " + f.hint();
    }
    return "no index node answered: "
        + failures.stream().map(NodeFailure::reason).collect(Collectors.joining("; "));
  }

  private static Throwable firstCause(List<NodeFailure> failures) {
    return failures.stream()
        .map(NodeFailure::cause)
        .filter(c -> c != null)
        .findFirst()
        .orElse(null);
  }

  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
  }
}
