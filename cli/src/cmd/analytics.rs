//! `qabilet analytics`: the competitions' figures as tables (or the API's JSON, or
//! one section as CSV), from the same use case as `GET /analytics` and
//! `/web/analytics` (`qabilet_app::analytics::dashboard`).

use chrono::NaiveDate;
use clap::Args;
use comfy_table::{presets::UTF8_FULL, Table};
use qabilet_app::analytics::csv::{dashboard_csv, Section};
use qabilet_app::analytics::{dashboard, AnalyticsFilter};
use qabilet_app::{Actor, App};
use qabilet_domain::{OrganisationId, Region};

/// Which competitions: the filter of `analytics` and `fairness`.
#[derive(Args)]
pub struct FilterArgs {
    /// One organisation's competitions.
    #[arg(long)]
    pub organisation: Option<OrganisationId>,
    /// First publication date counted.
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last publication date counted.
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// A category group letter (B) or a whole category (B-4).
    #[arg(long)]
    pub category: Option<String>,
    /// The vacancies' region.
    #[arg(long)]
    pub region: Option<Region>,
}

impl FilterArgs {
    pub fn filter(&self) -> AnalyticsFilter {
        AnalyticsFilter {
            organisation: self.organisation.clone(),
            from: self.from,
            to: self.to,
            category: self.category.clone(),
            region: self.region,
        }
    }

    /// Whether any filter is given.
    pub fn any(&self) -> bool {
        self.organisation.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.category.is_some()
            || self.region.is_some()
    }
}

#[derive(Args)]
pub struct AnalyticsArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print the API's JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print one section as CSV: funnel, time-to-hire, applications,
    /// thin-competitions, regions, reserve, proctoring.
    #[arg(long, value_name = "SECTION")]
    pub csv: Option<String>,
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |x| format!("{:.1}%", x * 100.0))
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL);
    t.set_header(header.to_vec());
    t
}

pub async fn run(args: &AnalyticsArgs, app: &App) -> anyhow::Result<()> {
    let actor = Actor::operator_from_env();
    let filter = args.filter.filter();
    let section: Option<Section> = args.csv.as_deref().map(str::parse).transpose()?;
    let d = dashboard(app, &actor, filter).await?;
    if let Some(section) = section {
        print!("{}", dashboard_csv(&d, section)?);
        return Ok(());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(());
    }
    println!(
        "{} competitions (published vacancies) covered.\n",
        d.competitions
    );
    let mut t = table(&[
        "step",
        "count",
        "of the step before",
        "of those who applied",
    ]);
    for s in &d.funnel.steps {
        t.add_row([
            s.step.clone(),
            s.count.to_string(),
            pct(s.from_previous),
            pct(s.from_applied),
        ]);
    }
    println!("Funnel by stage\n{t}\n");
    match &d.time_to_hire.overall {
        None => println!("Time to hire: no competition covered has hired yet.\n"),
        Some(p) => {
            let mut t = table(&["by", "group", "competitions", "P25", "median", "P75", "P90"]);
            let rows = std::iter::once(("all", "all".to_owned(), p))
                .chain(
                    d.time_to_hire
                        .by_organisation
                        .iter()
                        .map(|g| ("organisation", g.group.clone(), &g.days)),
                )
                .chain(
                    d.time_to_hire
                        .by_category
                        .iter()
                        .map(|g| ("category", g.group.clone(), &g.days)),
                );
            for (by, group, p) in rows {
                t.add_row([
                    by.to_owned(),
                    group,
                    p.count.to_string(),
                    format!("{:.0}", p.p25),
                    format!("{:.0}", p.median),
                    format!("{:.0}", p.p75),
                    format!("{:.0}", p.p90),
                ]);
            }
            println!("Time to hire, days from publication to the hiring decision\n{t}\n");
        }
    }
    let a = &d.applications;
    println!(
        "Applications per vacancy: mean {:.1}, median {:.1}; {} competitions with fewer than {} eligible candidates.\n",
        a.mean,
        a.median,
        a.thin_total,
        qabilet_app::analytics::MIN_ELIGIBLE
    );
    let mut t = table(&["region", "vacancies", "applications", "hired"]);
    for r in d.regions.iter().filter(|r| r.vacancies > 0) {
        t.add_row([
            r.region.clone(),
            r.vacancies.to_string(),
            r.applications.to_string(),
            r.hired.to_string(),
        ]);
    }
    println!("Regions (with vacancies)\n{t}\n");
    let r = &d.reserve;
    println!(
        "Reserve: {} entries ({} active), {} matches offered, {} of {} hires from the reserve.\n",
        r.entries_by_kind.values().sum::<usize>(),
        r.active,
        r.matches_offered,
        r.hires_from_reserve,
        r.hires
    );
    if !d.proctoring.is_empty() {
        let mut t = table(&[
            "test",
            "detector",
            "sessions",
            "flags",
            "rate",
            "open",
            "confirmed",
            "dismissed",
        ]);
        for p in &d.proctoring {
            t.add_row([
                p.form_id.clone(),
                p.detector.clone(),
                p.sessions.to_string(),
                p.flags.to_string(),
                format!("{:.2}%", p.rate * 100.0),
                p.open.to_string(),
                p.confirmed.to_string(),
                p.dismissed.to_string(),
            ]);
        }
        println!("Proctoring flag rates\n{t}");
    }
    Ok(())
}
