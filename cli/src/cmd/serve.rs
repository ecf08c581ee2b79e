//! `qabilet serve`: the HTTP API and the web pages on one server.
//!
//! The server is the application core (`qabilet_app::App`: the store, the index it
//! keeps in step with the store, the model, the deployment's configuration) behind
//! two routers, the JSON API's (`qabilet_api`) and the web pages'
//! (`qabilet_web`), merged here under the API's HTTP layers.
//!
//! Any number of servers can serve one PostgreSQL database (`docs/deploy.md`):
//! sessions and sign-in throttles live in the store; the webhook signing secret is
//! the deployment's, in the store or in the file `QABILET_WEBHOOK_SECRET_FILE`
//! names (`qabilet_app::system::webhook_secret`; `qabilet keys webhook-secret`
//! prints it for the HRM system); each event is delivered by one server
//! (`qabilet_api::outbox`); the audit checkpoint is taken by one server at a time;
//! each server keeps its own index in step with the store.
//!
//! With `DATA_DIR/email.json` (see `qabilet_app::config::EmailSettings`) the server
//! also mails each candidate notification through an SMTP relay, from the same
//! outbox (`qabilet_api::email`); without it, nothing is mailed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use qabilet_api::email::EmailConfig;
use qabilet_api::outbox::{spawn_delivery, WebhookConfig};
use qabilet_api::HttpConfig;
use qabilet_app::follower::{spawn_follower_with, BulkModel, BULK_BACKLOG};
use qabilet_app::{App, AppParts, Config, RankingThreads};
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
    /// Seconds a webhook request may take; a server's claim on an event lasts three
    /// times this, after which another server takes over an event it left.
    #[arg(long, default_value_t = 10)]
    pub webhook_timeout_secs: u64,
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
    /// Leave interim (static-model) profile vectors as they are instead of upgrading
    /// a batch to the transformer's every tick: after a bulk load of hundreds of
    /// thousands that upgrade keeps a core busy for hours; `qabilet index upgrade`
    /// can run it off-peak.
    #[arg(long)]
    pub no_interim_upgrade: bool,
    /// How often the index follows the store's change feed, in milliseconds.
    #[arg(long, default_value_t = 500)]
    pub index_follow_ms: u64,
    /// Keep the `Secure` flag on cookies even on a loopback address (an HTTPS
    /// proxy on the same host). On any other address it is always on.
    #[arg(long)]
    pub secure_cookies: bool,
    /// Applicants of all the ranked shortlists kept between views (the
    /// memory grows with them); 0 ranks every view afresh.
    #[arg(long, default_value_t = 200_000)]
    pub shortlist_cache_applicants: u64,
    /// MiB of stored profile text kept decoded for ranking: a view re-reads
    /// only the profiles written since (0 reads and decodes every one).
    #[arg(long, default_value_t = 256)]
    pub profile_cache_mib: u64,
    /// (vacancy, applicant) pairs whose qualification check is kept for the
    /// next ranking, one to two KB each (0 checks every pair on every ranking).
    #[arg(long, default_value_t = 200_000)]
    pub kept_pairs: u64,
    /// Minutes a session may stay unused before it ends.
    #[arg(long, default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// Hours a session lasts at most.
    #[arg(long, default_value_t = 8)]
    pub session_hours: u64,
    /// Addresses of reverse proxies in front of the server whose X-Forwarded-For is
    /// believed (for the per-address sign-in throttle and the session record).
    #[arg(
        long = "trusted-proxy",
        env = "QABILET_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Minutes between signed checkpoints of the audit log (taken only when the
    /// log has moved on; see docs/audit.md).
    #[arg(long, default_value_t = 60)]
    pub audit_checkpoint_minutes: u64,
}

/// Runs the server until Ctrl-C, then finishes in-flight requests and the webhook
/// and email attempts in flight. With an index, a follower applies the store's change feed to
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
    config.sessions.idle_timeout = Duration::from_secs(args.session_idle_minutes.max(1) * 60);
    config.sessions.lifetime = Duration::from_secs(args.session_hours.max(1) * 3600);
    config.sessions.secure_cookies = args.secure_cookies || !args.addr.ip().is_loopback();
    config.sessions.trusted_proxies = args.trusted_proxies.clone();
    config.limits.shortlist_cache_applicants = args.shortlist_cache_applicants;
    config.limits.profile_cache_bytes = args.profile_cache_mib.saturating_mul(1 << 20);
    config.limits.kept_pairs = args.kept_pairs;
    config.audit.interval = Duration::from_secs(args.audit_checkpoint_minutes.max(1) * 60);
    if !config.sessions.secure_cookies {
        eprintln!(
            "note: cookies without Secure: plain HTTP on a loopback address is for development \
             only (behind an HTTPS proxy on this host, pass --secure-cookies)"
        );
    }
    let old_key = data_dir.join("session.key");
    if old_key.exists() {
        // Sessions are rows in the store now; the key signs nothing any more.
        let _ = std::fs::remove_file(&old_key);
    }
    let http = HttpConfig {
        body_limit: args.body_limit,
        request_timeout: Duration::from_secs(args.request_timeout_secs),
        ..HttpConfig::default()
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
    let app = App::new(AppParts {
        store: store.clone(),
        config,
        index: index_handle.clone(),
        model: model.clone(),
        ranking_threads: RankingThreads::Sequential,
    });
    let worker = match args.webhook_url {
        Some(url) => {
            let secret = qabilet_app::system::webhook_secret(&app, data_dir).await?;
            let mut webhook = WebhookConfig::new(url, secret);
            webhook.max_attempts = args.webhook_max_attempts.max(1);
            webhook.request_timeout = Duration::from_secs(args.webhook_timeout_secs.max(1));
            Some(spawn_delivery(store.clone(), webhook, stop_rx.clone()))
        }
        None => None,
    };
    super::attach_interim_model(&app, data_dir)?;
    // The audit log's signed checkpoints, every `--audit-checkpoint-minutes`.
    let checkpointer = tokio::spawn(qabilet_app::checkpoints::run_interval(app.clone()));
    // Candidates' notifications by email, when email.json switches the channel on.
    let mailer = match app.config().email.clone() {
        Some(settings) => {
            let email = EmailConfig::new(settings)?;
            Some(qabilet_api::email::start(app.clone(), email, stop_rx.clone()).await?)
        }
        None => None,
    };
    // The index follows the store while serving: consent revocations and imports
    // reach search within a tick.
    if index_handle.is_some() {
        app.note_index_followed();
    }
    let follower = index_handle.map(|index| {
        spawn_follower_with(
            store.clone(),
            index,
            model.clone(),
            Duration::from_millis(args.index_follow_ms.max(50)),
            stop_rx.clone(),
            !args.no_interim_upgrade,
            // Only the index's own static model: another would replace its vectors.
            app.interim_model().map(|model| BulkModel {
                model: model.clone(),
                from_backlog: BULK_BACKLOG,
            }),
        )
    });

    let mut shutdown_rx = stop_rx;
    let shutdown = async move {
        let _ = shutdown_rx.wait_for(|stop| *stop).await;
    };
    let router = qabilet_api::router(app, qabilet_web::routes(), &http);
    let server = tokio::spawn(qabilet_api::serve(
        router,
        args.addr,
        http.clone(),
        shutdown,
    ));
    eprintln!("serving on http://{} (Ctrl-C stops)", args.addr);
    tokio::signal::ctrl_c().await?;
    eprintln!("stopping: finishing requests in flight");
    let _ = stop_tx.send(true);
    server.await??;
    checkpointer.abort();
    if let Some(worker) = worker {
        worker.await?;
    }
    if let Some(mailer) = mailer {
        mailer.await?;
    }
    if let Some(follower) = follower {
        follower.await?;
    }
    Ok(())
}
