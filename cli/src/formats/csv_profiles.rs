//! Profiles as CSV: CVs kept in a spreadsheet, or a public data set of them.
//!
//! Columns (header row required, order free, names case-insensitive, UTF-8 with or
//! without a BOM):
//!
//! | column | example | notes |
//! |---|---|---|
//! | summary (or resume, cv, text) | the CV's text | required |
//! | id | `P-1` | optional; else `csv-` and a hash of the name and text, so the same CV imports as the same profile |
//! | full_name (or name) | | optional; else the id stands in (anonymised data sets) |
//! | region | `astana`, `Алматы` | optional; see below |
//! | country | `KZ`, `US` | optional; another country makes the region `abroad` |
//! | skills | `SQL; 1С` | `;`-separated |
//! | email, phone | | optional |
//! | gender | `female`, `male` | optional |
//! | birth_date | `1990-04-02` | optional |
//! | locality | `urban`, `rural` | optional |
//! | language | `kk`, `ru`, `en` | optional; detected when empty |
//!
//! Other columns (a data set's own labels, such as the resume set's `Category`)
//! are not profile fields: they are named once in a warning and left out, so a
//! label never becomes searchable text. A row that repeats an earlier row exactly
//! (the public resume set holds 166 CVs in 962 rows) is the same person and is
//! skipped, and counted; two different rows with one `id` are still an error.
//!
//! The region is never refused: one of Kazakhstan's in any of the three
//! languages, `abroad` when `country` names another country, `unknown` otherwise.
//! The file carries no consent, so the operator attests it (`--consent-granted`),
//! as for JSON Resume.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use qabilet_domain::{Consent, ConsentPurpose, FieldError, Profile, ProfileId, Region};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{checked, first_error, Item, Lines, TextPolicy};

/// Each profile field and the column names that mean it.
const COLUMNS: [(&str, &[&str]); 12] = [
    ("summary", &["summary", "resume", "cv", "text"]),
    ("id", &["id"]),
    ("full_name", &["full_name", "name"]),
    ("region", &["region"]),
    ("country", &["country", "country_code"]),
    ("skills", &["skills"]),
    ("email", &["email"]),
    ("phone", &["phone"]),
    ("gender", &["gender"]),
    ("birth_date", &["birth_date"]),
    ("locality", &["locality"]),
    ("language", &["language"]),
];

/// What reading the file found besides its records.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CsvNotes {
    /// Columns that are no profile field, left out.
    pub ignored_columns: Vec<String>,
    /// Rows that repeat an earlier row exactly, skipped.
    pub repeated_rows: usize,
}

/// Reads `path`: its records, and what was left out.
pub fn read(
    path: &Path,
    consent_at: DateTime<Utc>,
    policy: TextPolicy,
) -> anyhow::Result<(Vec<Item<Profile>>, CsvNotes)> {
    let lines = Lines::of(path)?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_path(path)?;
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let mut notes = CsvNotes::default();
    // Column index → the profile field it fills.
    let mut fields: Vec<Option<&'static str>> = Vec::with_capacity(headers.len());
    for header in &headers {
        let field = COLUMNS
            .iter()
            .find(|(_, names)| names.contains(&header.as_str()))
            .map(|(field, _)| *field);
        if field.is_some() && fields.contains(&field) {
            anyhow::bail!(
                "{}:1: column {header:?} says the same as an earlier column",
                path.display()
            );
        }
        if field.is_none() {
            notes.ignored_columns.push(header.clone());
        }
        fields.push(field);
    }
    if !fields.contains(&Some("summary")) {
        anyhow::bail!(
            "{}:1: no column holds the CV's text; name it summary, resume, cv or text",
            path.display()
        );
    }
    let mut items = Vec::new();
    // Derived id → the row's content hash, to tell a repeated row from a clash.
    let mut seen: HashMap<String, [u8; 32]> = HashMap::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line(p.byte()));
                let error = FieldError::new("", qabilet_domain::problem::MALFORMED, e.to_string());
                items.push(Item::new(line, Err(error)));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| lines.line(p.byte()));
        let values: HashMap<&str, &str> = fields
            .iter()
            .zip(row.iter())
            .filter_map(|(field, value)| Some(((*field)?, value.trim())))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        let content: [u8; 32] =
            Sha256::digest(row.iter().collect::<Vec<_>>().join("\u{1f}")).into();
        if let Some(id) = derived_id(&values) {
            if seen.get(&id) == Some(&content) {
                notes.repeated_rows += 1;
                continue;
            }
            seen.insert(id, content);
        }
        let item = match to_profile(&values, consent_at) {
            Err(e) => Item::new(line, Err(e)),
            Ok(profile) => {
                let (record, repaired) = checked(profile, policy);
                Item {
                    line,
                    record,
                    repaired,
                }
            }
        };
        items.push(item);
    }
    Ok((items, notes))
}

/// The id a row without an `id` column gets: `csv-` and 16 hex digits of the hash
/// of its name and text.
fn derived_id(values: &HashMap<&str, &str>) -> Option<String> {
    if values.contains_key("id") {
        return None;
    }
    let key = format!(
        "{}\u{1f}{}",
        values.get("full_name").unwrap_or(&""),
        values.get("summary").unwrap_or(&"")
    );
    let hash = hex::encode(Sha256::digest(key.as_bytes()));
    Some(format!("csv-{}", &hash[..16]))
}

/// See the module docs for the region.
fn region_of(values: &HashMap<&str, &str>) -> Region {
    if values
        .get("country")
        .is_some_and(|c| !c.eq_ignore_ascii_case("KZ") && !c.eq_ignore_ascii_case("Kazakhstan"))
    {
        return Region::Abroad;
    }
    values
        .get("region")
        .and_then(|r| Region::from_str(r).ok())
        .unwrap_or(Region::Unknown)
}

/// The profile of one row, not yet validated (see [`checked`]).
fn to_profile(
    values: &HashMap<&str, &str>,
    consent_at: DateTime<Utc>,
) -> Result<Profile, FieldError> {
    if !values.contains_key("summary") {
        return Err(FieldError::new(
            "column summary",
            qabilet_domain::problem::REQUIRED,
            "the CV's text is empty",
        ));
    }
    let id = match values.get("id") {
        Some(id) => id.to_string(),
        None => derived_id(values).unwrap_or_default(),
    };
    ProfileId::new(&id)
        .map_err(|m| FieldError::new("column id", qabilet_domain::problem::INVALID, m))?;
    let mut record = Map::new();
    record.insert("id".into(), json!(id));
    record.insert(
        "full_name".into(),
        json!(values.get("full_name").copied().unwrap_or(&id)),
    );
    record.insert("region".into(), json!(region_of(values).code()));
    for (field, value) in values {
        match *field {
            "id" | "full_name" | "region" | "country" => {}
            "skills" => {
                let skills: Vec<Value> = value
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| json!(s))
                    .collect();
                record.insert("skills".into(), Value::Array(skills));
            }
            "gender" | "locality" | "language" => {
                record.insert((*field).into(), json!(value.to_lowercase()));
            }
            _ => {
                record.insert((*field).into(), json!(value));
            }
        }
    }
    let consent = Consent {
        purpose: ConsentPurpose::Processing,
        granted_at: consent_at,
        revoked_at: None,
    };
    record.insert("consents".into(), json!([consent]));
    qabilet_domain::parse_json_shape::<Profile>(&Value::Object(record).to_string())
        .map_err(first_error)
        .map_err(|e| FieldError {
            path: format!("column {}", e.path.split(['[', '.']).next().unwrap_or("")),
            ..e
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    #[test]
    fn a_resume_data_set_imports_with_labels_left_out_and_repeats_skipped() {
        let f = file(
            "Category,Resume\n\
             Data Science,\"Skills \u{e2}\u{80}\u{a2} Python, NaÃ¯ve Bayes\"\n\
             HR,Recruitment and onboarding\n\
             Data Science,\"Skills \u{e2}\u{80}\u{a2} Python, NaÃ¯ve Bayes\"\n",
        );
        let (items, notes) = read(f.path(), Utc::now(), TextPolicy::Repair).unwrap();
        assert_eq!(notes.ignored_columns, ["category"]);
        assert_eq!(notes.repeated_rows, 1);
        assert_eq!(items.len(), 2);
        assert_eq!((items[0].line, items[1].line), (2, 3));
        let p = items[0].record.as_ref().unwrap();
        assert_eq!(p.summary, "Skills • Python, Naïve Bayes");
        assert!(p.id.as_str().starts_with("csv-"));
        assert_eq!(p.full_name, p.id.as_str());
        assert_eq!(p.region, Region::Unknown);
        assert!(!p.summary.contains("Data Science"));
        assert_eq!(items[0].repaired.as_ref().unwrap().field, "summary");
        assert!(items[1].repaired.is_none());
        // Strict: refused, naming the option that repairs it.
        let (items, _) = read(f.path(), Utc::now(), TextPolicy::Strict).unwrap();
        let e = items[0].record.as_ref().unwrap_err();
        assert!(e.message.contains("--repair-text"), "{}", e.message);
        assert!(items[1].record.is_ok());
    }

    #[test]
    fn named_columns_fill_the_profile_and_errors_name_the_column() {
        let f = file(
            "id,name,region,country,skills,resume,birth_date\n\
             P-1,Aigerim,Карагандинская область,,SQL; 1С,Бухгалтер,1990-04-02\n\
             P-2,John,California,US,,Accountant,\n\
             P-3,Jane,,,,Accountant,yesterday\n",
        );
        let (items, _) = read(f.path(), Utc::now(), TextPolicy::Repair).unwrap();
        let p = items[0].record.as_ref().unwrap();
        assert_eq!(
            (p.full_name.as_str(), p.region),
            ("Aigerim", Region::Karaganda)
        );
        assert_eq!(p.skills, ["SQL", "1С"]);
        assert_eq!(items[1].record.as_ref().unwrap().region, Region::Abroad);
        let e = items[2].record.as_ref().unwrap_err();
        assert_eq!((items[2].line, e.path.as_str()), (4, "column birth_date"));
    }

    #[test]
    fn lines_are_counted_right_with_crlf_line_ends() {
        let f = file("name,resume\r\nA,\"two\r\nlines\"\r\nB,x\r\nC,\r\n");
        let (items, _) = read(f.path(), Utc::now(), TextPolicy::Repair).unwrap();
        let lines: Vec<u64> = items.iter().map(|i| i.line).collect();
        assert_eq!(lines, [2, 4, 5]);
        assert_eq!(items[2].record.as_ref().unwrap_err().path, "column summary");
    }

    #[test]
    fn a_file_without_the_cv_text_is_refused() {
        let f = file("name,region\nAigerim,astana\n");
        let e = read(f.path(), Utc::now(), TextPolicy::Repair).unwrap_err();
        assert!(e.to_string().contains("summary, resume, cv or text"), "{e}");
    }
}
