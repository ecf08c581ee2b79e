//! Passwords: Argon2id hashes, the rules a new password must meet, and passwords
//! made up for new accounts and resets.
//!
//! Hashing uses the `argon2` crate's defaults for Argon2id (19 MiB, 2 passes, one
//! lane: OWASP's recommended minimum), on a blocking thread, since one hash is
//! tens of milliseconds of CPU. Accounts made before passwords were hashed this way
//! keep a hex SHA-256 of a 256-bit login secret; it is accepted and replaced by an
//! Argon2id hash at the next sign-in.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use subtle::ConstantTimeEq;

use super::{hash_secret, random_bytes};
use crate::{AppError, AppResult};

/// The shortest password accepted (NIST SP 800-63B asks for at least 8; a civil
/// service account deserves more).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest: Argon2 takes any length, but a bound keeps hashing cheap.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The bundled list of common passwords (see the file's header for its source).
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Refuses a new password that is too short or long, common, or made from the
/// user id; says which rule it broke (the password itself is never echoed).
pub fn check_new_password(user_id: &str, password: &str) -> AppResult<()> {
    let refuse = |m: String| Err(AppError::invalid("password", m));
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return refuse(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return refuse(format!(
            "a password has at most {MAX_PASSWORD_CHARS} characters"
        ));
    }
    if password.chars().any(char::is_control) {
        return refuse("a password cannot contain control characters".into());
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return refuse("this password is on the list of common passwords".into());
    }
    let distinct: HashSet<char> = lower.chars().collect();
    if distinct.len() < 4 {
        return refuse("a password needs at least 4 different characters".into());
    }
    if !user_id.is_empty() && lower.contains(&user_id.to_lowercase()) {
        return refuse("a password cannot contain the user id".into());
    }
    Ok(())
}

/// The Argon2id PHC string of a password.
pub async fn hash_password(password: &str) -> AppResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> AppResult<String> {
    let salt = SaltString::encode_b64(&random_bytes()?[..16])
        .map_err(|e| AppError::internal(format!("password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("password hash: {e}")))
}

/// What checking a password against a stored hash found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    Wrong,
    Right,
    /// Right, against an old SHA-256 hash that should be replaced.
    RightButOldHash,
}

/// Checks `password` against `stored` (an Argon2 PHC string or an old hex SHA-256).
/// With `None` (no such user) a dummy hash is checked, so the answer takes as long
/// for a user who does not exist.
pub async fn verify_password(password: &str, stored: Option<&str>) -> AppResult<PasswordCheck> {
    static DUMMY: LazyLock<Option<String>> =
        LazyLock::new(|| hash_now("not a password of anyone here").ok());
    let password = password.to_owned();
    let stored = stored.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let Some(stored) = stored else {
            if let Some(dummy) = DUMMY.as_deref().and_then(|d| PasswordHash::new(d).ok()) {
                let _ = Argon2::default().verify_password(password.as_bytes(), &dummy);
            }
            return Ok(PasswordCheck::Wrong);
        };
        if stored.starts_with("$argon2") {
            let parsed = PasswordHash::new(&stored)
                .map_err(|e| AppError::internal(format!("stored password hash: {e}")))?;
            return Ok(
                match Argon2::default().verify_password(password.as_bytes(), &parsed) {
                    Ok(()) => PasswordCheck::Right,
                    Err(_) => PasswordCheck::Wrong,
                },
            );
        }
        let same = bool::from(hash_secret(&password).as_bytes().ct_eq(stored.as_bytes()));
        Ok(if same {
            PasswordCheck::RightButOldHash
        } else {
            PasswordCheck::Wrong
        })
    })
    .await?
}

/// A password made up for a new account or a reset: 100 random bits as four
/// groups of five letters and digits (easy to read out, not on any list).
pub fn generate_password() -> AppResult<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let bytes = random_bytes()?;
    let chars: Vec<char> = bytes[..20]
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_follow_the_rules() {
        assert!(check_new_password("hr.1", "short").is_err());
        assert!(
            check_new_password("hr.1", "password1234").is_err(),
            "common"
        );
        assert!(
            check_new_password("hr.1", "Qwerty123456").is_err(),
            "common, any case"
        );
        assert!(check_new_password("hr.1", "aaaaaaaaaaaaaaaa").is_err());
        assert!(check_new_password("aigerim.s", "aigerim.s-2026!").is_err());
        assert!(check_new_password("hr.1", "тұрақты-жасыл-алма-7").is_ok());
        let generated = generate_password().unwrap();
        assert_eq!(generated.len(), 23);
        assert!(check_new_password("hr.1", &generated).is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_and_old_hashes_are_recognised() {
        let hash = hash_password("тұрақты-жасыл-алма-7").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        let check = |p: &'static str, h: Option<String>| async move {
            verify_password(p, h.as_deref()).await.unwrap()
        };
        assert_eq!(
            check("тұрақты-жасыл-алма-7", Some(hash.clone())).await,
            PasswordCheck::Right
        );
        assert_eq!(
            check("тұрақты-жасыл-алма-8", Some(hash)).await,
            PasswordCheck::Wrong
        );
        let old = hash_secret("qu_old");
        assert_eq!(
            check("qu_old", Some(old.clone())).await,
            PasswordCheck::RightButOldHash
        );
        assert_eq!(check("qu_new", Some(old)).await, PasswordCheck::Wrong);
        assert_eq!(check("anything", None).await, PasswordCheck::Wrong);
    }
}
