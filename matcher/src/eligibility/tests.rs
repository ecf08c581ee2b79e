use chrono::{TimeZone, Utc};
use qabilet_domain::{
    Consent, ConsentPurpose, Education, Experience, LanguageLevel, LanguageRequirement,
    LanguageSkill, Region, Requirements, VacancyStatus,
};

use super::*;

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

/// A Russian accounting post: higher education in accounting, 3 years in total, 1 in
/// public service, 2 in the field, Kazakh at intermediate.
pub(crate) fn vacancy() -> Vacancy {
    Vacancy {
        id: "V-1".parse().unwrap(),
        organisation_id: "MF".parse().unwrap(),
        title: "Главный специалист отдела бухгалтерского учёта".into(),
        description: "Ведение бухгалтерского учёта и составление финансовой отчётности".into(),
        duties: "Ведение бухгалтерского учёта; составление финансовой отчётности".into(),
        language: Some(Language::Ru),
        category: "C-O-4".parse().unwrap(),
        region: Region::Karaganda,
        published_on: Some(d("2026-11-01")),
        deadline: d("2026-11-20"),
        status: VacancyStatus::Open,
        requirements: Requirements {
            education_level: Some(EducationLevel::Higher),
            specialties: vec!["Учет и аудит".into(), "Финансы".into()],
            min_years_total: 3,
            min_years_public: 1,
            min_years_field: 2,
            languages: vec![LanguageRequirement {
                language: Language::Kk,
                level: LanguageLevel::Intermediate,
            }],
            competencies: vec!["1С: Бухгалтерия".into(), "МСФО".into()],
        },
        requirements_justification: None,
    }
}

fn job(position: &str, duties: &str, sector: Sector, start: &str, end: Option<&str>) -> Experience {
    Experience {
        organisation: "Орг".into(),
        position: position.into(),
        sector,
        start: d(start),
        end: end.map(d),
        duties: duties.into(),
    }
}

/// A Kazakh-speaking accountant who meets every rule of [`vacancy`].
pub(crate) fn profile() -> Profile {
    Profile {
        id: "P-1".parse().unwrap(),
        full_name: "Айгерім Сапарова".into(),
        gender: Some(qabilet_domain::Gender::Female),
        birth_date: Some(d("1990-05-01")),
        iin: None,
        email: Some("a@example.kz".into()),
        phone: Some("+77010000000".into()),
        photo_url: Some("https://example.kz/p.jpg".into()),
        region: Region::Karaganda,
        locality: Some(qabilet_domain::Locality::Urban),
        language: Some(Language::Ru),
        summary: "Бухгалтер с опытом ведения бухгалтерского учёта. Составление финансовой отчётности по МСФО.".into(),
        education: vec![Education {
            level: EducationLevel::Higher,
            specialty: "Есеп және аудит".into(),
            institution: "ЕНУ".into(),
            year: 2012,
            verified: true,
        }],
        experience: vec![
            job("Бухгалтер", "Ведение бухгалтерского учёта", Sector::Private, "2013-01-01", Some("2018-01-01")),
            job("Главный специалист отдела бухгалтерского учёта", "Составление финансовой отчётности", Sector::Public, "2018-01-01", None),
        ],
        skills: vec!["1С: Бухгалтерия".into(), "Excel".into()],
        languages: vec![
            LanguageSkill { language: Language::Kk, level: LanguageLevel::Fluent },
            LanguageSkill { language: Language::Ru, level: LanguageLevel::Native },
        ],
        consents: vec![Consent {
            purpose: ConsentPurpose::Processing,
            granted_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            revoked_at: None,
        }],
    }
}

fn check(v: &Vacancy, p: &Profile) -> Eligibility {
    let c = Checker::default();
    c.check(&c.prepare(v), p, v.deadline)
}

fn status(e: &Eligibility, rule: Rule) -> RuleStatus {
    e.rules
        .iter()
        .find(|r| r.rule == rule)
        .unwrap_or_else(|| panic!("rule {rule} missing from {e:#?}"))
        .status
}

#[test]
fn a_fitting_profile_meets_every_rule() {
    let e = check(&vacancy(), &profile());
    assert!(e.eligible && !e.needs_review, "{e:#?}");
    assert_eq!(e.rules.len(), 6);
    assert!(
        e.rules.iter().all(|r| r.status == RuleStatus::Met),
        "{e:#?}"
    );
    let spec = e.rules.iter().find(|r| r.rule == Rule::Specialty).unwrap();
    assert_eq!(spec.records, vec!["education[0]"]);
}

#[test]
fn education_level() {
    let v = vacancy();
    let mut p = profile();
    p.education[0].level = EducationLevel::Vocational;
    let e = check(&v, &p);
    assert_eq!(status(&e, Rule::Education), RuleStatus::NotMet);
    assert!(!e.eligible);
    assert_eq!(e.failed().next().unwrap().rule, Rule::Education);
    p.education.clear();
    let e = check(&v, &p);
    assert_eq!(status(&e, Rule::Education), RuleStatus::Unknown);
    assert!(e.needs_review);
}

#[test]
fn specialty_with_synonyms() {
    let v = vacancy();
    let mut p = profile();
    p.education[0].specialty = "Accounting and audit".into();
    assert_eq!(status(&check(&v, &p), Rule::Specialty), RuleStatus::Met);
    p.education[0].specialty = "Юриспруденция".into();
    assert_eq!(status(&check(&v, &p), Rule::Specialty), RuleStatus::NotMet);
    // A name the table does not know cannot be judged.
    p.education[0].specialty = "Бухгалтерия сельского хозяйства".into();
    let e = check(&v, &p);
    assert_eq!(status(&e, Rule::Specialty), RuleStatus::Unknown);
    assert!(e.eligible && e.needs_review);
}

#[test]
fn experience_total_and_public() {
    let v = vacancy();
    let mut p = profile();
    // One public job of 1.5 years: short of 3 in total, enough for 1 in public service.
    p.experience = vec![job(
        "Бухгалтер",
        "Ведение бухгалтерского учёта",
        Sector::Public,
        "2025-05-01",
        None,
    )];
    let e = check(&v, &p);
    assert_eq!(status(&e, Rule::ExperienceTotal), RuleStatus::NotMet);
    assert_eq!(status(&e, Rule::ExperiencePublic), RuleStatus::Met);
    p.experience[0].sector = Sector::Private;
    assert_eq!(
        status(&check(&v, &p), Rule::ExperiencePublic),
        RuleStatus::NotMet
    );
    p.experience.clear();
    let e = check(&v, &p);
    for rule in [
        Rule::ExperienceTotal,
        Rule::ExperiencePublic,
        Rule::ExperienceField,
    ] {
        assert_eq!(status(&e, rule), RuleStatus::Unknown, "{rule}");
    }
}

#[test]
fn experience_counts_only_up_to_the_deadline() {
    let v = vacancy();
    let mut p = profile();
    p.experience = vec![job(
        "Бухгалтер",
        "Ведение бухгалтерского учёта",
        Sector::Public,
        "2023-11-01",
        None,
    )];
    let c = Checker::default();
    let pv = c.prepare(&v);
    assert_eq!(
        status(&c.check(&pv, &p, v.deadline), Rule::ExperienceTotal),
        RuleStatus::Met
    );
    assert_eq!(
        status(&c.check(&pv, &p, d("2026-01-01")), Rule::ExperienceTotal),
        RuleStatus::NotMet
    );
}

#[test]
fn experience_in_the_field() {
    let v = vacancy();
    let mut p = profile();
    // Long, but as a lawyer: out of the field in the same language.
    p.experience = vec![job(
        "Юрист",
        "Представление интересов в судах",
        Sector::Public,
        "2015-01-01",
        None,
    )];
    let e = check(&v, &p);
    assert_eq!(status(&e, Rule::ExperienceField), RuleStatus::NotMet);
    assert_eq!(status(&e, Rule::ExperienceTotal), RuleStatus::Met);
    // In Kazakh, sharing no word with the Russian vacancy: cannot be judged lexically.
    p.language = Some(Language::Kk);
    p.experience = vec![job(
        "Бас есепші",
        "Бухгалтерлік есеп жүргізу",
        Sector::Public,
        "2015-01-01",
        None,
    )];
    assert_eq!(
        status(&check(&v, &p), Rule::ExperienceField),
        RuleStatus::Unknown
    );
    // A "chief specialist of the department" in another field shares only generic words.
    p.language = Some(Language::Ru);
    p.experience = vec![job(
        "Главный специалист отдела правового обеспечения",
        "Правовая экспертиза договоров",
        Sector::Public,
        "2015-01-01",
        None,
    )];
    assert_eq!(
        status(&check(&v, &p), Rule::ExperienceField),
        RuleStatus::NotMet
    );
}

#[test]
fn languages() {
    let v = vacancy();
    let mut p = profile();
    p.languages[0].level = LanguageLevel::Basic;
    let e = check(&v, &p);
    assert_eq!(status(&e, Rule::Language(Language::Kk)), RuleStatus::NotMet);
    // Levels are shown by their data names, as people write them in imports.
    let kk = e
        .rules
        .iter()
        .find(|r| r.rule == Rule::Language(Language::Kk))
        .unwrap();
    assert_eq!(kk.found, "basic");
    assert!(kk.required.ends_with("or above"), "{}", kk.required);
    assert!(!kk.required.contains("upperintermediate"));
    p.languages.remove(0);
    assert_eq!(
        status(&check(&v, &p), Rule::Language(Language::Kk)),
        RuleStatus::NotMet
    );
    p.languages.clear();
    assert_eq!(
        status(&check(&v, &p), Rule::Language(Language::Kk)),
        RuleStatus::Unknown
    );
}

#[test]
fn corps_a_requires_higher_education() {
    let mut v = vacancy();
    v.requirements.education_level = None;
    let mut p = profile();
    assert!(!check(&v, &p).rules.iter().any(|r| r.rule == Rule::Category));
    v.category = "A-3".parse().unwrap();
    assert_eq!(status(&check(&v, &p), Rule::Category), RuleStatus::Met);
    p.education[0].level = EducationLevel::Vocational;
    assert_eq!(status(&check(&v, &p), Rule::Category), RuleStatus::NotMet);
    p.education.clear();
    assert_eq!(status(&check(&v, &p), Rule::Category), RuleStatus::Unknown);
}

#[test]
fn overrides_need_a_reason_and_a_failed_rule() {
    let v = vacancy();
    let mut p = profile();
    p.languages[0].level = LanguageLevel::Basic;
    let mut e = check(&v, &p);
    assert!(!e.eligible);
    let rule = Rule::Language(Language::Kk);
    assert_eq!(
        Override::new(rule, "  ", "hr1"),
        Err(OverrideError::EmptyReason(rule))
    );
    assert_eq!(Override::new(rule, "ok", ""), Err(OverrideError::NoAuthor));
    let bad = Override {
        rule,
        reason: String::new(),
        by: "hr1".into(),
    };
    assert!(e.apply_override(&bad).is_err());
    assert!(!e.eligible);
    let met = Override::new(Rule::Education, "x", "hr1").unwrap();
    assert_eq!(
        e.apply_override(&met),
        Err(OverrideError::AlreadyMet(Rule::Education))
    );
    let o = Override::new(
        rule,
        "Certificate of Kazakh B1 presented at the interview",
        "hr1",
    )
    .unwrap();
    e.apply_override(&o).unwrap();
    assert!(e.eligible);
    assert!(o.audit_detail().contains("language:kk"));
    let json = serde_json::to_string(&e).unwrap();
    let back: Eligibility = serde_json::from_str(&json).unwrap();
    assert_eq!(back, e);
}

#[test]
fn a_reused_checker_sees_an_edited_vacancy() {
    // The checker keeps each vacancy's analysis; an edit must not be checked
    // against the old one.
    let c = Checker::default();
    let p = profile();
    let mut v = vacancy();
    let before = c.check(&c.prepare(&v), &p, v.deadline);
    assert_eq!(status(&before, Rule::Specialty), RuleStatus::Met);
    assert_eq!(status(&before, Rule::ExperienceField), RuleStatus::Met);
    v.requirements.specialties = vec!["Юриспруденция".into()];
    v.title = "Главный специалист юридического отдела".into();
    v.duties = "Правовая экспертиза проектов приказов; представительство в суде".into();
    v.requirements.competencies = vec!["Гражданский процесс".into()];
    let after = c.check(&c.prepare(&v), &p, v.deadline);
    assert_eq!(status(&after, Rule::Specialty), RuleStatus::NotMet);
    assert_ne!(status(&after, Rule::ExperienceField), RuleStatus::Met);
    assert_eq!(c.prepare(&v).competency_terms().len(), 1);
    // A fresh checker agrees with the reused one.
    let fresh = Checker::default();
    assert_eq!(fresh.check(&fresh.prepare(&v), &p, v.deadline), after);
}

#[test]
fn a_reused_checker_sees_an_edited_profile() {
    // The checker keeps each profile's analysis too; an edited profile (same id)
    // must be checked as it is now, and agree with a checker that keeps nothing.
    let c = Checker::default();
    let v = vacancy();
    let pv = c.prepare(&v);
    let mut p = profile();
    let before = c.check(&pv, &p, v.deadline);
    assert_eq!(status(&before, Rule::Specialty), RuleStatus::Met);
    assert_eq!(status(&before, Rule::ExperienceField), RuleStatus::Met);
    assert_eq!(c.cached_profiles(), 1);
    p.education[0].specialty = "Юриспруденция".into();
    for job in &mut p.experience {
        job.position = "Юрист".into();
        job.duties = "Правовая экспертиза договоров; представительство в суде".into();
    }
    let after = c.check(&pv, &p, v.deadline);
    assert_eq!(status(&after, Rule::Specialty), RuleStatus::NotMet);
    assert_ne!(status(&after, Rule::ExperienceField), RuleStatus::Met);
    let forgetful = Checker::keeping(SpecialtyTable::built_in(), 0);
    assert_eq!(
        forgetful.check(&forgetful.prepare(&v), &p, v.deadline),
        after
    );
    assert_eq!(forgetful.cached_profiles(), 0);
    // Checked again unchanged: the kept analysis gives the same answer.
    assert_eq!(c.check(&pv, &p, v.deadline), after);
    assert_eq!(c.cached_profiles(), 1);
}
