package io.logicgraph.worker.ai.provider;

import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;

/**
 * A provider call that failed (E008), with the outcome label used in metrics ({@code 429}, {@code
 * 500}, {@code timeout}, {@code connection}, {@code malformed}, {@code circuit_open}, ...).
 */
public class ProviderException extends LogicGraphException {
  private final String status;

  public ProviderException(String status, String message, boolean retryable, String hint) {
    super(ErrorCode.E008, message, retryable, hint);
    this.status = status;
  }

  public String status() {
    return status;
  }
}
