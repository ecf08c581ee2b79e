//! Running the `qabilet` binary from the CLI's integration tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `qabilet` on `data_dir` and the database at `db_url`, ignoring the caller's
/// environment so a developer's QABILET_* settings cannot leak into a test.
pub fn qabilet(data_dir: &Path, db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qabilet"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(db_url)
        .args(args)
        .env_remove("QABILET_DATA_DIR")
        .env_remove("QABILET_DATABASE_URL")
        .output()
        .expect("run qabilet")
}

/// The standard output of a run that must succeed; its standard error otherwise.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "qabilet failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
