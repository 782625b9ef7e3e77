-- API keys of the gateway. Only the SHA-256 digest of a key is stored: the key itself is shown once,
-- when it is created. Each key acts for one tenant; revoking sets revoked_at (the row stays for audit).
CREATE TABLE api_keys (
    id            text        PRIMARY KEY,          -- public part of the key (lgf_<id>_<secret>)
    key_hash      bytea       NOT NULL UNIQUE,      -- SHA-256 of the whole key
    tenant_id     text        NOT NULL,
    name          text        NOT NULL,
    created_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    last_used_at  timestamptz                       -- refreshed at most once per cache period
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at DESC);
