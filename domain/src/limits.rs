//! Explicit size limits on every record, so no input can exhaust memory or the index.
//!
//! They are generous for real civil-service data (a long CV is ~20k characters) and
//! are enforced by [`crate::Validate`] on import and on every API write.

/// Ids: `[A-Za-z0-9._:-]`, at most this many characters.
pub const ID_CHARS: usize = 64;
/// Names, titles, positions, institutions.
pub const NAME_CHARS: usize = 300;
/// One skill, specialty or competency.
pub const TERM_CHARS: usize = 120;
/// Description, duties of a vacancy; duties of one job.
pub const LONG_TEXT_CHARS: usize = 20_000;
/// A profile's summary / CV text.
pub const SUMMARY_CHARS: usize = 50_000;
/// Reasons and comments written by people.
pub const REASON_CHARS: usize = 4_000;
/// Items in lists of skills, specialties, competencies.
pub const TERMS: usize = 100;
/// Education records in one profile.
pub const EDUCATION_RECORDS: usize = 20;
/// Work-history records in one profile.
pub const EXPERIENCE_RECORDS: usize = 60;
/// Language entries in a profile or a vacancy.
pub const LANGUAGES: usize = 10;
/// Consent records in one profile.
pub const CONSENTS: usize = 50;
/// One line of a JSON Lines import file, in bytes.
pub const IMPORT_LINE_BYTES: usize = 1 << 20;
/// Years of experience a requirement may ask for.
pub const MAX_REQUIRED_YEARS: u8 = 40;
/// Applications a candidate may have in play at once, ranked by preference (as
/// Korea's e-Saram allows four).
pub const PREFERENCES: u8 = 4;
