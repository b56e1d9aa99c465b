package io.peershare.e2e;

import static org.awaitility.Awaitility.await;

import io.peershare.e2e.netlab.Host;

/** Waits on things inside lab hosts. */
final class LabAwait {
  private LabAwait() {}

  /** Until {@code host} has a UDP socket bound to its address and {@code port}. */
  static void udpListening(Host host, int port, PeershareProcess owner) {
    await("the process listens on UDP " + host.address() + ":" + port)
        .atMost(PeershareProcess.PATIENCE)
        .until(
            () -> {
              if (!owner.isAlive()) {
                throw new AssertionError(
                    "it exited; it printed " + owner.stdout() + " / " + owner.stderr());
              }
              return !host.run("ss", "-Hlun", "src", host.address() + ":" + port).isBlank();
            });
  }
}
