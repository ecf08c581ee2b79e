//! Fairness report of a shortlist: selection rates by gender, age band and locality,
//! and the four-fifths (adverse impact) ratio.
//!
//! Shown to HR; **never an input to ranking** — nothing in [`crate::ranking`] reads
//! gender, age or locality, and this module reads only the outcome. The selection
//! rate of a group is selected / considered; the impact ratio of a dimension is the
//! lowest group rate over the highest, and below 0.8 it signals possible adverse
//! impact (US EEOC Uniform Guidelines, 1978) for a person to look into. People
//! without the attribute are counted apart, not guessed.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use qabilet_domain::{Gender, Locality, Profile};
use serde::Serialize;

/// The ratio below which a dimension is flagged.
pub const FOUR_FIFTHS: f64 = 0.8;

/// One group's rate.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupRate {
    pub group: String,
    pub considered: usize,
    pub selected: usize,
    pub rate: f64,
}

/// One attribute's groups and impact ratio.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Dimension {
    pub name: String,
    pub groups: Vec<GroupRate>,
    /// Lowest rate / highest rate over groups with anyone considered; `None` with
    /// fewer than two such groups or nobody selected.
    pub impact_ratio: Option<f64>,
    /// `impact_ratio < 0.8`.
    pub flagged: bool,
    /// Considered people without this attribute.
    pub unknown: usize,
}

/// The report for one shortlist.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FairnessReport {
    pub considered: usize,
    pub selected: usize,
    pub dimensions: Vec<Dimension>,
}

fn age_band(birth: NaiveDate, as_of: NaiveDate) -> String {
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
    .to_owned()
}

fn dimension(
    name: &str,
    pool: &[(&Profile, bool)],
    key: impl Fn(&Profile) -> Option<String>,
) -> Dimension {
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unknown = 0;
    for (p, selected) in pool {
        match key(p) {
            Some(g) => {
                let e = groups.entry(g).or_default();
                e.0 += 1;
                e.1 += usize::from(*selected);
            }
            None => unknown += 1,
        }
    }
    let groups: Vec<GroupRate> = groups
        .into_iter()
        .map(|(group, (considered, selected))| GroupRate {
            group,
            considered,
            selected,
            rate: selected as f64 / considered as f64,
        })
        .collect();
    let max = groups.iter().map(|g| g.rate).fold(0.0, f64::max);
    let min = groups.iter().map(|g| g.rate).fold(f64::INFINITY, f64::min);
    let impact_ratio = (groups.len() >= 2 && max > 0.0).then(|| min / max);
    Dimension {
        name: name.to_owned(),
        flagged: impact_ratio.is_some_and(|r| r < FOUR_FIFTHS),
        impact_ratio,
        groups,
        unknown,
    }
}

/// The report over `pool`: every person considered, with whether they were
/// selected (shortlisted). Ages are taken as of `as_of`.
pub fn report(pool: &[(&Profile, bool)], as_of: NaiveDate) -> FairnessReport {
    let gender = |p: &Profile| {
        p.gender.map(|g| match g {
            Gender::Female => "female".to_owned(),
            Gender::Male => "male".to_owned(),
        })
    };
    let locality = |p: &Profile| {
        p.locality.map(|l| match l {
            Locality::Urban => "urban".to_owned(),
            Locality::Rural => "rural".to_owned(),
        })
    };
    FairnessReport {
        considered: pool.len(),
        selected: pool.iter().filter(|(_, s)| *s).count(),
        dimensions: vec![
            dimension("gender", pool, gender),
            dimension("age", pool, |p| p.birth_date.map(|b| age_band(b, as_of))),
            dimension("locality", pool, locality),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::tests::{d, profile};

    #[test]
    fn rates_and_the_four_fifths_ratio() {
        let mut people = Vec::new();
        for i in 0..10 {
            let mut p = profile();
            p.gender = Some(if i < 5 { Gender::Female } else { Gender::Male });
            p.birth_date = if i == 0 { None } else { Some(d("1990-01-01")) };
            people.push(p);
        }
        // 1 of 5 women, 4 of 5 men selected.
        let pool: Vec<(&Profile, bool)> = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p, i == 0 || i >= 6))
            .collect();
        let r = report(&pool, d("2026-11-20"));
        assert_eq!((r.considered, r.selected), (10, 5));
        let g = &r.dimensions[0];
        assert_eq!(g.groups[0].group, "female");
        assert!((g.groups[0].rate - 0.2).abs() < 1e-9 && (g.groups[1].rate - 0.8).abs() < 1e-9);
        assert!((g.impact_ratio.unwrap() - 0.25).abs() < 1e-9);
        assert!(g.flagged);
        let age = &r.dimensions[1];
        assert_eq!(age.unknown, 1);
        assert_eq!(age.groups.len(), 1);
        assert_eq!(age.impact_ratio, None);
        assert_eq!(age.groups[0].group, "30–39");
    }
}
