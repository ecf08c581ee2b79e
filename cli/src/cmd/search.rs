//! `qabilet search vacancies` and `qabilet search profiles`: the application core's
//! searches from the terminal, with the API's JSON under `--json`.
//!
//! - `search vacancies QUERY` is `GET /search/vacancies?q=QUERY`: full-text search
//!   of the vacancies (`qabilet_app::catalog::search_vacancies`);
//! - `search vacancies [QUERY] --profile ID` is `GET /profiles/{id}/vacancies`: the
//!   open vacancies ranked for the person, with the requirements they meet
//!   (`qabilet_app::vacancies_for_person`), by Kazakhstan's date;
//! - `search profiles --vacancy ID` is `GET /vacancies/{id}/talent`: the whole pool
//!   ranked for the vacancy, shown blind (`qabilet_app::talent`, audited).

use clap::{Args, Subcommand};
use comfy_table::Table;
use qabilet_app::catalog::{self, VacancySearch};
use qabilet_app::vacancies_for_person::{self, typed_query};
use qabilet_app::{talent, Actor, App};
use qabilet_domain::{ProfileId, VacancyId};
use qabilet_matcher::ranking::SignalPart;

/// `qabilet search …`.
#[derive(Subcommand)]
pub enum SearchCommand {
    /// Search vacancies; with --profile, the open vacancies ranked for that person.
    Vacancies(SearchVacanciesArgs),
    /// Talent search: the whole pool ranked for a vacancy (shown blind).
    Profiles(SearchProfilesArgs),
}

#[derive(Args)]
pub struct SearchVacanciesArgs {
    /// What to look for; empty with --profile searches by the profile itself.
    #[arg(default_value = "")]
    pub query: String,
    /// Rank the open vacancies for this profile and show which requirements it meets.
    #[arg(long)]
    pub profile: Option<ProfileId>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
    /// Fail (exit non-zero) instead of warning when the index lags the store.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args)]
pub struct SearchProfilesArgs {
    /// The vacancy to find people for.
    #[arg(long)]
    pub vacancy: VacancyId,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
    /// Who is looking, for the audit log (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
    /// Fail (exit non-zero) instead of warning when the index lags the store.
    #[arg(long)]
    pub strict: bool,
}

pub async fn run(command: &SearchCommand, app: &App) -> anyhow::Result<()> {
    let strict = match command {
        SearchCommand::Vacancies(args) => args.strict,
        SearchCommand::Profiles(args) => args.strict,
    };
    super::check_index_fresh(app, strict).await?;
    match command {
        SearchCommand::Vacancies(args) => vacancies(args, app).await,
        SearchCommand::Profiles(args) => profiles(args, app).await,
    }
}

fn part(p: Option<SignalPart>) -> String {
    p.map_or("–".to_owned(), |p| format!("{:.3}", p.contribution))
}

async fn vacancies(args: &SearchVacanciesArgs, app: &App) -> anyhow::Result<()> {
    let actor = Actor::operator_from_env();
    // The same check as the API's, before anything is opened: too long is refused.
    let typed = typed_query(app, Some(&args.query)).map_err(super::refused)?;
    let Some(profile) = &args.profile else {
        let search = VacancySearch {
            text: typed.unwrap_or_default(),
            limit: Some(args.limit),
            ..VacancySearch::default()
        };
        let found = catalog::search_vacancies(app, &actor, search)
            .await
            .map_err(super::refused)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&found)?);
            return Ok(());
        }
        let mut t = Table::new();
        t.set_header(["#", "vacancy", "score", "matched"]);
        for (i, hit) in found.hits.iter().enumerate() {
            let snippet = hit.snippets.first().map_or(String::new(), |s| {
                s.html.replace("<b>", "[").replace("</b>", "]")
            });
            t.add_row([
                (i + 1).to_string(),
                hit.id.clone(),
                format!("{:.3}", hit.score),
                snippet,
            ]);
        }
        println!("{t}");
        return Ok(());
    };
    let found = vacancies_for_person::vacancies_for(
        app,
        &actor,
        profile,
        typed.as_deref(),
        Some(args.limit),
    )
    .await
    .map_err(super::refused)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&found)?);
        return Ok(());
    }
    let mut t = Table::new();
    t.set_header([
        "#",
        "vacancy",
        "title",
        "deadline",
        "score",
        "eligible",
        "requirements met",
        "not met",
    ]);
    for v in &found.vacancies {
        let r = &v.ranked;
        let not_met: Vec<String> = r.eligibility.failed().map(|f| f.rule.to_string()).collect();
        t.add_row([
            r.rank.to_string(),
            r.vacancy_id.clone(),
            v.title.clone(),
            v.deadline.to_string(),
            format!("{:.3}", r.score),
            if r.eligibility.eligible { "yes" } else { "no" }.to_owned(),
            r.explanation
                .rules_met
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            not_met.join(", "),
        ]);
    }
    println!(
        "Open vacancies for {} (query: {})\n{t}",
        found.profile_id, found.query
    );
    Ok(())
}

async fn profiles(args: &SearchProfilesArgs, app: &App) -> anyhow::Result<()> {
    let actor = match &args.by {
        Some(by) => Actor::operator(by),
        None => Actor::operator_from_env(),
    };
    let found = talent::search(app, &actor, &args.vacancy, args.limit, "cli")
        .await
        .map_err(super::refused)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&found)?);
        return Ok(());
    }
    let mut t = Table::new();
    t.set_header([
        "#",
        "profile",
        "score",
        "bm25",
        "dense",
        "structured",
        "rules met",
        "matched skills",
    ]);
    for m in &found.eligible {
        t.add_row([
            m.rank.to_string(),
            m.profile_id.clone(),
            format!("{:.3}", m.score),
            part(m.explanation.parts.bm25),
            part(m.explanation.parts.dense),
            part(m.explanation.parts.structured),
            format!(
                "{}/{}",
                m.explanation.rules_met.len(),
                m.eligibility.rules.len()
            ),
            m.explanation.matched_skills.join(", "),
        ]);
    }
    println!(
        "Talent search for {} «{}»: {} people retrieved, {} eligible\n{t}",
        found.vacancy_id, found.title, found.pool, found.eligible_total
    );
    for note in &found.signals.notes {
        println!("note: {note}");
    }
    if found.ineligible_total > 0 {
        let mut by_rule: std::collections::BTreeMap<String, usize> = Default::default();
        for i in &found.ineligible {
            for f in &i.failed {
                *by_rule.entry(f.rule.to_string()).or_default() += 1;
            }
        }
        let mut summary = Table::new();
        summary.set_header(["failed rule", "people"]);
        for (rule, n) in &by_rule {
            summary.add_row([rule.clone(), n.to_string()]);
        }
        println!(
            "Not eligible: {} people ({} of them counted here and in --json; raise --limit for more)\n{summary}",
            found.ineligible_total,
            found.ineligible.len()
        );
    }
    Ok(())
}
