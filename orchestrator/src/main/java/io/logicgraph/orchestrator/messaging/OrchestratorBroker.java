package io.logicgraph.orchestrator.messaging;

import io.logicgraph.model.broker.Broker;
import io.logicgraph.model.broker.BrokerSettings;
import io.logicgraph.model.broker.Publisher;
import io.logicgraph.model.message.Topology;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The orchestrator's one link to the broker: declares every queue of the fleet (with their
 * dead-letter queues) and {@link Topology#PARKED} on every (re)connect, before anything is
 * published, so a task published before its worker ever started waits in its queue. Every consumer
 * of the orchestrator subscribes through it; one publisher with confirms serves them all.
 */
@ApplicationScoped
public class OrchestratorBroker {
  /** The queues declared on every connect. */
  static final List<String> QUEUES = declaredQueues();

  private final Broker broker;
  private final Publisher publisher;

  public OrchestratorBroker() {
    this.broker =
        Broker.start(BrokerSettings.from(ConfigProvider.getConfig()), "orchestrator", QUEUES);
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

  private static List<String> declaredQueues() {
    List<String> queues = new ArrayList<>(Topology.QUEUES);
    queues.add(Topology.PARKED);
    return List.copyOf(queues);
  }
}
