//! Simulated cohorts: honest examinees and planted cheating, produced in the
//! same [`Dataset`] format as real input so calibration exercises the whole
//! pipeline (timestamps, events, validation) rather than a shortcut.
//!
//! Honest model (deliberately *not* the analysis model, to keep calibration
//! honest): 2PL items; distractor choice from a nominal-response-like model
//! whose shares shift smoothly with θ (the analysis only uses 5 strata);
//! lognormal response times; events from a gamma–Poisson (negative binomial)
//! process so that some honest sessions are much noisier than others; 5 % of
//! examinees share an IP with another one (household); 20 % are retakers with
//! a modest true gain.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::input::{
    Answer, Attempt, Dataset, Event, EventKind, Item, PreviousAttempt, Session, TestForm,
};

/// Kinds of planted cheating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cheat {
    /// Copy this fraction of items from a source examinee.
    Copy(f64),
    /// Copy this fraction from a source on the same network (same IP: one
    /// room or household), the case the pre-declared shared-network family is for.
    CopyNearby(f64),
    /// Know the answers of this fraction of items in advance (one leaked set for
    /// all cheaters): correct and fast on them.
    PreKnowledge(f64),
    /// Rapid-guess this final fraction of the items.
    Speeding(f64),
}

impl Cheat {
    /// Human-readable scenario name.
    pub fn label(self) -> String {
        match self {
            Cheat::Copy(f) => format!("copying {:.0}% of items", f * 100.0),
            Cheat::CopyNearby(f) => {
                format!("copying {:.0}% from a source on the same IP", f * 100.0)
            }
            Cheat::PreKnowledge(f) => format!("pre-knowledge of {:.0}% of items", f * 100.0),
            Cheat::Speeding(f) => format!("speeding: rapid guessing on last {:.0}%", f * 100.0),
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

fn normal(rng: &mut impl Rng) -> f64 {
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

/// Generates a cohort.
pub fn simulate(spec: &SimSpec) -> Simulated {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let k = spec.options.max(2);
    let items: Vec<SimItem> = (0..spec.items)
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
    // Sources for copying: honest examinees, one per copier.
    let sources: Vec<usize> = order[n_cheat.min(n / 2)..]
        .iter()
        .copied()
        .take(cheaters.len())
        .collect();
    let mut leaked: Vec<usize> = (0..spec.items).collect();
    leaked.shuffle(&mut rng);
    let frac = match cheat {
        Cheat::Copy(f) | Cheat::CopyNearby(f) | Cheat::PreKnowledge(f) | Cheat::Speeding(f) => f,
    };
    let n_affected = ((spec.items as f64) * frac).round() as usize;
    leaked.truncate(n_affected);
    let mut is_leaked = vec![false; spec.items];
    leaked.iter().for_each(|&i| is_leaked[i] = true);

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
    let mut copy_pairs = Vec::new();
    for (c_idx, &c) in cheaters.iter().enumerate() {
        match cheat {
            Cheat::Copy(_) | Cheat::CopyNearby(_) => {
                let s = sources[c_idx];
                let mut copied: Vec<usize> = (0..spec.items).collect();
                copied.shuffle(&mut rng);
                for &i in &copied[..n_affected] {
                    responses[c][i] = responses[s][i];
                }
                copy_pairs.push((c, s));
            }
            Cheat::PreKnowledge(_) => {
                for &i in &leaked {
                    responses[c][i] = items[i].key;
                    log_t[c][i] -= 1.2;
                }
            }
            Cheat::Speeding(_) => {
                for i in spec.items - n_affected..spec.items {
                    responses[c][i] = rng.gen_range(0..k);
                    log_t[c][i] = 4f64.ln() + 0.3 * normal(&mut rng);
                }
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
    let mut sessions = Vec::with_capacity(n);
    for j in 0..n {
        let start = base + Duration::seconds(j as i64 * 7);
        let mut at = start;
        let answers: Vec<Answer> = (0..spec.items)
            .map(|i| {
                at += Duration::milliseconds((log_t[j][i].exp() * 1000.0).round() as i64);
                Answer {
                    item: form.items[i].id.clone(),
                    option: Some(responses[j][i]),
                    at,
                    shown_at: None,
                }
            })
            .collect();
        let span = (at - start).num_seconds().max(1);
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
            } else if copy_pairs.iter().any(|&(_, s)| s == j) {
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
                proportion_correct: correct as f64 / spec.items as f64,
                items: spec.items as u32,
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
            ended_at: Some(at + Duration::seconds(5)),
            ip: Some(format!(
                "10.{}.{}.{}",
                ip_owner / 65536,
                (ip_owner / 256) % 256,
                ip_owner % 256
            )),
            device: Some(format!("dev-{j:05}")),
            answers,
            events,
        });
    }
    Simulated {
        dataset: Dataset { form, sessions },
        cheaters,
        copy_pairs,
    }
}
