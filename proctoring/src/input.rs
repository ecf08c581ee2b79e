//! The input file: one test form, the sessions taken on it and their client
//! events. See `FORMAT.md` for the documented JSON with an example.
//!
//! Parsing is strict (`deny_unknown_fields`) so a misspelt field is an error
//! rather than silently ignored data; every error names the JSON path of the bad
//! field, e.g. `sessions[3].answers[7].option`. Problems that are facts about a
//! real session (clock skew, gaps) are *not* errors: they become data-quality
//! notes in [`crate::prepare`], because dropping such a session would hide it
//! from review.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A whole analysis input: the form and every session taken on it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// The test form all sessions answered.
    pub form: TestForm,
    /// Sessions on this form; several attempts by one examinee are separate sessions.
    pub sessions: Vec<Session>,
}

/// A test form: its items in presentation order.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestForm {
    /// Stable identifier of the form; part of every flag id.
    pub id: String,
    /// Items of the form.
    #[schema(min_items = 1)]
    pub items: Vec<Item>,
}

/// One multiple-choice item.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Item identifier, unique within the form.
    pub id: String,
    /// Number of options (2..=26); options are numbered from 0.
    #[schema(minimum = 2, maximum = 26)]
    pub options: u8,
    /// Index of the correct option.
    #[schema(maximum = 25)]
    pub key: u8,
    /// Calibrated 2PL parameters from an earlier calibration; when every item
    /// has them they are used as given, otherwise all items are estimated from
    /// the cohort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irt: Option<IrtParams>,
}

/// Two-parameter logistic item parameters: P(correct | θ) = 1 / (1 + e^{-a(θ - b)}).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IrtParams {
    /// Discrimination (> 0).
    pub a: f64,
    /// Difficulty on the ability scale.
    pub b: f64,
}

/// One examinee's sitting of the form.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Session identifier, unique in the file.
    pub id: String,
    /// The examinee (candidate) who sat the session.
    pub examinee_id: String,
    /// Which attempt this is and the scores of earlier ones.
    #[serde(default)]
    pub attempt: Attempt,
    /// When the test started (first item shown).
    pub started_at: DateTime<Utc>,
    /// When the session ended, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Client IP address at the start of the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Device fingerprint at the start of the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Answers in the order the client sent them.
    pub answers: Vec<Answer>,
    /// Client events (browser and camera).
    #[serde(default)]
    pub events: Vec<Event>,
    /// Answer changes and erasures before the final answers, when the client
    /// records them (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_changes: Vec<AnswerChange>,
}

/// One change of a chosen option: the examinee had `from` selected and chose
/// `to` instead (`null` on either side is a blank: `from: null` is a first
/// choice after a blank, `to: null` an erasure).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerChange {
    /// Item id from the form.
    pub item: String,
    /// The option selected before the change, `null` if none was.
    pub from: Option<u8>,
    /// The option selected after it, `null` for an erasure.
    pub to: Option<u8>,
    /// When the change was made (client clock).
    pub at: DateTime<Utc>,
}

/// Attempt number and the results of earlier attempts.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    /// 1 for the first attempt.
    #[serde(default = "one")]
    pub number: u32,
    /// Earlier attempts not present in this file (other forms or earlier rounds).
    #[serde(default)]
    pub previous: Vec<PreviousAttempt>,
}

fn one() -> u32 {
    1
}

impl Default for Attempt {
    /// A first attempt with no history.
    fn default() -> Self {
        Attempt {
            number: 1,
            previous: Vec::new(),
        }
    }
}

/// Result of an earlier attempt on a parallel form.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviousAttempt {
    /// When it was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Proportion of items answered correctly, 0..=1.
    pub proportion_correct: f64,
    /// Number of items on that form (> 0).
    pub items: u32,
}

/// One submitted answer.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Item id from the form.
    pub item: String,
    /// Chosen option index, or `null` for an explicit blank.
    pub option: Option<u8>,
    /// When the answer was submitted (client clock).
    pub at: DateTime<Utc>,
    /// When the item was shown, if the client records it; otherwise the response
    /// time is the time since the previous answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_at: Option<DateTime<Utc>>,
}

/// A client event reported by the browser or the camera monitor.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// When it started.
    pub at: DateTime<Utc>,
    /// How long it lasted in seconds, for events that have a duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// New value for `ip_change` / `device_change` (the new address or fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Kinds of client events. The names are the JSON values.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The test window lost focus.
    FocusLost,
    /// The examinee switched browser tab.
    TabSwitch,
    /// Full-screen mode was left.
    FullscreenExit,
    /// Text copied from the page.
    Copy,
    /// Text pasted into the page.
    Paste,
    /// The window was resized.
    Resize,
    /// The camera saw no face.
    FaceAbsent,
    /// The camera saw more than one face.
    MultipleFaces,
    /// The microphone heard speech.
    Voice,
    /// The client IP changed.
    IpChange,
    /// The device fingerprint changed.
    DeviceChange,
    /// The client reconnected after a network loss.
    Reconnect,
}

impl EventKind {
    /// Every kind, in a fixed order used for per-kind statistics.
    pub const ALL: [EventKind; 12] = [
        EventKind::FocusLost,
        EventKind::TabSwitch,
        EventKind::FullscreenExit,
        EventKind::Copy,
        EventKind::Paste,
        EventKind::Resize,
        EventKind::FaceAbsent,
        EventKind::MultipleFaces,
        EventKind::Voice,
        EventKind::IpChange,
        EventKind::DeviceChange,
        EventKind::Reconnect,
    ];

    /// The JSON name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::FocusLost => "focus_lost",
            EventKind::TabSwitch => "tab_switch",
            EventKind::FullscreenExit => "fullscreen_exit",
            EventKind::Copy => "copy",
            EventKind::Paste => "paste",
            EventKind::Resize => "resize",
            EventKind::FaceAbsent => "face_absent",
            EventKind::MultipleFaces => "multiple_faces",
            EventKind::Voice => "voice",
            EventKind::IpChange => "ip_change",
            EventKind::DeviceChange => "device_change",
            EventKind::Reconnect => "reconnect",
        }
    }

    /// Whether the duration of this kind carries meaning (time away, time unseen).
    pub fn has_duration(self) -> bool {
        matches!(
            self,
            EventKind::FocusLost
                | EventKind::TabSwitch
                | EventKind::FullscreenExit
                | EventKind::FaceAbsent
                | EventKind::MultipleFaces
                | EventKind::Voice
                | EventKind::Reconnect
        )
    }
}

/// An input that cannot be analysed, with the JSON path of the offending field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    /// JSON path of the bad field, e.g. `sessions[2].answers[0].option`
    /// (`.` when the document itself is unreadable).
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl InputError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Parses and validates a dataset from JSON text.
pub fn parse_dataset(json: &str) -> Result<Dataset, InputError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    let dataset: Dataset = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        // serde_json's message already ends with "at line L column C".
        InputError::new(path, e.into_inner().to_string())
    })?;
    validate(&dataset)?;
    Ok(dataset)
}

/// Checks the rules serde cannot express. Returns the first problem found.
pub fn validate(d: &Dataset) -> Result<(), InputError> {
    let form = &d.form;
    if form.items.is_empty() {
        return Err(InputError::new(
            "form.items",
            "a form needs at least one item",
        ));
    }
    let mut ids = HashSet::new();
    for (i, item) in form.items.iter().enumerate() {
        let p = format!("form.items[{i}]");
        if !ids.insert(item.id.as_str()) {
            return Err(InputError::new(
                format!("{p}.id"),
                format!("duplicate item id {:?}", item.id),
            ));
        }
        if !(2..=26).contains(&item.options) {
            return Err(InputError::new(
                format!("{p}.options"),
                format!("{} options; allowed 2..=26", item.options),
            ));
        }
        if item.key >= item.options {
            return Err(InputError::new(
                format!("{p}.key"),
                format!(
                    "key {} out of range; allowed 0..={}",
                    item.key,
                    item.options - 1
                ),
            ));
        }
        if let Some(irt) = item.irt {
            if !(irt.a.is_finite() && irt.a > 0.0 && irt.a <= 10.0) {
                return Err(InputError::new(
                    format!("{p}.irt.a"),
                    format!("discrimination {}; allowed (0, 10]", irt.a),
                ));
            }
            if !(irt.b.is_finite() && irt.b.abs() <= 10.0) {
                return Err(InputError::new(
                    format!("{p}.irt.b"),
                    format!("difficulty {}; allowed [-10, 10]", irt.b),
                ));
            }
        }
    }
    let options: std::collections::HashMap<&str, u8> = form
        .items
        .iter()
        .map(|it| (it.id.as_str(), it.options))
        .collect();
    let mut session_ids = HashSet::new();
    for (s, session) in d.sessions.iter().enumerate() {
        let p = format!("sessions[{s}]");
        if !session_ids.insert(session.id.as_str()) {
            return Err(InputError::new(
                format!("{p}.id"),
                format!("duplicate session id {:?}", session.id),
            ));
        }
        if session.attempt.number == 0 {
            return Err(InputError::new(
                format!("{p}.attempt.number"),
                "attempts are numbered from 1",
            ));
        }
        for (k, prev) in session.attempt.previous.iter().enumerate() {
            let pp = format!("{p}.attempt.previous[{k}]");
            if !(0.0..=1.0).contains(&prev.proportion_correct) {
                return Err(InputError::new(
                    format!("{pp}.proportion_correct"),
                    format!("{}; allowed 0..=1", prev.proportion_correct),
                ));
            }
            if prev.items == 0 {
                return Err(InputError::new(format!("{pp}.items"), "must be > 0"));
            }
        }
        for (a, answer) in session.answers.iter().enumerate() {
            let pa = format!("{p}.answers[{a}]");
            let Some(&n) = options.get(answer.item.as_str()) else {
                return Err(InputError::new(
                    format!("{pa}.item"),
                    format!(
                        "unknown item id {:?}; not on form {:?}",
                        answer.item, form.id
                    ),
                ));
            };
            if let Some(o) = answer.option {
                if o >= n {
                    return Err(InputError::new(
                        format!("{pa}.option"),
                        format!(
                            "option {o} out of range; item {:?} allows 0..={}",
                            answer.item,
                            n - 1
                        ),
                    ));
                }
            }
        }
        for (c, change) in session.answer_changes.iter().enumerate() {
            let pc = format!("{p}.answer_changes[{c}]");
            let Some(&n) = options.get(change.item.as_str()) else {
                return Err(InputError::new(
                    format!("{pc}.item"),
                    format!(
                        "unknown item id {:?}; not on form {:?}",
                        change.item, form.id
                    ),
                ));
            };
            for (field, option) in [("from", change.from), ("to", change.to)] {
                if let Some(o) = option.filter(|&o| o >= n) {
                    return Err(InputError::new(
                        format!("{pc}.{field}"),
                        format!(
                            "option {o} out of range; item {:?} allows 0..={} or null",
                            change.item,
                            n - 1
                        ),
                    ));
                }
            }
            if change.from == change.to {
                return Err(InputError::new(
                    format!("{pc}.to"),
                    "a change must select a different option than `from`",
                ));
            }
        }
        for (e, event) in session.events.iter().enumerate() {
            if let Some(dur) = event.duration_s {
                if !(dur.is_finite() && (0.0..=86_400.0).contains(&dur)) {
                    return Err(InputError::new(
                        format!("{p}.events[{e}].duration_s"),
                        format!("{dur}; allowed 0..=86400 seconds"),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../examples/session.json");

    #[test]
    fn example_file_parses() {
        let d = parse_dataset(EXAMPLE).expect("example must be valid");
        assert!(!d.sessions.is_empty());
    }

    #[test]
    fn unknown_field_names_its_path() {
        let bad = EXAMPLE.replacen("\"examinee_id\"", "\"examine_id\"", 1);
        let err = parse_dataset(&bad).unwrap_err();
        assert_eq!(err.path, "sessions[0].examine_id");
        assert!(err.message.contains("examine_id"), "{err}");
    }

    #[test]
    fn wrong_type_names_its_path() {
        let mut v: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        v["sessions"][1]["answers"][2]["at"] = serde_json::json!("yesterday");
        let err = parse_dataset(&v.to_string()).unwrap_err();
        assert_eq!(err.path, "sessions[1].answers[2].at");
    }

    #[test]
    fn out_of_range_option_names_its_path() {
        let mut v: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        v["sessions"][0]["answers"][1]["option"] = serde_json::json!(9);
        let err = parse_dataset(&v.to_string()).unwrap_err();
        assert_eq!(err.path, "sessions[0].answers[1].option");
        assert!(err.message.contains("allows 0..="), "{err}");
    }

    #[test]
    fn bad_key_and_event_kind_are_rejected() {
        let mut v: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        v["form"]["items"][0]["key"] = serde_json::json!(7);
        assert_eq!(
            parse_dataset(&v.to_string()).unwrap_err().path,
            "form.items[0].key"
        );
        let mut v: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        v["sessions"][0]["events"][0]["kind"] = serde_json::json!("teleport");
        let err = parse_dataset(&v.to_string()).unwrap_err();
        assert_eq!(err.path, "sessions[0].events[0].kind");
    }

    #[test]
    fn malformed_answer_changes_name_their_path() {
        let mut v: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        v["sessions"][0]["answer_changes"] =
            serde_json::json!([{"item": "q1", "from": 0, "to": 2, "at": "2025-03-01T09:00:30Z"}]);
        parse_dataset(&v.to_string()).expect("a well-formed change");
        let cases = [
            (
                serde_json::json!({"item": "q1", "from": 0, "to": 9, "at": "2025-03-01T09:00:30Z"}),
                "sessions[0].answer_changes[0].to",
                "allows 0..=",
            ),
            (
                serde_json::json!({"item": "q404", "from": 0, "to": 1, "at": "2025-03-01T09:00:30Z"}),
                "sessions[0].answer_changes[0].item",
                "unknown item",
            ),
            (
                serde_json::json!({"item": "q1", "from": 1, "to": 1, "at": "2025-03-01T09:00:30Z"}),
                "sessions[0].answer_changes[0].to",
                "different option",
            ),
            (
                serde_json::json!({"item": "q1", "from": "B", "to": 1, "at": "2025-03-01T09:00:30Z"}),
                "sessions[0].answer_changes[0].from",
                "invalid type",
            ),
            (
                serde_json::json!({"item": "q1", "from": 0, "to": 1, "at": "soon"}),
                "sessions[0].answer_changes[0].at",
                "input",
            ),
            (
                serde_json::json!({"item": "q1", "from": 0, "to": 1}),
                "sessions[0].answer_changes[0]",
                "missing field `at`",
            ),
            (
                serde_json::json!({"item": "q1", "from": 0, "to": 1, "at": "2025-03-01T09:00:30Z", "by": "x"}),
                "sessions[0].answer_changes[0].by",
                "unknown field",
            ),
        ];
        for (change, path, message) in cases {
            v["sessions"][0]["answer_changes"] = serde_json::json!([change]);
            let err = parse_dataset(&v.to_string()).unwrap_err();
            assert_eq!(err.path, path, "{err}");
            assert!(err.message.contains(message), "{err}");
        }
    }

    #[test]
    fn syntax_error_reports_line() {
        let err = parse_dataset("{\"form\": ").unwrap_err();
        assert!(err.message.contains("line 1"), "{err}");
    }
}
