package io.peershare.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.peer.index.IndexException;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/**
 * The keeper against a fake peer and a scheduler moved by hand: when it sends {@code K}, and what
 * it does when the index forgets the peer or an {@code R} got no reply. Nothing waits on real time.
 */
class LeaseKeeperTest {
  private static final ContentName A = ContentName.of("a");
  private static final ContentName B = ContentName.of("b");

  private final ManualScheduler scheduler = new ManualScheduler();
  private final FakePeer peer = new FakePeer();
  private final LeaseKeeper keeper = new LeaseKeeper(peer, scheduler);

  @Test
  void keepsAliveAtAThirdOfTheLease() {
    peer.shared.add(A);
    keeper.start();

    scheduler.advance(Duration.ofMillis(29_999));
    assertThat(peer.sent).isEmpty();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(peer.sent).containsExactly("K");
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("K", "K");
    assertThat(scheduler.nextIn()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void sendsNothingWhileNothingIsSharedButKeepsWatching() {
    keeper.start();
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(peer.sent).isEmpty();

    peer.shared.add(A);
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("K");
  }

  @Test
  void aShorterLeaseBringsTheNextKeepaliveForward() {
    peer.shared.add(A);
    keeper.start();
    scheduler.advance(Duration.ofSeconds(10));

    peer.lease = 30; // this index gives 30 s, not the 90 the keeper assumed
    keeper.registered(A, 30);
    assertThat(scheduler.nextIn()).isEqualTo(Duration.ofSeconds(10));
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(peer.sent).containsExactly("K");
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(peer.sent).containsExactly("K", "K");
  }

  @Test
  void aLongerLeaseWaitsForTheKeepaliveAlreadyPlanned() {
    peer.shared.add(A);
    keeper.start();
    peer.lease = 300;
    keeper.registered(A, 300);
    assertThat(scheduler.nextIn()).isEqualTo(Duration.ofSeconds(30));

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("K");
    assertThat(scheduler.nextIn()).isEqualTo(Duration.ofSeconds(100));
  }

  @Test
  void notFoundRegistersEveryShareAgain() {
    peer.shared.add(A);
    peer.shared.add(B);
    keeper.start();
    peer.keepaliveAnswers.add(new IndexException(ErrorCode.NOT_FOUND, "index restarted"));

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("K", "R a", "R b");

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("K", "R a", "R b", "K");
  }

  @Test
  void anotherRefusalOfTheKeepaliveRegistersNothing() {
    peer.shared.add(A);
    keeper.start();
    peer.keepaliveAnswers.add(new IndexException(ErrorCode.LIMIT, "too many requests"));

    scheduler.advance(Duration.ofSeconds(60));
    assertThat(peer.sent).containsExactly("K", "K");
  }

  @Test
  void aRegistrationWithoutReplyIsRetriedBeforeEachKeepaliveUntilItLands() {
    peer.shared.add(A);
    peer.shared.add(B);
    keeper.pending(B); // its R got no reply
    keeper.start();
    peer.registerAnswers.put(B, new ArrayDeque<>(List.of(new IOException("no reply"), 90L)));

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("R b", "K");
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("R b", "K", "R b", "K");
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("R b", "K", "R b", "K", "K");
  }

  @Test
  void aRegistrationTheIndexRefusesIsNotRetried() {
    peer.shared.add(A);
    keeper.pending(A);
    keeper.start();
    peer.registerAnswers.put(
        A, new ArrayDeque<>(List.of(new IndexException(ErrorCode.CONFLICT, "another file"))));

    scheduler.advance(Duration.ofSeconds(60));
    assertThat(peer.sent).containsExactly("R a", "K", "K");
  }

  @Test
  void aRegistrationThatLandsElsewhereIsNotRetried() {
    peer.shared.add(A);
    keeper.pending(A);
    keeper.registered(A, 90); // the R's reply came after all
    keeper.start();

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(peer.sent).containsExactly("K");
  }

  @Test
  void aKeepaliveWithoutAnswerOrAFailureKeepsTheScheduleGoing() {
    peer.shared.add(A);
    keeper.start();
    peer.keepaliveAnswers.add(new IOException("no reply"));
    peer.keepaliveAnswers.add(new IllegalStateException("a bug"));

    scheduler.advance(Duration.ofSeconds(90));
    assertThat(peer.sent).containsExactly("K", "K", "K");
  }

  @Test
  void aMoveToAnotherIndexNodeRunsARoundAtOnce() {
    peer.shared.add(A);
    keeper.start();
    scheduler.advance(Duration.ofSeconds(10));
    peer.keepaliveAnswers.add(new IndexException(ErrorCode.NOT_FOUND, "a node of its own"));

    peer.round.run(); // the client gave up on one node and went on with the next
    scheduler.advance(Duration.ZERO);
    assertThat(peer.sent).containsExactly("K", "R a");
    // the planned keepalive stays where it was
    scheduler.advance(Duration.ofSeconds(20));
    assertThat(peer.sent).containsExactly("K", "R a", "K");
  }

  @Test
  void closeStopsEverything() {
    peer.shared.add(A);
    keeper.start();
    keeper.close();

    assertThat(scheduler.closed).isTrue();
    keeper.registered(A, 10); // must not schedule on a closed scheduler
    peer.round.run();
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(peer.sent).isEmpty();
  }

  /** Runs what has come due, in order, on the test's thread, as its clock is moved. */
  private static final class ManualScheduler implements LeaseKeeper.Scheduler {
    private static final class Task {
      final long due;
      final long order;
      final Runnable run;
      boolean cancelled;
      boolean started;

      Task(long due, long order, Runnable run) {
        this.due = due;
        this.order = order;
        this.run = run;
      }
    }

    final TestClock clock = new TestClock(0);
    private final PriorityQueue<Task> tasks =
        new PriorityQueue<>(
            Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.order));
    private long order;
    boolean closed;

    @Override
    public Scheduled schedule(Runnable run, long delayMillis) {
      if (closed) {
        throw new IllegalStateException("scheduled after close");
      }
      Task t = new Task(clock.millis() + delayMillis, order++, run);
      tasks.add(t);
      return () -> {
        if (t.started || t.cancelled) {
          return false;
        }
        t.cancelled = true;
        return true;
      };
    }

    @Override
    public void close() {
      closed = true;
      tasks.clear();
    }

    void advance(Duration d) {
      long end = clock.millis() + d.toMillis();
      Task t;
      while ((t = tasks.peek()) != null && t.due <= end) {
        tasks.poll();
        if (!t.cancelled) {
          clock.advance(Duration.ofMillis(t.due - clock.millis()));
          t.started = true;
          t.run.run();
        }
      }
      clock.advance(Duration.ofMillis(end - clock.millis()));
    }

    /** How long until the next run that is still due. */
    Duration nextIn() {
      return tasks.stream()
          .filter(t -> !t.cancelled)
          .findFirst()
          .map(t -> Duration.ofMillis(t.due - clock.millis()))
          .orElseThrow();
    }
  }

  /** A peer whose index answers what each test queued, else the lease. */
  private static final class FakePeer implements LeaseKeeper.Peer {
    final List<ContentName> shared = new ArrayList<>();
    final List<String> sent = new ArrayList<>();
    final Deque<Object> keepaliveAnswers = new ArrayDeque<>();
    final Map<ContentName, Deque<Object>> registerAnswers = new HashMap<>();
    long lease = 90;
    Runnable round; // what the keeper runs when the index client moves to another node

    @Override
    public PeerName name() {
      return PeerName.of("mai");
    }

    @Override
    public List<ContentName> shared() {
      return List.copyOf(shared);
    }

    @Override
    public long keepalive() throws IndexException, IOException {
      sent.add("K");
      return answer(keepaliveAnswers.poll());
    }

    @Override
    public long reregister(ContentName content) throws IndexException, IOException {
      sent.add("R " + content);
      Deque<Object> answers = registerAnswers.get(content);
      return answer(answers == null ? null : answers.poll());
    }

    @Override
    public void onIndexMove(Runnable round) {
      this.round = round;
    }

    private long answer(Object a) throws IndexException, IOException {
      return switch (a) {
        case null -> lease;
        case Long lease -> lease;
        case IndexException e -> throw e;
        case IOException e -> throw e;
        case RuntimeException e -> throw e;
        default -> throw new AssertionError(a);
      };
    }
  }
}
