package io.peershare.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock itself; two real processes are in the e2e module's TwinPeerTest. */
class NameLockTest {
  private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 3000);
  private static final InetSocketAddress B = new InetSocketAddress("::1", 3000);

  @TempDir Path dir;

  @Test
  void aSecondLockOfTheSameNameAndNodeIsRefusedUntilTheFirstIsClosed() throws Exception {
    NameLock first = NameLock.acquire(PeerName.of("mai"), List.of(A), dir);
    long pid = ProcessHandle.current().pid();
    assertThatThrownBy(() -> NameLock.acquire(PeerName.of("mai"), List.of(A), dir))
        .isInstanceOf(NameInUseException.class)
        .hasMessage(
            "the peer 'mai' is already running on this host (process "
                + pid
                + ") with the index 127.0.0.1:3000; quit it first, or choose another name");
    first.close();
    NameLock again = NameLock.acquire(PeerName.of("mai"), List.of(A), dir);
    first.close(); // twice is fine, and does not let go of a lock someone else took since
    assertThatThrownBy(() -> NameLock.acquire(PeerName.of("mai"), List.of(A), dir))
        .isInstanceOf(NameInUseException.class);
    again.close();
  }

  @Test
  void anotherNameOrAnotherIndexNodeIsFree() throws Exception {
    List<NameLock> locks =
        List.of(
            NameLock.acquire(PeerName.of("mai"), List.of(A), dir),
            NameLock.acquire(PeerName.of("jeff"), List.of(A), dir),
            NameLock.acquire(PeerName.of("mai"), List.of(B), dir));
    try {
      assertThat(Files.readString(dir.resolve("mai@127.0.0.1%3A3000.lock")).strip())
          .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
    } finally {
      locks.forEach(NameLock::close);
    }
  }

  @Test
  void aPeerOfSeveralNodesHoldsEachAndLetsGoOfAllWhenOneIsTaken() throws Exception {
    NameLock onB = NameLock.acquire(PeerName.of("mai"), List.of(B), dir);
    assertThatThrownBy(() -> NameLock.acquire(PeerName.of("mai"), List.of(A, B), dir))
        .isInstanceOf(NameInUseException.class)
        .hasMessageContaining("with the index [::1]:3000");
    NameLock.acquire(PeerName.of("mai"), List.of(A), dir)
        .close(); // A was given back when B was found held
    onB.close();
    NameLock both = NameLock.acquire(PeerName.of("mai"), List.of(A, B), dir);
    assertThatThrownBy(() -> NameLock.acquire(PeerName.of("mai"), List.of(B), dir))
        .isInstanceOf(NameInUseException.class);
    both.close();
  }

  @Test
  void fileNamesCannotLeaveTheFolder() {
    assertThat(NameLock.fileName("mai")).isEqualTo("mai");
    assertThat(NameLock.fileName("../x")).isEqualTo("%2E.%2Fx");
    assertThat(NameLock.fileName("a\\b c")).isEqualTo("a%5Cb%20c");
    assertThat(NameLock.fileName("日本")).isEqualTo("%E6%97%A5%E6%9C%AC");
    assertThat(NameLock.fileName("[::1]:3000")).isEqualTo("%5B%3A%3A1%5D%3A3000");
  }
}
