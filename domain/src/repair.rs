//! Repair of text that went through the wrong character encoding on its way here.
//!
//! Real CVs from outside arrive with *mojibake*: UTF-8 bytes that some tool once
//! read as Windows-1252 or Latin-1 and wrote back out, so `•` became `â€¢` (or
//! `â\u{80}¢`, with a C1 control character, when the reader was Latin-1) and `ï`
//! became `Ã¯`. In the public resume data set (`shared/data/resumes`) 124 of 166
//! CVs carry it, and the C1 controls fail [`crate::check_text`], so the import
//! refused them whole. Imports repair on request (`--repair-text`; on by default
//! for JSON Resume and CSV, which come from outside), never silently.
//!
//! **How.** A UTF-8 multi-byte sequence consists of bytes ≥ 0x80 only, so its
//! mojibake is always a run of non-ASCII characters each of which is one byte in
//! Windows-1252 or Latin-1. Each such run is turned back into those bytes and
//! decoded as UTF-8, greedily: every valid multi-byte sequence is replaced by the
//! character it encodes, and a byte that starts none (a real `é` or `£` in the
//! text) is left as the character it was. Text in Kazakh or Russian is untouched:
//! Cyrillic letters are not single bytes of either code page. Twice-garbled text is
//! repaired by a second pass. Then C1 control characters (U+0080–U+009F, which
//! no real text uses) are dropped, and other control characters but tab and line
//! breaks become spaces.
//!
//! **What it could get wrong.** A genuine accented capital (U+00C0–U+00DF)
//! followed by a genuine symbol from U+0080–U+00BF (`É©`) would decode to one
//! character; no such pair is plausible in the three languages of the service.

use std::borrow::Cow;

use crate::{Application, Education, Experience, Organisation, Profile, ReserveEntry, Vacancy};

/// Windows-1252's characters for the bytes 0x80–0x9F (0 where the code page has
/// none; Latin-1 readers turn those bytes into the C1 control of the same value).
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
];

/// The byte `c` was read from, if it is one byte of Windows-1252 or Latin-1 ≥ 0x80.
fn single_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if (0x80..=0xFF).contains(&u) {
        return Some(u as u8);
    }
    CP1252_HIGH
        .iter()
        .position(|&v| v != 0 && u32::from(v) == u)
        .map(|i| 0x80 + i as u8)
}

/// Decodes `bytes` (the run `chars`) greedily; see the module docs.
fn decode_run(chars: &[char], bytes: &[u8], out: &mut String) {
    let mut i = 0;
    while i < bytes.len() {
        let len = match bytes[i] {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 1,
        };
        if len > 1 && i + len <= bytes.len() {
            if let Ok(s) = std::str::from_utf8(&bytes[i..i + len]) {
                out.push_str(s);
                i += len;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
}

/// One pass of mojibake repair; `None` when nothing changed.
fn repair_mojibake_once(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let (mut run, mut bytes) = (Vec::new(), Vec::new());
    let flush = |run: &mut Vec<char>, bytes: &mut Vec<u8>, out: &mut String| {
        if !run.is_empty() {
            decode_run(run, bytes, out);
            run.clear();
            bytes.clear();
        }
    };
    for c in text.chars() {
        match single_byte(c) {
            Some(b) => {
                run.push(c);
                bytes.push(b);
            }
            None => {
                flush(&mut run, &mut bytes, &mut out);
                out.push(c);
            }
        }
    }
    flush(&mut run, &mut bytes, &mut out);
    (out != text).then_some(out)
}

/// `text` with mojibake repaired and control characters removed (see the module
/// docs); borrowed when there was nothing to repair.
pub fn repair_text(text: &str) -> Cow<'_, str> {
    let mut repaired: Cow<str> = Cow::Borrowed(text);
    for _ in 0..2 {
        match repair_mojibake_once(&repaired) {
            Some(s) => repaired = Cow::Owned(s),
            None => break,
        }
    }
    if repaired
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        let cleaned: String = repaired
            .chars()
            .filter(|c| !('\u{80}'..='\u{9f}').contains(c))
            .map(|c| {
                if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        repaired = Cow::Owned(cleaned);
    }
    repaired
}

/// Whether `text` holds what [`repair_text`] would change: the importer's strict
/// mode names `--repair-text` in its error only when it would help.
pub fn needs_repair(text: &str) -> bool {
    matches!(repair_text(text), Cow::Owned(_))
}

/// Repairs `text` in place; whether it changed.
pub fn repair_in_place(text: &mut String) -> bool {
    match repair_text(text) {
        Cow::Borrowed(_) => false,
        Cow::Owned(s) => {
            *text = s;
            true
        }
    }
}

/// What an import does with text that went through the wrong encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextPolicy {
    /// Refuse the record, naming the option that repairs it (the HRM system's
    /// own data: garbled text there is a fault to fix at its source).
    #[default]
    Strict,
    /// Repair it and say so (files from outside: CSV, JSON Resume).
    Repair,
}

/// Applies `policy` to `record`'s text: repairs it (returning the first change),
/// or, when strict, refuses a record that repair would change, naming the field
/// and the option (`--repair-text` on the command line, `repair_text=true` on the
/// API). Every import, whatever its door, checks text through this.
pub fn apply_policy<T: RepairText + Clone>(
    record: &mut T,
    policy: TextPolicy,
) -> Result<Option<Repaired>, crate::FieldError> {
    match policy {
        TextPolicy::Repair => Ok(record.repair_text()),
        TextPolicy::Strict => match record.clone().repair_text() {
            None => Ok(None),
            Some(r) => Err(crate::FieldError::new(
                r.field,
                crate::problem::CONTROL_CHARS,
                "holds text garbled by a wrong character encoding (e.g. UTF-8 read as \
                 Windows-1252) or control characters; import with repair \
                 (--repair-text, or repair_text=true on the API) to repair it",
            )),
        },
    }
}

/// What one record's repair changed: the first field and its text before and
/// after, for the import report's example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Repairs every text of `record`; the first change, if any.
pub trait RepairText {
    fn repair_text(&mut self) -> Option<Repaired>;
}

/// Repairs `value` as the field `field`, remembering the first change in `first`.
fn repair_field(first: &mut Option<Repaired>, field: &str, value: &mut String) {
    let before = first.is_none().then(|| value.clone());
    if repair_in_place(value) {
        if let Some(before) = before {
            *first = Some(Repaired {
                field: field.to_owned(),
                before,
                after: value.clone(),
            });
        }
    }
}

impl RepairText for Profile {
    fn repair_text(&mut self) -> Option<Repaired> {
        let mut first = None;
        let f = &mut first;
        repair_field(f, "full_name", &mut self.full_name);
        repair_field(f, "summary", &mut self.summary);
        for text in [&mut self.email, &mut self.phone, &mut self.photo_url]
            .into_iter()
            .flatten()
        {
            repair_field(f, "contacts", text);
        }
        for (
            i,
            Education {
                specialty,
                institution,
                ..
            },
        ) in self.education.iter_mut().enumerate()
        {
            repair_field(f, &format!("education[{i}].specialty"), specialty);
            repair_field(f, &format!("education[{i}].institution"), institution);
        }
        for (
            i,
            Experience {
                organisation,
                position,
                duties,
                ..
            },
        ) in self.experience.iter_mut().enumerate()
        {
            repair_field(f, &format!("experience[{i}].organisation"), organisation);
            repair_field(f, &format!("experience[{i}].position"), position);
            repair_field(f, &format!("experience[{i}].duties"), duties);
        }
        for (i, skill) in self.skills.iter_mut().enumerate() {
            repair_field(f, &format!("skills[{i}]"), skill);
        }
        first
    }
}

impl RepairText for Vacancy {
    fn repair_text(&mut self) -> Option<Repaired> {
        let mut first = None;
        let f = &mut first;
        repair_field(f, "title", &mut self.title);
        repair_field(f, "description", &mut self.description);
        repair_field(f, "duties", &mut self.duties);
        if let Some(why) = &mut self.requirements_justification {
            repair_field(f, "requirements_justification", why);
        }
        let r = &mut self.requirements;
        for (list, name) in [
            (&mut r.specialties, "requirements.specialties"),
            (&mut r.competencies, "requirements.competencies"),
        ] {
            for (i, term) in list.iter_mut().enumerate() {
                repair_field(f, &format!("{name}[{i}]"), term);
            }
        }
        first
    }
}

impl RepairText for Organisation {
    fn repair_text(&mut self) -> Option<Repaired> {
        let mut first = None;
        repair_field(&mut first, "name_kk", &mut self.name_kk);
        repair_field(&mut first, "name_ru", &mut self.name_ru);
        if let Some(name) = &mut self.name_en {
            repair_field(&mut first, "name_en", name);
        }
        first
    }
}

impl RepairText for Application {
    fn repair_text(&mut self) -> Option<Repaired> {
        let mut first = None;
        for (i, stage) in self.stages.iter_mut().enumerate() {
            if let Some(reason) = &mut stage.reason {
                repair_field(&mut first, &format!("stages[{i}].reason"), reason);
            }
        }
        first
    }
}

impl RepairText for ReserveEntry {
    fn repair_text(&mut self) -> Option<Repaired> {
        let mut first = None;
        repair_field(&mut first, "reason", &mut self.reason);
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_and_latin_1_mojibake_is_undone() {
        // As in the public resume data set: bullets through Latin-1 (C1 controls)…
        assert_eq!(repair_text("â\u{80}¢ Python"), "• Python");
        // … and through Windows-1252.
        assert_eq!(
            repair_text("Naïve: NaÃ¯ve Bayes â€“ SVM"),
            "Naïve: Naïve Bayes – SVM"
        );
        assert_eq!(repair_text("Â\u{a0}Skills"), "\u{a0}Skills");
        // Twice garbled.
        assert_eq!(repair_text("NaÃƒÂ¯ve"), "Naïve");
    }

    #[test]
    fn genuine_text_is_left_alone() {
        for text in [
            "Бухгалтер, мемлекеттік қызметте 5 жыл",
            "café £20 – “quoted” 90°",
            "Ça va, señor? ½ ÇÃO",
            "plain ascii\nwith lines\tand tabs",
        ] {
            assert!(matches!(repair_text(text), Cow::Borrowed(_)), "{text}");
            assert!(!needs_repair(text));
        }
    }

    #[test]
    fn control_characters_are_dropped_or_spaced() {
        assert_eq!(repair_text("a\u{85}b\u{0c}c\u{0}d"), "ab c d");
        assert!(crate::check_text(&repair_text("x\u{9e}\u{0b}y"), 100).is_ok());
    }

    #[test]
    fn a_profile_reports_its_first_repaired_field() {
        let mut p: Profile = serde_json::from_value(serde_json::json!({
            "id": "P-1", "full_name": "Jane Doe", "region": "astana",
            "summary": "Skills â\u{80}¢ SQL", "skills": ["NaÃ¯ve Bayes"]
        }))
        .unwrap();
        let r = p.repair_text().unwrap();
        assert_eq!(r.field, "summary");
        assert_eq!(r.after, "Skills • SQL");
        assert_eq!(p.skills, vec!["Naïve Bayes"]);
        assert_eq!(p.repair_text(), None);
    }
}
