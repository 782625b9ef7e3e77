package io.logicgraph.model.broker;

/**
 * Receives the messages of one subscription. Called on the broker client's dispatch threads, in
 * delivery order per subscription: hand the work elsewhere and return quickly.
 */
@FunctionalInterface
public interface DeliveryHandler {
  void handle(Delivery delivery);
}
