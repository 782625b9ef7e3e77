package io.logicgraph.model.broker;

/** A publish the broker did not take: not connected, refused, unroutable or not confirmed. */
public final class PublishException extends RuntimeException {
  public PublishException(String message) {
    super(message);
  }

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
