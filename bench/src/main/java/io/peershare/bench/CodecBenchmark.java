package io.peershare.bench;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import io.peershare.protocol.ProtocolException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Index codec cost per datagram: encode, decode, and both, for the messages a busy index handles
 * most ({@code R}, {@code S}) and its largest replies ({@code P} with 16 providers, a full {@code
 * L}).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar CodecBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private Register register;
  private Locate locate;
  private Providers providers;
  private Listing listing;
  private byte[] registerBytes;
  private byte[] locateBytes;
  private byte[] providersBytes;
  private byte[] listingBytes;

  @Setup
  public void setup() throws UnknownHostException {
    Digest digest = Digest.sha256(new byte[] {1, 2, 3});
    register =
        new Register(
            42,
            0x1122334455667788L,
            PeerName.of("alice-laptop"),
            ContentName.of("holiday-video.mp4"),
            7000,
            734_003_200L,
            digest);
    locate =
        new Locate(
            43, 0x1122334455667788L, PeerName.of("bob"), ContentName.of("holiday-video.mp4"), 16);
    List<Provider> ps = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      InetAddress a =
          i % 2 == 0
              ? InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i})
              : InetAddress.getByName("2001:db8::" + Integer.toHexString(i));
      ps.add(new Provider(PeerName.of("peer-number-" + i), a, 7000 + i));
    }
    providers = new Providers(44, 734_003_200L, digest, ps);
    listing = fullListing();
    registerBytes = IndexCodec.encode(register);
    locateBytes = IndexCodec.encode(locate);
    providersBytes = IndexCodec.encode(providers);
    listingBytes = IndexCodec.encode(listing);
    if (listingBytes.length < IndexMessage.MAX_DATAGRAM - 40) {
      throw new IllegalStateException("listing is not full: " + listingBytes.length);
    }
  }

  /** Names of 20 to 40 bytes, some non-ASCII, as many as fit in one datagram. */
  private static Listing fullListing() {
    List<ListingEntry> entries = new ArrayList<>();
    int room = IndexMessage.MAX_DATAGRAM - 8;
    for (int i = 0; ; i++) {
      String name = (i % 3 == 0 ? "\u00e9t\u00e9-" : "summer-") + "photo-" + i + "-".repeat(i % 20);
      ListingEntry e = new ListingEntry(ContentName.of(name), i % 7 + 1, 1_000_000L * i);
      if (e.wireSize() > room) {
        break;
      }
      room -= e.wireSize();
      entries.add(e);
    }
    return new Listing(45, true, entries);
  }

  @Benchmark
  public byte[] registerEncode() {
    return IndexCodec.encode(register);
  }

  @Benchmark
  public IndexMessage registerDecode() throws ProtocolException {
    return IndexCodec.decode(registerBytes);
  }

  @Benchmark
  public IndexMessage registerRoundTrip() throws ProtocolException {
    return IndexCodec.decode(IndexCodec.encode(register));
  }

  @Benchmark
  public byte[] locateEncode() {
    return IndexCodec.encode(locate);
  }

  @Benchmark
  public IndexMessage locateDecode() throws ProtocolException {
    return IndexCodec.decode(locateBytes);
  }

  @Benchmark
  public IndexMessage locateRoundTrip() throws ProtocolException {
    return IndexCodec.decode(IndexCodec.encode(locate));
  }

  @Benchmark
  public byte[] providers16Encode() {
    return IndexCodec.encode(providers);
  }

  @Benchmark
  public IndexMessage providers16Decode() throws ProtocolException {
    return IndexCodec.decode(providersBytes);
  }

  @Benchmark
  public IndexMessage providers16RoundTrip() throws ProtocolException {
    return IndexCodec.decode(IndexCodec.encode(providers));
  }

  @Benchmark
  public byte[] listingFullEncode() {
    return IndexCodec.encode(listing);
  }

  @Benchmark
  public IndexMessage listingFullDecode() throws ProtocolException {
    return IndexCodec.decode(listingBytes);
  }

  @Benchmark
  public IndexMessage listingFullRoundTrip() throws ProtocolException {
    return IndexCodec.decode(IndexCodec.encode(listing));
  }
}
