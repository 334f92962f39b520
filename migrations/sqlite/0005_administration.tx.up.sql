-- Regional administration: units get a municipality and the readiness steps
-- a unit takes before peers are placed there; partner organisations get a
-- contact, a focus and the units they serve; IOP agreements (idéburet
-- offentligt partnerskap) with their parties, funding, commitments, budgeted
-- positions, documents and change history. Every new table follows the
-- tenant pattern of 0002_units: tenant_id NOT NULL and references through
-- (tenant_id, id), so that no row can point into another region.
ALTER TABLE units ADD COLUMN municipality TEXT NOT NULL DEFAULT '';

--bun:split

-- A step counts as done when its flag is set; the date says when.
ALTER TABLE units ADD COLUMN budget_decided BOOLEAN NOT NULL DEFAULT 0;

--bun:split

ALTER TABLE units ADD COLUMN budget_decided_on DATE;

--bun:split

ALTER TABLE units ADD COLUMN management_anchored BOOLEAN NOT NULL DEFAULT 0;

--bun:split

ALTER TABLE units ADD COLUMN management_anchored_on DATE;

--bun:split

-- Staff introduction sessions held at a unit (about three per unit).
CREATE TABLE unit_intro_sessions (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    unit_id     INTEGER NOT NULL,
    held_on     DATE NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX unit_intro_sessions_unit ON unit_intro_sessions (tenant_id, unit_id, held_on);

--bun:split

ALTER TABLE organisations ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';

--bun:split

ALTER TABLE organisations ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';

--bun:split

ALTER TABLE organisations ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';

--bun:split

-- focus: a JSON array of target groups, e.g. ["hiv","psychiatry"].
ALTER TABLE organisations ADD COLUMN focus TEXT NOT NULL DEFAULT '[]';

--bun:split

-- The units an organisation serves: where its peers work or whose patients
-- it receives referrals from.
CREATE TABLE organisation_units (
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    organisation_id INTEGER NOT NULL,
    unit_id         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, organisation_id, unit_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX organisation_units_unit ON organisation_units (tenant_id, unit_id);

--bun:split

CREATE TABLE agreements (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants (id),
    title             TEXT NOT NULL,
    reference         TEXT NOT NULL DEFAULT '',
    committee         TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    goals             TEXT NOT NULL DEFAULT '',
    starts_on         DATE NOT NULL,
    ends_on           DATE NOT NULL,
    notice_months     INTEGER NOT NULL CHECK (notice_months >= 0),
    reporting_cadence TEXT NOT NULL,
    target_groups     TEXT NOT NULL DEFAULT '[]',
    status            TEXT NOT NULL CHECK (status IN ('draft', 'active', 'ending', 'ended')),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CHECK (ends_on > starts_on)
);

--bun:split

-- The organisations that are parties to an agreement (the region is always
-- the other party, through its committee).
CREATE TABLE agreement_parties (
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    agreement_id    INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, agreement_id, organisation_id),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreements (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

--bun:split

CREATE TABLE agreement_units (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    agreement_id INTEGER NOT NULL,
    unit_id      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, agreement_id, unit_id),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreements (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);

--bun:split

-- Funding per party and year in whole kronor. organisation_id NULL is the
-- region's own share; otherwise it must be one of the agreement's parties.
CREATE TABLE agreement_funding (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    agreement_id    INTEGER NOT NULL,
    organisation_id INTEGER,
    year            INTEGER NOT NULL,
    amount_sek      INTEGER NOT NULL CHECK (amount_sek >= 0),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreements (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, agreement_id, organisation_id)
        REFERENCES agreement_parties (tenant_id, agreement_id, organisation_id)
);

--bun:split

CREATE UNIQUE INDEX agreement_funding_party_year
    ON agreement_funding (tenant_id, agreement_id, COALESCE(organisation_id, 0), year);

--bun:split

-- Commitments with a measurable indicator: "active_peers at_least 8".
CREATE TABLE agreement_commitments (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    agreement_id INTEGER NOT NULL,
    indicator    TEXT NOT NULL,
    comparison   TEXT NOT NULL CHECK (comparison IN ('at_least', 'at_most')),
    target       INTEGER NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    sort_order   INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, agreement_id, indicator, comparison),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreements (tenant_id, id) ON DELETE CASCADE
);

--bun:split

-- Budgeted peer positions: count positions at fte_percent of full time,
-- optionally at one of the units the agreement covers.
CREATE TABLE agreement_positions (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    agreement_id INTEGER NOT NULL,
    unit_id      INTEGER,
    count        INTEGER NOT NULL CHECK (count > 0),
    fte_percent  INTEGER NOT NULL CHECK (fte_percent BETWEEN 1 AND 100),
    sort_order   INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreements (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, agreement_id, unit_id)
        REFERENCES agreement_units (tenant_id, agreement_id, unit_id)
);

--bun:split

-- Attached documents, kept in the database so that they share its backups,
-- isolation and retention. The size cap repeats the application's.
CREATE TABLE agreement_documents (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    agreement_id INTEGER NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  INTEGER REFERENCES users (id),
    uploaded_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, agreement_id, sha256),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreements (tenant_id, id) ON DELETE CASCADE
);

--bun:split

-- The change history of an agreement: who changed what, when. Rows are never
-- changed; they go only with a deleted draft.
CREATE TABLE agreement_events (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    agreement_id INTEGER NOT NULL,
    user_id      INTEGER REFERENCES users (id),
    at           TIMESTAMP NOT NULL,
    kind         TEXT NOT NULL,
    changes      TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreements (tenant_id, id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX agreement_events_agreement ON agreement_events (tenant_id, agreement_id, at);

--bun:split

CREATE TRIGGER agreement_events_no_update BEFORE UPDATE ON agreement_events
BEGIN
    SELECT RAISE(ABORT, 'kamrat: agreement history is append-only');
END;
