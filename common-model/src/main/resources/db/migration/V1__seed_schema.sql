-- Seed schema of the fleet. PostgreSQL is the durable truth; Redis only holds state rebuildable from here.

-- A stored graph: the latest version's definition, plus metadata. Deleting sets deleted_at: history stays.
CREATE TABLE graph_definitions (
    id             uuid PRIMARY KEY,
    tenant_id      text        NOT NULL DEFAULT 'default',
    name           text,
    description    text,
    version        integer     NOT NULL,
    definition     jsonb       NOT NULL,   -- normalized GraphDefinition
    source         text        NOT NULL,   -- the document as submitted
    source_format  text        NOT NULL,   -- json | yaml
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    deleted_at     timestamptz
);
CREATE INDEX graph_definitions_tenant_created ON graph_definitions (tenant_id, created_at DESC) WHERE deleted_at IS NULL;

-- Every version of every graph, immutable: executions run the version they started with.
CREATE TABLE graph_versions (
    graph_id    uuid        NOT NULL REFERENCES graph_definitions (id),
    version     integer     NOT NULL,
    definition  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (graph_id, version)
);

CREATE TABLE graph_executions (
    id              uuid PRIMARY KEY,
    tenant_id       text        NOT NULL DEFAULT 'default',
    graph_id        uuid        NOT NULL,
    graph_version   integer     NOT NULL,
    status          text        NOT NULL,   -- pending | running | completed | failed | cancelled
    input           jsonb       NOT NULL,   -- the context given to execute
    context         jsonb,                  -- the final context, once terminal
    error           jsonb,                  -- NodeError that ended the execution
    idempotency_key text,
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    completed_at    timestamptz,
    deadline_at     timestamptz,
    updated_at      timestamptz NOT NULL,
    FOREIGN KEY (graph_id, graph_version) REFERENCES graph_versions (graph_id, version)
);
CREATE INDEX graph_executions_graph_created ON graph_executions (graph_id, created_at DESC);
CREATE INDEX graph_executions_active ON graph_executions (status, updated_at) WHERE status IN ('pending', 'running');

-- Idempotency keys of execute: one execution per (tenant, graph, key) within the retention window.
CREATE TABLE execution_idempotency_keys (
    tenant_id        text        NOT NULL,
    graph_id         uuid        NOT NULL,
    idempotency_key  text        NOT NULL,
    execution_id     uuid        NOT NULL REFERENCES graph_executions (id),
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, graph_id, idempotency_key)
);

-- Current state of each node of each execution.
CREATE TABLE node_executions (
    execution_id   uuid        NOT NULL REFERENCES graph_executions (id),
    node_id        text        NOT NULL,
    node_type      text        NOT NULL,
    status         text        NOT NULL,   -- pending | queued | running | completed | failed | skipped | cancelled
    attempt        integer     NOT NULL DEFAULT 0,  -- current attempt; a result for another attempt is stale
    output         jsonb,                  -- top-level context keys the node wrote
    error          jsonb,
    queued_at      timestamptz,
    dispatched_at  timestamptz,            -- the broker confirmed the current attempt's task
    deadline_at    timestamptz,            -- the current attempt's deadline
    started_at     timestamptz,            -- taken by the worker
    completed_at   timestamptz,            -- taken by the worker
    worker_id      text,
    PRIMARY KEY (execution_id, node_id)
);
CREATE INDEX node_executions_inflight ON node_executions (status, deadline_at) WHERE status IN ('queued', 'running');

-- Every attempt ever applied. Its primary key is the idempotency key of a node effect:
-- a duplicate or replayed result finds its row here and changes nothing.
CREATE TABLE node_attempts (
    execution_id  uuid        NOT NULL REFERENCES graph_executions (id),
    node_id       text        NOT NULL,
    attempt       integer     NOT NULL,
    outcome       text        NOT NULL,   -- succeeded | failed | timed_out | stale
    error         jsonb,
    started_at    timestamptz,
    completed_at  timestamptz,
    worker_id     text,
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (execution_id, node_id, attempt)
);
