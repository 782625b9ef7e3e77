package io.logicgraph.model.error;

/** Error codes kept from rust-logic-graph; each knows whether it is retryable by default. */
public enum ErrorCode {
  E001("Node execution error", false),
  E002("Database connection error", true),
  E003("Rule evaluation error", false),
  E004("Configuration error", false),
  E005("Timeout", true),
  E006("Graph validation error", false),
  E007("Serialization error", false),
  E008("AI provider error", true),
  E009("Cache error", true),
  E010("Context error", false),
  E011("Distributed system error", true),
  E012("Transaction error", true);

  private final String title;
  private final boolean retryableByDefault;

  ErrorCode(String title, boolean retryableByDefault) {
    this.title = title;
    this.retryableByDefault = retryableByDefault;
  }

  public String title() {
    return title;
  }

  public boolean isRetryableByDefault() {
    return retryableByDefault;
  }
}
