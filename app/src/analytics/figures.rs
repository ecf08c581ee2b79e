//! The figures of the analytics dashboard, each computed from the competitions a
//! filter covers ([`super::Competitions`]); see the parent module for what is
//! counted.

use std::collections::{BTreeMap, HashMap, HashSet};

use qabilet_domain::{Application, Stage, StageOutcome, Vacancy};
use qabilet_matcher::reserve::ReserveMatchEvent;
use qabilet_store::EventKind;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Competitions, MIN_ELIGIBLE};
use crate::{App, AppResult};

/// The outcome an application got at `stage`, if one was recorded.
pub(crate) fn outcome_at(a: &Application, stage: Stage) -> Option<StageOutcome> {
    a.stages
        .iter()
        .find(|s| s.stage == stage)
        .map(|s| s.outcome)
}

fn passed(a: &Application, stage: Stage) -> bool {
    outcome_at(a, stage) == Some(StageOutcome::Passed)
}

/// One step of the funnel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelStep {
    /// `applied`, `qualified`, `passed_test`, `interviewed`, `hired`.
    pub step: String,
    pub count: usize,
    /// Share of the step before (none for the first, or when it is 0).
    pub from_previous: Option<f64>,
    /// Share of those who applied.
    pub from_applied: Option<f64>,
}

/// Applications through the stages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Funnel {
    pub steps: Vec<FunnelStep>,
}

pub(crate) fn funnel(set: &Competitions) -> Funnel {
    let mut counts = [0usize; 5];
    for a in set.all_applications() {
        counts[0] += 1;
        counts[1] += usize::from(passed(a, Stage::QualificationCheck));
        counts[2] += usize::from(passed(a, Stage::Test));
        counts[3] += usize::from(matches!(
            outcome_at(a, Stage::Interview),
            Some(StageOutcome::Passed | StageOutcome::Failed)
        ));
        counts[4] += usize::from(passed(a, Stage::Decision));
    }
    let share = |n: usize, of: usize| (of > 0).then(|| n as f64 / of as f64);
    let names = [
        "applied",
        "qualified",
        "passed_test",
        "interviewed",
        "hired",
    ];
    Funnel {
        steps: names
            .iter()
            .enumerate()
            .map(|(i, step)| FunnelStep {
                step: (*step).to_owned(),
                count: counts[i],
                from_previous: if i == 0 {
                    None
                } else {
                    share(counts[i], counts[i - 1])
                },
                from_applied: share(counts[i], counts[0]),
            })
            .collect(),
    }
}

/// Days from publication to decision: how many competitions, and where they lie.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Percentiles {
    /// Competitions decided with a hire.
    pub count: usize,
    pub min: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub p90: f64,
    pub max: f64,
}

/// Percentiles of the days of one group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupTimes {
    /// An organisation's id, or a category group letter.
    pub group: String,
    pub days: Percentiles,
}

/// How many competitions took between `from_days` and `to_days` (exclusive).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DaysBin {
    pub from_days: u32,
    pub to_days: u32,
    pub competitions: usize,
}

/// Time to hire: from a vacancy's publication to the first decision that hired.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HireTimes {
    /// Over every competition with a hire; none when there is none.
    pub overall: Option<Percentiles>,
    pub by_organisation: Vec<GroupTimes>,
    pub by_category: Vec<GroupTimes>,
    /// Competitions per 10 days.
    pub histogram: Vec<DaysBin>,
}

/// The `q`-quantile of sorted `values` (linear between ranks, as spreadsheets do).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

pub(crate) fn percentiles(mut days: Vec<f64>) -> Option<Percentiles> {
    if days.is_empty() {
        return None;
    }
    days.sort_by(f64::total_cmp);
    Some(Percentiles {
        count: days.len(),
        min: days[0],
        p25: quantile(&days, 0.25),
        median: quantile(&days, 0.5),
        p75: quantile(&days, 0.75),
        p90: quantile(&days, 0.9),
        max: days[days.len() - 1],
    })
}

/// Days from publication to the first hiring decision of `v`, if it hired.
pub(crate) fn days_to_hire(v: &Vacancy, applications: &[Application]) -> Option<f64> {
    let published = v.published_on?;
    let decided = applications
        .iter()
        .flat_map(|a| &a.stages)
        .filter(|s| s.stage == Stage::Decision && s.outcome == StageOutcome::Passed)
        .map(|s| s.decided_at.date_naive())
        .min()?;
    Some((decided - published).num_days().max(0) as f64)
}

pub(crate) fn hire_times(set: &Competitions) -> HireTimes {
    let no_applications = Vec::new();
    let timed: Vec<(&Vacancy, f64)> = set
        .vacancies
        .iter()
        .filter_map(|v| {
            let applications = set
                .applications
                .get(v.id.as_str())
                .unwrap_or(&no_applications);
            Some((v, days_to_hire(v, applications)?))
        })
        .collect();
    let grouped = |key: &dyn Fn(&Vacancy) -> String| -> Vec<GroupTimes> {
        let mut groups: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (v, days) in &timed {
            groups.entry(key(v)).or_default().push(*days);
        }
        groups
            .into_iter()
            .filter_map(|(group, days)| {
                Some(GroupTimes {
                    group,
                    days: percentiles(days)?,
                })
            })
            .collect()
    };
    let max = timed.iter().map(|(_, d)| *d as u32).max().unwrap_or(0);
    let histogram = (0..=max / 10)
        .map(|bin| DaysBin {
            from_days: bin * 10,
            to_days: bin * 10 + 10,
            competitions: timed
                .iter()
                .filter(|(_, d)| (*d as u32) / 10 == bin)
                .count(),
        })
        .collect();
    HireTimes {
        overall: percentiles(timed.iter().map(|(_, d)| *d).collect()),
        by_organisation: grouped(&|v| v.organisation_id.to_string()),
        by_category: grouped(&|v| v.category.to_string()[..1].to_owned()),
        histogram: if timed.is_empty() {
            Vec::new()
        } else {
            histogram
        },
    }
}

/// A competition with fewer than [`MIN_ELIGIBLE`] eligible candidates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThinCompetition {
    pub vacancy_id: String,
    pub title: String,
    pub organisation_id: String,
    pub status: String,
    pub applicants: usize,
    pub eligible: usize,
}

/// How many vacancies got how many applications.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadBin {
    /// `0`, `1`, `2–4`, `5–9`, `10–19`, `20+`.
    pub applications: String,
    pub vacancies: usize,
}

/// Applications per vacancy, and the competitions with too few eligible
/// candidates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VacancyLoad {
    pub histogram: Vec<LoadBin>,
    pub mean: f64,
    pub median: f64,
    /// The competitions with fewer than [`MIN_ELIGIBLE`] eligible candidates, at
    /// most 200 (fewest first); `thin_total` counts them all.
    pub thin: Vec<ThinCompetition>,
    pub thin_total: usize,
}

/// Eligible candidates per vacancy: those who passed the qualification check, and
/// among those not yet checked, those the rule checker finds eligible today.
pub(crate) async fn eligible_counts(
    app: &App,
    set: &Competitions,
) -> AppResult<HashMap<String, usize>> {
    let unchecked: Vec<&str> = set
        .all_applications()
        .filter(|a| outcome_at(a, Stage::QualificationCheck).is_none())
        .map(|a| a.profile_id.as_str())
        .collect();
    let profiles = app.store().profiles_by_ids(&unchecked).await?;
    let today = app.today();
    let mut out = HashMap::new();
    for v in &set.vacancies {
        let prepared = app.checker().prepare(v);
        let n = set
            .applications
            .get(v.id.as_str())
            .into_iter()
            .flatten()
            .filter(|a| match outcome_at(a, Stage::QualificationCheck) {
                Some(outcome) => outcome == StageOutcome::Passed,
                None => profiles
                    .get(a.profile_id.as_str())
                    .is_some_and(|p| app.checker().check(&prepared, p, today).eligible),
            })
            .count();
        out.insert(v.id.to_string(), n);
    }
    Ok(out)
}

pub(crate) fn vacancy_load(set: &Competitions, eligible: &HashMap<String, usize>) -> VacancyLoad {
    let per: Vec<usize> = set
        .vacancies
        .iter()
        .map(|v| set.applications.get(v.id.as_str()).map_or(0, Vec::len))
        .collect();
    let bins: [(&str, usize, usize); 6] = [
        ("0", 0, 0),
        ("1", 1, 1),
        ("2–4", 2, 4),
        ("5–9", 5, 9),
        ("10–19", 10, 19),
        ("20+", 20, usize::MAX),
    ];
    let histogram = bins
        .iter()
        .map(|(label, lo, hi)| LoadBin {
            applications: (*label).to_owned(),
            vacancies: per.iter().filter(|n| (lo..=hi).contains(n)).count(),
        })
        .collect();
    let mut sorted: Vec<f64> = per.iter().map(|n| *n as f64).collect();
    sorted.sort_by(f64::total_cmp);
    let mut thin: Vec<ThinCompetition> = set
        .vacancies
        .iter()
        .zip(&per)
        .filter_map(|(v, &applicants)| {
            let eligible = eligible.get(v.id.as_str()).copied().unwrap_or(0);
            (eligible < MIN_ELIGIBLE).then(|| ThinCompetition {
                vacancy_id: v.id.to_string(),
                title: v.title.clone(),
                organisation_id: v.organisation_id.to_string(),
                status: v.status.code().to_owned(),
                applicants,
                eligible,
            })
        })
        .collect();
    thin.sort_by(|a, b| {
        (a.eligible, a.applicants, &a.vacancy_id).cmp(&(b.eligible, b.applicants, &b.vacancy_id))
    });
    let thin_total = thin.len();
    thin.truncate(200);
    VacancyLoad {
        histogram,
        mean: if per.is_empty() {
            0.0
        } else {
            per.iter().sum::<usize>() as f64 / per.len() as f64
        },
        median: if sorted.is_empty() {
            0.0
        } else {
            quantile(&sorted, 0.5)
        },
        thin,
        thin_total,
    }
}

/// One region's competitions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionCount {
    /// The region's code.
    pub region: String,
    pub vacancies: usize,
    pub applications: usize,
    pub hired: usize,
}

pub(crate) fn regions(set: &Competitions) -> Vec<RegionCount> {
    qabilet_domain::Region::KAZAKHSTAN
        .iter()
        .map(|&r| {
            let here: Vec<&Vacancy> = set.vacancies.iter().filter(|v| v.region == r).collect();
            let applications: Vec<&Application> = here
                .iter()
                .flat_map(|v| set.applications.get(v.id.as_str()).into_iter().flatten())
                .collect();
            RegionCount {
                region: r.code().to_owned(),
                vacancies: here.len(),
                hired: applications
                    .iter()
                    .filter(|a| passed(a, Stage::Decision))
                    .count(),
                applications: applications.len(),
            }
        })
        .collect()
}

/// How the talent reserve served these competitions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReserveUse {
    /// Reserve entries these competitions' runners-up (and others kept from them)
    /// made, by kind: `reserve`, `second_best`.
    pub entries_by_kind: BTreeMap<String, usize>,
    /// Of those, still active.
    pub active: usize,
    /// Reserve matches offered for these competitions' vacancies.
    pub matches_offered: usize,
    /// Hires of people who were in the reserve when they applied, or were offered
    /// the vacancy from it.
    pub hires_from_reserve: usize,
    /// All hires of these competitions.
    pub hires: usize,
}

pub(crate) async fn reserve_use(app: &App, set: &Competitions) -> AppResult<ReserveUse> {
    let ids: Vec<&str> = set.vacancies.iter().map(|v| v.id.as_str()).collect();
    let covered: HashSet<&str> = ids.iter().copied().collect();
    let made = app.store().reserve_from(&ids).await?;
    let now = crate::now_micros();
    let mut entries_by_kind = BTreeMap::new();
    for e in &made {
        *entries_by_kind.entry(e.kind.code().to_owned()).or_insert(0) += 1;
    }
    let mut offered: HashSet<(String, String)> = HashSet::new();
    for (_, payload) in app
        .store()
        .event_payloads(EventKind::ReserveMatch.as_str())
        .await?
    {
        if let Ok(m) = serde_json::from_str::<ReserveMatchEvent>(&payload) {
            if covered.contains(m.vacancy_id.as_str()) {
                offered.insert((m.vacancy_id, m.profile_id));
            }
        }
    }
    let hired: Vec<&Application> = set
        .all_applications()
        .filter(|a| passed(a, Stage::Decision))
        .collect();
    let hired_ids: Vec<&str> = hired.iter().map(|a| a.profile_id.as_str()).collect();
    let mut kept_since: HashMap<String, chrono::DateTime<chrono::Utc>> = HashMap::new();
    for e in app.store().reserve_of(&hired_ids).await? {
        let at = kept_since
            .entry(e.profile_id.to_string())
            .or_insert(e.created_at);
        *at = (*at).min(e.created_at);
    }
    let hires_from_reserve = hired
        .iter()
        .filter(|a| {
            offered.contains(&(a.vacancy_id.to_string(), a.profile_id.to_string()))
                || kept_since
                    .get(a.profile_id.as_str())
                    .is_some_and(|since| *since < a.submitted_at)
        })
        .count();
    Ok(ReserveUse {
        active: made.iter().filter(|e| e.is_active(now)).count(),
        entries_by_kind,
        matches_offered: offered.len(),
        hires_from_reserve,
        hires: hired.len(),
    })
}

/// One detector's flags in one test (analysis run).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProctoringRate {
    pub run_id: String,
    /// The test form.
    pub form_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vacancy_id: Option<String>,
    pub detector: String,
    /// Sessions the run analysed.
    pub sessions: i64,
    pub flags: i64,
    /// Flags per session.
    pub rate: f64,
    pub open: i64,
    pub confirmed: i64,
    pub dismissed: i64,
}

pub(crate) async fn proctoring_rates(
    app: &App,
    set: &Competitions,
) -> AppResult<Vec<ProctoringRate>> {
    let covered: HashSet<&str> = set.vacancies.iter().map(|v| v.id.as_str()).collect();
    let mut rows: BTreeMap<(String, String), ProctoringRate> = BTreeMap::new();
    for c in app.store().proctoring_flag_counts().await? {
        // A test outside any competition belongs to no organisation's figures.
        if !c.vacancy_id.as_deref().is_some_and(|v| covered.contains(v)) || c.detector.is_empty() {
            continue;
        }
        let row = rows
            .entry((c.run_id.clone(), c.detector.clone()))
            .or_insert_with(|| ProctoringRate {
                run_id: c.run_id.clone(),
                form_id: c.form_id.clone(),
                vacancy_id: c.vacancy_id.clone(),
                detector: c.detector.clone(),
                sessions: c.sessions,
                flags: 0,
                rate: 0.0,
                open: 0,
                confirmed: 0,
                dismissed: 0,
            });
        row.flags += c.flags;
        match c.status.as_str() {
            "confirmed" => row.confirmed += c.flags,
            "dismissed" => row.dismissed += c.flags,
            _ => row.open += c.flags,
        }
    }
    Ok(rows
        .into_values()
        .map(|mut r| {
            r.rate = if r.sessions > 0 {
                r.flags as f64 / r.sessions as f64
            } else {
                0.0
            };
            r
        })
        .collect())
}
