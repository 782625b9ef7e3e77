package io.logicgraph.orchestrator.messaging;

import java.util.ArrayDeque;

/**
 * A non-blocking counting semaphore: {@link #acquire} runs its action once one of {@code permits}
 * slots is free (at once, or when a holder releases), in arrival order; no thread waits.
 */
final class Slots {
  private final int permits;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inUse;

  Slots(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + permits);
    }
    this.permits = permits;
  }

  /** Runs {@code then} holding a slot; whoever runs it must {@link #release()} it once. */
  void acquire(Runnable then) {
    synchronized (this) {
      if (inUse >= permits) {
        waiting.add(then);
        return;
      }
      inUse++;
    }
    then.run();
  }

  /** Frees a slot, handing it to the oldest waiter if any. */
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

  synchronized int inUse() {
    return inUse;
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
