package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Remembers what a download reported. */
class RecordingListener implements ProgressListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  final AtomicLong alreadyVerified = new AtomicLong(-1);
  final AtomicLong lastProgress = new AtomicLong(-1);
  final AtomicLong received = new AtomicLong(-1);
  volatile Path finished;
  volatile Exception failure;

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
  public void pieceRejected(int piece, Provider provider) {
    events.add("rejected " + piece + " from " + provider.peer());
  }

  @Override
  public void failed(Exception cause) {
    events.add("failed");
    failure = cause;
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
