-- Quarterly reports: after each quarter a job builds, for the region, each
-- partner organisation and each IOP agreement, a snapshot of the quarter's
-- figures (aggregates only) in state draft. A regional administrator
-- approves the period, which approves every scope of it at once and locks
-- it: approved rows never change again. The tables match PostgreSQL's; row
-- scope is enforced by the application here.

-- A region's quarter: built once by the job (built_at), approved once
-- (approved_at).
CREATE TABLE report_periods (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    period_start DATE NOT NULL CHECK (substr(period_start, 6, 5) IN ('01-01', '04-01', '07-01', '10-01')),
    built_at     TIMESTAMP,
    approved_by  INTEGER REFERENCES users (id),
    approved_at  TIMESTAMP,
    PRIMARY KEY (tenant_id, period_start),
    CHECK (approved_at IS NULL OR built_at IS NOT NULL),
    CHECK (approved_by IS NULL OR approved_at IS NOT NULL)
);

--bun:split

-- One scope's figures of a quarter. scope_id is 0 for the region and the
-- organisation's or agreement's id otherwise; scope_name is its name when
-- built, since the snapshot must not change when the name does.
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    period_start DATE NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('region', 'organisation', 'agreement')),
    scope_id     INTEGER NOT NULL,
    scope_name   TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'approved')),
    figures      TEXT NOT NULL,
    built_at     TIMESTAMP NOT NULL,
    approved_by  INTEGER REFERENCES users (id),
    approved_at  TIMESTAMP,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, period_start, scope, scope_id),
    FOREIGN KEY (tenant_id, period_start) REFERENCES report_periods (tenant_id, period_start),
    CHECK ((scope = 'region') = (scope_id = 0)),
    CHECK ((state = 'approved') = (approved_at IS NOT NULL))
);

--bun:split

-- Approved reports and periods are final, here as on PostgreSQL.
CREATE TRIGGER reports_approved_no_update BEFORE UPDATE ON reports
WHEN OLD.state = 'approved'
BEGIN
    SELECT RAISE(ABORT, 'kamrat: an approved report period is locked');
END;

--bun:split

CREATE TRIGGER reports_approved_no_delete BEFORE DELETE ON reports
WHEN OLD.state = 'approved'
BEGIN
    SELECT RAISE(ABORT, 'kamrat: an approved report period is locked');
END;

--bun:split

CREATE TRIGGER report_periods_approved_no_update BEFORE UPDATE ON report_periods
WHEN OLD.approved_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'kamrat: an approved report period is locked');
END;

--bun:split

CREATE TRIGGER report_periods_approved_no_delete BEFORE DELETE ON report_periods
WHEN OLD.approved_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'kamrat: an approved report period is locked');
END;
