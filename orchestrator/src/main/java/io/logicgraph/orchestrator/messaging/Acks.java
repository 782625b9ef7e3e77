package io.logicgraph.orchestrator.messaging;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** The two ways a consumed message ends: acknowledged after its work, or handed back. */
final class Acks {
  /** Pause before handing a message back, so an outage is waited out rather than spun on. */
  private static final Duration REQUEUE_PAUSE = Duration.ofSeconds(1);

  private Acks() {}

  /** Acks after {@code work} succeeded; on failure waits, then requeues for another try. */
  static Uni<Void> ackAfter(Message<?> message, Uni<Void> work, String what) {
    return work.chain(() -> Uni.createFrom().completionStage(message.ack()))
        .onFailure()
        .recoverWithUni(
            failure -> {
              Log.warnf(failure, "%s failed; message requeued", what);
              return Uni.createFrom()
                  .voidItem()
                  .onItem()
                  .delayIt()
                  .by(REQUEUE_PAUSE)
                  .chain(
                      () ->
                          Uni.createFrom()
                              .completionStage(
                                  message.nack(
                                      failure, Metadata.of(new RabbitMQRejectMetadata(true)))));
            });
  }

  /** Dead-letters a message that can never be processed (it stays inspectable in the DLQ). */
  static Uni<Void> reject(Message<?> message, Throwable cause) {
    return Uni.createFrom()
        .completionStage(message.nack(cause, Metadata.of(new RabbitMQRejectMetadata(false))));
  }
}
