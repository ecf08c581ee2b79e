//! `qabilet proctor`: proctoring flags for online entrance tests.
//!
//! `analyze` reads a session file (format: `proctoring/FORMAT.md`) and prints
//! flags per session, most severe first, with their evidence; `simulate`
//! prints the false-alarm and power table from simulated cohorts, with 95 %
//! intervals and the targets of issue 17 marked met or not; `bench` times the
//! all-pairs analysis (default 5,000 × 80; `--examinees 100000` for a
//! national wave) and prints the CPU, the SIMD path, the load average and the
//! peak memory with the time. `analyze --save` puts the run and
//! its flags in the review queue; `flags` lists the queue and `review` decides
//! a flag (see `proctor_queue.rs`). Flags are evidence for a human reviewer,
//! never verdicts, and every output says so.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context as _};
use comfy_table::{presets::UTF8_FULL, ContentArrangement, Table};
use qabilet_proctoring::{self as proctoring, Config, Flag};

use crate::Context;

#[path = "proctor_evidence.rs"]
mod evidence;
#[path = "proctor_queue.rs"]
mod queue;

use evidence::{changes_text, evidence_text};

/// Proctoring commands.
#[derive(clap::Subcommand)]
pub enum ProctorCommand {
    /// Analyse a session file and print flags per session, most severe first.
    Analyze {
        /// JSON file with the form, the sessions and their events (see proctoring/FORMAT.md).
        file: PathBuf,
        /// Print the full report as JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// Per-session false-alarm rate of the per-session detectors.
        #[arg(long, default_value_t = 0.001)]
        alpha_session: f64,
        /// False-alarm rate of the answer-similarity search (see --pair-error-rate).
        #[arg(long, default_value_t = 0.001)]
        alpha_pairs: f64,
        /// What --alpha-pairs bounds: `per-session` (an honest session is flagged
        /// with any partner) or `familywise` (any honest pair in the cohort).
        #[arg(long, value_enum, default_value_t = PairRate::PerSession)]
        pair_error_rate: PairRate,
        /// Save the run and its flags to the review queue (the store).
        #[arg(long)]
        save: bool,
        /// The vacancy the test belongs to (decides who may review; with --save).
        #[arg(long, requires = "save")]
        vacancy: Option<String>,
        /// Who ran the analysis, for the audit log (default: $USER).
        #[arg(long, requires = "save")]
        by: Option<String>,
    },
    /// List queued flags, most severe first.
    Flags {
        /// open, confirmed or dismissed (default: every status).
        #[arg(long)]
        status: Option<String>,
        /// Only flags of this vacancy.
        #[arg(long)]
        vacancy: Option<String>,
        /// Only flags of this analysis run.
        #[arg(long)]
        run: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// Print the API's JSON (the queue's items; `GET /proctoring/flags/{id}` has
        /// a flag's evidence) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Confirm or dismiss a queued flag, with a comment; audited, and a
    /// confirmation is sent to the HRM system.
    Review {
        /// The flag id (see `qabilet proctor flags`).
        flag_id: String,
        /// The concern is substantiated.
        #[arg(long, conflicts_with = "dismiss", required_unless_present = "dismiss")]
        confirm: bool,
        /// There is an innocent explanation.
        #[arg(long)]
        dismiss: bool,
        /// Why (required).
        #[arg(long)]
        comment: String,
        /// The reviewer, for the audit log.
        #[arg(long)]
        by: String,
    },
    /// Measure false-alarm rates on simulated honest cohorts and power on planted cheating.
    Simulate {
        /// Examinees per simulated cohort.
        #[arg(long, default_value_t = 1000)]
        examinees: usize,
        /// Items per form.
        #[arg(long, default_value_t = 80)]
        items: usize,
        /// Honest cohorts for the false-alarm rates.
        #[arg(long, default_value_t = 20)]
        replications: usize,
        /// Cohorts per cheating scenario for power (× --cheaters planted each).
        #[arg(long, default_value_t = 10)]
        power_replications: usize,
        /// Cheaters planted per cohort.
        #[arg(long, default_value_t = 20)]
        cheaters: usize,
        /// Random seed (same seed, same table).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Instead of the table, write one simulated cohort (with real-time sharers of
        /// 30 % of the answers) to this file, to try `analyze` on.
        #[arg(long, value_name = "FILE")]
        write: Option<PathBuf>,
        /// Print the rows as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Time the analysis of a simulated cohort (default 5,000 examinees × 80 items, all pairs).
    Bench {
        /// Examinees.
        #[arg(long, default_value_t = 5000)]
        examinees: usize,
        /// Items.
        #[arg(long, default_value_t = 80)]
        items: usize,
        /// Random seed.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Near misses of the screen to re-test exactly (0: no audit).
        #[arg(long, default_value_t = 5000)]
        audit: usize,
    },
}

/// What the similarity search's α bounds (`--pair-error-rate`).
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum PairRate {
    PerSession,
    Familywise,
}

/// Where `analyze --save` puts the run.
struct SaveTo<'a> {
    ctx: &'a Context,
    vacancy: Option<String>,
    by: String,
}

/// Runs a proctoring command.
pub fn run(cmd: ProctorCommand, ctx: &Context) -> anyhow::Result<()> {
    match cmd {
        ProctorCommand::Analyze {
            file,
            json,
            alpha_session,
            alpha_pairs,
            pair_error_rate,
            save,
            vacancy,
            by,
        } => {
            let save = save.then(|| SaveTo {
                ctx,
                vacancy,
                by: by.unwrap_or_else(|| std::env::var("USER").unwrap_or_default()),
            });
            let pair_error_rate = match pair_error_rate {
                PairRate::PerSession => proctoring::PairErrorRate::PerSession,
                PairRate::Familywise => proctoring::PairErrorRate::Familywise,
            };
            let config = Config {
                alpha_session,
                alpha_pairs,
                pair_error_rate,
                ..Config::default()
            };
            analyze(file, json, config, save)
        }
        ProctorCommand::Flags {
            status,
            vacancy,
            run,
            limit,
            json,
        } => with_app(ctx, |app| async move {
            queue::list(&app, status, vacancy, run, limit, json).await
        }),
        ProctorCommand::Review {
            flag_id,
            confirm,
            dismiss: _,
            comment,
            by,
        } => with_app(ctx, |app| async move {
            queue::review(&app, &flag_id, confirm, &comment, &by).await
        }),
        ProctorCommand::Simulate {
            examinees,
            items,
            replications,
            power_replications,
            cheaters,
            seed,
            write,
            json,
        } => {
            if examinees < 4 || items < 4 {
                bail!("--examinees and --items must be at least 4");
            }
            if let Some(path) = write {
                let sim = proctoring::simulate::simulate(&proctoring::simulate::SimSpec {
                    examinees,
                    items,
                    options: 4,
                    cheat: Some((proctoring::simulate::Cheat::CopyRealTime(0.3), cheaters)),
                    seed,
                });
                let text = serde_json::to_string_pretty(&sim.dataset)?;
                std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!(
                    "wrote {} sessions ({} sharing 30% of their answers in real time with a room-mate) to {}",
                    examinees,
                    sim.copy_pairs.len(),
                    path.display()
                );
                return Ok(());
            }
            let spec = proctoring::CalibrationSpec {
                examinees,
                items,
                clean_replications: replications,
                power_replications,
                cheaters,
                seed,
                ..Default::default()
            };
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} simulated cohorts analysed {pos}/{len} [{bar:30}] ({elapsed} elapsed, ~{eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            let rows = proctoring::calibrate::calibrate_with_progress(&spec, &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            });
            bar.finish_and_clear();
            let targets = proctoring::calibrate::targets(&rows);
            if json {
                let out = serde_json::json!({"rows": rows, "targets": targets});
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!("{}", proctoring::calibrate::table(&rows));
                println!(
                    "Intervals are Clopper–Pearson 95 %. False alarms: a detector is within its \
                     nominal α when α lies inside or above the interval (similarity per session: \
                     honest sessions flagged with any partner; familywise: honest cohorts with \
                     any flagged pair). Power at α = 0.001 per session, {} items.\n",
                    spec.items
                );
                println!("Targets of issue 17:");
                println!("{}", proctoring::calibrate::targets_table(&targets));
                let missed = targets.iter().filter(|t| !t.met).count();
                println!(
                    "{} of {} targets met.\n{}",
                    targets.len() - missed,
                    targets.len(),
                    proctoring::DISCLAIMER
                );
            }
            Ok(())
        }
        ProctorCommand::Bench {
            examinees,
            items,
            seed,
            audit,
        } => bench(examinees, items, seed, audit),
    }
}

/// `/proc/cpuinfo`'s model name, family and model, and the CPU count.
fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
    };
    format!(
        "{} (family {}, model {}), {} logical CPUs",
        field("model name").unwrap_or_else(|| "unknown CPU".into()),
        field("cpu family").unwrap_or_else(|| "?".into()),
        field("model").unwrap_or_else(|| "?".into()),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    )
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// `qabilet proctor bench`.
fn bench(examinees: usize, items: usize, seed: u64, audit: usize) -> anyhow::Result<()> {
    if examinees < 2 || items < 4 {
        bail!("--examinees must be at least 2 and --items at least 4");
    }
    println!("CPU: {}", cpu_model());
    println!("SIMD path: {}", proctoring::simd_path().name());
    println!("Load average before (1, 5, 15 min): {}", load_average());
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} pairs screened {human_pos}/{human_len} [{bar:30}] {percent}% ({elapsed} elapsed, ~{eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let b = proctoring::bench(examinees, items, seed, audit, &|done, total| {
        if bar.length() != Some(total) {
            bar.set_length(total);
        }
        bar.set_position(done);
    });
    bar.finish_and_clear();
    println!(
        "analysed {} examinees × {} items: {} pairs, every one screened ({} overlapping in time, \
         so timing was compared too); {} directed pairs needed the exact test; {} threads",
        b.examinees, b.items, b.pairs, b.overlapping_pairs, b.exact_evaluated, b.threads
    );
    let minutes = b.analyze_seconds / 60.0;
    println!(
        "analysis {:.1} s = {minutes:.2} min (prepare {:.1}, models {:.1}, similarity {:.1} = screen {:.1} \
         + exact tests {:.1}, other {:.1}); simulating the cohort took {:.1} s more",
        b.analyze_seconds,
        b.timings.prepare,
        b.timings.models,
        b.timings.similarity,
        b.screen_seconds,
        b.exact_seconds,
        b.timings.other,
        b.simulate_seconds
    );
    println!(
        "{} flags, {} of them pairs; planted real-time copiers (30 %) flagged: {}/{}",
        b.flags, b.pair_flags, b.copiers_found.0, b.copiers_found.1
    );
    println!(
        "per-test level of the all-pairs family {:.2e}; the screen passes proxy z ≥ {:.2}",
        b.threshold_all, b.screen_z
    );
    if let Some(a) = &b.audit {
        println!(
            "screen audit: {} dropped pairs had a proxy z within 1 of the screen; {} of them (a uniform \
             sample) got the exact test: smallest p = {:.2e} against the level {:.2e}; {} reached it",
            a.near_misses, a.tested, a.smallest_p, a.level, a.reached
        );
    }
    let peak = proctoring::calibrate::peak_memory_bytes();
    match peak {
        Some(bytes) => println!(
            "peak memory (VmHWM): {:.2} GiB",
            bytes as f64 / f64::from(1u32 << 30)
        ),
        None => println!("peak memory: not available on this system"),
    }
    println!("Load average after (1, 5, 15 min): {}", load_average());
    let time_ok = b.analyze_seconds <= 600.0;
    let memory_ok = peak.is_some_and(|p| p < 4 << 30);
    println!(
        "≤ 10 minutes: {}; < 4 GiB: {}",
        if time_ok { "met" } else { "NOT MET" },
        if memory_ok { "met" } else { "NOT MET" }
    );
    Ok(())
}

/// Runs `f` on the application core over the configured store inside a runtime,
/// then closes the store.
fn with_app<F, Fut>(ctx: &Context, f: F) -> anyhow::Result<()>
where
    F: FnOnce(qabilet_app::App) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = ctx.store().await?;
        let app = ctx.store_app(store.clone())?;
        let result = f(app).await;
        store.close().await;
        result
    })
}

fn analyze(file: PathBuf, json: bool, config: Config, save: Option<SaveTo>) -> anyhow::Result<()> {
    for (name, a) in [
        ("--alpha-session", config.alpha_session),
        ("--alpha-pairs", config.alpha_pairs),
    ] {
        if !(a > 0.0 && a < 1.0) {
            bail!("{name} must be in (0, 1), got {a}");
        }
    }
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let data = proctoring::parse_dataset(&text)
        .with_context(|| format!("invalid session file {}", file.display()))?;
    let report = proctoring::analyze(&data, &config);
    if let Some(save) = save {
        let vacancy: Option<qabilet_domain::VacancyId> = save
            .vacancy
            .as_deref()
            .map(|v| {
                v.parse()
                    .map_err(|e: String| anyhow::anyhow!("--vacancy {v:?}: {e}"))
            })
            .transpose()?;
        let actor = qabilet_app::Actor::operator(&save.by);
        let (input, data, report) = (text.as_bytes(), &data, &report);
        with_app(save.ctx, |app| async move {
            let saved =
                qabilet_app::proctoring::save(&app, &actor, vacancy.as_ref(), input, data, report)
                    .await?;
            if saved.created {
                eprintln!(
                    "saved run {}: {} flags, {} newly queued, {} already in the queue",
                    saved.run_id, saved.flags, saved.flags_queued, saved.flags_already_queued
                );
            } else {
                eprintln!(
                    "run {} was saved before (same input); nothing changed",
                    saved.run_id
                );
            }
            Ok(())
        })?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "Form {}: {} sessions, {} flags, {} data-quality notes.",
        report.form_id,
        report.sessions,
        report.flags.len(),
        report.notes.len()
    );
    println!("{}\n", report.disclaimer);
    // Group by session; a pair flag appears under both sessions. Sessions are
    // ordered by their most severe flag (flags arrive sorted already).
    let mut order: Vec<&str> = Vec::new();
    let mut by_session: BTreeMap<&str, Vec<&Flag>> = BTreeMap::new();
    for f in &report.flags {
        for s in &f.sessions {
            if !by_session.contains_key(s.as_str()) {
                order.push(s);
            }
            by_session.entry(s).or_default().push(f);
        }
    }
    for s in order {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                "Severity",
                "Detector",
                "Finding",
                "p-value",
                "False-alarm rate",
                "Evidence",
                "Flag id",
            ]);
        for f in &by_session[s] {
            t.add_row(vec![
                format!("{:?}", f.severity).to_lowercase(),
                f.detector.name().to_string(),
                f.summary.clone(),
                format!("{:.2e} (≤ {:.1e})", f.p_value, f.threshold),
                match f.false_alarm_scope {
                    proctoring::FalseAlarmScope::PerSession => {
                        format!("{} per honest session", f.nominal_false_alarm_rate)
                    }
                    proctoring::FalseAlarmScope::PerSessionAnyPartner => {
                        format!(
                            "{} per honest session, any partner",
                            f.nominal_false_alarm_rate
                        )
                    }
                    proctoring::FalseAlarmScope::FamilywiseAllPairs => {
                        format!("{} for the whole cohort", f.nominal_false_alarm_rate)
                    }
                },
                changes_text(f, evidence_text(&f.evidence)),
                f.id.to_string(),
            ]);
        }
        println!("Session {s}\n{t}\n");
    }
    if !report.clusters.is_empty() {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                "Group",
                "Sessions",
                "Links",
                "Every two flagged",
                "Strongest p",
                "Same wrong answer by all",
                "Answers right after another's",
            ]);
        for c in &report.clusters {
            t.add_row(vec![
                format!("#{}", c.id),
                c.sessions.join(", "),
                c.flags.len().to_string(),
                if c.complete { "yes" } else { "no" }.to_string(),
                format!("{:.2e}", c.strongest_p_value),
                format!("{} items", c.same_wrong_items.len()),
                c.follows.to_string(),
            ]);
        }
        println!("Groups of sessions linked by similarity flags:\n{t}\n");
    }
    if !report.notes.is_empty() {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec!["Session", "Note", "Field", "Detail"]);
        for n in &report.notes {
            t.add_row(vec![
                n.session_id.clone(),
                serde_json::to_value(n.kind)?
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                n.path.clone(),
                n.detail.clone(),
            ]);
        }
        println!("Data-quality notes (sessions were analysed regardless):\n{t}");
    }
    for s in &report.skipped {
        println!("Not run: {s}");
    }
    Ok(())
}
