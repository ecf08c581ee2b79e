//! `qabilet`: the command-line tool and server of Qabilet.
//!
//! Every command works on one data directory (`--data-dir`, default `./data`) that
//! holds the SQLite database, the index, the vectors and the models, and optionally
//! on a PostgreSQL database (`--database-url postgres://…`) as the system of record.

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {}

/// What every command needs to find its data.
pub struct Context {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ctx = Context {
        data_dir: cli.data_dir,
        database_url: cli.database_url,
    };
    match cli.command {}
}
