package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.peershare.index.udp.DatagramBatch;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexType;
import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What a {@link DatagramHandler} tells its {@link IndexEvents}, batch by batch. */
class DatagramHandlerEventsTest {
  private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 5000);
  private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.1", 5001);
  private static final PeerName MAI = PeerName.of("mai");

  private record Answered(IndexType type, ErrorCode error, boolean cached, long nanos) {}

  /** Records what it is told; counts the handlers that asked for their own. */
  private static final class Recorder implements IndexEvents {
    final List<Answered> answered = new ArrayList<>();
    final List<Drop> dropped = new ArrayList<>();
    int threads;

    @Override
    public void answered(IndexType type, ErrorCode error, boolean cached, long nanos) {
      answered.add(new Answered(type, error, cached, nanos));
    }

    @Override
    public void dropped(Drop reason) {
      dropped.add(reason);
    }

    @Override
    public IndexEvents forThread() {
      threads++;
      return this;
    }
  }

  private final Recorder events = new Recorder();
  private final DatagramHandler handler =
      new DatagramHandler(
          new MemoryRegistry(90_000, RegistryLimits.defaults()),
          new CookieJar(new SplittableRandom(1)),
          new ReplyCache(1 << 20, 1 << 20),
          new AddressRateLimiter(0, 100),
          Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
          events);

  private long cookie(InetSocketAddress from) throws Exception {
    byte[] h = IndexCodec.encode(new IndexMessage.Hello(1));
    return ((IndexMessage.CookieReply) IndexCodec.decode(handler.handle(from, h, h.length, 0)))
        .cookie();
  }

  private void run(DatagramBatch batch) {
    events.answered.clear();
    handler.handle(batch).toCompletableFuture().join();
    handler.finish(batch);
  }

  private static void add(DatagramBatch batch, InetSocketAddress from, byte[] datagram) {
    assertThat(batch.add(from, datagram, 0, datagram.length)).isTrue();
  }

  @Test
  void theHandlerTellsItsOwnEventsOnly() {
    assertThat(events.threads).isEqualTo(1);
  }

  @Test
  void aResendInTheSameBatchIsCountedWithItsTwinsResult() throws Exception {
    long cookie = cookie(FROM);
    byte[] missing =
        IndexCodec.encode(new IndexMessage.Locate(7, cookie, MAI, ContentName.of("missing"), 4));
    byte[] register =
        IndexCodec.encode(
            new IndexMessage.Register(
                8, cookie, MAI, ContentName.of("lorem"), 4000, 10, Digest.of(new byte[32])));
    // an H with 6 bytes past its padding: MALFORMED, its reply in the batch before the others'
    byte[] h = Arrays.copyOf(IndexCodec.encode(new IndexMessage.Hello(9)), 20);
    DatagramBatch batch = new DatagramBatch(IndexMessage.MAX_DATAGRAM + 1);
    add(batch, FROM, missing);
    add(batch, FROM, register);
    add(batch, FROM, missing); // resent before the first was answered: the same batch
    add(batch, FROM, register);
    add(batch, FROM, h);
    add(batch, FROM, h);
    run(batch);

    assertThat(events.answered)
        .extracting(Answered::type, Answered::error, Answered::cached)
        .containsExactly(
            tuple(IndexType.LOCATE, ErrorCode.NOT_FOUND, false),
            tuple(IndexType.REGISTER, null, false),
            tuple(IndexType.LOCATE, ErrorCode.NOT_FOUND, true),
            tuple(IndexType.REGISTER, null, true),
            tuple(IndexType.HELLO, ErrorCode.MALFORMED, false),
            tuple(IndexType.HELLO, ErrorCode.MALFORMED, true));
  }

  @Test
  void aFullBatchFindsTheTwinOfEveryResendAndOnlyOfResends() throws Exception {
    long cookie = cookie(FROM);
    DatagramBatch batch = new DatagramBatch(IndexMessage.MAX_DATAGRAM + 1);
    List<byte[]> firsts = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      firsts.add(
          IndexCodec.encode(
              new IndexMessage.Locate(100 + i, cookie, MAI, ContentName.of("m" + i), 4)));
    }
    firsts.forEach(d -> add(batch, FROM, d));
    // each sent again, in reverse order, but one whose bytes differ by its request id
    for (int i = 31; i >= 1; i--) {
      add(batch, FROM, firsts.get(i));
    }
    add(
        batch,
        FROM,
        IndexCodec.encode(new IndexMessage.Locate(99, cookie, MAI, ContentName.of("m0"), 4)));
    assertThat(batch.size()).isEqualTo(DatagramBatch.CAPACITY);
    run(batch);

    assertThat(events.answered).hasSize(64);
    assertThat(events.answered.subList(0, 32)).allMatch(a -> !a.cached());
    assertThat(events.answered.subList(32, 63)).allMatch(Answered::cached);
    assertThat(events.answered.get(63).cached()).isFalse();
    assertThat(events.answered).allMatch(a -> a.error() == ErrorCode.NOT_FOUND);
  }

  @Test
  void everyReplyOfABatchIsToldOnceWithTheBatchsTime() throws Exception {
    long cookie = cookie(FROM);
    cookie(OTHER);
    byte[] locate =
        IndexCodec.encode(new IndexMessage.Locate(3, cookie, MAI, ContentName.of("c"), 4));
    DatagramBatch first = new DatagramBatch(IndexMessage.MAX_DATAGRAM + 1);
    add(first, FROM, locate);
    run(first);
    assertThat(events.answered).hasSize(1);

    DatagramBatch batch = new DatagramBatch(IndexMessage.MAX_DATAGRAM + 1);
    add(batch, FROM, IndexCodec.encode(new IndexMessage.Hello(4))); // answered before the others
    add(batch, FROM, locate); // answered from the reply cache
    add(batch, OTHER, locate); // another address: the cookie is not its own
    add(batch, FROM, new byte[3]); // too short: dropped, no answer
    add(
        batch,
        FROM,
        IndexCodec.encode(new IndexMessage.Locate(5, cookie, MAI, ContentName.of("d"), 4)));
    events.dropped.clear();
    run(batch);

    assertThat(events.answered)
        .extracting(Answered::type, Answered::error, Answered::cached)
        .containsExactly(
            tuple(IndexType.HELLO, null, false),
            tuple(IndexType.LOCATE, ErrorCode.NOT_FOUND, true),
            tuple(IndexType.LOCATE, ErrorCode.BAD_COOKIE, false),
            tuple(IndexType.LOCATE, ErrorCode.NOT_FOUND, false));
    assertThat(events.dropped).containsExactly(IndexEvents.Drop.SIZE);
    List<Long> times =
        events.answered.stream().filter(a -> !a.cached()).map(Answered::nanos).toList();
    assertThat(times.get(0)).as("time from the batch's read to its replies").isPositive();
    assertThat(times).as("the replies of a batch leave together").containsOnly(times.get(0));
    assertThat(events.answered.get(1).nanos()).as("a copy has no time").isZero();
  }
}
