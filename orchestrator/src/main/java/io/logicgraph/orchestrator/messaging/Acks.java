package io.logicgraph.orchestrator.messaging;

import io.logicgraph.model.broker.Delivery;
import io.quarkus.logging.Log;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.MDC;

/** The two ways a consumed message ends: acknowledged after its work, or handed back. */
final class Acks {
  /** Pause before handing a message back, so an outage is waited out rather than spun on. */
  static final Duration REQUEUE_PAUSE = Duration.ofSeconds(1);

  private Acks() {}

  /**
   * Runs {@code work} on a new duplicated Vert.x context (deliveries arrive on the broker client's
   * threads; Redis and the reactive PostgreSQL client want a context) and acks the delivery after
   * it succeeded; on failure waits, then requeues it for another try. {@code mdc} is put on the
   * context before the work starts.
   */
  static void ackAfter(
      Vertx vertx,
      Delivery delivery,
      Supplier<Uni<Void>> work,
      String what,
      java.util.Map<String, String> mdc) {
    Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    context.runOnContext(
        ignored -> {
          mdc.forEach(MDC::put);
          Uni<Void> running;
          try {
            running = work.get();
          } catch (RuntimeException e) {
            running = Uni.createFrom().failure(e);
          }
          running
              .subscribe()
              .with(
                  done -> delivery.ack(),
                  failure -> {
                    Log.warnf(failure, "%s failed; message requeued", what);
                    vertx.setTimer(REQUEUE_PAUSE.toMillis(), id -> delivery.requeue());
                  });
        });
  }

  /** Dead-letters a message that can never be processed (it stays inspectable in the DLQ). */
  static void reject(Delivery delivery) {
    delivery.reject();
  }
}
