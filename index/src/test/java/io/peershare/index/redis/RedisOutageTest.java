package io.peershare.index.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.index.IndexServer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Hello;
import io.peershare.protocol.IndexMessage.Keepalive;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store goes away under a running node: requests that need it get {@code E INTERNAL} (the node
 * never hangs), {@code H} is still answered, and when a Redis comes back, empty, the node recovers
 * by itself and a peer's keepalive gets {@code NOT_FOUND}, its cue to register again.
 */
class RedisOutageTest {
  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));

  private final Path dir =
      Path.of("target", "redis", "outage-" + ProcessHandle.current().pid()).toAbsolutePath();
  private int port;
  private RedisStore store;
  private IndexServer node;
  private DatagramSocket socket;
  private int id = 1;

  @BeforeEach
  void start() throws Exception {
    port = RedisServers.startPrivate(dir, 0);
    store = RedisStore.connect(StoreUrl.parse("redis://127.0.0.1:" + port));
    node =
        RedisNode.start(IndexServer.Config.loopback(), store, RedisRegistry.SWEEP_INTERVAL_MILLIS);
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    socket.setSoTimeout(5_000); // a bound on a broken test, not a timing assertion
  }

  @AfterEach
  void stop() {
    socket.close();
    node.close();
    store.close();
    RedisServers.stop(dir);
  }

  private IndexMessage call(IndexMessage m) throws Exception {
    byte[] out = IndexCodec.encode(m);
    socket.send(new DatagramPacket(out, out.length, node.localAddress()));
    DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
    socket.receive(in);
    return IndexCodec.decode(Arrays.copyOf(in.getData(), in.getLength()));
  }

  private long cookie() throws Exception {
    return ((CookieReply) call(new Hello(id++))).cookie();
  }

  private void killRedis() throws IOException {
    ProcessHandle.of(RedisServers.pid(dir, port)).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !store.isOpen() || !answers());
  }

  private boolean answers() {
    try {
      store.await(store.commands().ping().toCompletableFuture());
      return true;
    } catch (StoreException e) {
      return false;
    }
  }

  @Test
  void withTheStoreGoneRequestsGetInternalHelloIsAnsweredAndAnEmptyStoreIsPickedUp()
      throws Exception {
    long cookie = cookie();
    assertThat(
            call(new Register(id++, cookie, PeerName.of("mai"), ContentName.of("a"), 4000, 1, D)))
        .isInstanceOf(Ack.class);
    killRedis();

    long t0 = System.nanoTime();
    IndexMessage r =
        call(new Register(id++, cookie, PeerName.of("mai"), ContentName.of("b"), 4000, 1, D));
    System.out.printf(
        "[outage] E INTERNAL %d ms after the request%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(r).isInstanceOf(ErrorReply.class);
    assertThat(((ErrorReply) r).code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(call(new Hello(id++))).isInstanceOf(CookieReply.class);
    // what /healthz and the status page show
    assertThat(node.registry().problem())
        .hasValueSatisfying(p -> assertThat(p).contains("127.0.0.1:" + port));
    assertThat(node.registry().counts().registrations()).isEqualTo(-1);
    // INTERNAL is never kept: the same request again is tried again
    assertThat(((ErrorReply) call(new Keepalive(id, cookie, PeerName.of("mai")))).code())
        .isEqualTo(ErrorCode.INTERNAL);

    RedisServers.startPrivate(dir, port); // the same port, no data
    await("the node works again")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              IndexMessage k = call(new Keepalive(id++, cookie(), PeerName.of("mai")));
              return k instanceof ErrorReply e && e.code() == ErrorCode.NOT_FOUND;
            });
    long c = cookie();
    assertThat(call(new Register(id++, c, PeerName.of("mai"), ContentName.of("a"), 4000, 1, D)))
        .isInstanceOf(Ack.class);
    assertThat(call(new Keepalive(id++, c, PeerName.of("mai")))).isInstanceOf(Ack.class);
    assertThat(node.registry().problem()).isEmpty();
    assertThat(node.registry().counts().registrations()).isEqualTo(1);
    assertThat(node.registry().describe()).isEqualTo("redis://127.0.0.1:" + port);
  }
}
