//! Simulated cohorts: honest examinees and planted cheating, produced in the
//! same [`Dataset`] format as real input so calibration exercises the whole
//! pipeline (timestamps, events, validation) rather than a shortcut.
//!
//! # Honest model
//! Deliberately *not* the analysis model where it can differ, to keep the
//! calibration honest: 2PL items; distractor choice from a nominal-response-like
//! model whose shares shift smoothly with θ (the analysis only uses 5 strata);
//! lognormal response times, items answered in form order; events from a
//! gamma–Poisson (negative binomial) process so that some honest sessions are much
//! noisier than others; 5 % of examinees share an IP with another one
//! (household); 20 % are retakers with a modest true gain; on 5 % of items the
//! examinee reconsiders (a second, independent choice) and an answer change is
//! recorded when it differs.
//!
//! **Sittings.** Examinees sit in rooms of [`ROOM`] who start together (within
//! 30 s of each other); the rooms of a sitting ([`rooms_per_sitting`]: at
//! least six, more for a national wave) start within 10 minutes of each
//! other, and sittings are two hours apart. So the honest cohort is full of
//! pairs that start at the same moment and, by chance, work at a similar pace —
//! the pairs a timing-similarity index could mistake for real-time sharing. Any
//! timing evidence is calibrated against them, not against strangers hours apart.
//!
//! # Cheating
//! See [`Cheat`]. Copiers' sources are honest examinees (a source is never a
//! copier). **Real-time sharing** ([`Cheat::CopyRealTime`]) models a source in
//! the copier's own room passing answers as they go (a messenger, a glance at a
//! neighbouring screen): the copier works through the items they do not copy at
//! their own pace, and enters each copied answer when it arrives — some seconds
//! after the source submitted it, a lognormal relay delay with median 12 s and
//! σ = 0.6 (90 % between 4.5 and 32 s), plus the few seconds (median 3 s) it
//! takes to enter it. Copied answers may thus come in out of form order (the
//! copier jumps to the item), as free navigation allows. Nothing in this model
//! looks at the analysis' timing window or weights.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::input::{
    Answer, AnswerChange, Attempt, Dataset, Event, EventKind, Item, PreviousAttempt, Session,
    TestForm,
};

/// Examinees per room (they start together).
pub const ROOM: usize = 30;
/// Rooms that start within minutes of each other (one sitting), at least.
pub const ROOMS_PER_SITTING: usize = 6;
/// A large wave is spread over about this many sittings.
const SITTINGS: usize = 20;

/// Rooms per sitting for a cohort of `n`: six, or more so that a national
/// wave fits in about twenty sittings (100,000 examinees: 167 rooms, 5,010
/// examinees starting within ten minutes of each other).
pub fn rooms_per_sitting(n: usize) -> usize {
    ROOMS_PER_SITTING.max(n.div_ceil(SITTINGS * ROOM))
}

/// Kinds of planted cheating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cheat {
    /// Copy this fraction of items from a source anywhere in the cohort, answers
    /// only: the copier keeps their own pace (a crib, answers passed on after
    /// the source's sitting), so there is no timing signal.
    Copy(f64),
    /// Copy this fraction from a source on the same network (same IP: one
    /// household), answers only, the case the pre-declared shared-network family is for.
    CopyNearby(f64),
    /// Copy this fraction from a source in the same room, in real time (see the
    /// module doc for the timing model).
    CopyRealTime(f64),
    /// Know the answers of this fraction of items in advance (one leaked set for
    /// all cheaters): correct and fast on them.
    PreKnowledge(f64),
    /// Rapid-guess this final fraction of the items.
    Speeding(f64),
    /// Answer every item at about a twelfth of one's normal time, guessing at
    /// random on half of them (the other half answered as one would).
    RapidResponder,
}

impl Cheat {
    /// Human-readable scenario name.
    pub fn label(self) -> String {
        match self {
            Cheat::Copy(f) => format!("copying {:.0}% of items, answers only", f * 100.0),
            Cheat::CopyNearby(f) => {
                format!("copying {:.0}% from a source on the same IP", f * 100.0)
            }
            Cheat::CopyRealTime(f) => {
                format!("copying {:.0}% in real time from the same room", f * 100.0)
            }
            Cheat::PreKnowledge(f) => format!("pre-knowledge of {:.0}% of items", f * 100.0),
            Cheat::Speeding(f) => format!("speeding: rapid guessing on last {:.0}%", f * 100.0),
            Cheat::RapidResponder => {
                "rapid responder: every item at 1/12 time, guessing on half".into()
            }
        }
    }

    /// Whether the scenario plants copier–source pairs.
    pub fn is_copying(self) -> bool {
        matches!(
            self,
            Cheat::Copy(_) | Cheat::CopyNearby(_) | Cheat::CopyRealTime(_)
        )
    }

    fn fraction(self) -> f64 {
        match self {
            Cheat::Copy(f)
            | Cheat::CopyNearby(f)
            | Cheat::CopyRealTime(f)
            | Cheat::PreKnowledge(f)
            | Cheat::Speeding(f) => f,
            Cheat::RapidResponder => 0.5,
        }
    }
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimSpec {
    /// Examinees (sessions).
    pub examinees: usize,
    /// Items on the form.
    pub items: usize,
    /// Options per item.
    pub options: u8,
    /// Planted cheating and how many examinees do it.
    pub cheat: Option<(Cheat, usize)>,
    /// Seed; equal seeds give equal cohorts.
    pub seed: u64,
}

/// A simulated cohort with the truth about who cheated.
pub struct Simulated {
    /// The input as an analysis would receive it.
    pub dataset: Dataset,
    /// Indices of cheating sessions.
    pub cheaters: Vec<usize>,
    /// For copying: (copier, source) session indices.
    pub copy_pairs: Vec<(usize, usize)>,
}

pub(crate) fn normal(rng: &mut impl Rng) -> f64 {
    // Box–Muller; rand 0.8 without rand_distr has no normal sampler.
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn gamma(rng: &mut impl Rng, shape: f64) -> f64 {
    // Marsaglia–Tsang, valid for shape >= 1.
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u: f64 = rng.gen();
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

fn poisson(rng: &mut impl Rng, lambda: f64) -> u32 {
    let l = (-lambda).exp();
    let (mut k, mut p) = (0, 1.0);
    loop {
        p *= rng.gen::<f64>();
        if p <= l || k > 1000 {
            return k;
        }
        k += 1;
    }
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Event kinds with (mean count per session, median duration in seconds).
const EVENT_RATES: [(EventKind, f64, f64); 12] = [
    (EventKind::FocusLost, 1.0, 6.0),
    (EventKind::TabSwitch, 0.3, 8.0),
    (EventKind::FullscreenExit, 0.2, 5.0),
    (EventKind::Copy, 0.05, 0.0),
    (EventKind::Paste, 0.02, 0.0),
    (EventKind::Resize, 0.3, 0.0),
    (EventKind::FaceAbsent, 1.5, 4.0),
    (EventKind::MultipleFaces, 0.05, 3.0),
    (EventKind::Voice, 0.3, 3.0),
    (EventKind::IpChange, 0.05, 0.0),
    (EventKind::DeviceChange, 0.01, 0.0),
    (EventKind::Reconnect, 0.2, 10.0),
];

/// Share of items an honest examinee reconsiders.
const RECONSIDER: f64 = 0.05;

struct SimItem {
    a: f64,
    b: f64,
    key: u8,
    /// Per option (intercept, slope) of the distractor-choice model.
    nominal: Vec<(f64, f64)>,
    beta: f64,
    sigma: f64,
}

fn answer(rng: &mut impl Rng, it: &SimItem, theta: f64) -> u8 {
    if rng.gen::<f64>() < logistic(it.a * (theta - it.b)) {
        return it.key;
    }
    let w: Vec<f64> = it
        .nominal
        .iter()
        .enumerate()
        .map(|(o, &(c, s))| {
            if o as u8 == it.key {
                0.0
            } else {
                (c + s * theta).exp()
            }
        })
        .collect();
    let mut u = rng.gen::<f64>() * w.iter().sum::<f64>();
    for (o, wi) in w.iter().enumerate() {
        u -= wi;
        if u <= 0.0 && *wi > 0.0 {
            return o as u8;
        }
    }
    it.key.wrapping_add(1) % it.nominal.len() as u8
}

/// Start offset in seconds from the first sitting for session `j`.
fn start_offset(
    rng: &mut impl Rng,
    j: usize,
    per_sitting: usize,
    room_start: &mut Vec<f64>,
) -> f64 {
    let room = j / ROOM;
    while room_start.len() <= room {
        let r = room_start.len();
        let sitting = (r / per_sitting) as f64;
        room_start.push(sitting * 7200.0 + rng.gen_range(0.0..600.0));
    }
    room_start[room] + rng.gen_range(0.0..30.0)
}

/// Generates a cohort.
pub fn simulate(spec: &SimSpec) -> Simulated {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let k = spec.options.max(2);
    let ni = spec.items;
    let items: Vec<SimItem> = (0..ni)
        .map(|_| SimItem {
            a: (0.25 * normal(&mut rng)).exp().clamp(0.4, 2.5),
            b: normal(&mut rng),
            key: rng.gen_range(0..k),
            nominal: (0..k)
                .map(|_| (0.4 * normal(&mut rng), 0.3 * normal(&mut rng)))
                .collect(),
            beta: 40f64.ln() + 0.4 * normal(&mut rng),
            sigma: 1.0 / rng.gen_range(1.5..2.5),
        })
        .collect();
    let n = spec.examinees;
    let base: DateTime<Utc> = Utc
        .with_ymd_and_hms(2025, 3, 1, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let (cheat, n_cheat) = spec.cheat.unwrap_or((Cheat::Copy(0.0), 0));
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    let cheaters: Vec<usize> = order[..n_cheat.min(n / 2)].to_vec();
    let mut is_cheater = vec![false; n];
    cheaters.iter().for_each(|&c| is_cheater[c] = true);
    let n_affected = ((ni as f64) * cheat.fraction()).round() as usize;
    let mut leaked: Vec<usize> = (0..ni).collect();
    leaked.shuffle(&mut rng);
    leaked.truncate(n_affected);

    let mut room_start = Vec::new();
    let per_sitting = rooms_per_sitting(n);
    let starts: Vec<f64> = (0..n)
        .map(|j| start_offset(&mut rng, j, per_sitting, &mut room_start))
        .collect();
    let thetas: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
    let taus: Vec<f64> = (0..n).map(|_| 0.3 * normal(&mut rng)).collect();
    let mut responses: Vec<Vec<u8>> = (0..n)
        .map(|j| {
            items
                .iter()
                .map(|it| answer(&mut rng, it, thetas[j]))
                .collect()
        })
        .collect();
    let mut log_t: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            items
                .iter()
                .map(|it| it.beta - taus[j] + it.sigma * normal(&mut rng))
                .collect()
        })
        .collect();
    // Sources: honest examinees, one per copier, in the copier's room for
    // real-time sharing.
    let mut is_source = vec![false; n];
    let mut copy_pairs = Vec::new();
    if cheat.is_copying() {
        for &c in &cheaters {
            let pool: Vec<usize> = match cheat {
                Cheat::CopyRealTime(_) => {
                    let room = c / ROOM;
                    (room * ROOM..((room + 1) * ROOM).min(n)).collect()
                }
                _ => order[n_cheat.min(n / 2)..].to_vec(),
            };
            let free: Vec<usize> = pool
                .into_iter()
                .filter(|&s| !is_cheater[s] && !is_source[s])
                .collect();
            if let Some(&s) = free.choose(&mut rng) {
                is_source[s] = true;
                copy_pairs.push((c, s));
            }
        }
    }
    // Answer times in seconds from the first sitting, per session and item.
    let mut at: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let mut t = starts[j];
            log_t[j]
                .iter()
                .map(|l| {
                    t += l.exp();
                    t
                })
                .collect()
        })
        .collect();
    for &c in &cheaters {
        match cheat {
            Cheat::Copy(_) | Cheat::CopyNearby(_) | Cheat::CopyRealTime(_) => {
                let Some(&(_, s)) = copy_pairs.iter().find(|p| p.0 == c) else {
                    continue;
                };
                let mut copied: Vec<usize> = (0..ni).collect();
                copied.shuffle(&mut rng);
                copied.truncate(n_affected);
                let mut is_copied = vec![false; ni];
                for &i in &copied {
                    responses[c][i] = responses[s][i];
                    is_copied[i] = true;
                }
                if let Cheat::CopyRealTime(_) = cheat {
                    // Own items at the copier's own pace; copied ones when they arrive.
                    let mut t = starts[c];
                    for i in 0..ni {
                        if is_copied[i] {
                            let relay = 12.0 * (0.6 * normal(&mut rng)).exp();
                            let enter = 3.0 * (0.4 * normal(&mut rng)).exp();
                            at[c][i] = at[s][i] + relay + enter;
                        } else {
                            t += log_t[c][i].exp();
                            at[c][i] = t;
                        }
                    }
                }
            }
            Cheat::PreKnowledge(_) => {
                for &i in &leaked {
                    responses[c][i] = items[i].key;
                    log_t[c][i] -= 1.2;
                }
                at[c] = cumulative(starts[c], &log_t[c]);
            }
            Cheat::Speeding(_) => {
                for i in ni - n_affected..ni {
                    responses[c][i] = rng.gen_range(0..k);
                    log_t[c][i] = 4f64.ln() + 0.3 * normal(&mut rng);
                }
                at[c] = cumulative(starts[c], &log_t[c]);
            }
            Cheat::RapidResponder => {
                let mut guessed: Vec<usize> = (0..ni).collect();
                guessed.shuffle(&mut rng);
                for &i in &guessed[..n_affected] {
                    responses[c][i] = rng.gen_range(0..k);
                }
                for l in log_t[c].iter_mut() {
                    *l -= 12f64.ln();
                }
                at[c] = cumulative(starts[c], &log_t[c]);
            }
        }
    }
    let form = TestForm {
        id: format!("sim-{}", spec.seed),
        items: items
            .iter()
            .enumerate()
            .map(|(i, it)| Item {
                id: format!("q{:03}", i + 1),
                options: k,
                key: it.key,
                irt: None,
            })
            .collect(),
    };
    let ms = |s: f64| base + Duration::milliseconds((s * 1000.0).round() as i64);
    let mut sessions = Vec::with_capacity(n);
    for j in 0..n {
        let start = ms(starts[j]);
        let mut answers: Vec<Answer> = (0..ni)
            .map(|i| Answer {
                item: form.items[i].id.clone(),
                option: Some(responses[j][i]),
                at: ms(at[j][i]),
                shown_at: None,
            })
            .collect();
        // The client sends answers as they are given.
        answers.sort_by_key(|a| a.at);
        let last = answers.iter().map(|a| a.at).max().unwrap_or(start);
        let span = (last - start).num_seconds().max(1);
        let mut answer_changes = Vec::new();
        for i in 0..ni {
            if is_cheater[j] || rng.gen::<f64>() >= RECONSIDER {
                continue;
            }
            let first = answer(&mut rng, &items[i], thetas[j]);
            if first != responses[j][i] {
                // The first choice, some seconds before the final one.
                let lead = rng.gen_range(2.0..(log_t[j][i].exp().max(3.0)));
                answer_changes.push(AnswerChange {
                    item: form.items[i].id.clone(),
                    from: Some(first),
                    to: Some(responses[j][i]),
                    at: ms(at[j][i] - lead * 0.5),
                });
            }
        }
        let mut events = Vec::new();
        for (kind, mean, median_dur) in EVENT_RATES {
            // Per-session rate heterogeneity: gamma with shape 1.5 (overdispersed).
            let lambda = mean * gamma(&mut rng, 1.5) / 1.5;
            for _ in 0..poisson(&mut rng, lambda) {
                let duration_s = (median_dur > 0.0)
                    .then(|| (median_dur * (0.8 * normal(&mut rng)).exp() * 10.0).round() / 10.0);
                events.push(Event {
                    kind,
                    at: start + Duration::seconds(rng.gen_range(0..span)),
                    duration_s,
                    value: matches!(kind, EventKind::IpChange).then(|| {
                        format!("172.16.{}.{}", rng.gen_range(0..256), rng.gen_range(0..256))
                    }),
                });
            }
        }
        events.sort_by_key(|e| e.at);
        // Households: 5 % share the IP of the previous examinee.
        let mut ip_owner = if j > 0 && rng.gen::<f64>() < 0.05 {
            j - 1
        } else {
            j
        };
        if let Cheat::CopyNearby(_) = cheat {
            // The source keeps its own IP (never a household's), the copier takes it.
            if let Some(&(_, source)) = copy_pairs.iter().find(|&&(c, _)| c == j) {
                ip_owner = source;
            } else if is_source[j] {
                ip_owner = j;
            }
        }
        let retaker = rng.gen::<f64>() < 0.2;
        let previous = if retaker {
            let theta_prev = thetas[j] - (0.05 + 0.1 * normal(&mut rng));
            let correct = items
                .iter()
                .filter(|it| rng.gen::<f64>() < logistic(it.a * (theta_prev - it.b)))
                .count();
            vec![PreviousAttempt {
                at: Some(base - Duration::days(180)),
                proportion_correct: correct as f64 / ni as f64,
                items: ni as u32,
            }]
        } else {
            Vec::new()
        };
        sessions.push(Session {
            id: format!("s{j:05}"),
            examinee_id: format!("e{j:05}"),
            attempt: Attempt {
                number: if retaker { 2 } else { 1 },
                previous,
            },
            started_at: start,
            ended_at: Some(last + Duration::seconds(5)),
            ip: Some(format!(
                "10.{}.{}.{}",
                ip_owner / 65536,
                (ip_owner / 256) % 256,
                ip_owner % 256
            )),
            device: Some(format!("dev-{j:05}")),
            answers,
            events,
            answer_changes,
        });
    }
    Simulated {
        dataset: Dataset { form, sessions },
        cheaters,
        copy_pairs,
    }
}

fn cumulative(start: f64, log_t: &[f64]) -> Vec<f64> {
    let mut t = start;
    log_t
        .iter()
        .map(|l| {
            t += l.exp();
            t
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real-time copier's copied answers come some seconds after the
    /// source's, and rooms really start together.
    #[test]
    fn real_time_copies_follow_the_source_and_rooms_start_together() {
        let sim = simulate(&SimSpec {
            examinees: 90,
            items: 40,
            options: 4,
            cheat: Some((Cheat::CopyRealTime(0.5), 3)),
            seed: 4,
        });
        let d = &sim.dataset;
        let time = |j: usize, item: &str| {
            d.sessions[j]
                .answers
                .iter()
                .find(|a| a.item == item)
                .map(|a| a.at)
                .unwrap()
        };
        assert_eq!(sim.copy_pairs.len(), 3);
        for &(c, s) in &sim.copy_pairs {
            assert_eq!(c / ROOM, s / ROOM, "source in the copier's room");
            let lags: Vec<f64> = d.form.items[..]
                .iter()
                .filter(|it| {
                    let o = |j: usize| {
                        d.sessions[j]
                            .answers
                            .iter()
                            .find(|a| a.item == it.id)
                            .and_then(|a| a.option)
                    };
                    o(c) == o(s)
                })
                .map(|it| (time(c, &it.id) - time(s, &it.id)).num_milliseconds() as f64 / 1e3)
                .collect();
            let following = lags.iter().filter(|&&l| l > 0.0 && l < 60.0).count();
            assert!(following >= 20, "{following} of {} follow", lags.len());
        }
        let spread = |room: usize| {
            let s: Vec<_> = d.sessions[room * ROOM..(room + 1) * ROOM]
                .iter()
                .map(|s| s.started_at)
                .collect();
            (*s.iter().max().unwrap() - *s.iter().min().unwrap()).num_seconds()
        };
        assert!(spread(0) <= 30 && spread(2) <= 30);
    }
}
