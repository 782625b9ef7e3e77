package io.logicgraph.model.graph;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Opt-in result cache of a node. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CachePolicy(long ttlS) {}
