//! Candidate profiles with a career that makes sense: education, then jobs in the
//! private and public sectors with dated records and duties, skills, languages, and a
//! one-to-three-sentence summary.
//!
//! A share of profiles is generated *for* a vacancy (to fit it, to narrowly miss one
//! requirement, or from a related occupation), so every vacancy has a handful of good
//! candidates; the rest are background. Their grade is not assumed from that intent but
//! judged afterwards from the facts (see `grading`).

use chrono::{Datelike, Duration, NaiveDate};
use qabilet_domain::{
    Education, EducationLevel, Experience, Language, LanguageLevel, LanguageSkill, Profile,
    ProfileId, Sector,
};
use rand::Rng;

use crate::catalog::OrgSpec;
use crate::data::{
    families, COLLEGES_EN, COLLEGES_KK, COLLEGES_RU, COMPANY_FORMS_EN, COMPANY_FORMS_KK,
    COMPANY_FORMS_RU, COMPANY_NAMES, GENERAL_SKILLS_EN, GENERAL_SKILLS_KK, GENERAL_SKILLS_RU,
    NGOS_EN, NGOS_KK, NGOS_RU, UNIVERSITIES_EN, UNIVERSITIES_KK, UNIVERSITIES_RU,
};
use crate::grading::{lang_slot, ProfileFacts, Relations};
use crate::person::{consents, locality, person, region};
use crate::text::{cap, drop_yo, kazakh_latin, pick, pick_indices, pick_str, years};
use crate::vacancy::{pick_language, post_title, VacancySpec};

/// Why a profile was generated.
#[derive(Debug, Clone, Copy)]
enum Intent {
    Background,
    /// Same family, meets every requirement of the vacancy.
    Fit(usize),
    /// Same family, misses one requirement.
    Near(usize, Miss),
    /// A related family, with the vacancy's requirements otherwise in mind.
    Related(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Miss {
    Years,
    Education,
    Specialty,
    Language,
}

/// Shared, read-only context for generating profiles.
pub(crate) struct Context<'a> {
    pub vacancies: &'a [VacancySpec],
    pub orgs: &'a [OrgSpec],
    /// Per family, the organisations that hire it (indices into `orgs`).
    pub orgs_by_family: &'a [Vec<usize>],
    pub relations: &'a Relations,
    pub reference: NaiveDate,
    /// Probability that a profile is generated for a vacancy.
    pub targeted_share: f64,
}

fn choose_intent<R: Rng>(rng: &mut R, ctx: &Context) -> Intent {
    if ctx.vacancies.is_empty() || !rng.gen_bool(ctx.targeted_share) {
        return Intent::Background;
    }
    let v = rng.gen_range(0..ctx.vacancies.len());
    let req = &ctx.vacancies[v].vacancy.requirements;
    match rng.gen_range(0..20) {
        0..=9 => Intent::Fit(v),
        10..=16 => {
            let miss = *pick(
                rng,
                &[
                    Miss::Years,
                    Miss::Education,
                    Miss::Specialty,
                    Miss::Language,
                ],
            );
            // A miss that the vacancy cannot express becomes a specialty miss.
            let miss = match miss {
                Miss::Years if req.min_years_total == 0 => Miss::Specialty,
                other => other,
            };
            Intent::Near(v, miss)
        }
        _ => Intent::Related(v),
    }
}

/// Generates profile number `index` and the facts its ground truth is judged by.
pub(crate) fn generate<R: Rng>(
    rng: &mut R,
    index: usize,
    ctx: &Context,
) -> (Profile, ProfileFacts) {
    let intent = choose_intent(rng, ctx);
    let target = match intent {
        Intent::Fit(v) | Intent::Near(v, _) | Intent::Related(v) => Some(&ctx.vacancies[v]),
        Intent::Background => None,
    };
    let family = match (intent, target) {
        (Intent::Related(_), Some(v)) => {
            let rel: Vec<usize> = (0..families().len())
                .filter(|&f| ctx.relations.related(v.family, f))
                .collect();
            if rel.is_empty() {
                v.family
            } else {
                *pick(rng, &rel)
            }
        }
        (_, Some(v)) => v.family,
        _ => rng.gen_range(0..families().len()),
    };
    let miss = match intent {
        Intent::Near(_, m) => Some(m),
        _ => None,
    };
    let mut lang = pick_language(rng);
    // Someone who misses the Kazakh requirement does not write a Kazakh CV.
    if miss == Some(Miss::Language) && lang == Language::Kk {
        lang = Language::Ru;
    }
    let kazakh = miss != Some(Miss::Language)
        && match lang {
            Language::Kk => rng.gen_bool(0.97),
            Language::Ru => rng.gen_bool(0.65),
            Language::En => rng.gen_bool(0.75),
        };
    let mut p = person(rng, lang, kazakh);
    if let Some(v) = target {
        for req in &v.vacancy.requirements.languages {
            let slot = lang_slot(req.language);
            let is_miss = miss == Some(Miss::Language) && req.language == Language::Kk;
            if is_miss {
                p.languages[slot] = Some(below(req.level));
            } else if p.languages[slot].is_none_or(|l| l < req.level) {
                p.languages[slot] = Some(req.level);
            }
        }
    }

    // Education: level and specialty.
    let req_level = target.and_then(|v| v.vacancy.requirements.education_level);
    let level = match (miss, req_level) {
        (Some(Miss::Education), Some(EducationLevel::Higher)) => EducationLevel::Vocational,
        (Some(Miss::Education), Some(_)) => EducationLevel::Secondary,
        _ => {
            let rolled = match rng.gen_range(0..100) {
                0..=1 => EducationLevel::Secondary,
                2..=13 => EducationLevel::Vocational,
                14..=81 => EducationLevel::Higher,
                82..=98 => EducationLevel::Master,
                _ => EducationLevel::Doctorate,
            };
            match (target.is_some(), req_level) {
                (true, Some(req)) if rolled < req => req,
                _ => rolled,
            }
        }
    };
    let fam = families()[family];
    let own_specs: Vec<usize> = (0..fam.spec_count()).collect();
    let spec_idx = match (miss, target) {
        (Some(Miss::Specialty), Some(v)) => own_specs
            .iter()
            .copied()
            .find(|&i| !v.accepted.contains(&fam.en.spec[i])),
        (_, Some(v)) => {
            let ok: Vec<usize> = own_specs
                .iter()
                .copied()
                .filter(|&i| v.accepted.contains(&fam.en.spec[i]))
                .collect();
            (!ok.is_empty()).then(|| *pick(rng, &ok))
        }
        _ => None,
    };
    // (family, specialty) of the diploma; a specialty miss without an unaccepted
    // specialty of its own family borrows one from an unrelated family.
    let (spec_fam, spec_idx) = match spec_idx {
        Some(i) => (family, i),
        None if miss == Some(Miss::Specialty) => {
            let other = (family + 7) % families().len();
            (other, 0)
        }
        None if target.is_none() && rng.gen_bool(0.15) => {
            let other = rng.gen_range(0..families().len());
            (other, rng.gen_range(0..families()[other].spec_count()))
        }
        None => (family, rng.gen_range(0..fam.spec_count())),
    };

    // Career length in months and how much of it is public service.
    let req = target.map(|v| &v.vacancy.requirements);
    let months_total: u32 = match (miss, req) {
        (Some(Miss::Years), Some(r)) => {
            (u32::from(r.min_years_total) * 12).saturating_sub(rng.gen_range(3..=10))
        }
        (_, Some(r)) => u32::from(r.min_years_total) * 12 + rng.gen_range(8..=96),
        _ => match rng.gen_range(0..10) {
            0 => 0,
            1..=3 => rng.gen_range(1..=36),
            _ => rng.gen_range(36..=300),
        },
    };
    let months_public: u32 = match (miss, req) {
        (Some(Miss::Years), Some(r)) => (u32::from(r.min_years_public) * 12).min(months_total),
        (_, Some(r)) if r.min_years_public > 0 => {
            (u32::from(r.min_years_public) * 12 + rng.gen_range(6..=36)).min(months_total)
        }
        _ if rng.gen_bool(0.55) => rng.gen_range(0..=months_total),
        _ => 0,
    };
    // Background people sometimes started in another occupation.
    let switch_from = (target.is_none() && months_total > 48 && rng.gen_bool(0.2))
        .then(|| rng.gen_range(0..families().len()));
    // A few are between jobs.
    let gap_months: u32 = if months_total > 0 && rng.gen_bool(0.2) {
        rng.gen_range(1..=10)
    } else {
        0
    };

    let reference = ctx.reference;
    let career_start = months_before(reference, months_total + gap_months, rng.gen_range(1..=28));
    let edu_years = match level {
        EducationLevel::Secondary => 18,
        EducationLevel::Vocational | EducationLevel::PostSecondary => 20,
        EducationLevel::Higher => 22,
        EducationLevel::Master => 24,
        EducationLevel::Doctorate => 27,
    };
    let grad_year = career_start.year() - i32::from(rng.gen_bool(0.3));
    let birth_year = grad_year - edu_years - rng.gen_range(0..=1);
    let birth_date =
        NaiveDate::from_ymd_opt(birth_year, rng.gen_range(1..=12), rng.gen_range(1..=28))
            .expect("valid birth date");

    let education = education_records(rng, lang, level, spec_fam, spec_idx, grad_year);

    // Jobs: private years first, then public service, as careers in Kazakhstan often go.
    let mut experience = Vec::new();
    let mut facts = ProfileFacts {
        family,
        education: (level > EducationLevel::Secondary).then_some(level),
        specialties: if level > EducationLevel::Secondary {
            vec![families()[spec_fam].en.spec[spec_idx]]
        } else {
            Vec::new()
        },
        languages: p.languages,
        ..ProfileFacts::default()
    };
    let months_private = months_total - months_public;
    let mut cursor = career_start;
    let mut segments: Vec<(Sector, u32)> = Vec::new();
    for (sector, months) in [
        (Sector::Private, months_private),
        (Sector::Public, months_public),
    ] {
        if months == 0 {
            continue;
        }
        let parts = if months > 36 && rng.gen_bool(0.5) {
            2
        } else {
            1
        };
        let first = if parts == 2 { months / 2 } else { months };
        segments.push((sector, first));
        if parts == 2 {
            segments.push((sector, months - first));
        }
    }
    let n_jobs = segments.len();
    for (j, (sector, months)) in segments.into_iter().enumerate() {
        if cursor >= reference {
            break;
        }
        let last = j + 1 == n_jobs;
        let job_family = match switch_from {
            Some(f) if j == 0 && n_jobs > 1 => f,
            _ => family,
        };
        let start = cursor;
        let end_month = months_before(start, 0, 1) + Duration::days(i64::from(months) * 365 / 12);
        let end = if last && gap_months == 0 {
            None
        } else {
            Some(end_month.min(reference))
        };
        let until = end.unwrap_or(reference);
        let days = (until - start).num_days().max(0);
        facts.days_total += days;
        if sector == Sector::Public {
            facts.days_public += days;
        }
        facts.days_by_family.push((job_family, days));
        let rank = if last && months_total > 60 {
            rng.gen_range(0..=1)
        } else {
            1 + rng.gen_range(0..=1)
        };
        experience.push(job(rng, ctx, lang, sector, job_family, rank, start, end));
        cursor = until + Duration::days(1);
    }

    let t = fam.texts(lang);
    let mut skills: Vec<String> = pick_indices(rng, t.skill.len(), 2..=4)
        .into_iter()
        .map(|i| t.skill[i].to_owned())
        .collect();
    let general = match lang {
        Language::Kk => GENERAL_SKILLS_KK,
        Language::Ru => GENERAL_SKILLS_RU,
        Language::En => GENERAL_SKILLS_EN,
    };
    skills.push((*pick(rng, general)).to_owned());
    if rng.gen_bool(0.15) {
        // People list tool names the way they met them, often in Russian or English.
        let other = fam.texts(*pick(rng, &Language::ALL));
        let s = *pick(rng, other.skill);
        if !skills.iter().any(|x| x == s) {
            skills.push(s.to_owned());
        }
    }

    // Someone with a few months of work is not a fresh graduate: round up to a year.
    let years_total = match (facts.days_total as f64 / 365.25) as u32 {
        0 if facts.days_total > 0 => 1,
        y => y,
    };
    let years_public = (facts.days_public as f64 / 365.25) as u32;
    let summary = summary(
        rng,
        lang,
        family,
        years_total,
        years_public,
        grad_year,
        spec_fam,
        spec_idx,
    );

    let region = match target {
        Some(v) if rng.gen_bool(0.6) => v.vacancy.region,
        _ => region(rng),
    };
    let languages = Language::ALL
        .iter()
        .zip(p.languages)
        .filter_map(|(&language, level)| level.map(|level| LanguageSkill { language, level }))
        .collect();
    let mut profile = Profile {
        id: ProfileId::new(format!("P-{:07}", index + 1)).expect("well-formed id"),
        full_name: p.full_name,
        gender: Some(p.gender),
        birth_date: Some(birth_date),
        iin: None,
        email: p.email,
        phone: p.phone,
        photo_url: None,
        region,
        locality: Some(locality(rng, region)),
        language: Some(lang),
        summary,
        education,
        experience,
        skills,
        languages,
        consents: consents(rng, reference),
    };
    if lang == Language::Ru && rng.gen_bool(0.5) {
        for_each_text(&mut profile, drop_yo);
    } else if lang == Language::Kk && rng.gen_bool(0.06) {
        for_each_text(&mut profile, |s| *s = kazakh_latin(s));
    }
    (profile, facts)
}

/// One language level lower than `level` (the "narrowly misses" case).
fn below(level: LanguageLevel) -> LanguageLevel {
    use LanguageLevel::*;
    match level {
        Basic | Intermediate => Basic,
        UpperIntermediate => Intermediate,
        Fluent => UpperIntermediate,
        Native => Fluent,
    }
}

/// The date `months` months before `date`, on day `day` of that month.
fn months_before(date: NaiveDate, months: u32, day: u32) -> NaiveDate {
    let m = date.year() * 12 + date.month0() as i32 - months as i32;
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, day.min(28))
        .expect("valid date")
}

fn education_records<R: Rng>(
    rng: &mut R,
    lang: Language,
    level: EducationLevel,
    spec_fam: usize,
    spec_idx: usize,
    grad_year: i32,
) -> Vec<Education> {
    let f = families()[spec_fam];
    let t = f.texts(lang);
    let specialty = t.spec[spec_idx].to_owned();
    let (unis, colleges) = match lang {
        Language::Kk => (UNIVERSITIES_KK, COLLEGES_KK),
        Language::Ru => (UNIVERSITIES_RU, COLLEGES_RU),
        Language::En => (UNIVERSITIES_EN, COLLEGES_EN),
    };
    let university = if rng.gen_bool(0.5) {
        *pick(rng, t.inst)
    } else {
        *pick(rng, unis)
    };
    let verified = rng.gen_bool(0.7);
    let record = |level, institution: &str, year: i32| Education {
        level,
        specialty: specialty.clone(),
        institution: institution.to_owned(),
        year: year as u16,
        verified,
    };
    match level {
        EducationLevel::Secondary => Vec::new(),
        EducationLevel::Vocational | EducationLevel::PostSecondary => {
            let college = pick_str(rng, colleges);
            vec![record(level, college, grad_year)]
        }
        EducationLevel::Higher => vec![record(level, university, grad_year)],
        EducationLevel::Master | EducationLevel::Doctorate => {
            let years_after = if level == EducationLevel::Master {
                2
            } else {
                5
            };
            let second = pick_str(rng, t.inst);
            vec![
                record(EducationLevel::Higher, university, grad_year - years_after),
                record(level, second, grad_year),
            ]
        }
    }
}

#[allow(clippy::too_many_arguments)] // the pieces of one record
fn job<R: Rng>(
    rng: &mut R,
    ctx: &Context,
    lang: Language,
    sector: Sector,
    family: usize,
    rank: usize,
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> Experience {
    let t = families()[family].texts(lang);
    let sector = if sector == Sector::Private && rng.gen_bool(0.05) {
        Sector::NonProfit
    } else {
        sector
    };
    let (organisation, position) = match sector {
        Sector::Public => {
            let hiring = &ctx.orgs_by_family[family];
            let org = &ctx.orgs[*pick(rng, hiring)];
            let name = match lang {
                Language::Kk => org.org.name_kk.clone(),
                Language::Ru => org.org.name_ru.clone(),
                Language::En => org
                    .org
                    .name_en
                    .clone()
                    .unwrap_or_else(|| org.org.name_ru.clone()),
            };
            (
                name,
                post_title(lang, org.tier, rank, pick_str(rng, t.unit)),
            )
        }
        Sector::Private => {
            let company = pick(rng, COMPANY_NAMES);
            let name = match lang {
                Language::Kk => format!("«{company}» {}", pick(rng, COMPANY_FORMS_KK)),
                Language::Ru => format!("{} «{company}»", pick(rng, COMPANY_FORMS_RU)),
                Language::En => format!("{company} {}", pick(rng, COMPANY_FORMS_EN)),
            };
            (name, cap(pick_str(rng, t.prof)))
        }
        Sector::NonProfit => {
            let ngos = match lang {
                Language::Kk => NGOS_KK,
                Language::Ru => NGOS_RU,
                Language::En => NGOS_EN,
            };
            ((*pick(rng, ngos)).to_owned(), cap(pick_str(rng, t.prof)))
        }
    };
    let duties: Vec<&str> = pick_indices(rng, t.duty.len(), 2..=2)
        .into_iter()
        .map(|i| t.duty[i])
        .collect();
    Experience {
        organisation,
        position,
        sector,
        start,
        end,
        duties: cap(&duties.join("; ")),
    }
}

#[allow(clippy::too_many_arguments)] // the facts a summary is written from
fn summary<R: Rng>(
    rng: &mut R,
    lang: Language,
    family: usize,
    years_total: u32,
    years_public: u32,
    grad_year: i32,
    spec_fam: usize,
    spec_idx: usize,
) -> String {
    let t = families()[family].texts(lang);
    let prof = *pick(rng, t.prof);
    let unit = *pick(rng, t.unit);
    let spec = families()[spec_fam].texts(lang).spec[spec_idx];
    let d: Vec<&str> = pick_indices(rng, t.duty.len(), 2..=2)
        .into_iter()
        .map(|i| t.duty[i])
        .collect();
    let s: Vec<&str> = pick_indices(rng, t.skill.len(), 3..=3)
        .into_iter()
        .map(|i| t.skill[i])
        .collect();
    let n = years(lang, years_total);
    let np = years(lang, years_public);
    let mut sentences: Vec<String> = Vec::with_capacity(3);
    if years_total == 0 {
        sentences.push(match lang {
            Language::Kk => format!("{grad_year} жылы «{spec}» мамандығы бойынша оқу бітірдім. Мемлекеттік органда еңбек жолымды бастағым келеді."),
            Language::Ru => format!("Выпускник {grad_year} года по специальности «{spec}». Хочу начать карьеру в государственном органе."),
            Language::En => format!("Graduated in {grad_year} in {spec}. Looking for a first job in the civil service."),
        });
    } else {
        sentences.push(match (lang, rng.gen_bool(0.5)) {
            (Language::Kk, true) => cap(&format!(
                "{unit} саласында {years_total} жылдық тәжірибесі бар {prof}."
            )),
            (Language::Kk, false) => cap(&format!("{prof}, жалпы еңбек өтілі {n}.")),
            (Language::Ru, true) => cap(&format!("{prof} с опытом работы {n} в сфере {unit}.")),
            (Language::Ru, false) => cap(&format!("{prof}, общий стаж {n}.")),
            (Language::En, true) => cap(&format!("{prof} with {n} of experience in {unit}.")),
            (Language::En, false) => cap(&format!("{prof}; {n} of work experience.")),
        });
        if years_public > 0 && rng.gen_bool(0.5) {
            sentences.push(match lang {
                Language::Kk => format!("Оның ішінде мемлекеттік қызметте {np}."),
                Language::Ru => format!("Из них на государственной службе {np}."),
                Language::En => format!("Of these, {np} in the civil service."),
            });
        }
    }
    if rng.gen_bool(0.6) {
        sentences.push(match (lang, rng.gen_bool(0.5)) {
            (Language::Kk, true) => format!("Негізгі тәжірибе: {}.", d.join(", ")),
            (Language::Kk, false) => format!("Дағдылар: {}.", s.join(", ")),
            (Language::Ru, true) => format!("Основной опыт: {}.", d.join(", ")),
            (Language::Ru, false) => format!("Навыки: {}.", s.join(", ")),
            (Language::En, true) => format!("Main experience: {}.", d.join("; ")),
            (Language::En, false) => format!("Skills: {}.", s.join(", ")),
        });
    }
    sentences.join(" ")
}

/// Applies a spelling transformation to every free text of a profile.
fn for_each_text(p: &mut Profile, mut f: impl FnMut(&mut String)) {
    f(&mut p.full_name);
    f(&mut p.summary);
    for s in &mut p.skills {
        f(s);
    }
    for e in &mut p.education {
        f(&mut e.specialty);
        f(&mut e.institution);
    }
    for e in &mut p.experience {
        f(&mut e.organisation);
        f(&mut e.position);
        f(&mut e.duties);
    }
}
