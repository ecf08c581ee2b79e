//! The dashboard's sections as CSV: the table behind each chart, for a
//! spreadsheet. The API's `GET /analytics.csv?section=…`, the web's download links
//! and nothing else write them, so the three agree cell for cell.

use std::str::FromStr;

use qabilet_matcher::fairness::StageImpact;

use super::fairness::FairnessReport;
use super::Dashboard;
use crate::{AppError, AppResult};

/// A section of the dashboard (or the fairness report), by its name in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Funnel,
    TimeToHire,
    Applications,
    ThinCompetitions,
    Regions,
    Reserve,
    Proctoring,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Funnel,
        Section::TimeToHire,
        Section::Applications,
        Section::ThinCompetitions,
        Section::Regions,
        Section::Reserve,
        Section::Proctoring,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Section::Funnel => "funnel",
            Section::TimeToHire => "time-to-hire",
            Section::Applications => "applications",
            Section::ThinCompetitions => "thin-competitions",
            Section::Regions => "regions",
            Section::Reserve => "reserve",
            Section::Proctoring => "proctoring",
        }
    }
}

impl FromStr for Section {
    type Err = AppError;
    fn from_str(s: &str) -> AppResult<Section> {
        Section::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Section::ALL.iter().map(|s| s.code()).collect();
                AppError::bad_request(
                    "invalid_query",
                    format!("section {s:?} is unknown; one of {}", known.join(", ")),
                )
            })
    }
}

fn write(rows: Vec<Vec<String>>) -> AppResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(&row)
            .map_err(|e| AppError::internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::internal(e.to_string()))
}

fn num(x: f64) -> String {
    format!("{x:.4}")
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

fn row(cells: &[&dyn ToString]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// `section` of `d` as CSV, header first.
pub fn dashboard_csv(d: &Dashboard, section: Section) -> AppResult<String> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    match section {
        Section::Funnel => {
            rows.push(row(&[&"step", &"count", &"from_previous", &"from_applied"]));
            for s in &d.funnel.steps {
                rows.push(vec![
                    s.step.clone(),
                    s.count.to_string(),
                    opt(s.from_previous),
                    opt(s.from_applied),
                ]);
            }
        }
        Section::TimeToHire => {
            rows.push(row(&[
                &"by",
                &"group",
                &"competitions",
                &"min",
                &"p25",
                &"median",
                &"p75",
                &"p90",
                &"max",
            ]));
            let overall = d
                .time_to_hire
                .overall
                .iter()
                .map(|p| ("all", "all".to_owned(), p));
            let orgs = d
                .time_to_hire
                .by_organisation
                .iter()
                .map(|g| ("organisation", g.group.clone(), &g.days));
            let cats = d
                .time_to_hire
                .by_category
                .iter()
                .map(|g| ("category", g.group.clone(), &g.days));
            for (by, group, p) in overall.chain(orgs).chain(cats) {
                rows.push(vec![
                    by.to_owned(),
                    group,
                    p.count.to_string(),
                    num(p.min),
                    num(p.p25),
                    num(p.median),
                    num(p.p75),
                    num(p.p90),
                    num(p.max),
                ]);
            }
        }
        Section::Applications => {
            rows.push(row(&[&"applications", &"vacancies"]));
            for b in &d.applications.histogram {
                rows.push(vec![b.applications.clone(), b.vacancies.to_string()]);
            }
        }
        Section::ThinCompetitions => {
            rows.push(row(&[
                &"vacancy_id",
                &"title",
                &"organisation_id",
                &"status",
                &"applicants",
                &"eligible",
            ]));
            for t in &d.applications.thin {
                rows.push(vec![
                    t.vacancy_id.clone(),
                    t.title.clone(),
                    t.organisation_id.clone(),
                    t.status.clone(),
                    t.applicants.to_string(),
                    t.eligible.to_string(),
                ]);
            }
        }
        Section::Regions => {
            rows.push(row(&[&"region", &"vacancies", &"applications", &"hired"]));
            for r in &d.regions {
                rows.push(row(&[&r.region, &r.vacancies, &r.applications, &r.hired]));
            }
        }
        Section::Reserve => {
            rows.push(row(&[&"measure", &"count"]));
            for (kind, n) in &d.reserve.entries_by_kind {
                rows.push(vec![format!("entries_{kind}"), n.to_string()]);
            }
            for (measure, n) in [
                ("active_entries", d.reserve.active),
                ("matches_offered", d.reserve.matches_offered),
                ("hires_from_reserve", d.reserve.hires_from_reserve),
                ("hires", d.reserve.hires),
            ] {
                rows.push(vec![measure.to_owned(), n.to_string()]);
            }
        }
        Section::Proctoring => {
            rows.push(row(&[
                &"run_id",
                &"form_id",
                &"vacancy_id",
                &"detector",
                &"sessions",
                &"flags",
                &"rate",
                &"open",
                &"confirmed",
                &"dismissed",
            ]));
            for p in &d.proctoring {
                rows.push(vec![
                    p.run_id.clone(),
                    p.form_id.clone(),
                    p.vacancy_id.clone().unwrap_or_default(),
                    p.detector.clone(),
                    p.sessions.to_string(),
                    p.flags.to_string(),
                    num(p.rate),
                    p.open.to_string(),
                    p.confirmed.to_string(),
                    p.dismissed.to_string(),
                ]);
            }
        }
    }
    write(rows)
}

/// The fairness report as CSV: one row per stage, attribute and group (the
/// unknowns as group `unknown`).
pub fn fairness_csv(report: &FairnessReport) -> AppResult<String> {
    let mut rows = vec![row(&[
        &"stage",
        &"attribute",
        &"group",
        &"assessed",
        &"selected",
        &"rate",
        &"rate_low",
        &"rate_high",
        &"impact_ratio",
        &"excluded_small",
        &"judged",
        &"flagged",
    ])];
    for StageImpact {
        stage, dimensions, ..
    } in &report.stages
    {
        for d in dimensions {
            for g in &d.groups {
                rows.push(vec![
                    stage.clone(),
                    d.name.clone(),
                    g.group.clone(),
                    g.assessed.to_string(),
                    g.selected.to_string(),
                    num(g.rate),
                    num(g.rate_low),
                    num(g.rate_high),
                    opt(g.impact_ratio),
                    g.excluded_small.to_string(),
                    g.judged.to_string(),
                    g.flagged.to_string(),
                ]);
            }
            rows.push(vec![
                stage.clone(),
                d.name.clone(),
                "unknown".into(),
                d.unknown_assessed.to_string(),
                d.unknown_selected.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    write(rows)
}
