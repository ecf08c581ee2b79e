//! `qabilet serve`: the HTTP API and the web pages on one server; `qabilet users`:
//! creating users and API keys.
//!
//! The server is the application core (`qabilet_app::App`: the store, the index it
//! keeps in step with the store, the model, the deployment's configuration) behind
//! two routers, the JSON API's (`qabilet_api`) and the web pages'
//! (`qabilet_web`), merged here under the API's HTTP layers.
//!
//! Secrets the server needs are kept in the data directory, created on first use
//! with mode 0600: `session.key` signs session tokens, `webhook.key` signs HRM
//! webhooks (give the HRM system a copy to verify them).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use qabilet_api::outbox::{spawn_delivery, WebhookConfig};
use qabilet_api::HttpConfig;
use qabilet_app::accounts::{self, NewApiKey, NewUser};
use qabilet_app::config::Sessions;
use qabilet_app::follower::spawn_follower;
use qabilet_app::{Actor, App, AppParts, Config, RankingThreads, Role};
use qabilet_domain::{OrganisationId, ProfileId};
use qabilet_indexer::{Index, IndexConfig};
use qabilet_store::Store;

/// Options of `qabilet serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "QABILET_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The search index directory (default: DATA_DIR/index). Without one, search
    /// answers 503 and everything else works.
    #[arg(long)]
    pub index_dir: Option<PathBuf>,
    /// The HRM system's webhook URL (http://…). Without it events are only pulled
    /// (GET /events).
    #[arg(long, env = "QABILET_HRM_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// Delivery attempts before an event is dead-lettered.
    #[arg(long, default_value_t = 10)]
    pub webhook_max_attempts: i32,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 4 << 20)]
    pub body_limit: usize,
    /// Requests running longer than this many seconds are answered 408.
    #[arg(long, default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Rank without the dense signal even when the embedding model is fetched
    /// (saves its memory; query embeddings are not computed).
    #[arg(long)]
    pub no_model: bool,
    /// How often the index follows the store's change feed, in milliseconds.
    #[arg(long, default_value_t = 500)]
    pub index_follow_ms: u64,
}

/// Reads a 32-byte hex key from `path`, creating it (mode 0600) when missing.
fn key_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()));
    }
    let key = accounts::random_bytes()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut file, hex::encode(key).as_bytes())?;
    Ok(key.to_vec())
}

/// Runs the server until Ctrl-C, then finishes in-flight requests and the webhook
/// attempt in flight. With an index, a follower applies the store's change feed to
/// it every `--index-follow-ms`; with the embedding model fetched, the shortlist
/// ranks with the dense signal (query embeddings cached per vacancy).
pub async fn run(args: ServeArgs, store: Store, data_dir: &Path) -> anyhow::Result<()> {
    // The server's log on stderr (RUST_LOG to change; default: info). A 500's cause
    // is only written here, so this must exist. Already set (tests): keep it.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    // One configuration for every front door; ranking.json is followed while serving.
    let mut config = Config::load(data_dir)?;
    config.sessions = Sessions::new(key_file(&data_dir.join("session.key"))?);
    let http = HttpConfig {
        body_limit: args.body_limit,
        request_timeout: Duration::from_secs(args.request_timeout_secs),
    };
    let model = if args.no_model {
        None
    } else {
        super::default_model(data_dir)?.map(Arc::new)
    };
    match &model {
        Some(m) => tracing::info!(model = m.model_id(), "dense ranking on"),
        None => tracing::info!("no embedding model: ranking without the dense signal"),
    }

    let index_dir = args.index_dir.unwrap_or_else(|| data_dir.join("index"));
    let mut index_handle = None;
    if index_dir.exists() {
        let dim = Index::stored_dim(&index_dir)
            .ok()
            .flatten()
            .unwrap_or(IndexConfig::default().dim);
        let config = IndexConfig {
            dim,
            ..IndexConfig::default()
        };
        match Index::open(&index_dir, config) {
            Ok(index) => index_handle = Some(Arc::new(RwLock::new(index))),
            // Serving without search beats not serving: the rest of the API works.
            Err(e) => {
                tracing::warn!(error = %e, dir = %index_dir.display(), "search disabled: cannot open the index")
            }
        }
    } else {
        tracing::info!(dir = %index_dir.display(), "search disabled: no index yet");
    }

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = match args.webhook_url {
        Some(url) => {
            let mut webhook = WebhookConfig::new(url, key_file(&data_dir.join("webhook.key"))?);
            webhook.max_attempts = args.webhook_max_attempts.max(1);
            Some(spawn_delivery(store.clone(), webhook, stop_rx.clone()))
        }
        None => None,
    };

    let app = App::new(AppParts {
        store: store.clone(),
        config,
        index: index_handle.clone(),
        model: model.clone(),
        ranking_threads: RankingThreads::Sequential,
    });
    // The index follows the store while serving: consent revocations and imports
    // reach search within a tick.
    let follower = index_handle.map(|index| {
        spawn_follower(
            store.clone(),
            index,
            model.clone(),
            Duration::from_millis(args.index_follow_ms.max(50)),
            stop_rx.clone(),
        )
    });

    let mut shutdown_rx = stop_rx;
    let shutdown = async move {
        let _ = shutdown_rx.wait_for(|stop| *stop).await;
    };
    let router = qabilet_api::router(app, qabilet_web::routes(), &http);
    let server = tokio::spawn(qabilet_api::serve(router, args.addr, shutdown));
    eprintln!("serving on http://{} (Ctrl-C stops)", args.addr);
    tokio::signal::ctrl_c().await?;
    eprintln!("stopping: finishing requests in flight");
    let _ = stop_tx.send(true);
    server.await??;
    if let Some(worker) = worker {
        worker.await?;
    }
    if let Some(follower) = follower {
        follower.await?;
    }
    Ok(())
}

/// `qabilet users …`: bootstrap of people and integration clients.
#[derive(clap::Subcommand, Debug)]
pub enum UsersCommand {
    /// Create a user and print their login secret (shown once).
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
    },
    /// Create an API key for the HRM system (or an admin script) and print it (shown once).
    AddKey {
        id: String,
        /// hrm or admin.
        #[arg(long, default_value = "hrm")]
        role: String,
    },
}

/// Runs a `users` command through the same use cases as `POST /users` and
/// `POST /api-keys`; the audit log records the operator (`cli:$USER`).
pub async fn users(command: UsersCommand, app: &App) -> anyhow::Result<()> {
    let operator = Actor::operator_from_env();
    let role_of = |s: &str| {
        Role::parse(s).ok_or_else(|| {
            anyhow::anyhow!("unknown role {s:?}; one of candidate, commission, hr, hrm, admin")
        })
    };
    match command {
        UsersCommand::Add {
            id,
            role,
            organisation,
            profile,
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
            };
            let created = accounts::create_user(app, &operator, &new).await?;
            println!(
                "user {} ({}) created; login secret (shown once):\n{}",
                created.id, role, created.secret
            );
        }
        UsersCommand::AddKey { id, role } => {
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
    }
    Ok(())
}
