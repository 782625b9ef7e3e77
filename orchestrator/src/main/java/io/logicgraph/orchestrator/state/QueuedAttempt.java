package io.logicgraph.orchestrator.state;

import java.time.Instant;

/**
 * The attempt number and deadline a node was just queued with, and when its task may be published
 * (null: at once; later: a retry waiting out its backoff).
 */
public record QueuedAttempt(int attempt, Instant deadline, Instant notBefore) {}
