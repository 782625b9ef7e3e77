package io.logicgraph.orchestrator.state;

import java.time.Instant;

/** The attempt number and deadline a node was just queued with. */
public record QueuedAttempt(int attempt, Instant deadline) {}
