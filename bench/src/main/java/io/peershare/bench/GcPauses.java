package io.peershare.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The stop-the-world pauses of whatever collector runs, as the JVM reports them, so a benchmark can
 * set request waits beside the GC pauses of the same window. Beans that time concurrent cycles
 * (ZGC's and Shenandoah's "Cycles") are left out: their durations are not pauses. G1's "Concurrent
 * GC" bean is kept: since JDK 20 (JDK-8297247) it reports G1's Remark and Cleanup pauses, which are
 * stop-the-world (one Remark took 173 ms to reach its safepoint in an expiry benchmark's warm-up).
 */
final class GcPauses {
  private record Pause(long startMillis, long durationMillis) {}

  private final List<Pause> pauses = new ArrayList<>();
  private final List<Long> marks = new ArrayList<>();

  private GcPauses() {}

  static GcPauses listen() {
    GcPauses p = new GcPauses();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      String name = gc.getName();
      if (name.contains("Cycles")) {
        continue;
      }
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  return;
                }
                var info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                        .getGcInfo();
                synchronized (p) {
                  p.pauses.add(new Pause(info.getStartTime(), info.getDuration()));
                }
              },
              null,
              null);
    }
    return p;
  }

  /** Marks a window boundary now (JVM uptime). */
  synchronized void mark() {
    marks.add(ManagementFactory.getRuntimeMXBean().getUptime());
  }

  /** The JVM uptime at mark {@code i}, in ms. */
  synchronized long at(int i) {
    return marks.get(i);
  }

  /** The pauses that began between mark {@code from} and mark {@code to}, summed up. */
  synchronized String between(int from, int to) {
    long a = marks.get(from);
    long b = marks.get(to);
    int n = 0;
    long total = 0;
    long max = 0;
    for (Pause p : pauses) {
      if (p.startMillis() >= a && p.startMillis() < b) {
        n++;
        total += p.durationMillis();
        max = Math.max(max, p.durationMillis());
      }
    }
    return String.format("%d, %d ms in all, longest %d ms", n, total, max);
  }
}
