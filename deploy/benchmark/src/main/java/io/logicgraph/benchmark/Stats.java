package io.logicgraph.benchmark;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics over a set of samples (nearest-rank percentiles). */
final class Stats {
  private Stats() {}

  /** The p-th percentile (0..100) by nearest rank; NaN when there are no samples. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double percentile(Collection<? extends Number> values, double p) {
    return percentile(values.stream().mapToDouble(Number::doubleValue).toArray(), p);
  }

  /** The middle sample, or the mean of the two middle ones for an even count. */
  static double median(Collection<? extends Number> values) {
    double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  static double min(Collection<? extends Number> values) {
    return values.stream().mapToDouble(Number::doubleValue).min().orElse(Double.NaN);
  }

  static double max(Collection<? extends Number> values) {
    return values.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN);
  }
}
