package io.logicgraph.model.error;

/** A failure that knows its error code and whether trying again can help. */
public class LogicGraphException extends RuntimeException {
  private final ErrorCode code;
  private final boolean retryable;
  private final String hint;

  public LogicGraphException(ErrorCode code, String message) {
    this(code, message, code.isRetryableByDefault(), null, null);
  }

  public LogicGraphException(ErrorCode code, String message, boolean retryable, String hint) {
    this(code, message, retryable, hint, null);
  }

  public LogicGraphException(
      ErrorCode code, String message, boolean retryable, String hint, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.retryable = retryable;
    this.hint = hint;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  public String hint() {
    return hint;
  }

  public NodeError toNodeError(String nodeId) {
    return new NodeError(code, getMessage(), nodeId, retryable, hint);
  }
}
