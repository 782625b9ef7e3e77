package io.logicgraph.model.worker;

import io.logicgraph.model.broker.Broker;
import io.logicgraph.model.broker.BrokerSettings;
import io.logicgraph.model.broker.Publisher;
import io.logicgraph.model.message.Queues;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The worker's link to the broker: declares the queue it consumes and {@code results.aggregation}
 * on every (re)connect, and owns the publisher of results.
 */
@ApplicationScoped
public class WorkerBroker {
  private final Broker broker;
  private final Publisher publisher;

  public WorkerBroker(PoolRunner runner) {
    String queue = runner.kind().queue();
    this.broker =
        Broker.start(
            BrokerSettings.from(ConfigProvider.getConfig()),
            "worker-" + runner.kind().label(),
            List.of(queue, Queues.RESULTS_AGGREGATION));
    this.publisher = broker.publisher();
  }

  public Broker broker() {
    return broker;
  }

  public Publisher publisher() {
    return publisher;
  }

  @PreDestroy
  void close() {
    publisher.close();
    broker.close();
  }
}
