//! `qabilet shortlist VACANCY_ID`: the competition's ranked shortlist of its
//! applicants, exactly as the commission sees it on the web and the HRM system gets
//! it from `GET /vacancies/{id}/shortlist` (`qabilet_app::shortlist`, audited as a
//! view by the operator, `via: cli`). `--json` prints the API's JSON. `--names`
//! needs the operator's declaration of no conflict of interest (`--declare`).

use comfy_table::Table;
use qabilet_app::commission::{self, DeclarationInput};
use qabilet_app::shortlist::{self, PersonView, Shortlist, ShortlistOptions};
use qabilet_app::{Actor, App};
use qabilet_domain::VacancyId;
use qabilet_matcher::ranking::SignalPart;

/// Rank the vacancy's applicants; list the ineligible apart.
#[derive(clap::Args)]
pub struct ShortlistArgs {
    pub vacancy_id: VacancyId,
    /// Most entries per list (at most 500).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Show names, gender, age, photo and contacts (audited); the shortlist is
    /// blind otherwise, as on the web and in the API.
    #[arg(long)]
    pub names: bool,
    /// Blind, the default (kept for scripts written before `--names`).
    #[arg(long, hide = true, conflicts_with = "names")]
    pub blind: bool,
    /// Print the shortlist as the API's JSON.
    #[arg(long)]
    pub json: bool,
    /// Who is looking, for the audit log (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
    /// Declare first that you have no conflict of interest and no family or
    /// personal tie with any applicant (recorded and audited once per vacancy):
    /// everyone who sees names declares, the operator too.
    #[arg(long, value_name = "STATEMENT", num_args = 0..=1, default_missing_value = "")]
    pub declare: Option<String>,
    /// Fail (exit non-zero) instead of warning when the index lags the store.
    #[arg(long)]
    pub strict: bool,
}

pub async fn run(args: &ShortlistArgs, app: &App) -> anyhow::Result<()> {
    super::check_index_fresh(app, args.strict).await?;
    let actor = match &args.by {
        Some(by) => Actor::operator(by),
        None => Actor::operator_from_env(),
    };
    let opts = ShortlistOptions {
        blind: if args.names {
            false
        } else {
            args.blind || shortlist::BLIND_BY_DEFAULT
        },
        limit: args.limit,
    };
    if let Some(statement) = &args.declare {
        let input = DeclarationInput {
            no_conflict_of_interest: true,
            statement: statement.clone(),
        };
        commission::declare(app, &actor, &args.vacancy_id, &input)
            .await
            .map_err(super::refused)?;
    }
    let view = shortlist::shortlist(app, &actor, &args.vacancy_id, opts, "cli")
        .await
        .map_err(super::refused)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(view.as_ref())?);
        return Ok(());
    }
    print(&view);
    Ok(())
}

fn part(p: Option<SignalPart>) -> String {
    p.map_or("–".to_owned(), |p| format!("{:.3}", p.contribution))
}

fn person(application_id: &str, profile_id: &str, view: &PersonView) -> String {
    match view.name() {
        Some(name) => format!("{profile_id} {name}"),
        None => format!("{application_id} ({profile_id})"),
    }
}

fn print(view: &Shortlist) {
    let mut table = Table::new();
    table.set_header([
        "#",
        "applicant",
        "score",
        "bm25",
        "dense",
        "structured",
        "rules met",
        "matched skills",
        "review",
    ]);
    for r in &view.eligible {
        table.add_row([
            r.rank.to_string(),
            person(&r.application_id, &r.profile_id, &r.profile),
            format!("{:.3}", r.score),
            part(r.explanation.parts.bm25),
            part(r.explanation.parts.dense),
            part(r.explanation.parts.structured),
            format!(
                "{}/{}",
                r.explanation.rules_met.len(),
                r.eligibility.rules.len()
            ),
            r.explanation.matched_skills.join(", "),
            if r.eligibility.needs_review {
                "check".into()
            } else {
                String::new()
            },
        ]);
    }
    println!(
        "Shortlist for {} «{}»: {} applicants, {} eligible{}\n{table}",
        view.vacancy_id,
        view.title,
        view.applicants,
        view.eligible_total,
        if view.blind { ", blind" } else { "" }
    );
    if view.eligible_total > view.eligible.len() {
        println!(
            "… and {} more eligible (raise --limit)",
            view.eligible_total - view.eligible.len()
        );
    }
    for note in &view.signals.notes {
        println!("note: {note}");
    }
    if !view.ineligible.is_empty() {
        let mut t = Table::new();
        t.set_header(["applicant", "failed rule", "required", "found"]);
        for i in &view.ineligible {
            for f in &i.failed {
                t.add_row([
                    person(&i.application_id, &i.profile_id, &i.profile),
                    f.rule.to_string(),
                    f.required.clone(),
                    f.found.clone(),
                ]);
            }
        }
        println!("Not eligible: {} applicants\n{t}", view.ineligible_total);
    }
    println!(
        "index version {}, ranking weights {}{}",
        view.provenance.index_version,
        view.ranking_version,
        view.provenance
            .model_id
            .as_deref()
            .map_or(String::new(), |m| format!(", dense: {m}"))
    );
}
