-- Clinics and care units. The pattern every tenant-owned table follows:
-- tenant_id NOT NULL, UNIQUE (tenant_id, id) so that child tables can
-- reference (tenant_id, id) and never point across regions.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    hsa_id      TEXT,
    kind        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, hsa_id)
);
