//! Impact ratios of a competition stage, from its actual outcomes.
//!
//! At each stage (qualification check, test, interview, decision) the people
//! *assessed* are those with a result, passed or failed (pending and withdrawn
//! are not assessed), and the *selected* are those who passed. For each group of
//! an attribute (gender, age band, region, town or countryside) the selection rate
//! is selected / assessed, and — as New York City's Local Law 144 defines it for
//! automated employment decision tools — the **impact ratio** is the group's rate
//! divided by the rate of the most selected group. Below 0.8 ("four-fifths", US
//! EEOC Uniform Guidelines, 1978) a group is flagged for a person to look into.
//!
//! What each figure carries, and why:
//! - **unknowns** are counted apart, never guessed (LL144 asks for their number);
//! - **small groups**: a group under 2 % of those assessed is excluded from the
//!   ratios, as LL144 allows, and still listed with its counts;
//! - **too few to judge**: a rate from fewer than [`MIN_TO_JUDGE`] people is shown
//!   with its Wilson 95 % interval but neither flagged nor taken as the reference
//!   (one person passing would otherwise make everyone else "adverse");
//! - every rate has its **Wilson 95 % interval**, so a reader sees how much a
//!   ratio could move by chance.
//!
//! **Never an input to ranking.** This module reads the outcome and the
//! attributes; nothing in [`crate::ranking`] or [`crate::eligibility`] reads
//! gender, birth date, region, locality or the IIN (the test
//! `ranking_reads_no_protected_attribute` changes all of them and finds every
//! score unchanged).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use qabilet_domain::{Gender, Locality, Profile, Region};
use serde::Serialize;

/// The ratio below which a judged group is flagged.
pub const FOUR_FIFTHS: f64 = 0.8;
/// Groups under this share of those assessed are left out of the ratios.
pub const SMALL_GROUP_SHARE: f64 = 0.02;
/// Fewer assessed than this, and a group's rate is not judged.
pub const MIN_TO_JUDGE: usize = 10;

/// The attributes a fairness report groups people by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attributes {
    pub gender: Option<Gender>,
    /// The age band as of the report's date.
    pub age_band: Option<&'static str>,
    /// `None` for a region not stated.
    pub region: Option<Region>,
    pub locality: Option<Locality>,
}

impl Attributes {
    /// The attributes of `profile`, ages as of `as_of`.
    pub fn of(profile: &Profile, as_of: NaiveDate) -> Attributes {
        Attributes {
            gender: profile.gender,
            age_band: profile.birth_date.map(|b| age_band(b, as_of)),
            region: (profile.region != Region::Unknown).then_some(profile.region),
            locality: profile.locality,
        }
    }
}

/// The age band of someone born on `birth`, on `as_of`.
pub fn age_band(birth: NaiveDate, as_of: NaiveDate) -> &'static str {
    let mut age = as_of.year() - birth.year();
    if (as_of.month(), as_of.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    match age {
        ..=29 => "under 30",
        30..=39 => "30–39",
        40..=49 => "40–49",
        _ => "50 and over",
    }
}

/// Wilson's 95 % interval for `k` successes in `n` trials.
pub fn wilson_interval(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n, z) = (k as f64, n as f64, 1.959_963_984_540_054_f64);
    let p = k / n;
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * ((p * (1.0 - p) + z * z / (4.0 * n)) / n).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// One group of one attribute at one stage.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupImpact {
    pub group: String,
    pub assessed: usize,
    pub selected: usize,
    pub rate: f64,
    /// Wilson 95 % interval of the rate.
    pub rate_low: f64,
    pub rate_high: f64,
    /// Share of everyone assessed with this attribute known.
    pub share: f64,
    /// The rate over the reference group's; `None` when excluded or no group is
    /// judged.
    pub impact_ratio: Option<f64>,
    /// Under 2 % of those assessed: left out of the ratios.
    pub excluded_small: bool,
    /// At least [`MIN_TO_JUDGE`] assessed.
    pub judged: bool,
    /// Judged, and its impact ratio under 0.8.
    pub flagged: bool,
}

/// One attribute's groups at one stage.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DimensionImpact {
    /// `gender`, `age`, `region` or `locality`.
    pub name: String,
    pub groups: Vec<GroupImpact>,
    /// The group whose rate the ratios divide by: the highest rate among the
    /// judged groups that are not excluded.
    pub reference_group: Option<String>,
    /// Assessed people without this attribute, and how many of them passed.
    pub unknown_assessed: usize,
    pub unknown_selected: usize,
    /// Some judged group is flagged.
    pub flagged: bool,
}

/// The report of one stage.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StageImpact {
    /// `qualification_check`, `test`, `interview` or `decision`.
    pub stage: String,
    pub assessed: usize,
    pub selected: usize,
    pub dimensions: Vec<DimensionImpact>,
}

/// The report of `stage` over `people`: each person's attributes and whether they
/// passed (only people assessed at the stage).
pub fn stage_impact(stage: &str, people: &[(Attributes, bool)]) -> StageImpact {
    let gender = |a: &Attributes| a.gender.map(|g| gender_code(g).to_owned());
    let age = |a: &Attributes| a.age_band.map(str::to_owned);
    let region = |a: &Attributes| a.region.map(|r| r.code().to_owned());
    let locality = |a: &Attributes| {
        a.locality.map(|l| match l {
            Locality::Urban => "urban".to_owned(),
            Locality::Rural => "rural".to_owned(),
        })
    };
    StageImpact {
        stage: stage.to_owned(),
        assessed: people.len(),
        selected: people.iter().filter(|(_, s)| *s).count(),
        dimensions: vec![
            dimension("gender", people, gender),
            dimension("age", people, age),
            dimension("region", people, region),
            dimension("locality", people, locality),
        ],
    }
}

fn gender_code(g: Gender) -> &'static str {
    match g {
        Gender::Female => "female",
        Gender::Male => "male",
    }
}

fn dimension(
    name: &str,
    people: &[(Attributes, bool)],
    key: impl Fn(&Attributes) -> Option<String>,
) -> DimensionImpact {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut unknown_assessed, mut unknown_selected) = (0, 0);
    for (a, selected) in people {
        match key(a) {
            Some(g) => {
                let c = counts.entry(g).or_default();
                c.0 += 1;
                c.1 += usize::from(*selected);
            }
            None => {
                unknown_assessed += 1;
                unknown_selected += usize::from(*selected);
            }
        }
    }
    let known: usize = counts.values().map(|c| c.0).sum();
    let mut groups: Vec<GroupImpact> = counts
        .into_iter()
        .map(|(group, (assessed, selected))| {
            let (rate_low, rate_high) = wilson_interval(selected, assessed);
            let share = assessed as f64 / known.max(1) as f64;
            GroupImpact {
                group,
                assessed,
                selected,
                rate: selected as f64 / assessed as f64,
                rate_low,
                rate_high,
                share,
                impact_ratio: None,
                excluded_small: share < SMALL_GROUP_SHARE,
                judged: assessed >= MIN_TO_JUDGE,
                flagged: false,
            }
        })
        .collect();
    let reference = groups
        .iter()
        .filter(|g| g.judged && !g.excluded_small)
        .max_by(|a, b| {
            a.rate
                .total_cmp(&b.rate)
                .then_with(|| b.group.cmp(&a.group))
        })
        .filter(|g| g.rate > 0.0)
        .map(|g| (g.group.clone(), g.rate));
    if let Some((_, best)) = &reference {
        for g in groups.iter_mut().filter(|g| !g.excluded_small) {
            let ratio = g.rate / best;
            g.impact_ratio = Some(ratio);
            g.flagged = g.judged && ratio < FOUR_FIFTHS;
        }
    }
    DimensionImpact {
        name: name.to_owned(),
        flagged: groups.iter().any(|g| g.flagged),
        reference_group: reference.map(|(g, _)| g),
        groups,
        unknown_assessed,
        unknown_selected,
    }
}

#[cfg(test)]
mod tests;
