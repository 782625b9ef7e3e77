package io.logicgraph.model.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

class AdmissionGateTest {
  @Test
  void admitsUpToThePermitsAndHandsFreedSlotsToWaiters() {
    AdmissionGate gate = new AdmissionGate(2);
    var first = gate.acquire().subscribe().withSubscriber(UniAssertSubscriber.create());
    var second = gate.acquire().subscribe().withSubscriber(UniAssertSubscriber.create());
    var third = gate.acquire().subscribe().withSubscriber(UniAssertSubscriber.create());
    first.assertCompleted();
    second.assertCompleted();
    third.assertNotTerminated();
    assertThat(gate.inUse()).isEqualTo(2);

    gate.release();
    third.assertCompleted();
    assertThat(gate.inUse()).isEqualTo(2);
    gate.release();
    gate.release();
    assertThat(gate.inUse()).isZero();
  }

  @Test
  void anExclusiveHolderRunsAloneAndWaitersKeepTheirOrder() {
    AdmissionGate gate = new AdmissionGate(3);
    var running = gate.acquire().subscribe().withSubscriber(UniAssertSubscriber.create());
    var alone = gate.acquireExclusive().subscribe().withSubscriber(UniAssertSubscriber.create());
    var after = gate.acquire().subscribe().withSubscriber(UniAssertSubscriber.create());
    running.assertCompleted();
    alone.assertNotTerminated(); // waits for the running task
    after.assertNotTerminated(); // queued behind the exclusive waiter, although a slot is free

    gate.release();
    alone.assertCompleted();
    after.assertNotTerminated(); // nothing starts while the exclusive holder runs
    assertThat(gate.inUse()).isEqualTo(1);

    gate.releaseExclusive();
    after.assertCompleted();
    assertThat(gate.inUse()).isEqualTo(1);
    gate.release();
    assertThat(gate.inUse()).isZero();
  }

  @Test
  void prefetchDefaultsToTwiceTheConcurrency() {
    assertThat(WorkerConfig.prefetchFor(java.util.Optional.empty(), 12)).isEqualTo(24);
    assertThat(WorkerConfig.prefetchFor(java.util.Optional.of(5), 12)).isEqualTo(5);
  }
}
