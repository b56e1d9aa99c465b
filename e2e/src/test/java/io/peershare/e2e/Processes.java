package io.peershare.e2e;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The peershare processes a test started, closed after each test ({@code @RegisterExtension}); a
 * test that must stop them before something else of its own calls {@link #closeAll()} first.
 */
final class Processes implements AfterEachCallback, Iterable<PeershareProcess> {
  private final List<PeershareProcess> started = new ArrayList<>();

  /** Keeps {@code p} to close after the test; returns it. */
  PeershareProcess track(PeershareProcess p) {
    started.add(p);
    return p;
  }

  /** The first process tracked. */
  PeershareProcess first() {
    return started.getFirst();
  }

  /** Closes every process tracked so far, in the order they started. */
  void closeAll() {
    started.forEach(PeershareProcess::close);
    started.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeAll();
  }

  @Override
  public Iterator<PeershareProcess> iterator() {
    return started.iterator();
  }
}
