package io.logicgraph.model.graph;

/** One validation error or warning, with the path of the offending element (e.g. nodes.a.query). */
public record ValidationProblem(String path, String message) {}
