use qabilet_domain::{Gender, Locality, Profile, Region};

use super::*;
use crate::eligibility::tests::{d, profile, vacancy};
use crate::eligibility::Checker;
use crate::ranking::{Candidate, Provenance, Ranker, RankingConfig};

/// 105 people assessed, the first 44 selected, attributes laid out so that every
/// figure below can be checked by hand.
fn hand_computed_people() -> Vec<(Attributes, bool)> {
    (0..105)
        .map(|i| {
            let gender = match i {
                0..12 | 44..72 => Some(Gender::Female),
                12..42 | 72..102 => Some(Gender::Male),
                _ => None,
            };
            let region = match i {
                0..18 | 44..76 => Some(Region::Astana),
                18..42 | 76..100 => Some(Region::Almaty),
                42 => Some(Region::Abroad),
                _ => None,
            };
            let age_band = Some(if i < 8 { "under 30" } else { "30–39" });
            let attributes = Attributes {
                gender,
                age_band,
                region,
                locality: None,
            };
            (attributes, i < 44)
        })
        .collect()
}

fn group<'a>(d: &'a DimensionImpact, name: &str) -> &'a GroupImpact {
    d.groups.iter().find(|g| g.group == name).unwrap()
}

#[test]
fn impact_ratios_match_a_hand_computed_example() {
    let report = stage_impact("test", &hand_computed_people());
    assert_eq!((report.assessed, report.selected), (105, 44));

    // Gender: women 12/40 = 0.30, men 30/60 = 0.50; ratio 0.6 < 0.8; 5 unknown, 2 passed.
    let gender = &report.dimensions[0];
    let (women, men) = (group(gender, "female"), group(gender, "male"));
    assert_eq!((women.assessed, women.selected), (40, 12));
    assert!((women.rate - 0.3).abs() < 1e-12 && (men.rate - 0.5).abs() < 1e-12);
    assert_eq!(gender.reference_group.as_deref(), Some("male"));
    assert!((women.impact_ratio.unwrap() - 0.6).abs() < 1e-12);
    assert_eq!(men.impact_ratio, Some(1.0));
    assert!(women.flagged && !men.flagged && gender.flagged);
    assert_eq!((gender.unknown_assessed, gender.unknown_selected), (5, 2));
    // Wilson 95 % interval of 12/40.
    assert!(
        (women.rate_low - 0.180_748).abs() < 1e-5 && (women.rate_high - 0.454_300).abs() < 1e-5
    );

    // Region: Astana 18/50 = 0.36, Almaty 24/48 = 0.5: ratio 0.72, flagged; the
    // one person abroad (1 of 99 known, under 2 %) is listed but left out.
    let region = &report.dimensions[2];
    let (astana, abroad) = (group(region, "astana"), group(region, "abroad"));
    assert!((astana.impact_ratio.unwrap() - 0.72).abs() < 1e-12 && astana.flagged);
    assert!(abroad.excluded_small && abroad.impact_ratio.is_none() && !abroad.flagged);
    assert_eq!((abroad.assessed, abroad.selected), (1, 1));
    assert_eq!((region.unknown_assessed, region.unknown_selected), (6, 1));

    // Age: 8 of 8 under 30 is too few to judge, so it is neither the reference nor
    // flagged, though its ratio is shown; 30–39 (36/97) is the reference.
    let age = &report.dimensions[1];
    let young = group(age, "under 30");
    assert!(!young.judged && !young.flagged);
    assert_eq!(age.reference_group.as_deref(), Some("30–39"));
    assert!((young.impact_ratio.unwrap() - 97.0 / 36.0).abs() < 1e-9);

    // Locality: nobody stated it; no ratio at all.
    let locality = &report.dimensions[3];
    assert!(locality.groups.is_empty() && locality.reference_group.is_none());
    assert_eq!(locality.unknown_assessed, 105);
}

#[test]
fn nobody_selected_gives_no_ratio_rather_than_a_division_by_zero() {
    let people: Vec<(Attributes, bool)> = hand_computed_people()
        .into_iter()
        .map(|(a, _)| (a, false))
        .collect();
    let report = stage_impact("decision", &people);
    assert!(report
        .dimensions
        .iter()
        .all(|d| d.reference_group.is_none() && !d.flagged));
}

/// The fairness attributes are report-only: changing every one of them (and the
/// name) changes no score, no eligibility and no order of a shortlist.
#[test]
fn ranking_reads_no_protected_attribute() {
    let v = vacancy();
    let mut people: Vec<Profile> = (0..6)
        .map(|i| {
            let mut p = profile();
            p.id = format!("P-{i}").parse().unwrap();
            p.experience.truncate(1 + i % 2);
            if i % 3 == 0 {
                p.education.clear();
            }
            p
        })
        .collect();
    let checker = Checker::default();
    let config = RankingConfig::default();
    let rank = |people: &[Profile]| {
        let candidates: Vec<Candidate<Profile>> = people
            .iter()
            .enumerate()
            .map(|(i, p)| Candidate {
                bm25: Some(i as f32),
                dense: Some(0.8 - i as f32 / 100.0),
                ..Candidate::unscored(p)
            })
            .collect();
        let list =
            Ranker::new(&config, &checker, Provenance::default()).shortlist(&v, &candidates, 10);
        (list.record.candidates, list.record.order)
    };
    let before = rank(&people);
    let births = ["1950-01-01", "2000-12-31", "1985-06-15"];
    for (i, p) in people.iter_mut().enumerate() {
        p.full_name = format!("Someone Else {i}");
        p.gender = match p.gender {
            Some(Gender::Female) => Some(Gender::Male),
            _ => Some(Gender::Female),
        };
        p.birth_date = Some(d(births[i % births.len()]));
        p.region = [Region::Abroad, Region::Unknown, Region::Mangystau][i % 3];
        p.locality = Some(if i % 2 == 0 {
            Locality::Rural
        } else {
            Locality::Urban
        });
    }
    let after = rank(&people);
    assert_eq!(before, after);
}
