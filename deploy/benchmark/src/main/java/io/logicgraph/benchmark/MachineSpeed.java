package io.logicgraph.benchmark;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How fast this machine runs one fixed piece of single-threaded work right now: sorting the same
 * pseudo-random million ints, best of five. The build machine is a shared virtual machine whose
 * speed drifts over minutes; the report samples this before every scenario so that a slow figure
 * can be told apart from a slow machine.
 */
final class MachineSpeed {
  private static final int[] INPUT = new SplittableRandom(42).ints(1_000_000).toArray();

  private MachineSpeed() {}

  /** Milliseconds of the fixed work (best of five runs); the first call also warms the JIT up. */
  static double sampleMillis() {
    double best = Double.MAX_VALUE;
    for (int run = 0; run < 5; run++) {
      int[] copy = INPUT.clone();
      long start = System.nanoTime();
      Arrays.sort(copy);
      best = Math.min(best, (System.nanoTime() - start) / 1e6);
      if (copy[0] > copy[copy.length - 1]) {
        throw new IllegalStateException("sort failed");
      }
    }
    return best;
  }
}
