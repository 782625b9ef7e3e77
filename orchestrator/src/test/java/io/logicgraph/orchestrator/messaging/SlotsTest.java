package io.logicgraph.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotsTest {
  @Test
  void runsAtMostPermitsAtOnceAndHandsFreedSlotsOverInArrivalOrder() {
    Slots slots = new Slots(2);
    List<String> ran = new ArrayList<>();
    slots.acquire(() -> ran.add("a"));
    slots.acquire(() -> ran.add("b"));
    slots.acquire(() -> ran.add("c"));
    slots.acquire(() -> ran.add("d"));
    assertThat(ran).containsExactly("a", "b");
    assertThat(slots.inUse()).isEqualTo(2);
    assertThat(slots.waiting()).isEqualTo(2);

    slots.release(); // a done: c takes its slot
    assertThat(ran).containsExactly("a", "b", "c");
    assertThat(slots.inUse()).isEqualTo(2);

    slots.release();
    slots.release();
    slots.release();
    assertThat(ran).containsExactly("a", "b", "c", "d");
    assertThat(slots.inUse()).isZero();
    assertThat(slots.waiting()).isZero();
  }

  @Test
  void refusesLessThanOnePermit() {
    assertThatThrownBy(() -> new Slots(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
