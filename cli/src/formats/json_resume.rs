//! Profiles from JSON Resume (<https://jsonresume.org/schema>), the open CV format
//! many job sites export.
//!
//! A file holds one resume object, an array of them, or (`.jsonl`) one per line.
//! JSON Resume has no notion of consent, region codes or the public/private sector,
//! so the mapping is explicit about each:
//! - **id**: `meta.id` if present, else `jr-` and a hash of the e-mail (or name and
//!   phone), so importing the same resume twice updates one profile;
//! - **region**: `basics.location.region`, else `basics.location.city`, in any of
//!   the three languages (`Карагандинская область`, `Astana`, `karaganda`);
//!   `abroad` when `countryCode` is another country's, `unknown` when nothing we
//!   can read is given (never refused: citizens abroad apply too);
//! - **sector**: public when the employer's name reads like a state body (ministry,
//!   akimat, agency, committee — in kk/ru/en), private otherwise;
//! - **education level**: from `studyType` (Bachelor, Master, PhD, College…);
//! - **languages**: Kazakh, Russian and English are kept, others are not used by
//!   Qabilet's requirements and are dropped;
//! - **consent**: the file carries none, so the operator must attest it with
//!   `--consent-granted`, and it is recorded as granted at import time.

use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use qabilet_domain::{
    Consent, ConsentPurpose, Education, EducationLevel, Experience, FieldError, Language,
    LanguageLevel, LanguageSkill, Profile, ProfileId, Region, Sector,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{checked, Item, TextPolicy};

/// Reads every resume in `path`, its text checked under `policy`.
pub fn read(
    path: &Path,
    consent_at: DateTime<Utc>,
    policy: TextPolicy,
) -> anyhow::Result<Vec<Item<Profile>>> {
    let text = std::fs::read(path)?;
    let text = String::from_utf8(text).map_err(|e| {
        anyhow::anyhow!(
            "{}: not valid UTF-8 (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let is_lines = path.extension().is_some_and(|e| e == "jsonl");
    let mut docs: Vec<(u64, Result<Value, FieldError>)> = Vec::new();
    if is_lines {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            docs.push((
                i as u64 + 1,
                serde_json::from_str(line).map_err(shape_error),
            ));
        }
    } else {
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => docs.extend(items.into_iter().map(|v| (1, Ok(v)))),
            Ok(v) => docs.push((1, Ok(v))),
            Err(e) => docs.push((e.line() as u64, Err(shape_error(e)))),
        }
    }
    Ok(docs
        .into_iter()
        .map(
            |(line, doc)| match doc.and_then(|doc| to_profile(&doc, consent_at)) {
                Err(e) => Item::new(line, Err(e)),
                Ok(profile) => {
                    let (record, repaired) = checked(profile, policy);
                    Item {
                        line,
                        record,
                        repaired,
                    }
                }
            },
        )
        .collect())
}

fn shape_error(e: serde_json::Error) -> FieldError {
    FieldError {
        code: qabilet_domain::problem::MALFORMED,
        path: String::new(),
        message: format!("not JSON: {e}"),
    }
}

fn err(path: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        code: qabilet_domain::problem::INVALID,
        path: path.to_owned(),
        message: message.into(),
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// JSON Resume dates are ISO 8601 prefixes: `2020`, `2020-03` or `2020-03-15`.
fn date(value: &str, path: &str) -> Result<NaiveDate, FieldError> {
    let padded = match value.len() {
        4 => format!("{value}-01-01"),
        7 => format!("{value}-01"),
        _ => value.to_owned(),
    };
    NaiveDate::parse_from_str(&padded, "%Y-%m-%d").map_err(|_| {
        err(
            path,
            format!("{value:?} is not a date like 2020, 2020-03 or 2020-03-15"),
        )
    })
}

const STATE_BODY_MARKERS: [&str; 16] = [
    "ministry",
    "akimat",
    "agency of",
    "committee",
    "министерств",
    "акимат",
    "агентств",
    "комитет",
    "департамент",
    "управлени",
    "министрлі",
    "әкімдігі",
    "агенттігі",
    "комитеті",
    "government",
    "государствен",
];

fn sector_of(employer: &str) -> Sector {
    let lower = employer.to_lowercase();
    if STATE_BODY_MARKERS.iter().any(|m| lower.contains(m)) {
        Sector::Public
    } else {
        Sector::Private
    }
}

fn language_of(name: &str) -> Option<Language> {
    let lower = name.trim().to_lowercase();
    if let Ok(l) = Language::from_str(&lower) {
        return Some(l);
    }
    if ["қазақ", "казах", "kazak", "qazaq"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        Some(Language::Kk)
    } else if ["орыс", "русск", "russ"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        Some(Language::Ru)
    } else if ["ағылшын", "англ", "engl"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        Some(Language::En)
    } else {
        None
    }
}

fn level_of(fluency: &str) -> Option<LanguageLevel> {
    let lower = fluency.trim().to_lowercase();
    if let Ok(level) = LanguageLevel::from_str(&lower) {
        return Some(level);
    }
    // LinkedIn's proficiency scale, which many exports use.
    Some(
        if lower.contains("native")
            || lower.contains("bilingual")
            || lower.contains("родн")
            || lower.contains("ана ті")
        {
            LanguageLevel::Native
        } else if lower.contains("full professional")
            || lower.contains("свобод")
            || lower.contains("еркін")
        {
            LanguageLevel::Fluent
        } else if lower.contains("professional working") {
            LanguageLevel::UpperIntermediate
        } else if lower.contains("limited working")
            || lower.contains("средн")
            || lower.contains("орта")
        {
            LanguageLevel::Intermediate
        } else if lower.contains("elementary")
            || lower.contains("базов")
            || lower.contains("бастапқы")
        {
            LanguageLevel::Basic
        } else {
            return None;
        },
    )
}

fn profile_id(doc: &Value) -> Result<ProfileId, FieldError> {
    if let Some(id) = str_at(doc, "/meta/id") {
        return ProfileId::new(id).map_err(|m| err("meta.id", m));
    }
    let key = str_at(doc, "/basics/email")
        .map(str::to_lowercase)
        .or_else(|| {
            str_at(doc, "/basics/name")
                .map(|n| format!("{n}|{}", str_at(doc, "/basics/phone").unwrap_or("")))
        })
        .ok_or_else(|| err("basics.name", "is required"))?;
    let hash = hex::encode(Sha256::digest(key.as_bytes()));
    ProfileId::new(format!("jr-{}", &hash[..16])).map_err(|m| err("meta.id", m))
}

/// The person's region: `abroad` when `basics.location.countryCode` names a
/// country other than Kazakhstan (JSON Resume's own example lives in California);
/// else the region of Kazakhstan that `.region` or `.city` names, in any of the
/// three languages; else `unknown` (a place we cannot read is not guessed at).
fn region_of(doc: &Value) -> Region {
    if str_at(doc, "/basics/location/countryCode").is_some_and(|c| !c.eq_ignore_ascii_case("KZ")) {
        return Region::Abroad;
    }
    [
        str_at(doc, "/basics/location/region"),
        str_at(doc, "/basics/location/city"),
    ]
    .into_iter()
    .flatten()
    .find_map(|text| Region::from_str(text).ok())
    .unwrap_or(Region::Unknown)
}

/// The profile `doc` maps to, not yet validated (see [`checked`]).
fn to_profile(doc: &Value, consent_at: DateTime<Utc>) -> Result<Profile, FieldError> {
    if !doc.is_object() {
        return Err(err("", "a resume must be a JSON object"));
    }
    let id = profile_id(doc)?;
    let full_name = str_at(doc, "/basics/name").ok_or_else(|| err("basics.name", "is required"))?;
    let region = region_of(doc);

    let mut summary = String::new();
    for part in [str_at(doc, "/basics/label"), str_at(doc, "/basics/summary")]
        .into_iter()
        .flatten()
    {
        if !summary.is_empty() {
            summary.push_str(". ");
        }
        summary.push_str(part);
    }

    let mut experience = Vec::new();
    for (i, work) in doc
        .get("work")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = |f: &str| format!("work[{i}].{f}");
        let organisation = str_at(work, "/name")
            .or_else(|| str_at(work, "/company"))
            .ok_or_else(|| err(&path("name"), "is required"))?;
        let start = date(
            str_at(work, "/startDate").ok_or_else(|| err(&path("startDate"), "is required"))?,
            &path("startDate"),
        )?;
        let end = str_at(work, "/endDate")
            .map(|d| date(d, &path("endDate")))
            .transpose()?;
        let mut duties = str_at(work, "/summary").unwrap_or("").to_owned();
        for h in work
            .get("highlights")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            duties.push_str(if duties.is_empty() { "" } else { "; " });
            duties.push_str(h.trim());
        }
        experience.push(Experience {
            organisation: organisation.to_owned(),
            position: str_at(work, "/position").unwrap_or("—").to_owned(),
            sector: sector_of(organisation),
            start,
            end,
            duties,
        });
    }

    let mut education = Vec::new();
    for (i, edu) in doc
        .get("education")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = |f: &str| format!("education[{i}].{f}");
        let study = str_at(edu, "/studyType").ok_or_else(|| {
            err(
                &path("studyType"),
                "is required (Bachelor, Master, PhD, College…)",
            )
        })?;
        let level = EducationLevel::from_str(study).map_err(|m| err(&path("studyType"), m))?;
        let end = str_at(edu, "/endDate")
            .or_else(|| str_at(edu, "/startDate"))
            .ok_or_else(|| err(&path("endDate"), "is required"))?;
        let year = date(end, &path("endDate"))?
            .format("%Y")
            .to_string()
            .parse()
            .unwrap_or(0);
        education.push(Education {
            level,
            specialty: str_at(edu, "/area").unwrap_or(study).to_owned(),
            institution: str_at(edu, "/institution")
                .ok_or_else(|| err(&path("institution"), "is required"))?
                .to_owned(),
            year,
            verified: false,
        });
    }

    let mut skills: Vec<String> = Vec::new();
    for skill in doc
        .get("skills")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let names = str_at(skill, "/name").into_iter().chain(
            skill
                .get("keywords")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
        for name in names {
            let name = name.trim();
            if !name.is_empty() && !skills.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                skills.push(name.to_owned());
            }
        }
    }

    let mut languages: Vec<LanguageSkill> = Vec::new();
    for (i, lang) in doc
        .get("languages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(language) = str_at(lang, "/language").and_then(language_of) else {
            continue;
        };
        let fluency = str_at(lang, "/fluency").unwrap_or("intermediate");
        let level = level_of(fluency).ok_or_else(|| err(&format!("languages[{i}].fluency"), format!("unknown fluency {fluency:?}; use Native, Fluent, Professional working, Limited working or Elementary")))?;
        if !languages.iter().any(|l| l.language == language) {
            languages.push(LanguageSkill { language, level });
        }
    }

    let profile = Profile {
        id,
        full_name: full_name.to_owned(),
        gender: None,
        birth_date: None,
        iin: None,
        email: str_at(doc, "/basics/email").map(str::to_owned),
        phone: str_at(doc, "/basics/phone").map(str::to_owned),
        photo_url: str_at(doc, "/basics/image").map(str::to_owned),
        region,
        locality: None,
        language: None,
        summary,
        education,
        experience,
        skills,
        languages,
        consents: vec![Consent {
            purpose: ConsentPurpose::Processing,
            granted_at: consent_at,
            revoked_at: None,
        }],
    };
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resume() -> Value {
        serde_json::json!({
            "basics": {"name": "Dana Akhmetova", "email": "dana@example.kz", "label": "Accountant",
                       "summary": "IFRS reporting and budget execution",
                       "location": {"city": "Astana"}},
            "work": [{"name": "Ministry of Finance", "position": "Chief specialist",
                      "startDate": "2018-02", "endDate": "2023-06", "highlights": ["Budget reports"]},
                     {"name": "KPMG", "position": "Auditor", "startDate": "2015"}],
            "education": [{"institution": "KazNU", "area": "Accounting and audit", "studyType": "Bachelor", "endDate": "2014-06-30"}],
            "skills": [{"name": "Accounting", "keywords": ["1C", "IFRS"]}],
            "languages": [{"language": "Kazakh", "fluency": "Native speaker"},
                          {"language": "German", "fluency": "Elementary"}]
        })
    }

    #[test]
    fn a_resume_maps_to_a_profile() {
        let now = Utc::now();
        let p = to_profile(&resume(), now).unwrap();
        assert_eq!(p.region, Region::Astana);
        assert_eq!(p.experience[0].sector, Sector::Public);
        assert_eq!(p.experience[1].sector, Sector::Private);
        assert_eq!(p.education[0].level, EducationLevel::Higher);
        assert_eq!(p.education[0].year, 2014);
        assert_eq!(p.skills, ["Accounting", "1C", "IFRS"]);
        assert_eq!(
            p.languages,
            [LanguageSkill {
                language: Language::Kk,
                level: LanguageLevel::Native
            }]
        );
        assert!(p.consents_to(ConsentPurpose::Processing));
        // Stable id: the same resume imports as the same profile.
        assert_eq!(p.id, to_profile(&resume(), now).unwrap().id);
    }

    #[test]
    fn a_place_abroad_or_none_is_kept_as_such() {
        let mut r = resume();
        r["basics"]["location"] = serde_json::json!({});
        assert_eq!(to_profile(&r, Utc::now()).unwrap().region, Region::Unknown);
        r["basics"]["location"] = serde_json::json!({"city": "San Francisco", "countryCode": "US", "region": "California"});
        assert_eq!(to_profile(&r, Utc::now()).unwrap().region, Region::Abroad);
        r["basics"]["location"] = serde_json::json!({"region": "Somewhere", "countryCode": "KZ"});
        assert_eq!(to_profile(&r, Utc::now()).unwrap().region, Region::Unknown);
        r["basics"]["location"] = serde_json::json!({"city": "Astana", "countryCode": "kz"});
        assert_eq!(to_profile(&r, Utc::now()).unwrap().region, Region::Astana);
    }

    #[test]
    fn missing_and_bad_fields_are_named() {
        let mut r = resume();
        r["work"][0]["startDate"] = "last spring".into();
        assert_eq!(
            to_profile(&r, Utc::now()).unwrap_err().path,
            "work[0].startDate"
        );
        let mut r = resume();
        r["education"][0]["studyType"] = "Wizardry".into();
        assert_eq!(
            to_profile(&r, Utc::now()).unwrap_err().path,
            "education[0].studyType"
        );
    }
}
