package io.logicgraph.gateway.rest;

import java.util.UUID;

/** Answer of {@code POST /graphs/{id}/execute} when the execution has not ended (202). */
public record ExecutionAccepted(UUID executionId, String status, Links links) {

  /** Where to follow the execution. */
  public record Links(String self, String status, String results, String events) {
    static Links of(UUID executionId) {
      String self = ExecutionResource.PATH + "/" + executionId;
      return new Links(self, self, self + "/results", self + "/events");
    }
  }

  static ExecutionAccepted of(UUID executionId, String status) {
    return new ExecutionAccepted(executionId, status, Links.of(executionId));
  }
}
