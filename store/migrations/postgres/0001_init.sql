-- Records are kept whole as JSONB in `body`; the columns beside it are the ones
-- queries filter or join on. The domain crate validates bodies before they get here.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    body        JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE vacancies (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    status           TEXT NOT NULL,
    region           TEXT NOT NULL,
    deadline         DATE NOT NULL,
    body             JSONB NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX vacancies_by_status ON vacancies (status, deadline);
CREATE INDEX vacancies_by_organisation ON vacancies (organisation_id);

CREATE TABLE profiles (
    id                  TEXT PRIMARY KEY,
    region              TEXT NOT NULL,
    processing_consent  BOOLEAN NOT NULL,
    body                JSONB NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    updated_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE applications (
    id          TEXT PRIMARY KEY,
    vacancy_id  TEXT NOT NULL REFERENCES vacancies (id),
    profile_id  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    body        JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (vacancy_id, profile_id)
);
CREATE INDEX applications_by_profile ON applications (profile_id);

CREATE TABLE reserve_entries (
    id                 TEXT PRIMARY KEY,
    profile_id         TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL,
    origin_vacancy_id  TEXT REFERENCES vacancies (id),
    expires_at         TIMESTAMPTZ NOT NULL,
    body               JSONB NOT NULL
);
CREATE INDEX reserve_by_profile ON reserve_entries (profile_id);

CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY,
    at            TIMESTAMPTZ NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject_kind  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    detail        TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_by_subject ON audit_log (subject_kind, subject_id);

-- The audit log is append-only: the database itself refuses edits.
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The change feed the derived index and vectors catch up from. Writers take an
-- advisory lock first so sequence numbers become visible in order.
CREATE TABLE changes (
    seq        BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    op         TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
