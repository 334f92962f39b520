-- Identity and access: global users and their external identities, per-region
-- memberships and invitations, sessions, API tokens, sign-in providers and
-- pending sign-ins, and the append-only audit log. Organisations appear here
-- in their minimal form because memberships are scoped to them.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    org_number  TEXT,
    kind        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, org_number)
);

--bun:split

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,
    display_name      TEXT NOT NULL,
    platform_operator BOOLEAN NOT NULL DEFAULT 0,
    disabled_at       TIMESTAMP,
    created_at        TIMESTAMP NOT NULL
);

--bun:split

CREATE TABLE identities (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    issuer       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    UNIQUE (issuer, subject)
);

--bun:split

CREATE TABLE memberships (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    role            TEXT NOT NULL,
    unit_id         INTEGER,
    organisation_id INTEGER,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, user_id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

--bun:split

CREATE TABLE invitations (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
    email            TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL,
    unit_id          INTEGER,
    organisation_id  INTEGER,
    token_hash       TEXT NOT NULL UNIQUE,
    invited_by       INTEGER REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP NOT NULL,
    accepted_at      TIMESTAMP,
    accepted_user_id INTEGER REFERENCES users (id),
    revoked_at       TIMESTAMP,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

--bun:split

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    signed_in_tenant_id INTEGER REFERENCES tenants (id),
    method       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);

--bun:split

CREATE INDEX sessions_user ON sessions (user_id);

--bun:split

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    UNIQUE (tenant_id, id)
);

--bun:split

CREATE TABLE oidc_providers (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants (id),
    slug              TEXT NOT NULL,
    display_name      TEXT NOT NULL,
    preset            TEXT NOT NULL,
    issuer            TEXT NOT NULL,
    client_id         TEXT NOT NULL,
    client_secret_enc TEXT NOT NULL,
    scopes            TEXT NOT NULL,
    required_acr      TEXT,
    claims            TEXT NOT NULL DEFAULT '{}',
    enabled           BOOLEAN NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, slug)
);

--bun:split

CREATE TABLE oidc_logins (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
    provider_id   INTEGER NOT NULL,
    state_hash    TEXT NOT NULL UNIQUE,
    nonce         TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    invitation_id INTEGER,
    return_to     TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP,
    FOREIGN KEY (tenant_id, provider_id) REFERENCES oidc_providers (tenant_id, id),
    FOREIGN KEY (tenant_id, invitation_id) REFERENCES invitations (tenant_id, id)
);

--bun:split

CREATE TABLE login_links (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    email       TEXT NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);

--bun:split

CREATE INDEX login_links_email ON login_links (tenant_id, email, created_at);

--bun:split

-- The audit log is append-only: rows can be added, never changed, and removed
-- only once they are older than the five-year retention period.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    at              TIMESTAMP NOT NULL,
    user_id         INTEGER REFERENCES users (id),
    user_label      TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT '',
    unit_id         INTEGER,
    organisation_id INTEGER,
    action          TEXT NOT NULL,
    object_type     TEXT NOT NULL DEFAULT '',
    object_id       TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    request_id      TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id)
);

--bun:split

CREATE INDEX audit_log_search ON audit_log (tenant_id, at DESC);

--bun:split

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'kamrat: the audit log is append-only');
END;

--bun:split

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    WHEN OLD.at >= datetime('now', '-5 years')
BEGIN
    SELECT RAISE(ABORT, 'kamrat: the audit log is append-only');
END;

--bun:split

CREATE TABLE audit_checks (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    checked_by  INTEGER NOT NULL REFERENCES users (id),
    checked_at  TIMESTAMP NOT NULL,
    period_from TIMESTAMP NOT NULL,
    period_to   TIMESTAMP NOT NULL,
    scope       TEXT NOT NULL,
    conclusion  TEXT NOT NULL,
    UNIQUE (tenant_id, id)
);
