-- The dashboard's pre-aggregated figures (see the PostgreSQL migration of
-- the same name for the reasoning). Dashboards read these counts, never
-- the rows they count; the stores keep them current in the same
-- transaction as the change they count.
CREATE TABLE dashboard_counts (
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    quarter         DATE NOT NULL CHECK (substr(quarter, 6, 5) IN ('01-01', '04-01', '07-01', '10-01')),
    unit_id         INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    target_group    TEXT NOT NULL,
    measure         TEXT NOT NULL,
    bucket          INTEGER NOT NULL DEFAULT 0,
    detail          TEXT NOT NULL DEFAULT '',
    value           INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, quarter, unit_id, organisation_id, target_group, measure, bucket, detail)
);

--bun:split

CREATE TABLE referral_milestones (
    tenant_id   INTEGER NOT NULL,
    referral_id INTEGER NOT NULL,
    milestone   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, referral_id, milestone),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id) ON DELETE CASCADE
);

--bun:split

CREATE TABLE dashboard_builds (
    tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id),
    built_at  TIMESTAMP NOT NULL
);
