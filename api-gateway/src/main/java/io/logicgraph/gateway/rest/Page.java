package io.logicgraph.gateway.rest;

import java.util.List;

/** A page of a listing and the number of items in all pages. */
public record Page<T>(List<T> items, long total) {}
