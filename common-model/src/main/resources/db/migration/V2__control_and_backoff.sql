-- Cancel and retry requests, sub-executions, and retry backoff.

-- A user asked to cancel / re-run the execution. Written by the gateway before it tells the
-- orchestrator, so a lost message only delays the request (the reconciler finds it).
ALTER TABLE graph_executions ADD COLUMN cancel_requested_at timestamptz;
ALTER TABLE graph_executions ADD COLUMN retry_requested_at timestamptz;
-- A child execution started by a SubgraphNode of another execution.
ALTER TABLE graph_executions ADD COLUMN parent_execution_id uuid REFERENCES graph_executions (id);
ALTER TABLE graph_executions ADD COLUMN parent_node_id text;
ALTER TABLE graph_executions ADD COLUMN depth integer NOT NULL DEFAULT 0;
CREATE INDEX graph_executions_parent ON graph_executions (parent_execution_id) WHERE parent_execution_id IS NOT NULL;
CREATE INDEX graph_executions_requests ON graph_executions (status)
    WHERE cancel_requested_at IS NOT NULL OR retry_requested_at IS NOT NULL;

-- A queued attempt waiting out its retry backoff is published no earlier than this.
ALTER TABLE node_executions ADD COLUMN not_before timestamptz;
