-- Dynamic fan-out: a node with `over` runs once per element of an array. Each element is an item;
-- each try of an item takes the next attempt number of its node (node_executions.attempt counts
-- them), so the (execution_id, node_id, attempt) key of node_attempts keeps every item try's effect
-- exactly-once, and a worker's result names its item through the attempt it echoes.
CREATE TABLE node_items (
    execution_id   uuid        NOT NULL REFERENCES graph_executions (id),
    node_id        text        NOT NULL,
    item_index     integer     NOT NULL,
    status         text        NOT NULL,   -- pending | queued | completed | failed | cancelled
    attempt        integer,                -- node attempt number of the item's current try
    tries          integer     NOT NULL DEFAULT 0,
    result         jsonb,                  -- the item's <id>_result value
    error          jsonb,
    queued_at      timestamptz,
    dispatched_at  timestamptz,
    deadline_at    timestamptz,
    not_before     timestamptz,
    PRIMARY KEY (execution_id, node_id, item_index)
);
CREATE UNIQUE INDEX node_items_attempt ON node_items (execution_id, node_id, attempt);
CREATE INDEX node_items_inflight ON node_items (deadline_at) WHERE status = 'queued';
