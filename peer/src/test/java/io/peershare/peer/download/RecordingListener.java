package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Remembers what a download reported. */
final class RecordingListener implements ProgressListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  final AtomicLong alreadyVerified = new AtomicLong(-1);
  final AtomicLong lastProgress = new AtomicLong(-1);
  final AtomicLong received = new AtomicLong(-1);
  volatile Path finished;

  @Override
  public void started(ContentName content, long size, long alreadyVerified) {
    events.add("started " + content + " " + size);
    this.alreadyVerified.set(alreadyVerified);
  }

  @Override
  public void progress(long verifiedBytes, long totalBytes) {
    lastProgress.set(verifiedBytes);
  }

  @Override
  public void received(long bytes) {
    received.set(bytes);
  }

  @Override
  public void finished(Path file) {
    events.add("finished");
    finished = file;
  }
}
