//! Validation with field paths.
//!
//! serde checks shapes and enum values; [`Validate`] checks the rules serde cannot
//! express. Both kinds of failure come back as [`FieldError`]s naming the JSON path
//! of the offending field (`experience[2].end`), because an HR officer fixing an
//! import file needs to know exactly which value to change.

use std::fmt;

use serde::de::DeserializeOwned;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field, e.g. `requirements.languages[0].level`; empty for the
    /// record as a whole.
    pub path: String,
    /// What kind of problem it is, for front doors that say it in the reader's
    /// language: one of [`problem`].
    pub code: &'static str,
    /// What is wrong and, where it helps, what is allowed (in English).
    pub message: String,
}

/// The kinds of [`FieldError`]: a web form translates each into kk/ru/en, the API
/// sends the English message.
pub mod problem {
    /// A required value is blank.
    pub const REQUIRED: &str = "required";
    /// A text or list longer than its limit.
    pub const TOO_LONG: &str = "too_long";
    /// Control characters in a text.
    pub const CONTROL_CHARS: &str = "control_chars";
    /// Not an e-mail address.
    pub const NOT_EMAIL: &str = "not_email";
    /// A date in the future where only the past makes sense.
    pub const FUTURE_DATE: &str = "future_date";
    /// A period that ends before it starts.
    pub const END_BEFORE_START: &str = "end_before_start";
    /// A year outside what is plausible.
    pub const IMPLAUSIBLE_YEAR: &str = "implausible_year";
    /// The IIN disagrees with the birth date or the gender.
    pub const IIN_MISMATCH: &str = "iin_mismatch";
    /// The value cannot be read (a bad date, number or code).
    pub const MALFORMED: &str = "malformed";
    /// Any other rule.
    pub const INVALID: &str = "invalid";
}

impl FieldError {
    /// An error of kind [`problem::INVALID`] or [`problem::MALFORMED`] made outside a
    /// [`Validator`] (file readers, shape errors).
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// All problems found in one record, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn first(&self) -> Option<&FieldError> {
        self.0.first()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Collects field errors while walking a record; keeps the current path.
#[derive(Debug, Default)]
pub struct Validator {
    prefix: Vec<String>,
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    fn path_of(&self, field: &str) -> String {
        let mut path = String::new();
        for part in self
            .prefix
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(field).filter(|f| !f.is_empty()))
        {
            if !path.is_empty() && !part.starts_with('[') {
                path.push('.');
            }
            path.push_str(part);
        }
        path
    }

    /// Records an error on `field` (relative to the current prefix), of kind
    /// [`problem::INVALID`].
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.fail(field, problem::INVALID, message);
    }

    /// Records an error of kind `code` on `field`.
    pub fn fail(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        let path = self.path_of(field);
        self.errors.push(FieldError {
            path,
            code,
            message: message.into(),
        });
    }

    /// Validates a nested value under `field`.
    pub fn nested(&mut self, field: &str, f: impl FnOnce(&mut Validator)) {
        self.prefix.push(field.to_owned());
        f(self);
        self.prefix.pop();
    }

    /// Validates each element of a list under `field[i]`, after checking its length.
    pub fn each<T>(
        &mut self,
        field: &str,
        items: &[T],
        max: usize,
        mut f: impl FnMut(&mut Validator, &T),
    ) {
        if items.len() > max {
            self.fail(
                field,
                problem::TOO_LONG,
                format!("has {} entries, at most {max} are allowed", items.len()),
            );
            return;
        }
        for (i, item) in items.iter().enumerate() {
            self.prefix.push(format!("{field}[{i}]"));
            f(self, item);
            self.prefix.pop();
        }
    }

    /// Checks a required text: not blank and at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if let Err((code, message)) = text_problem(value, max, true) {
            self.fail(field, code, message);
        }
    }

    /// Checks an optional text: at most `max` characters, no control characters.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) {
        if let Err((code, message)) = text_problem(value, max, false) {
            self.fail(field, code, message);
        }
    }

    /// Checks a list of short texts (skills, specialties, competencies).
    pub fn text_list(
        &mut self,
        field: &str,
        values: &[String],
        max_items: usize,
        max_chars: usize,
    ) {
        self.each(field, values, max_items, |v, value| {
            v.text("", value, max_chars)
        });
    }

    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.errors))
        }
    }
}

/// The rule of every required text a person writes (names, titles, reasons): not
/// blank, at most `max` characters, no control characters but line breaks and tabs.
pub fn check_text(value: &str, max: usize) -> Result<(), String> {
    text_problem(value, max, true).map_err(|(_, m)| m)
}

/// [`check_text`] for a text that may be empty.
pub fn check_optional_text(value: &str, max: usize) -> Result<(), String> {
    text_problem(value, max, false).map_err(|(_, m)| m)
}

fn text_problem(value: &str, max: usize, required: bool) -> Result<(), (&'static str, String)> {
    if required && value.trim().is_empty() {
        return Err((problem::REQUIRED, "must not be empty".into()));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err((
            problem::TOO_LONG,
            format!("is {chars} characters long, at most {max} are allowed"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err((problem::CONTROL_CHARS, "contains control characters".into()));
    }
    Ok(())
}

/// What [`check_text`] accepts, as a JSON Schema pattern.
pub const TEXT_PATTERN: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";
/// What [`check_optional_text`] accepts, as a JSON Schema pattern.
pub const OPTIONAL_TEXT_PATTERN: &str =
    r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// Documentation-only types: how the API documents the texts [`check_text`] and
/// [`check_optional_text`] check (`#[schema(value_type = …)]` on a `String`
/// field), one per limit, so the rule is written here once.
macro_rules! text_schemas {
    ($($(#[$doc:meta])* $name:ident: $max:expr, $pattern:expr;)*) => {
        $(
            $(#[$doc])*
            pub struct $name;

            impl utoipa::PartialSchema for $name {
                fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::String)
                        .max_length(Some($max))
                        .pattern(Some($pattern))
                        .into()
                }
            }

            impl utoipa::ToSchema for $name {}
        )*
    };
}

text_schemas! {
    /// A name, title, position or institution (required).
    NameText: crate::limits::NAME_CHARS, TEXT_PATTERN;
    /// A skill, specialty or competency (required).
    Term: crate::limits::TERM_CHARS, TEXT_PATTERN;
    /// A description or duties (required).
    LongText: crate::limits::LONG_TEXT_CHARS, TEXT_PATTERN;
    /// Duties or a description that may be empty.
    OptionalLongText: crate::limits::LONG_TEXT_CHARS, OPTIONAL_TEXT_PATTERN;
    /// A CV's summary (may be empty).
    SummaryText: crate::limits::SUMMARY_CHARS, OPTIONAL_TEXT_PATTERN;
    /// A reason or comment a person writes (required).
    ReasonText: crate::limits::REASON_CHARS, TEXT_PATTERN;
}

/// Rules a record must satisfy beyond its serde shape.
pub trait Validate {
    /// Adds every problem found to `v`.
    fn check(&self, v: &mut Validator);

    /// Runs [`Validate::check`] and returns all problems found.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        self.check(&mut v);
        v.finish()
    }
}

/// Why a JSON record could not be accepted.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The text is not JSON of the expected shape; `path` names the field.
    #[error("{}", display_shape(.path, .message))]
    Shape { path: String, message: String },
    /// The JSON has the right shape but breaks a rule.
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
}

fn display_shape(path: &str, message: &str) -> String {
    if path.is_empty() || path == "." {
        message.to_owned()
    } else {
        format!("{path}: {message}")
    }
}

impl ParseError {
    /// The path of the first bad field.
    pub fn path(&self) -> &str {
        match self {
            ParseError::Shape { path, .. } => path,
            ParseError::Invalid(errors) => errors.first().map(|e| e.path.as_str()).unwrap_or(""),
        }
    }
}

/// Parses one JSON record and validates it, naming the bad field on failure.
pub fn parse_json<T: DeserializeOwned + Validate>(text: &str) -> Result<T, ParseError> {
    let value: T = parse_json_shape(text)?;
    value.validate()?;
    Ok(value)
}

/// The first half of [`parse_json`]: the shape only, not yet validated, for a
/// reader that repairs the record's text before checking it.
pub fn parse_json_shape<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // serde_json appends " at line 1 column 57"; the caller reports the line itself.
        let message = strip_position(&inner.to_string());
        ParseError::Shape {
            path: if path == "." { String::new() } else { path },
            message,
        }
    })?;
    Ok(value)
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_fields_and_indices() {
        let mut v = Validator::new();
        v.nested("requirements", |v| {
            v.each("languages", &[1, 2], 10, |v, i| {
                if *i == 2 {
                    v.error("level", "bad");
                }
            })
        });
        let err = v.finish().unwrap_err();
        assert_eq!(err.0[0].path, "requirements.languages[1].level");
    }

    #[test]
    fn text_limits_are_reported() {
        let mut v = Validator::new();
        v.text("title", "   ", 10);
        v.text("name", "abcdefghijkl", 10);
        v.optional_text("summary", "a\u{0}b", 10);
        let err = v.finish().unwrap_err();
        assert_eq!(err.0.len(), 3);
        assert_eq!(err.0[0].to_string(), "title: must not be empty");
        assert!(err.0[1].message.contains("at most 10"));
        assert!(err.0[2].message.contains("control"));
    }
}
