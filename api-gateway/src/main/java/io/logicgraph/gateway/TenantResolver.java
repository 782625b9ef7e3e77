package io.logicgraph.gateway;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place that decides which tenant a request acts for. Until authentication exists every
 * request belongs to {@value #DEFAULT_TENANT}; the API-key/JWT milestone replaces the body of
 * {@link #current()} and nothing else.
 */
@ApplicationScoped
public class TenantResolver {
  public static final String DEFAULT_TENANT = "default";

  /** The tenant of the request being served. */
  public String current() {
    return DEFAULT_TENANT;
  }
}
