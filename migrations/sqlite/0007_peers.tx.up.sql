-- Peers: the peer supporters a partner organisation recruits, trains,
-- supervises and places, with their status history, training records,
-- supervision sessions (handledning), continuing education and reunions
-- (återträffar), and placements at units. Every table follows the tenant
-- pattern: tenant_id NOT NULL and references through (tenant_id, id).
-- Tables that involve peers of one organisation also carry organisation_id
-- and reference peers through (tenant_id, id, organisation_id), so that the
-- database itself refuses a session, gathering or placement of organisation
-- A that names a peer of organisation B.
CREATE TABLE peers (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants (id),
    organisation_id   INTEGER NOT NULL,
    display_name      TEXT NOT NULL,
    -- Phone and e-mail, sealed (AES-GCM) by the application; never in clear.
    contact_enc       TEXT NOT NULL,
    -- JSON arrays of language codes and areas of lived experience.
    languages         TEXT NOT NULL DEFAULT '[]',
    experience        TEXT NOT NULL DEFAULT '[]',
    gender            TEXT NOT NULL DEFAULT 'unspecified',
    age_band          TEXT NOT NULL DEFAULT '',
    -- How many participants the peer can support at the same time.
    capacity          INTEGER NOT NULL CHECK (capacity >= 0),
    status            TEXT NOT NULL CHECK (status IN ('recruited', 'in_training', 'active', 'paused', 'left')),
    status_changed_at TIMESTAMP NOT NULL,
    -- The peer's own account, if they sign in to see their record.
    user_id           INTEGER REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, id, organisation_id),
    UNIQUE (tenant_id, user_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

--bun:split

CREATE INDEX peers_organisation ON peers (tenant_id, organisation_id, status);

--bun:split

-- A peer's status history: who moved the peer from which status to which,
-- when and why. from_status is NULL for the registration. Rows are never
-- changed.
CREATE TABLE peer_status_events (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    peer_id     INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    at          TIMESTAMP NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, peer_id) REFERENCES peers (tenant_id, id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX peer_status_events_peer ON peer_status_events (tenant_id, peer_id, at);

--bun:split

CREATE TRIGGER peer_status_events_no_update BEFORE UPDATE ON peer_status_events
BEGIN
    SELECT RAISE(ABORT, 'kamrat: peer status history is append-only');
END;

--bun:split

-- Courses a peer has taken: the base course (NSPH's is five weeks),
-- refreshers, staff introduction sessions and others. completed_on is NULL
-- while the course is under way.
CREATE TABLE peer_trainings (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    peer_id      INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('base_course', 'refresher', 'staff_introduction', 'other')),
    title        TEXT NOT NULL DEFAULT '',
    started_on   DATE NOT NULL,
    completed_on DATE,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, peer_id) REFERENCES peers (tenant_id, id) ON DELETE CASCADE,
    CHECK (completed_on IS NULL OR completed_on >= started_on)
);

--bun:split

CREATE INDEX peer_trainings_peer ON peer_trainings (tenant_id, peer_id, started_on);

--bun:split

-- Supervision (handledning), individual or in a group, by a supervisor who
-- usually has lived experience too.
CREATE TABLE supervision_sessions (
    id                          INTEGER PRIMARY KEY,
    tenant_id                   INTEGER NOT NULL REFERENCES tenants (id),
    organisation_id             INTEGER NOT NULL,
    kind                        TEXT NOT NULL CHECK (kind IN ('individual', 'group')),
    supervisor_name             TEXT NOT NULL,
    supervisor_lived_experience BOOLEAN NOT NULL,
    held_on                     DATE NOT NULL,
    duration_minutes            INTEGER NOT NULL CHECK (duration_minutes BETWEEN 15 AND 480),
    created_at                  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, id, organisation_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

--bun:split

CREATE INDEX supervision_sessions_organisation ON supervision_sessions (tenant_id, organisation_id, held_on);

--bun:split

CREATE TABLE supervision_attendance (
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    session_id      INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    peer_id         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, session_id, peer_id),
    FOREIGN KEY (tenant_id, session_id, organisation_id)
        REFERENCES supervision_sessions (tenant_id, id, organisation_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, peer_id, organisation_id)
        REFERENCES peers (tenant_id, id, organisation_id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX supervision_attendance_peer ON supervision_attendance (tenant_id, peer_id);

--bun:split

-- Continuing education and reunions (återträffar) for an organisation's
-- peers, with who attended.
CREATE TABLE peer_gatherings (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    organisation_id INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('continuing_education', 'reunion')),
    title           TEXT NOT NULL,
    held_on         DATE NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, id, organisation_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

--bun:split

CREATE INDEX peer_gatherings_organisation ON peer_gatherings (tenant_id, organisation_id, held_on);

--bun:split

CREATE TABLE peer_gathering_attendance (
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    gathering_id    INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    peer_id         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, gathering_id, peer_id),
    FOREIGN KEY (tenant_id, gathering_id, organisation_id)
        REFERENCES peer_gatherings (tenant_id, id, organisation_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, peer_id, organisation_id)
        REFERENCES peers (tenant_id, id, organisation_id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX peer_gathering_attendance_peer ON peer_gathering_attendance (tenant_id, peer_id);

--bun:split

-- A peer placed at a unit for a period (ends_on NULL: until further
-- notice), employed by the region, a municipality or the organisation, at a
-- share of full time.
CREATE TABLE placements (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    organisation_id INTEGER NOT NULL,
    peer_id         INTEGER NOT NULL,
    unit_id         INTEGER NOT NULL,
    employer        TEXT NOT NULL CHECK (employer IN ('region', 'municipality', 'organisation')),
    fte_percent     INTEGER NOT NULL CHECK (fte_percent BETWEEN 1 AND 100),
    starts_on       DATE NOT NULL,
    ends_on         DATE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, peer_id, organisation_id)
        REFERENCES peers (tenant_id, id, organisation_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);

--bun:split

CREATE INDEX placements_organisation ON placements (tenant_id, organisation_id, ends_on);

--bun:split

CREATE INDEX placements_peer ON placements (tenant_id, peer_id, starts_on);
