//! `qabilet users …` and `qabilet keys …`: account management at the command line,
//! through the same use cases as the API's `/users` and `/api-keys` routes and the
//! admin's web page. The audit log records the operator (`cli:$USER`).
//!
//! This is also how an agency creates its first admin: `qabilet users add NAME
//! --role admin` prints a password once; at the first sign-in the web asks the admin
//! to set up the second factor (TOTP) before anything else.

use comfy_table::Table;
use qabilet_app::accounts::{self, throttle, NewApiKey, NewUser};
use qabilet_app::{Actor, App, Role};
use qabilet_domain::{OrganisationId, ProfileId};

/// `qabilet users …`.
#[derive(clap::Subcommand, Debug)]
pub enum UsersCommand {
    /// Create a user; prints the password made up for them (shown once) unless
    /// `--password-stdin` gives one.
    Add {
        /// The user id (letters, digits, - _ . :).
        id: String,
        /// candidate, commission, hr or admin.
        #[arg(long)]
        role: String,
        /// The organisation of an HR officer.
        #[arg(long)]
        organisation: Option<String>,
        /// The profile of a candidate.
        #[arg(long)]
        profile: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Every user, with role, scope, second factor and whether disabled.
    List,
    /// Disable a user: their sessions end at once and they cannot sign in.
    Disable { id: String },
    /// Enable a disabled user again.
    Enable { id: String },
    /// Set a new password (made up and printed, or from stdin); ends their sessions.
    ResetPassword {
        id: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a user's second factor (a lost phone); they set up a new one at the
    /// next sign-in.
    ResetSecondFactor { id: String },
    /// A user's open sessions.
    Sessions { id: String },
    /// End every session of a user.
    EndSessions { id: String },
    /// Sign-in throttles: user ids and addresses with recent failed attempts or locks.
    Throttles,
    /// Lift a sign-in lock (`user:ID` or `ip:ADDRESS`, as `throttles` lists them).
    Unlock { key: String },
}

/// `qabilet keys …`: API keys of integration clients.
#[derive(clap::Subcommand, Debug)]
pub enum KeysCommand {
    /// Create an API key for the HRM system (or an admin script); printed once.
    Add {
        id: String,
        /// hrm or admin.
        #[arg(long, default_value = "hrm")]
        role: String,
    },
    /// Every API key (never the key itself), revoked ones too.
    List,
    /// Revoke a key: it stops working on the next request.
    Revoke { id: String },
    /// The secret that signs HRM webhooks (hex), for the HRM system to verify them
    /// (`X-Qabilet-Signature`); every server of the deployment signs with it.
    WebhookSecret,
}

fn role_of(s: &str) -> anyhow::Result<Role> {
    Role::parse(s).ok_or_else(|| {
        anyhow::anyhow!("unknown role {s:?}; one of candidate, commission, hr, hrm, admin, auditor")
    })
}

fn password_from_stdin(wanted: bool) -> anyhow::Result<Option<String>> {
    if !wanted {
        return Ok(None);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    anyhow::ensure!(!password.is_empty(), "no password on standard input");
    Ok(Some(password))
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// Runs a `users` command.
pub async fn users(command: UsersCommand, app: &App) -> anyhow::Result<()> {
    let operator = Actor::operator_from_env();
    match command {
        UsersCommand::Add {
            id,
            role,
            organisation,
            profile,
            password_stdin,
        } => {
            let new = NewUser {
                id,
                role: role_of(&role)?,
                organisation_id: organisation
                    .map(OrganisationId::new)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--organisation: {e}"))?,
                profile_id: profile
                    .map(ProfileId::new)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--profile: {e}"))?,
                password: password_from_stdin(password_stdin)?,
            };
            let created = accounts::create_user(app, &operator, &new).await?;
            println!("user {} ({role}) created", created.id);
            if let Some(password) = created.password {
                println!("password (shown once):\n{password}");
            }
            if created.second_factor_required {
                println!("at the first sign-in they set up the second factor (TOTP) before anything else");
            }
        }
        UsersCommand::List => {
            let mut table = Table::new();
            table.set_header([
                "user",
                "role",
                "organisation",
                "profile",
                "second factor",
                "disabled",
                "created",
            ]);
            for u in accounts::users(app, &operator).await? {
                table.add_row([
                    u.id,
                    u.role.as_str().to_owned(),
                    u.organisation_id.unwrap_or_default(),
                    u.profile_id.unwrap_or_default(),
                    if u.second_factor { "yes" } else { "no" }.to_owned(),
                    if u.disabled { "disabled" } else { "" }.to_owned(),
                    when(Some(u.created_at)),
                ]);
            }
            println!("{table}");
        }
        UsersCommand::Disable { id } => {
            accounts::set_disabled(app, &operator, &id, true).await?;
            println!("user {id} disabled; their sessions have ended");
        }
        UsersCommand::Enable { id } => {
            accounts::set_disabled(app, &operator, &id, false).await?;
            println!("user {id} enabled");
        }
        UsersCommand::ResetPassword { id, password_stdin } => {
            let given = password_from_stdin(password_stdin)?;
            let reset = accounts::reset_password(app, &operator, &id, given.as_deref()).await?;
            println!(
                "password of {id} reset; {} session(s) ended",
                reset.sessions_ended
            );
            if let Some(password) = reset.password {
                println!("new password (shown once):\n{password}");
            }
        }
        UsersCommand::ResetSecondFactor { id } => {
            accounts::reset_second_factor(app, &operator, &id).await?;
            println!("second factor of {id} removed; they set up a new one at the next sign-in");
        }
        UsersCommand::Sessions { id } => {
            let mut table = Table::new();
            table.set_header([
                "session",
                "signed in",
                "last seen",
                "ends",
                "address",
                "browser",
            ]);
            for s in accounts::sessions::sessions_of(app, &operator, &id).await? {
                table.add_row([
                    s.id,
                    when(Some(s.created_at)),
                    when(Some(s.last_seen_at)),
                    when(Some(s.expires_at)),
                    s.ip.unwrap_or_default(),
                    s.user_agent.unwrap_or_default(),
                ]);
            }
            println!("{table}");
        }
        UsersCommand::EndSessions { id } => {
            let n = accounts::sessions::end_sessions_of(app, &operator, &id).await?;
            println!("{n} session(s) of {id} ended");
        }
        UsersCommand::Throttles => {
            let mut table = Table::new();
            table.set_header(["key", "attempts", "last attempt", "locked until"]);
            for t in throttle::list(app, &operator).await? {
                table.add_row([
                    t.key,
                    t.attempts.to_string(),
                    when(Some(t.last_attempt_at)),
                    when(t.locked_until),
                ]);
            }
            println!("{table}");
        }
        UsersCommand::Unlock { key } => {
            throttle::unlock(app, &operator, &key).await?;
            println!("{key} unlocked");
        }
    }
    Ok(())
}

/// Runs a `keys` command.
pub async fn keys(
    command: KeysCommand,
    app: &App,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let operator = Actor::operator_from_env();
    match command {
        KeysCommand::WebhookSecret => {
            let secret = qabilet_app::system::webhook_secret(app, data_dir).await?;
            println!("{}", hex::encode(secret));
        }
        KeysCommand::Add { id, role } => {
            let new = NewApiKey {
                id,
                role: role_of(&role)?,
            };
            let created = accounts::create_api_key(app, &operator, &new).await?;
            println!(
                "API key {} ({role}) created (shown once):\n{}",
                created.id, created.key
            );
        }
        KeysCommand::List => {
            let mut table = Table::new();
            table.set_header(["key", "role", "created", "revoked"]);
            for k in accounts::api_keys(app, &operator).await? {
                table.add_row([
                    k.id,
                    k.role.as_str().to_owned(),
                    when(Some(k.created_at)),
                    when(k.revoked_at),
                ]);
            }
            println!("{table}");
        }
        KeysCommand::Revoke { id } => {
            accounts::revoke_api_key(app, &operator, &id).await?;
            println!("API key {id} revoked");
        }
    }
    Ok(())
}
