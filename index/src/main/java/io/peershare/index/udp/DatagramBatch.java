package io.peershare.index.udp;

import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The datagrams one socket received in one go (one or a few {@code recvmmsg} calls), back to back
 * in one array, each with its sender, and room for one reply each. One per socket, reused: a
 * handler reads {@link #data()} at {@link #offset}/{@link #length} and answers with {@link #reply};
 * nothing is allocated per datagram but the sender's address, which the transport gives.
 */
public final class DatagramBatch {
  /** The most datagrams in one batch. */
  public static final int CAPACITY = 64;

  private final int maxDatagram;
  private final byte[] data;
  private final int[] offsets = new int[CAPACITY];
  private final int[] lengths = new int[CAPACITY];
  private final InetSocketAddress[] senders = new InetSocketAddress[CAPACITY];
  private long receivedAtNanos;
  private byte[] replies;
  private final int[] replyOffsets = new int[CAPACITY];
  private final int[] replyLengths = new int[CAPACITY];
  private int replyEnd;
  private int size;

  /**
   * @param maxDatagram the longest datagram kept whole; longer ones arrive cut to this length (a
   *     handler that drops datagrams over {@code n} bytes passes {@code n + 1})
   */
  public DatagramBatch(int maxDatagram) {
    this.maxDatagram = maxDatagram;
    this.data = new byte[CAPACITY * maxDatagram];
    this.replies = new byte[CAPACITY * 256];
  }

  public int size() {
    return size;
  }

  public boolean isFull() {
    return size == CAPACITY;
  }

  /** The array holding every datagram of the batch. */
  public byte[] data() {
    return data;
  }

  public int offset(int i) {
    return offsets[check(i)];
  }

  public int length(int i) {
    return lengths[check(i)];
  }

  public InetSocketAddress sender(int i) {
    return senders[check(i)];
  }

  /** {@code System.nanoTime()} when the first datagram of the batch was taken from the socket. */
  public long receivedAtNanos() {
    return receivedAtNanos;
  }

  /** Sets the reply to the i-th datagram (a copy of {@code length} bytes at {@code offset}). */
  public void reply(int i, byte[] reply, int offset, int length) {
    check(i);
    if (replyEnd + length > replies.length) {
      replies = Arrays.copyOf(replies, Math.max(replies.length * 2, replyEnd + length));
    }
    System.arraycopy(reply, offset, replies, replyEnd, length);
    replyOffsets[i] = replyEnd;
    replyLengths[i] = length;
    replyEnd += length;
  }

  public void reply(int i, byte[] reply) {
    reply(i, reply, 0, reply.length);
  }

  /** True when the i-th datagram has a reply. */
  public boolean hasReply(int i) {
    return replyLengths[check(i)] >= 0;
  }

  /** The array holding the replies set so far (it may be replaced as replies are added). */
  public byte[] replies() {
    return replies;
  }

  /** Where the i-th reply starts in {@link #replies()}. */
  public int replyOffset(int i) {
    return replyOffsets[check(i)];
  }

  /** The length of the i-th reply, or -1 when it has none. */
  public int replyLength(int i) {
    return replyLengths[check(i)];
  }

  /**
   * Copies a datagram in; returns false (and keeps nothing) when the batch is full. The transport
   * calls it; tests and benchmarks may too.
   */
  public boolean add(InetSocketAddress sender, byte[] datagram, int offset, int length) {
    if (size == CAPACITY) {
      return false;
    }
    int at = start(sender);
    System.arraycopy(datagram, offset, data, at, Math.min(length, maxDatagram));
    finish(length);
    return true;
  }

  /** Begins the next datagram: records its sender, returns where its bytes go. */
  int start(InetSocketAddress sender) {
    if (size == 0) {
      receivedAtNanos = System.nanoTime();
    }
    int at = size * maxDatagram;
    offsets[size] = at;
    senders[size] = sender;
    replyLengths[size] = -1;
    return at;
  }

  /** Ends the datagram begun with {@link #start}, of {@code length} bytes. */
  void finish(int length) {
    lengths[size++] = Math.min(length, maxDatagram);
  }

  int maxDatagram() {
    return maxDatagram;
  }

  /** Empties the batch for the next one (drops the senders, so nothing stays reachable). */
  public void clear() {
    Arrays.fill(senders, 0, size, null);
    size = 0;
    replyEnd = 0;
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return i;
  }
}
