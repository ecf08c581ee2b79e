//! `qabilet export`: writes the whole store as JSON Lines, one file per record kind,
//! in the same format `qabilet import` reads, so an export re-imports unchanged.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use indicatif::ProgressBar;
use qabilet_store::{Store, StoreError};
use serde::Serialize;

/// Export every record as JSON Lines into a directory: organisations.jsonl,
/// vacancies.jsonl, profiles.jsonl, applications.jsonl, reserve.jsonl.
#[derive(Args)]
pub struct ExportArgs {
    /// Directory to write into (created if missing; existing files are replaced).
    pub dir: PathBuf,
}

/// The files, in the order they must be imported.
pub const FILES: [&str; 5] = [
    "organisations.jsonl",
    "vacancies.jsonl",
    "profiles.jsonl",
    "applications.jsonl",
    "reserve.jsonl",
];

const PAGE: i64 = 2_000;

pub async fn run(args: ExportArgs, store: &Store) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let total = store.counts().await?;
    let d = &args.dir;
    let bar = super::progress(
        (total.organisations
            + total.vacancies
            + total.profiles
            + total.applications
            + total.reserve_entries) as u64,
        "records",
    );
    let n = [
        write_all(
            &d.join(FILES[0]),
            &bar,
            |a: String| async move { store.organisations_page(&a, PAGE).await },
            |r| r.id.to_string(),
        )
        .await?,
        write_all(
            &d.join(FILES[1]),
            &bar,
            |a: String| async move { store.vacancies_page(&a, PAGE).await },
            |r| r.id.to_string(),
        )
        .await?,
        write_all(
            &d.join(FILES[2]),
            &bar,
            |a: String| async move { store.profiles_page(&a, PAGE).await },
            |r| r.id.to_string(),
        )
        .await?,
        write_all(
            &d.join(FILES[3]),
            &bar,
            |a: String| async move { store.applications_page(&a, PAGE).await },
            |r| r.id.to_string(),
        )
        .await?,
        write_all(
            &d.join(FILES[4]),
            &bar,
            |a: String| async move { store.reserve_page(&a, PAGE).await },
            |r| r.id.to_string(),
        )
        .await?,
    ];
    bar.finish_and_clear();
    for (file, count) in FILES.iter().zip(n) {
        println!("{count:>9} records → {}", d.join(file).display());
    }
    Ok(())
}

/// Writes every page to `path` through a temporary file, renamed at the end, so a
/// failed export never leaves a truncated file that looks complete.
async fn write_all<T, F, Fut>(
    path: &Path,
    bar: &ProgressBar,
    mut page: F,
    id: impl Fn(&T) -> String,
) -> anyhow::Result<u64>
where
    T: Serialize,
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, StoreError>>,
{
    let tmp = path.with_extension("jsonl.partial");
    let mut out = BufWriter::new(
        File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?,
    );
    let mut after = String::new();
    let mut count = 0u64;
    loop {
        let records = page(after.clone()).await?;
        let Some(last) = records.last() else { break };
        after = id(last);
        for record in &records {
            serde_json::to_writer(&mut out, record)?;
            out.write_all(b"\n")?;
        }
        count += records.len() as u64;
        bar.inc(records.len() as u64);
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(count)
}
