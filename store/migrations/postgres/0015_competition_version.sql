-- A server keeps each shortlist ranked and checks on every view whether its
-- competition changed (see CompetitionVersion in store/src/overrides.rs): the
-- count and the latest change of the vacancy's applications, read from this index
-- alone instead of every application row.
CREATE INDEX applications_by_vacancy_updated ON applications (vacancy_id, updated_at);
