//! Vacancies as CSV, the shape HR departments keep in spreadsheets.
//!
//! Columns (header row required, order free, UTF-8):
//!
//! | column | example | notes |
//! |---|---|---|
//! | id | `MF-2026-017` | required |
//! | organisation_id | `MF` | required |
//! | title, description | | required |
//! | duties | | optional |
//! | language | `kk`, `ru`, `en` | optional; detected when empty |
//! | category | `B-4`, `C-O-3` | required |
//! | region | `astana` | required |
//! | published_on, deadline | `2026-11-30` | deadline required |
//! | status | `open` | required |
//! | education_level | `higher` | optional |
//! | specialties | `Учет и аудит; Финансы` | `;`-separated |
//! | min_years_total, min_years_public, min_years_field | `2` | optional, default 0 |
//! | languages | `kk:intermediate; ru:fluent` | `;`-separated `language:level` |
//! | competencies | `Анализ; 1С` | `;`-separated |

use std::path::Path;

use qabilet_domain::{parse_json_shape, FieldError, Vacancy};
use serde_json::{json, Map, Value};

use super::{checked, first_error, Item, Lines, TextPolicy};

const REQUIRED: [&str; 8] = [
    "id",
    "organisation_id",
    "title",
    "description",
    "category",
    "region",
    "deadline",
    "status",
];
const KNOWN: [&str; 18] = [
    "id",
    "organisation_id",
    "title",
    "description",
    "duties",
    "language",
    "category",
    "region",
    "published_on",
    "deadline",
    "status",
    "education_level",
    "specialties",
    "min_years_total",
    "min_years_public",
    "min_years_field",
    "languages",
    "competencies",
];

fn list(value: &str) -> Vec<Value> {
    value
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Value::String(s.to_owned()))
        .collect()
}

fn column_of(path: &str) -> String {
    // The JSON path of the record built below, back to the spreadsheet's column.
    let field = path.strip_prefix("requirements.").unwrap_or(path);
    let field = field.split(['[', '.']).next().unwrap_or(field);
    format!("column {field}")
}

fn row_to_json(headers: &[String], row: &csv::StringRecord) -> Result<Value, FieldError> {
    let mut top = Map::new();
    let mut req = Map::new();
    for (name, value) in headers.iter().zip(row.iter()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let bad = |message: String| FieldError {
            code: qabilet_domain::problem::INVALID,
            path: format!("column {name}"),
            message,
        };
        match name.as_str() {
            "education_level" => {
                req.insert(name.clone(), json!(value));
            }
            "specialties" | "competencies" => {
                req.insert(name.clone(), Value::Array(list(value)));
            }
            "min_years_total" | "min_years_public" | "min_years_field" => {
                let years: u8 = value
                    .parse()
                    .map_err(|_| bad(format!("{value:?} is not a whole number of years")))?;
                req.insert(name.clone(), json!(years));
            }
            "languages" => {
                let mut langs = Vec::new();
                for entry in list(value) {
                    let entry = entry.as_str().unwrap_or_default();
                    let (language, level) = entry.split_once(':').ok_or_else(|| {
                        bad(format!(
                            "{entry:?} should be language:level, e.g. kk:intermediate"
                        ))
                    })?;
                    langs.push(json!({"language": language.trim(), "level": level.trim()}));
                }
                req.insert(name.clone(), Value::Array(langs));
            }
            _ => {
                top.insert(name.clone(), json!(value));
            }
        }
    }
    top.insert("requirements".into(), Value::Object(req));
    Ok(Value::Object(top))
}

/// Reads the whole header, then rows lazily, their text checked under `policy`.
pub fn read(
    path: &Path,
    policy: TextPolicy,
) -> anyhow::Result<impl Iterator<Item = Item<Vacancy>>> {
    let lines = Lines::of(path)?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_path(path)?;
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    if let Some(unknown) = headers.iter().find(|h| !KNOWN.contains(&h.as_str())) {
        anyhow::bail!(
            "{}:1: unknown column {unknown:?}; known columns: {}",
            path.display(),
            KNOWN.join(", ")
        );
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !headers.iter().any(|h| h == *c)) {
        anyhow::bail!("{}:1: missing column {missing:?}", path.display());
    }
    Ok(reader.into_records().map(move |row| {
        let row = match row {
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line(p.byte()));
                let error = FieldError::new("", qabilet_domain::problem::INVALID, e.to_string());
                return Item::new(line, Err(error));
            }
            Ok(row) => row,
        };
        let line = row.position().map_or(0, |p| lines.line(p.byte()));
        // The JSON path of the record, back to the spreadsheet's column.
        let by_column = |e: FieldError| FieldError {
            path: column_of(&e.path),
            ..e
        };
        let (record, repaired) = match row_to_json(&headers, &row) {
            Err(e) => (Err(e), None),
            Ok(json) => match parse_json_shape::<Vacancy>(&json.to_string()) {
                Err(e) => (Err(by_column(first_error(e))), None),
                Ok(vacancy) => {
                    let (record, repaired) = checked(vacancy, policy);
                    (record.map_err(by_column), repaired)
                }
            },
        };
        Item {
            line,
            record,
            repaired,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn rows_become_vacancies_and_errors_name_the_column() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "id,organisation_id,title,description,category,region,deadline,status,education_level,specialties,min_years_total,languages,competencies").unwrap();
        writeln!(file, "V-1,MF,Бухгалтер,Ведение учета,B-4,astana,2026-12-01,open,higher,Учет и аудит; Финансы,2,kk:intermediate; ru:fluent,1С").unwrap();
        writeln!(
            file,
            "V-2,MF,Бухгалтер,Ведение учета,B-4,astana,2026-12-01,open,higher,,two,,"
        )
        .unwrap();
        writeln!(
            file,
            "V-3,MF,Бухгалтер,Ведение учета,Z-9,astana,2026-12-01,open,,,,,"
        )
        .unwrap();
        let items: Vec<_> = read(file.path(), TextPolicy::Repair).unwrap().collect();
        let v = items[0].record.as_ref().unwrap();
        assert_eq!(v.requirements.specialties, ["Учет и аудит", "Финансы"]);
        assert_eq!(v.requirements.languages.len(), 2);
        assert_eq!(items[0].line, 2);
        let e = items[1].record.as_ref().unwrap_err();
        assert_eq!(
            (items[1].line, e.path.as_str()),
            (3, "column min_years_total")
        );
        let e = items[2].record.as_ref().unwrap_err();
        assert_eq!(e.path, "column category");
        assert!(e.message.contains("GROUP"), "{}", e.message);
    }
}
