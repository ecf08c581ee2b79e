-- Records are kept whole as JSON in `body`; the columns beside it are the ones
-- queries filter or join on. The domain crate validates bodies before they get here.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE vacancies (
    id               TEXT PRIMARY KEY NOT NULL,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    status           TEXT NOT NULL,
    region           TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    body             TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TEXT NOT NULL
);
CREATE INDEX vacancies_by_status ON vacancies (status, deadline);
CREATE INDEX vacancies_by_organisation ON vacancies (organisation_id);

CREATE TABLE profiles (
    id                  TEXT PRIMARY KEY NOT NULL,
    region              TEXT NOT NULL,
    processing_consent  BOOLEAN NOT NULL,
    body                TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    updated_at          TEXT NOT NULL
);

CREATE TABLE applications (
    id          TEXT PRIMARY KEY NOT NULL,
    vacancy_id  TEXT NOT NULL REFERENCES vacancies (id),
    profile_id  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (vacancy_id, profile_id)
);
CREATE INDEX applications_by_profile ON applications (profile_id);

CREATE TABLE reserve_entries (
    id                 TEXT PRIMARY KEY NOT NULL,
    profile_id         TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL,
    origin_vacancy_id  TEXT REFERENCES vacancies (id),
    expires_at         TEXT NOT NULL,
    body               TEXT NOT NULL
);
CREATE INDEX reserve_by_profile ON reserve_entries (profile_id);

CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY NOT NULL,
    at            TEXT NOT NULL,
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
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- The change feed the derived index and vectors catch up from.
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    op         TEXT NOT NULL,
    at         TEXT NOT NULL
);
