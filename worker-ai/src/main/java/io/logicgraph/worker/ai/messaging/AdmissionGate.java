package io.logicgraph.worker.ai.messaging;

import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A non-blocking counting semaphore: {@link #acquire()} completes when one of {@code permits} slots
 * is free, {@link #release()} hands the slot to the next waiter. Bounds how many node attempts run
 * at once without parking a thread per waiting task.
 */
final class AdmissionGate {
  private final int permits;
  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private int inUse;

  AdmissionGate(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + permits);
    }
    this.permits = permits;
  }

  Uni<Void> acquire() {
    return Uni.createFrom()
        .emitter(
            emitter -> {
              Runnable grant = () -> emitter.complete(null);
              boolean granted;
              synchronized (this) {
                granted = inUse < permits;
                if (granted) {
                  inUse++;
                } else {
                  waiting.add(grant);
                }
              }
              // A waiter cancelled before its turn (shutdown) must not be handed a slot.
              emitter.onTermination(() -> forget(grant));
              if (granted) {
                emitter.complete(null);
              }
            });
  }

  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inUse--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  private synchronized void forget(Runnable grant) {
    waiting.remove(grant);
  }

  synchronized int inUse() {
    return inUse;
  }

  int permits() {
    return permits;
  }
}
