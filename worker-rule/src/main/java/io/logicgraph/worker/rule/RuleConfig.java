package io.logicgraph.worker.rule;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the rule worker itself. */
@ConfigMapping(prefix = "worker-rule")
public interface RuleConfig {
  /** Distinct condition texts kept parsed (least recently used evicted). */
  @WithDefault("1024")
  int conditionCacheSize();

  /** Distinct GRL rule texts kept parsed (least recently used evicted). */
  @WithDefault("128")
  int ruleSetCacheSize();

  /**
   * Most cycles one GrlNode evaluation runs (spec 04: 100, as rust-rule-engine); reaching it stops
   * the evaluation, reported in the node output as {@code capped}.
   */
  @WithDefault("100")
  int grlMaxCycles();
}
