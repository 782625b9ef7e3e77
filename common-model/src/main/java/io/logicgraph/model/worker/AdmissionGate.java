package io.logicgraph.model.worker;

import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A non-blocking counting semaphore: {@link #acquire()} completes when one of {@code permits} slots
 * is free, {@link #release()} hands the slot to the next waiter. Bounds how many node attempts run
 * at once without parking a thread per waiting task. {@link #acquireExclusive()} waits until
 * nothing runs and keeps everything else waiting while it is held (a suspect task runs alone);
 * waiters are served in order, so an exclusive waiter is not starved.
 */
final class AdmissionGate {
  private record Waiter(boolean exclusive, Runnable grant) {}

  private final int permits;
  private final Deque<Waiter> waiting = new ArrayDeque<>();
  private int inUse;
  private boolean exclusiveHeld;

  AdmissionGate(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + permits);
    }
    this.permits = permits;
  }

  Uni<Void> acquire() {
    return acquire(false);
  }

  /** One slot, once nothing else runs; nothing else starts until {@link #releaseExclusive()}. */
  Uni<Void> acquireExclusive() {
    return acquire(true);
  }

  private Uni<Void> acquire(boolean exclusive) {
    return Uni.createFrom()
        .emitter(
            emitter -> {
              Waiter waiter = new Waiter(exclusive, () -> emitter.complete(null));
              boolean granted;
              synchronized (this) {
                granted = waiting.isEmpty() && grantable(exclusive);
                if (granted) {
                  take(exclusive);
                } else {
                  waiting.add(waiter);
                }
              }
              // A waiter cancelled before its turn (shutdown) must not be handed a slot.
              emitter.onTermination(() -> forget(waiter));
              if (granted) {
                emitter.complete(null);
              }
            });
  }

  void release() {
    release(false);
  }

  void releaseExclusive() {
    release(true);
  }

  private void release(boolean exclusive) {
    List<Runnable> grants = new ArrayList<>();
    synchronized (this) {
      inUse--;
      if (exclusive) {
        exclusiveHeld = false;
      }
      drain(grants);
    }
    grants.forEach(Runnable::run);
  }

  private boolean grantable(boolean exclusive) {
    return !exclusiveHeld && (exclusive ? inUse == 0 : inUse < permits);
  }

  private void take(boolean exclusive) {
    inUse++;
    if (exclusive) {
      exclusiveHeld = true;
    }
  }

  /**
   * Grants waiters in order for as long as the first one can be granted (caller holds the lock).
   */
  private void drain(List<Runnable> grants) {
    while (!waiting.isEmpty() && grantable(waiting.peek().exclusive())) {
      Waiter next = waiting.poll();
      take(next.exclusive());
      grants.add(next.grant());
    }
  }

  private void forget(Waiter waiter) {
    List<Runnable> grants = new ArrayList<>();
    synchronized (this) {
      if (waiting.remove(waiter)) {
        drain(grants);
      }
    }
    grants.forEach(Runnable::run);
  }

  synchronized int inUse() {
    return inUse;
  }

  int permits() {
    return permits;
  }
}
