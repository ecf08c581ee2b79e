//! A year of decided competitions, as an agency's HRM archive would hand them over:
//! for each demo vacancy, earlier competitions for the same post (closed), their
//! applications with every stage result, and the runners-up kept in the
//! second-best registry. The analytics and the fairness report read them; without
//! a history every chart of a fresh demo would be empty.
//!
//! Who applies and how far they get follows the ground truth, not the ranking (so
//! the demo's outcomes do not flatter the matcher): people graded against the
//! post apply more often, and the better the grade the likelier each stage is
//! passed; a few ungraded people apply too, and mostly fail the qualification
//! check. Stage results are spaced by days that depend on the organisation (some
//! are slow), so time to hire varies from about three weeks to three months.
//! Runners-up of an earlier competition often apply to the later one for the same
//! post, and some are hired from the reserve. Everything is drawn from the seed.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use qabilet_domain::{
    Application, ApplicationId, ProfileId, ReserveEntry, ReserveEntryId, ReserveKind, RuleCheck,
    Stage, StageOutcome, StageResult, Vacancy, VacancyId, VacancyStatus,
};
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Past competitions per demo vacancy.
pub const PAST_PER_VACANCY: usize = 2;
/// The random stream of the history (apart from every record's own).
const HISTORY_STREAM: u64 = 0x4849_5354;
/// The demo commission member who records the archive's results.
const RECORDED_BY: &str = "demo-commission";

/// The decided competitions of the archive.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub vacancies: Vec<Vacancy>,
    pub applications: Vec<Application>,
    pub reserve: Vec<ReserveEntry>,
}

/// What the history is drawn from: the demo's vacancies, and per vacancy the
/// profiles graded against it (grade 1–3), everyone's id, and who consents to
/// the reserve.
pub struct HistoryInput<'a> {
    pub vacancies: &'a [Vacancy],
    pub graded: &'a HashMap<VacancyId, Vec<(ProfileId, u8)>>,
    pub everyone: &'a [ProfileId],
    pub reserve_consent: &'a HashSet<ProfileId>,
    pub seed: u64,
    pub reference: NaiveDate,
}

/// How slow an organisation is: a factor on every gap between stages.
fn pace(organisation: &str) -> f64 {
    let h = organisation
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    0.7 + (h % 100) as f64 / 100.0 * 1.3
}

fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).expect("valid hour"))
}

fn result(
    stage: Stage,
    outcome: StageOutcome,
    score: Option<f32>,
    day: NaiveDate,
    reason: &str,
) -> StageResult {
    StageResult {
        stage,
        outcome,
        score,
        decided_at: at(day, 11),
        decided_by: RECORDED_BY.to_owned(),
        reason: Some(reason.to_owned()),
        rule_check: None,
    }
}

/// Draws the archive.
pub fn history(input: &HistoryInput<'_>) -> History {
    let mut rng = ChaCha8Rng::seed_from_u64(input.seed ^ HISTORY_STREAM);
    let mut out = History::default();
    let yesterday = input.reference - Duration::days(1);
    // Runners-up of a post's earlier competition, who may apply to its next one.
    let mut runners_up: HashMap<VacancyId, Vec<ProfileId>> = HashMap::new();
    let mut plans: Vec<(usize, usize, NaiveDate)> = Vec::new();
    for (j, _) in input.vacancies.iter().enumerate() {
        for k in 0..PAST_PER_VACANCY {
            // The earlier competition of a post is the older one.
            let back = rng.gen_range(40..=180) + 170 * (PAST_PER_VACANCY - 1 - k) as i64;
            plans.push((j, k, input.reference - Duration::days(back)));
        }
    }
    plans.sort_by_key(|p| p.2);
    for (j, k, published) in plans {
        let base = &input.vacancies[j];
        let deadline = published + Duration::days(14);
        let vacancy = Vacancy {
            id: format!("{}-P{}", base.id, k + 1)
                .parse()
                .expect("a valid id"),
            published_on: Some(published),
            deadline,
            status: VacancyStatus::Closed,
            ..base.clone()
        };
        let slow = pace(base.organisation_id.as_str());
        let gap = |rng: &mut ChaCha8Rng, lo: i64, hi: i64| {
            Duration::days(((rng.gen_range(lo..=hi) as f64) * slow).round() as i64)
        };
        // Who applies: most of those graded, a few who were not, earlier runners-up.
        let mut applicants: Vec<(ProfileId, u8)> = input
            .graded
            .get(&base.id)
            .into_iter()
            .flatten()
            .filter(|_| rng.gen_bool(0.6))
            .cloned()
            .collect();
        for _ in 0..rng.gen_range(2..=6) {
            if let Some(p) = input.everyone.choose(&mut rng) {
                applicants.push((p.clone(), 0));
            }
        }
        for p in runners_up.remove(&base.id).unwrap_or_default() {
            if rng.gen_bool(0.8) {
                applicants.push((p, 3));
            }
        }
        let mut seen = HashSet::new();
        applicants.retain(|(p, _)| seen.insert(p.clone()));

        let qualified_on = deadline + gap(&mut rng, 2, 4);
        let tested_on = qualified_on + gap(&mut rng, 5, 9);
        let interviewed_on = tested_on + gap(&mut rng, 4, 8);
        let decided_on = interviewed_on + gap(&mut rng, 2, 5);
        let mut finalists: Vec<(usize, f32)> = Vec::new();
        let mut apps: Vec<Application> = Vec::new();
        for (i, (profile, grade)) in applicants.iter().enumerate() {
            let submitted = published + Duration::days(rng.gen_range(0..14));
            let mut stages = Vec::new();
            let mut push = |s: StageResult| {
                if s.decided_at.date_naive() <= yesterday {
                    stages.push(s);
                    true
                } else {
                    false
                }
            };
            let p_qualify = [0.08, 0.25, 0.6, 0.95][usize::from(*grade)];
            let withdrew = rng.gen_bool(0.04);
            let qualifies = !withdrew && rng.gen_bool(p_qualify);
            let mut q = result(
                Stage::QualificationCheck,
                if withdrew {
                    StageOutcome::Withdrawn
                } else if qualifies {
                    StageOutcome::Passed
                } else {
                    StageOutcome::Failed
                },
                None,
                qualified_on,
                if withdrew {
                    "Кандидат отозвал заявку"
                } else if qualifies {
                    "Соответствует квалификационным требованиям"
                } else {
                    "Не соответствует квалификационным требованиям"
                },
            );
            if !withdrew {
                let not_met = ["specialty", "experience_total", "education", "language:kk"];
                q.rule_check = Some(RuleCheck {
                    eligible: qualifies,
                    not_met: if qualifies {
                        Vec::new()
                    } else {
                        vec![not_met[rng.gen_range(0..not_met.len())].to_owned()]
                    },
                    undecided: Vec::new(),
                    overridden: Vec::new(),
                });
            }
            if push(q) && qualifies {
                let test = (45.0 + 12.0 * f32::from(*grade) + rng.gen_range(-15.0..15.0))
                    .clamp(0.0, 100.0);
                let passed = test >= 60.0;
                let r = result(
                    Stage::Test,
                    if passed {
                        StageOutcome::Passed
                    } else {
                        StageOutcome::Failed
                    },
                    Some(test.round()),
                    tested_on,
                    if passed {
                        "Набран проходной балл"
                    } else {
                        "Проходной балл не набран"
                    },
                );
                if push(r) && passed {
                    let interview = (50.0 + 10.0 * f32::from(*grade) + rng.gen_range(-20.0..20.0))
                        .clamp(0.0, 100.0);
                    let passed = interview >= 60.0;
                    let r = result(
                        Stage::Interview,
                        if passed {
                            StageOutcome::Passed
                        } else {
                            StageOutcome::Failed
                        },
                        Some(interview.round()),
                        interviewed_on,
                        if passed {
                            "Рекомендован комиссией по итогам собеседования"
                        } else {
                            "Не рекомендован по итогам собеседования"
                        },
                    );
                    if push(r) && passed {
                        finalists.push((i, test + interview));
                    }
                }
            }
            apps.push(Application {
                id: ApplicationId::new(format!("A-{}-{}", vacancy.id, profile))
                    .expect("a valid id"),
                vacancy_id: vacancy.id.clone(),
                profile_id: profile.clone(),
                submitted_at: at(submitted, 9),
                stages,
                preference: None,
            });
        }
        // The decision: the best finalist is hired, the others are runners-up.
        if decided_on <= yesterday && !finalists.is_empty() {
            finalists.sort_by(|a, b| b.1.total_cmp(&a.1));
            for (place, (i, score)) in finalists.iter().enumerate() {
                let hired = place == 0;
                apps[*i].stages.push(result(
                    Stage::Decision,
                    if hired {
                        StageOutcome::Passed
                    } else {
                        StageOutcome::Failed
                    },
                    Some(score.round()),
                    decided_on,
                    if hired {
                        "Победитель конкурса: наибольший итоговый балл"
                    } else {
                        "Другой кандидат набрал больший итоговый балл"
                    },
                ));
                let profile = &apps[*i].profile_id;
                if place == 1 && input.reserve_consent.contains(profile) {
                    let created = at(decided_on, 12);
                    out.reserve.push(ReserveEntry {
                        id: ReserveEntryId::new(format!("R-{}-{}", vacancy.id, profile))
                            .expect("a valid id"),
                        profile_id: profile.clone(),
                        kind: ReserveKind::SecondBest,
                        origin_vacancy_id: Some(vacancy.id.clone()),
                        rank: Some(2),
                        reason: "Второй по итогам конкурса, согласие на резерв получено".into(),
                        consented_at: created,
                        created_at: created,
                        expires_at: created + Duration::days(365),
                    });
                    runners_up
                        .entry(base.id.clone())
                        .or_default()
                        .push(profile.clone());
                }
            }
        }
        out.applications.extend(apps);
        out.vacancies.push(vacancy);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DemoConfig, Generator};
    use qabilet_domain::Validate;

    #[test]
    fn the_archive_is_valid_decided_and_repeatable() {
        let g = Generator::new(DemoConfig {
            profiles: 300,
            ..DemoConfig::default()
        });
        let mut graded: HashMap<VacancyId, Vec<(ProfileId, u8)>> = HashMap::new();
        let mut everyone = Vec::new();
        let mut consent = HashSet::new();
        for p in g.profiles_with_judgements() {
            for j in p.judgements {
                graded
                    .entry(j.vacancy_id)
                    .or_default()
                    .push((j.profile_id, j.grade));
            }
            consent.insert(p.profile.id.clone());
            everyone.push(p.profile.id);
        }
        let vacancies = g.vacancies();
        let input = HistoryInput {
            vacancies: &vacancies,
            graded: &graded,
            everyone: &everyone,
            reserve_consent: &consent,
            seed: 7,
            reference: g.config().reference_date,
        };
        let h = history(&input);
        assert_eq!(h.vacancies.len(), vacancies.len() * PAST_PER_VACANCY);
        for a in &h.applications {
            a.validate().unwrap_or_else(|e| panic!("{}: {e}", a.id));
        }
        for v in &h.vacancies {
            v.validate().unwrap();
            assert!(v.deadline < g.config().reference_date);
        }
        let hired = h
            .applications
            .iter()
            .filter(|a| {
                a.stages
                    .iter()
                    .any(|s| s.stage == Stage::Decision && s.outcome == StageOutcome::Passed)
            })
            .count();
        assert!(
            hired * 2 > h.vacancies.len(),
            "{hired} hires in {} competitions",
            h.vacancies.len()
        );
        assert!(!h.reserve.is_empty());
        let again = history(&input);
        assert_eq!(again.applications, h.applications);
    }
}
