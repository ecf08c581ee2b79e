//! Turns validated input into dense matrices for the detectors and records
//! data-quality notes.
//!
//! Response times come from timestamps: `shown_at → at` when the client sends
//! it, otherwise the time since the previous answer (in timestamp order) or
//! since the start. Clock skew, answers before the start, long gaps and
//! duplicate answers do not drop the session: the affected response time is
//! set to "unknown" (so it cannot trigger a speed flag by itself) and a note
//! tells the reviewer what was found and where.

use std::collections::HashMap;

use serde::Serialize;

use crate::input::{Dataset, EventKind};

/// Marker for "no answer" in the response matrix.
pub(crate) const OMIT: u8 = u8::MAX;

/// A gap longer than this between consecutive answers is an interruption, not
/// a response time.
const GAP_SECONDS: f64 = 600.0;

/// What kind of data problem a note reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Answer timestamps are not in the order the client sent them.
    ClockSkew,
    /// An answer is timestamped before the session started.
    AnswerBeforeStart,
    /// An answer is timestamped after the session ended.
    AnswerAfterEnd,
    /// A long pause between answers (possible disconnection).
    Gap,
    /// The same item was answered more than once; the last answer counts.
    DuplicateAnswer,
    /// An event lies outside the session window.
    EventOutsideSession,
    /// Items of the form were never answered.
    MissingAnswers,
    /// The last recorded change of an item does not end on its final answer.
    ChangeMismatch,
}

/// A data-quality observation about one session. Not a flag: it explains why
/// some numbers for that session are missing or less reliable.
#[derive(Debug, Clone, Serialize)]
pub struct DataNote {
    /// The session concerned.
    pub session_id: String,
    /// What was found.
    pub kind: NoteKind,
    /// JSON path of the first affected field.
    pub path: String,
    /// Human-readable detail.
    pub detail: String,
}

/// Dense, detector-ready view of a dataset. Row `j` is session `j` of the input.
pub(crate) struct Prepared {
    pub n_items: usize,
    pub n_sessions: usize,
    /// Correct option per item.
    pub keys: Vec<u8>,
    /// Option count per item.
    pub options: Vec<u8>,
    /// Chosen option, row-major `[session * n_items + item]`, `OMIT` if blank.
    pub responses: Vec<u8>,
    /// ln(response time in seconds), NaN when unknown.
    pub log_rt: Vec<f64>,
    /// When each final answer was submitted, in seconds since the earliest
    /// session start of the cohort (one clock for every session, so two
    /// sessions' answers can be compared); NaN when unknown or untrusted.
    pub at: Vec<f64>,
    /// Per session: its answer changes by kind.
    pub changes: Vec<ChangeCounts>,
    /// Items in the order the session answered them (timestamp order).
    pub order: Vec<Vec<u16>>,
    /// Per session, per [`EventKind::ALL`] index: number of events.
    pub event_counts: Vec<[f64; 12]>,
    /// Per session, per kind: total duration in seconds.
    pub event_durations: Vec<[f64; 12]>,
    /// Per session: every IP (`ip:` prefix) and device fingerprint (`dev:`) seen.
    pub networks: Vec<Vec<String>>,
    /// Data-quality notes, in session order.
    pub notes: Vec<DataNote>,
}

/// A session's recorded answer changes, by whether the option before and after
/// was the key. Blanks count as wrong.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ChangeCounts {
    pub wrong_to_right: u32,
    pub right_to_wrong: u32,
    pub wrong_to_wrong: u32,
}

impl ChangeCounts {
    pub fn total(self) -> u32 {
        self.wrong_to_right + self.right_to_wrong + self.wrong_to_wrong
    }
}

impl Prepared {
    /// 1.0 if session `j` answered item `i` correctly, 0.0 otherwise (blank = wrong).
    pub fn correct(&self, j: usize, i: usize) -> bool {
        self.responses[j * self.n_items + i] == self.keys[i]
    }

    /// Number-correct score of session `j`.
    pub fn score(&self, j: usize) -> usize {
        (0..self.n_items).filter(|&i| self.correct(j, i)).count()
    }
}

pub(crate) fn prepare(d: &Dataset) -> Prepared {
    let n_items = d.form.items.len();
    let index: HashMap<&str, usize> = d
        .form
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.id.as_str(), i))
        .collect();
    let n_sessions = d.sessions.len();
    let epoch = d.sessions.iter().map(|s| s.started_at).min();
    let seconds = |t: chrono::DateTime<chrono::Utc>| {
        epoch.map_or(f64::NAN, |e| (t - e).num_milliseconds() as f64 / 1000.0)
    };
    let mut p = Prepared {
        n_items,
        n_sessions,
        keys: d.form.items.iter().map(|it| it.key).collect(),
        options: d.form.items.iter().map(|it| it.options).collect(),
        responses: vec![OMIT; n_sessions * n_items],
        log_rt: vec![f64::NAN; n_sessions * n_items],
        at: vec![f64::NAN; n_sessions * n_items],
        changes: vec![ChangeCounts::default(); n_sessions],
        order: Vec::with_capacity(n_sessions),
        event_counts: vec![[0.0; 12]; n_sessions],
        event_durations: vec![[0.0; 12]; n_sessions],
        networks: Vec::with_capacity(n_sessions),
        notes: Vec::new(),
    };
    for (j, s) in d.sessions.iter().enumerate() {
        let mut note = |kind, path: String, detail: String| {
            p.notes.push(DataNote {
                session_id: s.id.clone(),
                kind,
                path,
                detail,
            })
        };
        // Timestamp order; a stable sort keeps the client's order for ties.
        let mut idx: Vec<usize> = (0..s.answers.len()).collect();
        idx.sort_by_key(|&a| s.answers[a].at);
        if let Some(pos) = idx.windows(2).position(|w| w[0] > w[1]) {
            note(
                NoteKind::ClockSkew,
                format!("sessions[{j}].answers[{}].at", idx[pos + 1].max(idx[pos])),
                "answer timestamps go backwards; response times around it are unknown".into(),
            );
        }
        let mut prev = s.started_at;
        let mut seen = vec![false; n_items];
        let mut order = Vec::with_capacity(n_items);
        for &a in &idx {
            let ans = &s.answers[a];
            let path = format!("sessions[{j}].answers[{a}]");
            // Validation guarantees the id exists; skip defensively rather than panic.
            let Some(&i) = index.get(ans.item.as_str()) else {
                continue;
            };
            if seen[i] {
                note(
                    NoteKind::DuplicateAnswer,
                    format!("{path}.item"),
                    format!(
                        "item {:?} answered again; the later answer counts",
                        ans.item
                    ),
                );
            } else {
                order.push(i as u16);
            }
            seen[i] = true;
            p.responses[j * n_items + i] = ans.option.unwrap_or(OMIT);
            let from = ans.shown_at.unwrap_or(prev);
            let secs = (ans.at - from).num_milliseconds() as f64 / 1000.0;
            let mut rt_ok = secs > 0.0;
            if ans.at < s.started_at {
                note(
                    NoteKind::AnswerBeforeStart,
                    format!("{path}.at"),
                    format!("answer at {} precedes start {}", ans.at, s.started_at),
                );
                rt_ok = false;
            }
            if let Some(end) = s.ended_at {
                if ans.at > end {
                    note(
                        NoteKind::AnswerAfterEnd,
                        format!("{path}.at"),
                        format!("answer at {} follows end {end}", ans.at),
                    );
                }
            }
            if secs > GAP_SECONDS {
                note(
                    NoteKind::Gap,
                    format!("{path}.at"),
                    format!("{secs:.0} s without an answer; treated as an interruption"),
                );
                rt_ok = false;
            }
            p.log_rt[j * n_items + i] = if rt_ok { secs.max(0.05).ln() } else { f64::NAN };
            // An answer before the start is on a clock that cannot be trusted.
            p.at[j * n_items + i] = if ans.at < s.started_at {
                f64::NAN
            } else {
                seconds(ans.at)
            };
            prev = prev.max(ans.at);
        }
        let missing = seen.iter().filter(|s| !**s).count();
        if missing > 0 {
            note(
                NoteKind::MissingAnswers,
                format!("sessions[{j}].answers"),
                format!("{missing} of {n_items} items have no answer (scored as wrong)"),
            );
        }
        let mut last_change: HashMap<usize, (chrono::DateTime<chrono::Utc>, usize)> =
            HashMap::new();
        for (c, ch) in s.answer_changes.iter().enumerate() {
            let Some(&i) = index.get(ch.item.as_str()) else {
                continue;
            };
            let key = Some(p.keys[i]);
            let counts = &mut p.changes[j];
            match (ch.from == key, ch.to == key) {
                (false, true) => counts.wrong_to_right += 1,
                (true, false) => counts.right_to_wrong += 1,
                _ => counts.wrong_to_wrong += 1,
            }
            let entry = last_change.entry(i).or_insert((ch.at, c));
            if ch.at >= entry.0 {
                *entry = (ch.at, c);
            }
        }
        let mut mismatched: Vec<usize> = last_change
            .into_iter()
            .filter(|&(i, (_, c))| {
                let final_option = p.responses[j * n_items + i];
                let to = s.answer_changes[c].to.unwrap_or(OMIT);
                seen[i] && to != final_option
            })
            .map(|(_, (_, c))| c)
            .collect();
        mismatched.sort_unstable();
        if let Some(&c) = mismatched.first() {
            note(
                NoteKind::ChangeMismatch,
                format!("sessions[{j}].answer_changes[{c}].to"),
                format!(
                    "{} item(s) whose last change does not end on the final answer",
                    mismatched.len()
                ),
            );
        }
        let mut nets = Vec::new();
        if let Some(ip) = &s.ip {
            nets.push(format!("ip:{ip}"));
        }
        if let Some(dev) = &s.device {
            nets.push(format!("dev:{dev}"));
        }
        for (e, ev) in s.events.iter().enumerate() {
            let k = EventKind::ALL
                .iter()
                .position(|x| *x == ev.kind)
                .unwrap_or(0);
            p.event_counts[j][k] += 1.0;
            p.event_durations[j][k] += ev.duration_s.unwrap_or(0.0);
            let outside = ev.at < s.started_at || s.ended_at.is_some_and(|end| ev.at > end);
            if outside {
                note(
                    NoteKind::EventOutsideSession,
                    format!("sessions[{j}].events[{e}].at"),
                    format!(
                        "{} event at {} lies outside the session",
                        ev.kind.name(),
                        ev.at
                    ),
                );
            }
            match (ev.kind, &ev.value) {
                (EventKind::IpChange, Some(v)) => nets.push(format!("ip:{v}")),
                (EventKind::DeviceChange, Some(v)) => nets.push(format!("dev:{v}")),
                _ => {}
            }
        }
        nets.sort();
        nets.dedup();
        p.networks.push(nets);
        p.order.push(order);
    }
    p
}
