//! `qabilet replay AUDIT_ENTRY_ID`: recompute a shortlist view's or a stage
//! result's ranking from the signals its audit entry recorded, show that it
//! matches, and what the system would say now (`qabilet_app::replay`).

use clap::Args;
use comfy_table::{presets::UTF8_FULL, Table};
use qabilet_app::{replay, Actor, App};

#[derive(Args)]
pub struct ReplayArgs {
    /// The audit entry's number (`seq`), as `GET /audit` lists them.
    pub entry: i64,
    /// Print the replay as the API's JSON.
    #[arg(long)]
    pub json: bool,
    /// Rows of each table to print (all with --json).
    #[arg(long, default_value_t = 20)]
    pub rows: usize,
}

fn score(s: Option<f32>) -> String {
    s.map_or_else(|| "–".into(), |s| format!("{s:.4}"))
}

fn rank(r: Option<usize>) -> String {
    r.map_or_else(|| "–".into(), |r| r.to_string())
}

pub async fn run(args: &ReplayArgs, app: &App) -> anyhow::Result<()> {
    let actor = Actor::operator_from_env();
    let replay = replay::replay(app, &actor, args.entry)
        .await
        .map_err(super::refused)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&replay)?);
    } else {
        let e = &replay.entry;
        println!(
            "Audit entry {} ({}, {} by {} at {}), vacancy {}: ranking record {}…",
            e.seq,
            e.action,
            e.subject_id,
            e.actor,
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            replay.vacancy_id,
            replay
                .ranking_record
                .get(..16)
                .unwrap_or(&replay.ranking_record),
        );
        let mut table = Table::new();
        table.load_preset(UTF8_FULL);
        table.set_header(["rank", "profile", "recorded score", "replayed score"]);
        for r in replay.ranking.iter().take(args.rows) {
            table.add_row([
                rank(r.rank),
                r.profile_id.clone(),
                score(Some(r.recorded_score)),
                score(Some(r.replayed_score)),
            ]);
        }
        println!("{table}");
        if replay.ranking.len() > args.rows {
            println!("… and {} more (--rows)", replay.ranking.len() - args.rows);
        }
        if replay.matches {
            println!(
                "MATCHES: recomputed from the recorded signals and weights, the ranking is \
                 the one the audit log recorded."
            );
        }
        match &replay.now {
            None => println!("The vacancy no longer exists: nothing to compare with now."),
            Some(now) => {
                println!(
                    "\nNow (ranking record {}…): {} applicants unchanged, {} moved or \
                     changed{}.",
                    now.ranking_record.get(..16).unwrap_or(&now.ranking_record),
                    now.unchanged,
                    now.moved.len(),
                    if now.weights_changed {
                        "; the fusion weights changed since"
                    } else {
                        ""
                    }
                );
                if !now.moved.is_empty() {
                    let mut table = Table::new();
                    table.load_preset(UTF8_FULL);
                    table.set_header([
                        "profile",
                        "rank then",
                        "rank now",
                        "score then",
                        "score now",
                        "changed",
                    ]);
                    for m in now.moved.iter().take(args.rows) {
                        table.add_row([
                            m.profile_id.clone(),
                            rank(m.rank_then),
                            rank(m.rank_now),
                            score(m.score_then),
                            score(m.score_now),
                            m.changed.join(", "),
                        ]);
                    }
                    println!("{table}");
                }
            }
        }
    }
    if !replay.matches {
        for p in &replay.problems {
            eprintln!("{p}");
        }
        anyhow::bail!("the replay does not match the audit log");
    }
    Ok(())
}
