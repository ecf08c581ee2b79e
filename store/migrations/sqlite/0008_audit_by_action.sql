-- Finding a document's issue entry (`protocol.issue`) by action, not by scanning
-- the whole log.
CREATE INDEX audit_by_action ON audit_log (action, seq);
