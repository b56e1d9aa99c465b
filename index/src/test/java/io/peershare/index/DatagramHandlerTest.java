package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatagramHandlerTest {
  private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 5000);
  private static final String TYPES = "HRTQKOSYLPAEZh\0";

  private final DatagramHandler handler = newHandler(0);

  static DatagramHandler newHandler(long rate) {
    return newHandler(rate, new CookieJar(new SplittableRandom(1)));
  }

  static DatagramHandler newHandler(long rate, CookieJar jar) {
    return new DatagramHandler(
        new MemoryRegistry(90_000, RegistryLimits.defaults()),
        jar,
        new ReplyCache(1 << 20, 1 << 20),
        new AddressRateLimiter(rate, 100));
  }

  private long cookie() throws Exception {
    byte[] y = handler.handle(FROM, IndexCodec.encode(new IndexMessage.Hello(1)), 14, 0);
    return ((IndexMessage.CookieReply) IndexCodec.decode(y)).cookie();
  }

  @Test
  void cookielessJunkOfEverySizeNeverGetsALongerReply() {
    SplittableRandom random = new SplittableRandom(42);
    for (int len = 0; len <= 1201; len++) {
      for (int k = 0; k < 4; k++) {
        byte[] junk = new byte[len];
        random.nextBytes(junk);
        if (len > 1) {
          junk[0] = (byte) TYPES.charAt(random.nextInt(TYPES.length()));
          junk[1] = (byte) (random.nextInt(4) == 0 ? 2 : 1);
        }
        byte[] reply = handler.handle(FROM, junk, len, 0);
        if (reply != null) {
          assertThat(reply.length).as("reply to %s bytes", len).isLessThanOrEqualTo(len);
        }
      }
    }
  }

  @Test
  void errorsThatCannotFitAreNotSent() {
    byte[] eight = {'Z', 1, 0, 0, 0, 9, 0, 0};
    assertThat(handler.handle(FROM, eight, 8, 0)).isNull();
    byte[] nine = {'Z', 1, 0, 0, 0, 9, 0, 0, 0};
    byte[] reply = handler.handle(FROM, nine, 9, 0);
    assertThat(reply).hasSize(9);
  }

  @Test
  void onlyTheGivenLengthIsRead() throws Exception {
    byte[] buf = new byte[1200];
    System.arraycopy(IndexCodec.encode(new IndexMessage.Hello(5)), 0, buf, 0, 14);
    buf[14] = 99;
    assertThat(IndexCodec.decode(handler.handle(FROM, buf, 14, 0)))
        .isInstanceOf(IndexMessage.CookieReply.class);
  }

  @Test
  void cookieHoldersMayGetLongerReplies() throws Exception {
    long cookie = cookie();
    for (int i = 0; i < 16; i++) {
      Register r =
          new Register(
              2,
              cookie,
              PeerName.of("p" + i),
              ContentName.of("c"),
              1,
              1,
              Digest.sha256(new byte[0]));
      handler.handle(FROM, IndexCodec.encode(r), IndexCodec.encode(r).length, 0);
      handler.handle(FROM, new byte[0], 0, 0);
    }
    byte[] s =
        IndexCodec.encode(
            new IndexMessage.Locate(3, cookie, PeerName.of("x"), ContentName.of("c"), 16));
    byte[] reply = handler.handle(FROM, s, s.length, 0);
    assertThat(reply.length).isGreaterThan(s.length);
  }

  @Test
  void aFloodFromOneAddressIsDroppedOthersGoOn() throws Exception {
    DatagramHandler limited = newHandler(10);
    byte[] h = IndexCodec.encode(new IndexMessage.Hello(1));
    int answered = 0;
    for (int i = 0; i < 100; i++) {
      if (limited.handle(FROM, h, h.length, 0) != null) {
        answered++;
      }
    }
    assertThat(answered).isEqualTo(10);
    assertThat(limited.handle(new InetSocketAddress("127.0.0.2", 1), h, h.length, 0)).isNotNull();
  }

  @Test
  void staleCookiesAreRefusedAfterTheirWindow() throws Exception {
    long cookie = cookie();
    byte[] k = IndexCodec.encode(new IndexMessage.Keepalive(9, cookie, PeerName.of("p")));
    assertThat(((ErrorReply) IndexCodec.decode(handler.handle(FROM, k, k.length, 120_000))).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(((ErrorReply) IndexCodec.decode(handler.handle(FROM, k, k.length, 180_000))).code())
        .isEqualTo(ErrorCode.BAD_COOKIE);
  }

  @Test
  void repliesCarryTheRequestId() throws Exception {
    byte[] z = new byte[20];
    ByteBuffer.wrap(z).put((byte) 'Z').put((byte) 1).putInt(0xdeadbeef);
    assertThat(IndexCodec.decode(handler.handle(FROM, z, 20, 0)).requestId()).isEqualTo(0xdeadbeef);
  }
}
