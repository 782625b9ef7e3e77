package io.logicgraph.gateway;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place that decides which tenant a request acts for. Authentication (API keys, JWT) is not
 * built yet, so every request belongs to {@value #DEFAULT_TENANT}; when it is, only the body of
 * {@link #current()} changes.
 */
@ApplicationScoped
public class TenantResolver {
  public static final String DEFAULT_TENANT = "default";

  /** The tenant of the request being served. */
  public String current() {
    return DEFAULT_TENANT;
  }
}
