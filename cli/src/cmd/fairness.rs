//! `qabilet fairness VACANCY_ID | --organisation ORG [--from --to]`: impact
//! ratios at each stage from the outcomes people got, as tables (or the API's JSON
//! / CSV), from the same use case as `GET /fairness` and `/web/fairness`
//! (`qabilet_app::analytics::fairness`).

use clap::Args;
use comfy_table::{presets::UTF8_FULL, Table};
use qabilet_app::analytics::csv::fairness_csv;
use qabilet_app::analytics::fairness::{for_filter, for_vacancy};
use qabilet_app::{Actor, App};
use qabilet_domain::VacancyId;

use super::analytics::FilterArgs;

#[derive(Args)]
#[command(group(clap::ArgGroup::new("scope").required(true).args(["vacancy", "organisation", "all"])))]
pub struct FairnessArgs {
    /// One vacancy's competition.
    pub vacancy: Option<VacancyId>,
    /// Every organisation's competitions (or filter them; --organisation ORG for one).
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print the API's JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV, a row per stage, attribute and group.
    #[arg(long)]
    pub csv: bool,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

pub async fn run(args: &FairnessArgs, app: &App) -> anyhow::Result<()> {
    let actor = Actor::operator_from_env();
    let report = match &args.vacancy {
        Some(id) => {
            if args.filter.any() {
                anyhow::bail!(
                    "--organisation, --from, --to, --category and --region filter several \
                     competitions, not one vacancy"
                );
            }
            for_vacancy(app, &actor, id, "cli").await?
        }
        None => for_filter(app, &actor, args.filter.filter(), "cli").await?,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    if args.csv {
        print!("{}", fairness_csv(&report)?);
        return Ok(());
    }
    println!(
        "Impact ratios by stage, from actual outcomes: {} competitions{}; ages as of {}. \
         Ratio = a group's selection rate / the reference group's (LL144); ⚠ under 0.8.",
        report.competitions,
        if report.not_counted > 0 {
            format!(
                ", {} applicants not counted (consent withdrawn)",
                report.not_counted
            )
        } else {
            String::new()
        },
        report.as_of
    );
    for stage in &report.stages {
        println!(
            "\n{}: {} assessed, {} passed",
            stage.stage, stage.assessed, stage.selected
        );
        if stage.assessed == 0 {
            continue;
        }
        let mut table = Table::new();
        table.load_preset(UTF8_FULL);
        table.set_header([
            "attribute",
            "group",
            "assessed",
            "passed",
            "rate",
            "95% interval",
            "impact ratio",
            "note",
        ]);
        for d in &stage.dimensions {
            for g in &d.groups {
                let note = if d.reference_group.as_deref() == Some(g.group.as_str()) {
                    "reference"
                } else if g.excluded_small {
                    "under 2%: left out"
                } else if !g.judged {
                    "too few to judge"
                } else if g.flagged {
                    "⚠ under 0.8"
                } else {
                    ""
                };
                table.add_row([
                    d.name.clone(),
                    g.group.clone(),
                    g.assessed.to_string(),
                    g.selected.to_string(),
                    pct(g.rate),
                    format!("{}–{}", pct(g.rate_low), pct(g.rate_high)),
                    g.impact_ratio
                        .map_or_else(|| "–".into(), |r| format!("{r:.2}")),
                    note.to_owned(),
                ]);
            }
            if d.unknown_assessed > 0 {
                table.add_row([
                    d.name.clone(),
                    "unknown".into(),
                    d.unknown_assessed.to_string(),
                    d.unknown_selected.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "not stated".into(),
                ]);
            }
        }
        println!("{table}");
    }
    Ok(())
}
