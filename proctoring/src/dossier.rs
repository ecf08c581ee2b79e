//! What a reviewer's page plots for one flag, taken from the input itself.
//!
//! A flag's [`Evidence`](crate::Evidence) holds the numbers behind the test;
//! a reviewer also needs to *see* the session: the event timeline, how long
//! each item took against the cohort's typical time and which answers were
//! rapid (below the item's normative threshold), when each answer was given
//! (so a pair's two answer timelines can be laid side by side on one clock),
//! and — for a pair — both answer strings under the key, so shared wrong
//! answers stand out. This is
//! kept apart from the detectors so that it is built only for flagged
//! sessions (a handful), never for the whole cohort.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::flag::{Flag, FlagId};
use crate::input::{Dataset, EventKind};
use crate::prepare::{prepare, OMIT};
use crate::speed::{RAPID_CAP_S, RAPID_SHARE};
use crate::stats::median;

/// Everything a review page draws for one flag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewEvidence {
    /// One trace per session of the flag, in the flag's order (copier first).
    pub sessions: Vec<SessionTrace>,
    /// For pair flags: the answer grid of both sessions under the key.
    pub answer_grid: Option<AnswerGrid>,
}

/// One session as a timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionTrace {
    /// Session id.
    pub session_id: String,
    /// The candidate.
    pub examinee_id: String,
    /// Session window.
    pub started_at: DateTime<Utc>,
    /// End, when the client sent one.
    pub ended_at: Option<DateTime<Utc>>,
    /// IP at the start.
    pub ip: Option<String>,
    /// Device fingerprint at the start.
    pub device: Option<String>,
    /// Client events in time order.
    pub events: Vec<TimelineEvent>,
    /// Per item of the form, in form order.
    pub items: Vec<ItemTime>,
}

/// One client event on the timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub at: DateTime<Utc>,
    /// Seconds since the session started (x axis of the plot).
    pub offset_s: f64,
    /// How long it lasted, for kinds that have a duration.
    pub duration_s: Option<f64>,
    /// New IP or fingerprint for `ip_change` / `device_change`.
    pub value: Option<String>,
}

/// One item's answer and time against the cohort.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemTime {
    /// Item id.
    pub item: String,
    /// Chosen option, `None` if blank.
    pub option: Option<u8>,
    /// Whether it was the key.
    pub correct: bool,
    /// Response time in seconds; `None` when unknown (see the data notes).
    pub seconds: Option<f64>,
    /// Median response time of the whole cohort on this item.
    pub cohort_median_seconds: Option<f64>,
    /// Seconds from the session's start to this answer; `None` when unknown.
    #[serde(default)]
    pub at_s: Option<f64>,
    /// Below this many seconds an answer to this item is rapid (NT10).
    #[serde(default)]
    pub rapid_threshold_seconds: Option<f64>,
    /// Whether this answer was rapid.
    #[serde(default)]
    pub rapid: bool,
}

/// Two answer strings under the key, one character per item.
///
/// Options are letters (`A` = option 0), `-` is blank. `marks` has `*` where
/// both chose the same wrong option (the strongest sign of copying), `=` where
/// both chose the key, `.` where they differ or either is blank.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnswerGrid {
    /// Item ids, in form order.
    pub items: Vec<String>,
    /// The key.
    pub key: String,
    /// Session ids, in the order of `answers`.
    pub sessions: Vec<String>,
    /// One answer string per session.
    pub answers: Vec<String>,
    /// Per item: `*` same wrong, `=` same correct, `.` otherwise.
    pub marks: String,
}

fn letter(option: u8) -> char {
    if option == OMIT {
        '-'
    } else {
        char::from(b'A' + option.min(25))
    }
}

/// Builds the review evidence of every flag in `flags` from the dataset they
/// were computed on. Flags naming sessions absent from `data` get none.
pub fn review_evidence(data: &Dataset, flags: &[Flag]) -> HashMap<FlagId, ReviewEvidence> {
    let prep = prepare(data);
    let ni = prep.n_items;
    let cohort_median: Vec<Option<f64>> = (0..ni)
        .map(|i| {
            let mut times: Vec<f64> = (0..prep.n_sessions)
                .map(|j| prep.log_rt[j * ni + i].exp())
                .collect();
            median(&mut times)
        })
        .collect();
    let index: HashMap<&str, usize> = data
        .sessions
        .iter()
        .enumerate()
        .map(|(j, s)| (s.id.as_str(), j))
        .collect();
    let trace = |j: usize| {
        let s = &data.sessions[j];
        let mut events: Vec<TimelineEvent> = s
            .events
            .iter()
            .map(|e| TimelineEvent {
                kind: e.kind,
                at: e.at,
                offset_s: (e.at - s.started_at).num_milliseconds() as f64 / 1000.0,
                duration_s: e.duration_s,
                value: e.value.clone(),
            })
            .collect();
        events.sort_by_key(|e| e.at);
        // The cohort clock starts at the earliest session; this one's at `offset`.
        let offset = data
            .sessions
            .iter()
            .map(|x| x.started_at)
            .min()
            .map_or(0.0, |e| {
                (s.started_at - e).num_milliseconds() as f64 / 1000.0
            });
        let items = (0..ni)
            .map(|i| {
                let r = prep.responses[j * ni + i];
                let lt = prep.log_rt[j * ni + i];
                let at = prep.at[j * ni + i] - offset;
                let threshold = cohort_median[i].map(|m| (RAPID_SHARE * m).min(RAPID_CAP_S));
                ItemTime {
                    item: data.form.items[i].id.clone(),
                    option: (r != OMIT).then_some(r),
                    correct: r == prep.keys[i],
                    seconds: lt.is_finite().then(|| (lt.exp() * 10.0).round() / 10.0),
                    cohort_median_seconds: cohort_median[i].map(|m| (m * 10.0).round() / 10.0),
                    at_s: at.is_finite().then(|| (at * 10.0).round() / 10.0),
                    rapid_threshold_seconds: threshold.map(|t| (t * 10.0).round() / 10.0),
                    rapid: lt.is_finite() && threshold.is_some_and(|t| lt < t.ln()),
                }
            })
            .collect();
        SessionTrace {
            session_id: s.id.clone(),
            examinee_id: s.examinee_id.clone(),
            started_at: s.started_at,
            ended_at: s.ended_at,
            ip: s.ip.clone(),
            device: s.device.clone(),
            events,
            items,
        }
    };
    let mut out = HashMap::new();
    for flag in flags {
        let Some(rows) = flag
            .sessions
            .iter()
            .map(|id| index.get(id.as_str()).copied())
            .collect::<Option<Vec<usize>>>()
        else {
            continue;
        };
        let answer_grid = (rows.len() == 2).then(|| {
            let row = |j: usize| &prep.responses[j * ni..(j + 1) * ni];
            let (a, b) = (row(rows[0]), row(rows[1]));
            AnswerGrid {
                items: data.form.items.iter().map(|it| it.id.clone()).collect(),
                key: prep.keys.iter().map(|&k| letter(k)).collect(),
                sessions: flag.sessions.clone(),
                answers: vec![
                    a.iter().map(|&o| letter(o)).collect(),
                    b.iter().map(|&o| letter(o)).collect(),
                ],
                marks: (0..ni)
                    .map(|i| match (a[i], b[i]) {
                        (x, y) if x != y || x == OMIT => '.',
                        (x, _) if x == prep.keys[i] => '=',
                        _ => '*',
                    })
                    .collect(),
            }
        });
        out.insert(
            flag.id.clone(),
            ReviewEvidence {
                sessions: rows.into_iter().map(trace).collect(),
                answer_grid,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{simulate, Cheat, SimSpec};

    #[test]
    fn pair_flags_get_an_answer_grid_and_timelines() {
        let sim = simulate(&SimSpec {
            examinees: 200,
            items: 40,
            options: 4,
            cheat: Some((Cheat::Copy(0.6), 4)),
            seed: 3,
        });
        let report = crate::analyze(&sim.dataset, &Default::default());
        let pair = report
            .flags
            .iter()
            .find(|f| f.sessions.len() == 2)
            .expect("a 60% copier is flagged");
        let evidence = review_evidence(&sim.dataset, &report.flags);
        let e = &evidence[&pair.id];
        let grid = e.answer_grid.as_ref().expect("grid");
        assert_eq!(grid.key.len(), 40);
        assert_eq!(grid.answers.len(), 2);
        assert!(grid.marks.chars().filter(|&c| c != '.').count() >= 24);
        assert_eq!(e.sessions.len(), 2);
        assert_eq!(e.sessions[0].items.len(), 40);
        assert!(e.sessions[0]
            .items
            .iter()
            .all(|t| t.cohort_median_seconds.is_some()));
        let session_flag = report.flags.iter().find(|f| f.sessions.len() == 1);
        if let Some(f) = session_flag {
            assert!(evidence[&f.id].answer_grid.is_none());
        }
    }
}
