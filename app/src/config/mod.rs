//! The one configuration of a deployment, loaded in one place ([`Config::load`])
//! and handed to every front door through [`crate::App`]:
//!
//! - the ranking weights, from `DATA_DIR/ranking.json` ([`RankingFile`]): written
//!   by `qabilet eval --calibrate --write-config` or by hand, and followed while the
//!   server runs, so a recalibration reaches the commission's page without a
//!   restart;
//! - the reserve policy (who enters after a competition, who is notified of a match);
//! - the limits every front door enforces alike ([`Limits`]);
//! - the jurisdiction's calendar ([`Jurisdiction`]): deadlines are days in
//!   Kazakhstan, not in UTC;
//! - how long people's sessions last and how sign-in is throttled ([`Sessions`]);
//! - what personal data the HRM receives, from `DATA_DIR/privacy.json` ([`Privacy`]);
//! - whether candidates' notifications are also emailed, and through which SMTP
//!   relay, from `DATA_DIR/email.json` ([`EmailSettings`]; absent: no email).

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{FixedOffset, NaiveDate, Utc};
use qabilet_matcher::ranking::{RankingConfig, QUERY_CHARS};
use qabilet_matcher::reserve::ReservePolicy;

mod email;
pub use email::EmailSettings;

/// File name of a deployment's ranking weights in its data directory.
pub const RANKING_FILE: &str = "ranking.json";

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Ranking { path: String, message: String },
    #[error("{path}: {message}")]
    Models { path: String, message: String },
    #[error("{path}: {message}")]
    Privacy { path: String, message: String },
    #[error("{path}: {message}")]
    Qualifications { path: String, message: String },
    #[error("{path}: {message}")]
    Email { path: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Ranking weights in force, with a version that changes whenever they do (it is
/// part of every cached shortlist's key).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub config: RankingConfig,
    /// FNV-1a of the weights' JSON.
    pub version: u64,
}

impl Ranking {
    pub fn new(config: RankingConfig) -> Ranking {
        let json = serde_json::to_string(&config).unwrap_or_default();
        let version = qabilet_indexer::text_hash(&json);
        Ranking { config, version }
    }
}

/// Checks what serde cannot: weights that are finite, non-negative and not all
/// zero, and retrieval depths in bounds.
pub fn validate_ranking(config: &RankingConfig) -> Result<(), String> {
    let weights = [
        config.bm25_weight,
        config.dense_weight,
        config.structured_weight,
    ];
    if weights.iter().any(|w| !w.is_finite() || *w < 0.0) || weights.iter().sum::<f32>() <= 0.0 {
        return Err("bm25_weight, dense_weight and structured_weight must be non-negative, finite and not all zero".into());
    }
    let s = &config.structured;
    let parts = [s.requirements, s.experience, s.education, s.skills];
    if parts.iter().any(|w| !w.is_finite() || *w < 0.0) {
        return Err("the structured weights must be non-negative and finite".into());
    }
    if !(config.rrf_k.is_finite() && config.rrf_k > 0.0) {
        return Err("rrf_k must be positive".into());
    }
    if !(1..=1_000).contains(&config.depth) || !(1..=1_000).contains(&config.vacancy_depth) {
        return Err("depth and vacancy_depth must be between 1 and 1000".into());
    }
    if config.sentences > 20 {
        return Err("sentences must be at most 20".into());
    }
    Ok(())
}

fn read_ranking(path: &Path) -> Result<Option<RankingConfig>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ConfigError::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    let bad = |message: String| ConfigError::Ranking {
        path: path.display().to_string(),
        message,
    };
    let config: RankingConfig = serde_json::from_str(&text)
        .map_err(|e| bad(format!("not a valid ranking config (the fields of RankingConfig; unknown ones are refused): {e}")))?;
    validate_ranking(&config).map_err(bad)?;
    Ok(Some(config))
}

/// Writes `config` as the deployment's weights, atomically (a server following the
/// file never reads half of it).
pub fn write_ranking(data_dir: &Path, config: &RankingConfig) -> Result<PathBuf, ConfigError> {
    validate_ranking(config).map_err(|message| ConfigError::Ranking {
        path: RANKING_FILE.into(),
        message,
    })?;
    let path = data_dir.join(RANKING_FILE);
    let tmp = data_dir.join(format!("{RANKING_FILE}.tmp"));
    let io = |source| ConfigError::Io {
        path: path.display().to_string(),
        source,
    };
    let text = serde_json::to_string_pretty(config).unwrap_or_default() + "\n";
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(path)
}

/// The ranking weights, followed on disk. Every read compares the file's
/// modification time and length with the ones loaded (a `stat`, microseconds
/// against a shortlist's milliseconds); a changed file is read again. A file that
/// no longer parses is logged and the weights in force are kept: a typo must not
/// take the commission's shortlist down.
#[derive(Debug)]
pub struct RankingFile {
    path: Option<PathBuf>,
    /// The file's stamp when last read (`None`: absent), and the weights in force.
    loaded: Mutex<(Option<Stamp>, Arc<Ranking>)>,
}

/// A file's modification time and length.
type Stamp = (SystemTime, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl RankingFile {
    /// Fixed weights, not followed on disk (tests, benchmarks).
    pub fn fixed(config: RankingConfig) -> RankingFile {
        RankingFile {
            path: None,
            loaded: Mutex::new((None, Arc::new(Ranking::new(config)))),
        }
    }

    /// The weights of `DATA_DIR/ranking.json` (the built-in defaults without one);
    /// a file that does not parse is an error here, at start.
    pub fn load(data_dir: &Path) -> Result<RankingFile, ConfigError> {
        let path = data_dir.join(RANKING_FILE);
        let seen = stamp(&path);
        let config = read_ranking(&path)?.unwrap_or_default();
        Ok(RankingFile {
            path: Some(path),
            loaded: Mutex::new((seen, Arc::new(Ranking::new(config)))),
        })
    }

    /// The weights in force now.
    pub fn current(&self) -> Arc<Ranking> {
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        let Some(path) = &self.path else {
            return loaded.1.clone();
        };
        let now = stamp(path);
        if now != loaded.0 {
            match read_ranking(path) {
                Ok(config) => {
                    let ranking = Ranking::new(config.unwrap_or_default());
                    if ranking != *loaded.1 {
                        tracing::info!(path = %path.display(), version = ranking.version, "ranking weights reloaded");
                    }
                    *loaded = (now, Arc::new(ranking));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "ranking weights not reloaded; the ones in force stay");
                    loaded.0 = now;
                }
            }
        }
        loaded.1.clone()
    }
}

/// Limits every front door enforces alike.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most entries one shortlist (or talent search) returns in each list.
    pub shortlist_entries: usize,
    /// Most vacancies a person's ranked list returns.
    pub person_vacancies: usize,
    /// Most records one list request returns.
    pub page: i64,
    /// Most records one import request carries (`qabilet import` streams files).
    pub import_records: usize,
    /// Most hits one vacancy search returns, and the deepest offset.
    pub search_results: usize,
    pub search_offset: usize,
    /// Longest typed query, in characters.
    pub query_chars: usize,
    /// Days a reserve entry may be kept from now, when added or extended.
    pub reserve_days: RangeInclusive<i64>,
    /// Applicants of all the ranked shortlists a node keeps between views (see
    /// `shortlist::ShortlistCache`); 0 ranks every view afresh.
    pub shortlist_cache_applicants: u64,
    /// Stored text of the decoded profiles a node keeps for ranking, in bytes
    /// (see `applicants::ProfileCache`); 0 decodes every applicant on every view.
    pub profile_cache_bytes: u64,
    /// (vacancy, applicant) pairs whose qualification check and structured fit a
    /// node keeps for ranking again (see `shortlist::pairs`); 0 checks every
    /// pair on every ranking.
    pub kept_pairs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            shortlist_entries: 500,
            person_vacancies: 100,
            page: 500,
            import_records: 1_000,
            search_results: 100,
            search_offset: 900,
            query_chars: QUERY_CHARS,
            reserve_days: 1..=1_095,
            shortlist_cache_applicants: 200_000,
            profile_cache_bytes: 256 << 20,
            kept_pairs: 200_000,
        }
    }
}

/// The calendar deadlines are kept in.
#[derive(Debug, Clone, Copy)]
pub struct Jurisdiction {
    /// Offset of local time from UTC, in seconds.
    pub utc_offset_seconds: i32,
}

impl Default for Jurisdiction {
    /// Kazakhstan: one time zone, UTC+5, since March 2024.
    fn default() -> Self {
        Jurisdiction {
            utc_offset_seconds: 5 * 3600,
        }
    }
}

impl Jurisdiction {
    /// Today in the jurisdiction: an application at 23:30 in Astana on the last day
    /// is on time, and a vacancy whose last day was yesterday there is closed.
    pub fn today(&self) -> NaiveDate {
        let offset = FixedOffset::east_opt(self.utc_offset_seconds)
            .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()));
        Utc::now().with_timezone(&offset).date_naive()
    }
}

/// How long people's sessions last and how sign-in is defended.
///
/// Sessions are rows in the store (see `accounts::sessions`), so every node that
/// shares the database honours them and no node needs a key of its own.
#[derive(Debug, Clone)]
pub struct Sessions {
    /// A session unused this long ends (default 30 minutes).
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, used or not (default 8 hours).
    pub lifetime: Duration,
    /// Whether the web's cookies carry `Secure` (only HTTPS). Off only for plain-HTTP
    /// development on a loopback address; the server says so when it starts.
    pub secure_cookies: bool,
    /// Sign-in attempts per user id.
    pub per_user: ThrottlePolicy,
    /// Sign-in attempts per client address.
    pub per_address: ThrottlePolicy,
    /// Reverse proxies whose `X-Forwarded-For` is believed: behind one, every
    /// request comes from the proxy's address, and the per-address throttle would
    /// otherwise count (and lock) everyone together.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for Sessions {
    fn default() -> Sessions {
        Sessions {
            idle_timeout: Duration::from_secs(30 * 60),
            lifetime: Duration::from_secs(8 * 3600),
            secure_cookies: true,
            per_user: ThrottlePolicy {
                free_attempts: 5,
                lock_after: 10,
                ..ThrottlePolicy::default()
            },
            // An office behind one NAT address signs in many people: more room.
            per_address: ThrottlePolicy {
                free_attempts: 30,
                lock_after: 100,
                ..ThrottlePolicy::default()
            },
            trusted_proxies: Vec::new(),
        }
    }
}

/// How sign-in attempts under one key (a user id, an address) are slowed down.
///
/// Attempts are counted before the password is checked, so parallel guesses count
/// too. After `free_attempts` in the window each further attempt must wait twice as
/// long after the previous one as the one before (1 s, 2 s, 4 s … up to
/// `max_delay`), else it is answered 429 with `Retry-After`; the attempt after
/// `lock_after` locks the key for `lock_for`. A successful sign-in clears the
/// user's count and takes back its own attempt from the address's.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub free_attempts: i64,
    pub lock_after: i64,
    pub max_delay: Duration,
    pub lock_for: Duration,
    /// Counts older than this start over (locks run their course).
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> ThrottlePolicy {
        ThrottlePolicy {
            free_attempts: 5,
            lock_after: 10,
            max_delay: Duration::from_secs(5 * 60),
            lock_for: Duration::from_secs(15 * 60),
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// What personal data leaves the agency, from `privacy.json` in the data
/// directory (absent: the defaults, which send nothing more).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Privacy {
    /// Whether the HRM client reads a profile's whole IIN (`GET /profiles/{id}`);
    /// it reads it masked otherwise. Owners, HR officers and admins always see it.
    pub hrm_receives_iin: bool,
}

impl Privacy {
    /// The file's name in the data directory.
    pub const FILE: &'static str = "privacy.json";

    /// Reads `privacy.json` in `data_dir`; the defaults if it is absent.
    pub fn load(data_dir: &Path) -> Result<Self, ConfigError> {
        load_settings(data_dir, Self::FILE, |path, message| ConfigError::Privacy {
            path,
            message,
        })
    }
}

/// A settings file of the data directory, or the defaults if it is absent;
/// `invalid` names what a file that does not parse is.
pub(crate) fn load_settings<T: serde::de::DeserializeOwned + Default>(
    data_dir: &Path,
    file: &str,
    invalid: fn(String, String) -> ConfigError,
) -> Result<T, ConfigError> {
    let path = data_dir.join(file);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(T::default()),
        Err(source) => {
            return Err(ConfigError::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| invalid(path.display().to_string(), e.to_string()))
}

/// Everything a deployment configures; see the module docs.
#[derive(Debug)]
pub struct Config {
    pub ranking: RankingFile,
    pub reserve: ReservePolicy,
    pub limits: Limits,
    pub jurisdiction: Jurisdiction,
    pub sessions: Sessions,
    pub privacy: Privacy,
    pub qualifications: crate::qualifications::QualificationDirectory,
    /// The email channel; `None`: off.
    pub email: Option<EmailSettings>,
    /// The audit log's signing key and checkpoint files (see [`crate::checkpoints`]).
    pub audit: crate::checkpoints::AuditKeys,
}

impl Config {
    /// The configuration of the deployment in `data_dir` (its `ranking.json`,
    /// `privacy.json` and `email.json`, the defaults for the rest).
    pub fn load(data_dir: &Path) -> Result<Config, ConfigError> {
        Ok(Config {
            ranking: RankingFile::load(data_dir)?,
            privacy: Privacy::load(data_dir)?,
            qualifications: crate::qualifications::QualificationDirectory::load(data_dir)?,
            email: EmailSettings::load(data_dir)?,
            audit: crate::checkpoints::AuditKeys::of(data_dir),
            ..Config::with_defaults()
        })
    }

    /// Built-in defaults (the demo's calibrated weights), not followed on disk.
    pub fn with_defaults() -> Config {
        Config {
            ranking: RankingFile::fixed(RankingConfig::default()),
            reserve: ReservePolicy::default(),
            limits: Limits::default(),
            jurisdiction: Jurisdiction::default(),
            sessions: Sessions::default(),
            privacy: Privacy::default(),
            qualifications: crate::qualifications::QualificationDirectory::demo(),
            email: None,
            audit: crate::checkpoints::AuditKeys::default(),
        }
    }
}

/// `models.json` in the data directory: how this deployment runs its encoder.
/// Absent means the defaults (fp32).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    /// `fp32` (the reference) or `int8` (1.7× fp32's texts/s with AVX-512
    /// VNNI, no faster on AVX2 alone; vectors agree with fp32 to a cosine of
    /// ≥ 0.99, `qabilet bench embed` prints by how much). Vectors of the other precision are re-embedded by
    /// `qabilet index sync`, never compared.
    #[serde(default)]
    pub precision: qabilet_models::Precision,
}

impl ModelSettings {
    /// The file's name in the data directory.
    pub const FILE: &'static str = "models.json";

    /// Reads `models.json` in `data_dir`; the defaults if it is absent.
    pub fn load(data_dir: &Path) -> Result<Self, ConfigError> {
        load_settings(data_dir, Self::FILE, |path, message| ConfigError::Models {
            path,
            message,
        })
    }

    /// Writes `models.json` in `data_dir` (atomically: a temporary file renamed).
    pub fn save(&self, data_dir: &Path) -> Result<(), ConfigError> {
        let path = data_dir.join(Self::FILE);
        let tmp = data_dir.join(format!(".{}.tmp", Self::FILE));
        let io = |source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        };
        let json = serde_json::to_vec_pretty(self).expect("settings serialise");
        std::fs::write(&tmp, json).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privacy_sends_no_iin_to_the_hrm_unless_the_agency_says_so() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!Privacy::load(dir.path()).unwrap().hrm_receives_iin);
        std::fs::write(
            dir.path().join(Privacy::FILE),
            r#"{"hrm_receives_iin": true}"#,
        )
        .unwrap();
        assert!(Privacy::load(dir.path()).unwrap().hrm_receives_iin);
        assert!(Config::load(dir.path()).unwrap().privacy.hrm_receives_iin);
        std::fs::write(dir.path().join(Privacy::FILE), r#"{"hrm_gets_iin": true}"#).unwrap();
        let e = Privacy::load(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("privacy.json") && e.contains("hrm_gets_iin"),
            "{e}"
        );
    }

    #[test]
    fn email_is_off_without_a_file_and_a_file_that_cannot_work_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(EmailSettings::load(dir.path()).unwrap(), None);
        assert!(Config::load(dir.path()).unwrap().email.is_none());
        let write =
            |json: &str| std::fs::write(dir.path().join(EmailSettings::FILE), json).unwrap();
        write(
            r#"{"host": "127.0.0.1", "from": "Qabilet <noreply@qabilet.kz>", "public_base_url": "https://qabilet.kz/"}"#,
        );
        let on = Config::load(dir.path()).unwrap().email.unwrap();
        assert_eq!((on.host.as_str(), on.port), ("127.0.0.1", 25));
        assert_eq!(
            on.public_base_url, "https://qabilet.kz",
            "the trailing slash goes"
        );
        assert_eq!(on.password().unwrap(), None);
        let refused = |json: &str, field: &str| {
            write(json);
            let e = EmailSettings::load(dir.path()).unwrap_err().to_string();
            assert!(
                e.contains("email.json") && e.contains(field),
                "{field}: {e}"
            );
        };
        let base = r#""from": "noreply@qabilet.kz", "public_base_url": "https://qabilet.kz""#;
        refused(
            &format!(r#"{{"host": "mail.gov.kz", "starttls": true, {base}}}"#),
            "starttls",
        );
        refused(
            &format!(r#"{{"host": "mail.gov.kz", "smtp_host": "x", {base}}}"#),
            "smtp_host",
        );
        refused(
            &format!(r#"{{"host": "mail.gov.kz", "username": "q", "password_env": "P", {base}}}"#),
            "username",
        );
        refused(
            &format!(r#"{{"host": "localhost", "username": "q", {base}}}"#),
            "password_env",
        );
        refused(
            r#"{"host": "localhost", "from": "noreply", "public_base_url": "https://q.kz"}"#,
            "from",
        );
        refused(
            r#"{"host": "localhost", "from": "a@b.kz", "public_base_url": "qabilet.kz"}"#,
            "public_base_url",
        );
        // Credentials to a relay on this host: the password comes from the environment.
        write(&format!(
            r#"{{"host": "::1", "username": "q", "password_env": "QABILET_TEST_UNSET_SMTP_PASSWORD", {base}}}"#
        ));
        let local = EmailSettings::load(dir.path()).unwrap().unwrap();
        let e = local.password().unwrap_err().to_string();
        assert!(e.contains("QABILET_TEST_UNSET_SMTP_PASSWORD"), "{e}");
    }

    #[test]
    fn model_settings_default_to_fp32_and_refuse_an_unknown_precision() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            ModelSettings::load(dir.path()).unwrap().precision,
            qabilet_models::Precision::Fp32
        );
        let int8 = ModelSettings {
            precision: qabilet_models::Precision::Int8,
        };
        int8.save(dir.path()).unwrap();
        assert_eq!(ModelSettings::load(dir.path()).unwrap(), int8);
        std::fs::write(
            dir.path().join(ModelSettings::FILE),
            r#"{"precision":"int4"}"#,
        )
        .unwrap();
        let err = ModelSettings::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("int4"), "{err}");
    }

    #[test]
    fn the_ranking_file_is_followed_and_a_broken_one_is_kept_out() {
        let dir = tempfile::tempdir().unwrap();
        let file = RankingFile::load(dir.path()).unwrap();
        let default = file.current();
        assert_eq!(default.config, RankingConfig::default());
        let config = RankingConfig {
            bm25_weight: 0.7,
            ..RankingConfig::default()
        };
        write_ranking(dir.path(), &config).unwrap();
        let changed = file.current();
        assert_eq!(changed.config.bm25_weight, 0.7);
        assert_ne!(changed.version, default.version);
        // A broken file: the weights in force stay.
        std::fs::write(dir.path().join(RANKING_FILE), "{\"bm25_weight\": -1}").unwrap();
        assert_eq!(file.current().config.bm25_weight, 0.7);
        // … and the same file refuses to start a server.
        assert!(matches!(
            RankingFile::load(dir.path()),
            Err(ConfigError::Ranking { .. })
        ));
        std::fs::write(dir.path().join(RANKING_FILE), "{\"unknown\": 1}").unwrap();
        assert!(RankingFile::load(dir.path()).is_err());
        std::fs::remove_file(dir.path().join(RANKING_FILE)).unwrap();
        assert_eq!(file.current().config, RankingConfig::default());
    }

    #[test]
    fn today_is_kazakhstans() {
        let utc = Jurisdiction {
            utc_offset_seconds: 0,
        }
        .today();
        let kz = Jurisdiction::default().today();
        assert!(kz == utc || kz == utc.succ_opt().unwrap());
    }
}
