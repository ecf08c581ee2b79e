use chrono::TimeZone;
use qabilet_domain::Consent;

use super::*;
use crate::eligibility::tests::{profile, vacancy};
use crate::eligibility::Checker;
use crate::ranking::{Provenance, RankingConfig};

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn consenting(id: &str) -> Profile {
    let mut p = profile();
    p.id = id.parse().unwrap();
    p.consents.push(Consent {
        purpose: ConsentPurpose::Reserve,
        granted_at: at(2026, 1, 2),
        revoked_at: None,
    });
    p
}

#[test]
fn a_runner_up_is_kept_matched_and_notified() {
    let closed = vacancy();
    let winner = consenting("P-WIN");
    let runner_up = consenting("P-2ND");
    let mut refuses = profile();
    refuses.id = "P-NO".parse().unwrap();
    let weak = consenting("P-WEAK");
    let finalists = [
        Finalist {
            profile: &winner,
            rank: 1,
            score: 90.0,
        },
        Finalist {
            profile: &runner_up,
            rank: 2,
            score: 85.0,
        },
        Finalist {
            profile: &refuses,
            rank: 3,
            score: 80.0,
        },
        Finalist {
            profile: &weak,
            rank: 3,
            score: 20.0,
        },
    ];
    let policy = ReservePolicy {
        min_score: 50.0,
        ..ReservePolicy::default()
    };
    let closed_at = at(2026, 11, 25);
    let entries = on_competition_closed(&closed, &finalists, &policy, closed_at);
    assert_eq!(entries.len(), 1, "{entries:#?}");
    let entry = &entries[0];
    assert_eq!(entry.profile_id.as_str(), "P-2ND");
    assert_eq!(entry.rank, Some(2));
    assert_eq!(entry.kind, ReserveKind::SecondBest);
    assert!(entry.reason.contains("V-1"));
    assert_eq!(entry.expires_at, closed_at + Duration::days(365));
    // Closing twice yields the same id.
    assert_eq!(
        on_competition_closed(&closed, &finalists, &policy, closed_at)[0].id,
        entry.id
    );

    // A new accounting post opens; the same post is not offered back.
    let mut new = vacancy();
    new.id = "V-2".parse().unwrap();
    let config = RankingConfig::default();
    let checker = Checker::default();
    let ranker = Ranker::new(&config, &checker, Provenance::default());
    let opened = at(2026, 12, 10);
    let events = on_vacancy_opened(&ranker, &new, &[(entry, &runner_up)], &policy, opened);
    assert_eq!(events.len(), 1, "{events:#?}");
    let e = &events[0];
    assert_eq!(
        (
            e.profile_id.as_str(),
            e.vacancy_id.as_str(),
            e.kind.as_str()
        ),
        ("P-2ND", "V-2", "reserve.match")
    );
    assert!(e.rules_met.contains(&Rule::Specialty));
    let json = serde_json::to_string(e).unwrap();
    assert_eq!(
        serde_json::from_str::<ReserveMatchEvent>(&json).unwrap(),
        *e
    );
    assert!(
        on_vacancy_opened(&ranker, &closed, &[(entry, &runner_up)], &policy, opened).is_empty()
    );

    // Expired, revoked or unfitting entries produce nothing.
    let later = entry.expires_at + Duration::days(1);
    assert!(on_vacancy_opened(&ranker, &new, &[(entry, &runner_up)], &policy, later).is_empty());
    let mut revoked = runner_up.clone();
    revoked.consents.push(Consent {
        purpose: ConsentPurpose::Reserve,
        granted_at: at(2026, 12, 1),
        revoked_at: Some(at(2026, 12, 2)),
    });
    assert!(on_vacancy_opened(&ranker, &new, &[(entry, &revoked)], &policy, opened).is_empty());
    let mut lawyer_post = new.clone();
    lawyer_post.requirements.specialties = vec!["Юриспруденция".into()];
    assert!(on_vacancy_opened(
        &ranker,
        &lawyer_post,
        &[(entry, &runner_up)],
        &policy,
        opened
    )
    .is_empty());
}

#[test]
fn extending_needs_a_future_date_and_consent() {
    let p = consenting("P-2ND");
    let closed = vacancy();
    let f = [Finalist {
        profile: &p,
        rank: 2,
        score: 70.0,
    }];
    let now = at(2026, 11, 25);
    let e = on_competition_closed(&closed, &f, &ReservePolicy::default(), now).remove(0);
    assert!(matches!(
        extend(&e, &p, now - Duration::days(1), now),
        Err(ReserveError::ExpiryInPast(_))
    ));
    let longer = extend(&e, &p, e.expires_at + Duration::days(180), now).unwrap();
    assert!(longer.expires_at > e.expires_at);
    assert!(ReserveFilter {
        active_only: true,
        ..Default::default()
    }
    .matches(&longer, now));
    assert!(!ReserveFilter {
        active_only: true,
        ..Default::default()
    }
    .matches(&longer, longer.expires_at));
    let mut gone = p.clone();
    gone.consents.push(Consent {
        purpose: ConsentPurpose::Reserve,
        granted_at: at(2026, 12, 1),
        revoked_at: Some(at(2026, 12, 1)),
    });
    assert!(matches!(
        extend(&e, &gone, e.expires_at + Duration::days(1), now),
        Err(ReserveError::NoConsent(_))
    ));
}

#[test]
fn a_lone_weak_entry_is_not_matched() {
    // The threshold is absolute: a single entry in the reserve used to be
    // normalised to 1.0 and matched whatever it was.
    let closed = vacancy();
    let strong = consenting("P-STRONG");
    let mut weak = consenting("P-WEAK");
    weak.summary = "Кадровое делопроизводство, ведение личных дел сотрудников.".into();
    weak.skills = vec!["Делопроизводство".into()];
    for job in &mut weak.experience {
        job.position = "Специалист по кадрам".into();
        job.duties = "Оформление приказов по личному составу".into();
    }
    let entry_of = |p: &Profile| {
        let f = Finalist {
            profile: p,
            rank: 2,
            score: 80.0,
        };
        on_competition_closed(&closed, &[f], &ReservePolicy::default(), at(2026, 11, 25)).remove(0)
    };
    let (strong_entry, weak_entry) = (entry_of(&strong), entry_of(&weak));
    let mut new = vacancy();
    new.id = "V-2".parse().unwrap();
    // No specialty or field-experience rule, so the weak entry is still eligible:
    // only relevance tells.
    new.requirements.specialties.clear();
    new.requirements.min_years_field = 0;
    let config = RankingConfig::default();
    let checker = Checker::default();
    let ranker = Ranker::new(&config, &checker, Provenance::default());
    let policy = ReservePolicy::default();
    let opened = at(2026, 12, 10);
    let alone = on_vacancy_opened(&ranker, &new, &[(&weak_entry, &weak)], &policy, opened);
    assert!(alone.is_empty(), "{alone:#?}");
    let fits = ranker.absolute_fits(&new, &[&weak, &strong]);
    assert!(fits[0].1.eligible, "the weak entry meets the formal rules");
    assert!(fits[0].0.fit < policy.min_match_score, "{:?}", fits[0].0);
    assert!(fits[1].0.fit >= policy.min_match_score, "{:?}", fits[1].0);
    let both = on_vacancy_opened(
        &ranker,
        &new,
        &[(&weak_entry, &weak), (&strong_entry, &strong)],
        &policy,
        opened,
    );
    assert_eq!(both.len(), 1, "{both:#?}");
    assert_eq!(both[0].profile_id, "P-STRONG");
    assert_eq!(both[0].score, both[0].fit.fit);
    // Alone, the strong entry keeps its own fit: nothing is normalised.
    let strong_alone =
        on_vacancy_opened(&ranker, &new, &[(&strong_entry, &strong)], &policy, opened);
    assert_eq!(strong_alone[0].score, both[0].score);
}
