package io.logicgraph.model.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.message.NodeTask;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A fault hook for reliability tests, <b>off unless the process runs with {@code
 * LGF_FAULT_INJECTION=true}</b>: a task whose execution input holds {@code "lgf_fault": "halt:<node
 * id>"} halts this worker's JVM (as a crash would: no result, no ack) while running that node. The
 * broker then redelivers the task until its queue's delivery limit dead-letters it: a real poison
 * task. When the hook is off the key is an ordinary context value and changes nothing.
 */
@ApplicationScoped
public class FaultInjection {
  /** The execution-input key that asks for a fault. */
  public static final String CONTEXT_KEY = "lgf_fault";

  /** Exit status of a halt asked for by a task. */
  static final int HALT_STATUS = 97;

  private static final Logger LOG = Logger.getLogger(FaultInjection.class);

  private final boolean enabled;

  public FaultInjection(
      @ConfigProperty(name = "lgf.fault-injection", defaultValue = "false") boolean enabled) {
    this.enabled = enabled;
    if (enabled) {
      LOG.warn(
          "fault injection is ON (LGF_FAULT_INJECTION=true): a task asking for it halts this"
              + " worker; never enable this in production");
    }
  }

  /** True when the hook is on and the task's input asks to halt while running this node. */
  boolean haltRequested(NodeTask task) {
    if (!enabled || task.context() == null) {
      return false;
    }
    JsonNode fault = task.context().get(CONTEXT_KEY);
    return fault != null && fault.isTextual() && fault.asText().equals("halt:" + task.nodeId());
  }

  /** Halts the JVM when the task asks for it (see {@link #haltRequested}). */
  void apply(NodeTask task) {
    if (haltRequested(task)) {
      LOG.errorf(
          "fault injection: halting while running node %s of execution %s (attempt %d)",
          task.nodeId(), task.executionId(), task.attempt());
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
