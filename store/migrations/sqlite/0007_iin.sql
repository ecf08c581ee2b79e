-- The national IIN of a profile, optional: unique per person, so a second profile
-- with the same IIN is refused, and a re-import can find the person by it. The
-- profile body keeps it too; this column exists for the uniqueness and the lookup.
ALTER TABLE profiles ADD COLUMN iin TEXT;
CREATE UNIQUE INDEX profiles_by_iin ON profiles (iin) WHERE iin IS NOT NULL;
