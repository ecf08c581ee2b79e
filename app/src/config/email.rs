//! The email channel's settings (`DATA_DIR/email.json`): kept apart from the rest
//! of the configuration, which it would otherwise outgrow.

use std::path::Path;

use super::{load_settings, ConfigError};

/// The email channel, from `email.json` in the data directory. Absent, no email is
/// sent; present, `qabilet serve` mails each candidate notification as it reaches
/// the outbox (the API crate's `email` worker). For example:
///
/// ```json
/// {"host": "127.0.0.1", "port": 25, "from": "Qabilet <noreply@qabilet.gov.kz>",
///  "public_base_url": "https://qabilet.gov.kz"}
/// ```
///
/// The channel speaks plain SMTP: this build has no TLS library (as the HRM
/// webhook has none). Mail leaves the machine through a relay on this host (a
/// local Postfix, say) that does STARTTLS to the agency's mail server, so
/// `starttls: true` is refused, and so are a username and password for a relay that
/// is not on this host: they would cross the network in clear.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    /// The SMTP relay's host name or address.
    pub host: String,
    /// Its port.
    #[serde(default = "EmailSettings::default_port")]
    pub port: u16,
    /// The sender of every message: `noreply@agency.kz` or `Name <noreply@agency.kz>`.
    pub from: String,
    /// The SMTP AUTH user name, when the relay asks for one.
    #[serde(default)]
    pub username: Option<String>,
    /// The environment variable holding the password (`QABILET_SMTP_PASSWORD`,
    /// say): the file holds no secret. Required with `username`.
    #[serde(default)]
    pub password_env: Option<String>,
    /// STARTTLS to the relay; see the type's docs (only `false` is accepted).
    #[serde(default)]
    pub starttls: bool,
    /// Where people reach the service (`https://qabilet.agency.kz`); every message
    /// links to the inbox there, `{public_base_url}/web/inbox`.
    pub public_base_url: String,
}

impl EmailSettings {
    /// The file's name in the data directory.
    pub const FILE: &'static str = "email.json";

    fn default_port() -> u16 {
        25
    }

    /// Reads `email.json` in `data_dir`: `None` if it is absent (no email), an
    /// error naming the file and the field if it cannot be used.
    pub fn load(data_dir: &Path) -> Result<Option<Self>, ConfigError> {
        let settings: Option<EmailSettings> =
            load_settings(data_dir, Self::FILE, |path, message| ConfigError::Email {
                path,
                message,
            })?;
        let Some(mut settings) = settings else {
            return Ok(None);
        };
        settings.check().map_err(|message| ConfigError::Email {
            path: data_dir.join(Self::FILE).display().to_string(),
            message,
        })?;
        settings.public_base_url = settings.public_base_url.trim_end_matches('/').to_owned();
        Ok(Some(settings))
    }

    /// What serde cannot check.
    fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() || self.host.contains(char::is_whitespace) {
            return Err("host: the SMTP relay's host name or address, without spaces".into());
        }
        if self.port == 0 {
            return Err("port: 1 to 65535 (25, or 587 for submission)".into());
        }
        if !self.from.contains('@') {
            return Err(
                "from: an address such as noreply@agency.kz or Name <noreply@agency.kz>".into(),
            );
        }
        let url = self.public_base_url.as_str();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        if rest.is_none_or(|r| r.trim_matches('/').is_empty() || r.contains(char::is_whitespace)) {
            return Err(format!(
                "public_base_url: {url:?} is not http(s)://host[:port][/path], where people reach the service"
            ));
        }
        if self.starttls {
            return Err(
                "starttls: this build speaks plain SMTP (no TLS library is built in); \
                 set host to a relay on this machine that does TLS onwards, and starttls to false"
                    .into(),
            );
        }
        match (&self.username, &self.password_env) {
            (Some(_), None) => {
                return Err("password_env: required with username (the environment variable holding the password)".into())
            }
            (None, Some(_)) => return Err("username: required with password_env".into()),
            (Some(_), Some(_)) if !self.relay_is_local() => {
                return Err(format!(
                    "username: the password would cross the network in clear to {:?}; \
                     use a relay on this machine (localhost) for authenticated TLS onwards",
                    self.host
                ))
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether the relay is on this machine (`localhost` or a loopback address).
    pub fn relay_is_local(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// The SMTP password, read from the variable `password_env` names (`None`
    /// without one); an error if that variable is not set.
    pub fn password(&self) -> Result<Option<String>, ConfigError> {
        let Some(var) = &self.password_env else {
            return Ok(None);
        };
        match std::env::var(var) {
            Ok(p) if !p.is_empty() => Ok(Some(p)),
            _ => Err(ConfigError::Email {
                path: Self::FILE.into(),
                message: format!("password_env: the environment variable {var} is not set"),
            }),
        }
    }
}
