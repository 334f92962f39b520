-- The region registry and the worker heartbeat: platform tables, not owned by
-- any tenant.
CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    county_code TEXT NOT NULL,
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

--bun:split

CREATE TABLE worker_heartbeats (
    worker_id   TEXT PRIMARY KEY,
    beat_at     TIMESTAMP NOT NULL
);
