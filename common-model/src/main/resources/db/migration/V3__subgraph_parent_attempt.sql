-- A child execution belongs to exactly one attempt of its parent's SubgraphNode: a retried node
-- starts a new child, and only the child of the current attempt can complete the node.
ALTER TABLE graph_executions ADD COLUMN parent_attempt integer;
CREATE UNIQUE INDEX graph_executions_parent_attempt
    ON graph_executions (parent_execution_id, parent_node_id, parent_attempt)
    WHERE parent_execution_id IS NOT NULL;
