//! Vacancies: a post in one organisation, written in one language, with the formal
//! requirements a competition checks in stage 1.
//!
//! Post titles follow the register of civil-service posts: rank + unit
//! («Главный специалист отдела бухгалтерского учёта», «Бухгалтерлік есеп бөлімінің бас
//! маманы»), and the category follows the body's tier and the rank (B-4, C-O-5, E-3).

use chrono::{Duration, NaiveDate};
use qabilet_domain::{
    Category, EducationLevel, Language, LanguageLevel, LanguageRequirement, Requirements, Vacancy,
    VacancyId, VacancyStatus,
};
use rand::Rng;

use crate::catalog::{OrgSpec, Tier};
use crate::data::{
    families, Family, CENTRAL_RANKS, COMPETENCIES_EN, COMPETENCIES_KK, COMPETENCIES_RU, LOCAL_RANKS,
};
use crate::text::{cap, drop_yo, pick, pick_indices, tenge, title_case, years};

/// A generated vacancy with the facts the ground truth is judged by.
pub(crate) struct VacancySpec {
    pub vacancy: Vacancy,
    /// Occupation family index.
    pub family: usize,
    /// Accepted specialties by their English name, which identifies a specialty in
    /// every language (the vacancy text lists them in its own language).
    pub accepted: Vec<&'static str>,
}

/// Picks a text language with the 40/40/20 Kazakh/Russian/English mix.
pub(crate) fn pick_language<R: Rng>(rng: &mut R) -> Language {
    match rng.gen_range(0..10) {
        0..=3 => Language::Kk,
        4..=7 => Language::Ru,
        _ => Language::En,
    }
}

/// The title of a post: rank 0 heads the unit, 1 is chief, 2 is leading/expert.
pub(crate) fn post_title(lang: Language, tier: Tier, rank: usize, unit: &str) -> String {
    let central = tier.is_central();
    let r = if central {
        &CENTRAL_RANKS[rank]
    } else {
        &LOCAL_RANKS[rank]
    };
    match lang {
        Language::Ru => {
            let word = if central {
                "управления"
            } else {
                "отдела"
            };
            format!("{} {word} {unit}", r.ru)
        }
        Language::Kk => {
            let word = if central {
                "басқармасының"
            } else {
                "бөлімінің"
            };
            cap(&format!("{unit} {word} {}", r.kk))
        }
        Language::En => {
            let word = if central { "Department" } else { "Division" };
            if rank == 0 {
                format!("Head of the {} {word}", title_case(unit))
            } else {
                format!("{}, {} {word}", r.en, title_case(unit))
            }
        }
    }
}

fn category(tier: Tier, rank: usize) -> Category {
    let rank = rank as u8;
    let s = match tier {
        Tier::Central => format!("B-{}", 3 + rank),
        Tier::Committee => format!("C-{}", 3 + rank),
        Tier::Territorial => format!("C-O-{}", 4 + rank),
        Tier::RegionalAkimat => format!("D-{}", 3 + rank),
        Tier::RegionalDepartment => format!("D-O-{}", 3 + rank),
        Tier::District => format!("E-{}", 2 + rank),
    };
    s.parse().expect("generated categories are well-formed")
}

/// Lower bound of the monthly salary in tenge; the upper bound is ~30% higher.
fn base_salary(tier: Tier, rank: usize) -> u32 {
    let top = match tier {
        Tier::Central => 400_000,
        Tier::Committee => 370_000,
        Tier::Territorial | Tier::RegionalAkimat => 320_000,
        Tier::RegionalDepartment => 290_000,
        Tier::District => 250_000,
    };
    top - 45_000 * rank as u32
}

/// Generates vacancy number `index` from its own random stream.
pub(crate) fn generate<R: Rng>(
    rng: &mut R,
    index: usize,
    orgs: &[OrgSpec],
    general: &[usize],
    reference: NaiveDate,
) -> VacancySpec {
    let org = pick(rng, orgs);
    let family_idx = if org.families.is_empty() || rng.gen_bool(0.3) {
        *pick(rng, general)
    } else {
        *pick(rng, &org.families)
    };
    let family = families()[family_idx];
    let lang = pick_language(rng);
    let t = family.texts(lang);
    let rank = match rng.gen_range(0..10) {
        0..=1 => 0,
        2..=6 => 1,
        _ => 2,
    };
    let unit = *pick(rng, t.unit);
    let title = post_title(lang, org.tier, rank, unit);
    let category = category(org.tier, rank);

    let requirements = requirements(rng, family, lang, org.tier, rank);
    let accepted: Vec<&'static str> = {
        // Requirements list specialties in the vacancy's language; remember them by
        // their English names for judging.
        let n = family.spec_count();
        requirements
            .specialties
            .iter()
            .filter_map(|s| (0..n).find(|&i| t.spec[i] == s).map(|i| family.en.spec[i]))
            .collect()
    };

    let (status, published_on, deadline) = dates(rng, reference);
    let salary = base_salary(org.tier, rank) + rng.gen_range(0..6) * 5_000;
    let salary_max = salary / 100 * 130 / 1000 * 1000;
    let mut description = description(
        lang,
        org,
        &title,
        &category.to_string(),
        salary,
        salary_max,
        &requirements,
        unit,
    );
    let duty_idx = pick_indices(rng, t.duty.len(), 3..=5);
    let duty_list: Vec<&str> = duty_idx.iter().map(|&i| t.duty[i]).collect();
    let mut duties = match lang {
        Language::Kk => format!("Функционалдық міндеттері: {}.", duty_list.join("; ")),
        Language::Ru => format!("Функциональные обязанности: {}.", duty_list.join("; ")),
        Language::En => format!("Duties: {}.", duty_list.join("; ")),
    };
    let mut title = title;
    if lang == Language::Ru && rng.gen_bool(0.5) {
        drop_yo(&mut title);
        drop_yo(&mut description);
        drop_yo(&mut duties);
    }

    VacancySpec {
        vacancy: Vacancy {
            id: VacancyId::new(format!("V-{:05}", index + 1)).expect("well-formed id"),
            organisation_id: org.org.id.clone(),
            title,
            description,
            duties,
            language: Some(lang),
            category,
            region: org.org.region,
            published_on,
            deadline,
            status,
            requirements,
            requirements_justification: None,
        },
        family: family_idx,
        accepted,
    }
}

/// Mostly open competitions whose deadline is after the reference date, and some
/// drafts, closed and cancelled ones.
fn dates<R: Rng>(
    rng: &mut R,
    reference: NaiveDate,
) -> (VacancyStatus, Option<NaiveDate>, NaiveDate) {
    let roll = rng.gen_range(0..100);
    let status = match roll {
        0..=84 => VacancyStatus::Open,
        85..=89 => VacancyStatus::Draft,
        90..=96 => VacancyStatus::Closed,
        _ => VacancyStatus::Cancelled,
    };
    match status {
        VacancyStatus::Open => {
            let deadline = reference + Duration::days(rng.gen_range(1..=20));
            let published = deadline - Duration::days(rng.gen_range(10..=21));
            (status, Some(published), deadline)
        }
        VacancyStatus::Draft => (
            status,
            None,
            reference + Duration::days(rng.gen_range(20..=40)),
        ),
        _ => {
            let deadline = reference - Duration::days(rng.gen_range(1..=60));
            let published = deadline - Duration::days(rng.gen_range(10..=21));
            (status, Some(published), deadline)
        }
    }
}

fn requirements<R: Rng>(
    rng: &mut R,
    family: &Family,
    lang: Language,
    tier: Tier,
    rank: usize,
) -> Requirements {
    let t = family.texts(lang);
    let education_level = if tier == Tier::District && rank == 2 && rng.gen_bool(0.4) {
        // Junior district posts accept technical and vocational education.
        EducationLevel::Vocational
    } else {
        EducationLevel::Higher
    };
    let n_spec = rng.gen_range(2..=family.spec_count());
    let specialties = pick_indices(rng, family.spec_count(), n_spec..=n_spec)
        .into_iter()
        .map(|i| t.spec[i].to_owned())
        .collect();
    let senior = if tier.is_central() { 1 } else { 0 };
    let (min_years_total, min_years_public, min_years_field) = match rank {
        0 => (
            rng.gen_range(3..=5) + senior,
            rng.gen_range(1..=3),
            rng.gen_range(1..=3),
        ),
        1 => (
            rng.gen_range(1..=3) + senior,
            rng.gen_range(0..=1),
            rng.gen_range(0..=2),
        ),
        _ => (rng.gen_range(0..=1), 0, 0),
    };
    let min_years_public = min_years_public.min(min_years_total);
    let min_years_field = min_years_field.min(min_years_total);

    let mut languages = vec![LanguageRequirement {
        language: Language::Kk,
        level: if rng.gen_bool(0.6) {
            LanguageLevel::Intermediate
        } else {
            LanguageLevel::Fluent
        },
    }];
    if rng.gen_bool(0.7) {
        languages.push(LanguageRequirement {
            language: Language::Ru,
            level: if rng.gen_bool(0.5) {
                LanguageLevel::UpperIntermediate
            } else {
                LanguageLevel::Fluent
            },
        });
    }
    let english_matters = matches!(family.code, "it" | "translation" | "tourism" | "customs");
    if english_matters || (tier == Tier::Central && rng.gen_bool(0.25)) {
        languages.push(LanguageRequirement {
            language: Language::En,
            level: if rng.gen_bool(0.5) {
                LanguageLevel::Intermediate
            } else {
                LanguageLevel::UpperIntermediate
            },
        });
    }

    let comps = match lang {
        Language::Kk => COMPETENCIES_KK,
        Language::Ru => COMPETENCIES_RU,
        Language::En => COMPETENCIES_EN,
    };
    let mut competencies: Vec<String> = pick_indices(rng, t.skill.len(), 2..=3)
        .into_iter()
        .map(|i| t.skill[i].to_owned())
        .collect();
    competencies.extend(
        pick_indices(rng, comps.len(), 2..=3)
            .into_iter()
            .map(|i| comps[i].to_owned()),
    );

    Requirements {
        education_level: Some(education_level),
        specialties,
        min_years_total,
        min_years_public,
        min_years_field,
        languages,
        competencies,
    }
}

#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
fn description(
    lang: Language,
    org: &OrgSpec,
    title: &str,
    category: &str,
    salary: u32,
    salary_max: u32,
    req: &Requirements,
    unit: &str,
) -> String {
    let specs = req.specialties.join(", ");
    let vocational = req.education_level == Some(EducationLevel::Vocational);
    match lang {
        Language::Ru => {
            let edu = if vocational {
                "высшее или техническое и профессиональное образование"
            } else {
                "высшее образование"
            };
            let mut exp = Vec::new();
            if req.min_years_total > 0 {
                exp.push(format!(
                    "стаж работы не менее {}",
                    years(lang, req.min_years_total.into())
                ));
            }
            if req.min_years_public > 0 {
                exp.push(format!(
                    "в том числе на государственной службе не менее {}",
                    years(lang, req.min_years_public.into())
                ));
            }
            if req.min_years_field > 0 {
                exp.push(format!(
                    "опыт работы в сфере {unit} не менее {}",
                    years(lang, req.min_years_field.into())
                ));
            }
            let exp = if exp.is_empty() {
                "без предъявления требований к стажу".to_owned()
            } else {
                exp.join(", ")
            };
            format!(
                "{} объявляет открытый конкурс на занятие вакантной административной государственной должности корпуса «Б»: {} (категория {category}). Должностной оклад от {} до {} тенге в зависимости от выслуги лет. Требования к участникам конкурса: {edu} по специальностям: {specs}; {exp}.",
                org.org.name_ru, lower_first(title), tenge(salary), tenge(salary_max)
            )
        }
        Language::Kk => {
            let edu = if vocational {
                "жоғары немесе техникалық және кәсіптік білім"
            } else {
                "жоғары білім"
            };
            let mut exp = Vec::new();
            if req.min_years_total > 0 {
                exp.push(format!(
                    "жалпы еңбек өтілі кемінде {} жыл",
                    req.min_years_total
                ));
            }
            if req.min_years_public > 0 {
                exp.push(format!(
                    "оның ішінде мемлекеттік қызметте кемінде {} жыл",
                    req.min_years_public
                ));
            }
            if req.min_years_field > 0 {
                exp.push(format!(
                    "{unit} саласындағы жұмыс өтілі кемінде {} жыл",
                    req.min_years_field
                ));
            }
            let exp = if exp.is_empty() {
                "жұмыс өтіліне талап қойылмайды".to_owned()
            } else {
                exp.join(", ")
            };
            format!(
                "{} «Б» корпусының бос әкімшілік мемлекеттік лауазымына орналасуға ашық конкурс жариялайды: {title} ({category} санаты). Лауазымдық айлықақы еңбек сіңірген жылдарына байланысты {} теңгеден {} теңгеге дейін. Конкурсқа қатысушыларға қойылатын талаптар: {edu}, мамандықтары: {specs}; {exp}.",
                org.org.name_kk, tenge(salary), tenge(salary_max)
            )
        }
        Language::En => {
            let edu = if vocational {
                "higher or technical and vocational education"
            } else {
                "higher education"
            };
            let mut exp = Vec::new();
            if req.min_years_total > 0 {
                exp.push(format!(
                    "at least {} of work experience",
                    years(lang, req.min_years_total.into())
                ));
            }
            if req.min_years_public > 0 {
                exp.push(format!(
                    "including {} in the civil service",
                    years(lang, req.min_years_public.into())
                ));
            }
            if req.min_years_field > 0 {
                exp.push(format!(
                    "at least {} in {unit}",
                    years(lang, req.min_years_field.into())
                ));
            }
            let exp = if exp.is_empty() {
                "no minimum experience".to_owned()
            } else {
                exp.join(", ")
            };
            let org_name = org.org.name_en.as_deref().unwrap_or(&org.org.name_ru);
            format!(
                "{org_name} announces an open competition for the vacant administrative civil-service post (corps B) of {title} (category {category}). Monthly salary from {} to {} tenge depending on length of service. Requirements: {edu} in {specs}; {exp}.",
                tenge(salary), tenge(salary_max)
            )
        }
    }
}

/// «Главный специалист …» → «главный специалист …» inside a sentence.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
