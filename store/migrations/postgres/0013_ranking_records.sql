-- What each audited ranking was computed from (qabilet_matcher::ranking::record):
-- the fusion settings and every applicant's raw signals, kept by the SHA-256 of
-- the exact JSON text, which the audit entry of the view or decision names. TEXT,
-- not JSON(B): the bytes are what the hash covers, so they must come back as they
-- went in. A record is written once and shared by every view of the same ranking;
-- like the audit log, it is never changed or removed.
CREATE TABLE ranking_records (
    hash        TEXT PRIMARY KEY NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION ranking_records_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ranking_records is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ranking_records_no_update_or_delete BEFORE UPDATE OR DELETE ON ranking_records
    FOR EACH ROW EXECUTE FUNCTION ranking_records_append_only();
