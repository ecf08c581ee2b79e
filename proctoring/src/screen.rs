//! The all-pairs screen of the similarity detector: every pair of sessions is
//! looked at, and only those whose evidence could reach the level go on to the
//! exact test ([`crate::pair_test`]).
//!
//! # What is computed per pair
//! Answers are packed one byte per item (blank = 255), with each session's own
//! match score beside them (the quarter-nat score a match on its chosen option
//! earns when it is the copier). A match mask of two sessions is one SIMD byte
//! comparison per 64 items, and the score of each direction is a masked
//! sum of absolute differences over the copier's scores: integer and exactly
//! the answers part of the exact test's statistic. The null mean, variance and
//! covariance with the copier's number right depend only on the copier's θ (on
//! a 0.1 grid) and the source's answers, so they are tabulated per (grid point,
//! source) once — a load per direction instead of a pass over the items. A pair
//! is passed on when a normal proxy of the conditional test (mean and variance
//! of the score regressed on the number right) is at least `z` standard
//! deviations above its mean.
//!
//! Timing only matters for pairs whose sessions overlap in time (within the
//! follow window). For those, follow masks are one SIMD float comparison per 16
//! items; for each identical answer that follows, the exact timing bonus of the
//! score is computed and added to the proxy's excess. Leaving the null's timing
//! mean out of the proxy errs towards passing more pairs on, never fewer.
//!
//! # Why the screen loses nothing
//! The proxy is not a bound on the exact p-value, so the margin between its
//! `z` and the normal quantile of the level ([`Z_MARGIN`]) is checked rather
//! than proved: the tests run the exact test on every directed pair of cohorts
//! with planted copiers at several rates and require every pair that reaches
//! the level (even one a hundred times looser) to have passed the screen;
//! `qabilet proctor bench` repeats that at full scale on a uniform sample of the
//! dropped near misses (proxy z within 1 of the screen) and prints the smallest
//! exact p-value it found against the level.
//!
//! # Speed
//! Runtime dispatch picks AVX-512 (F + BW), AVX2 or a scalar loop
//! ([`crate::simd`]). Sessions are sorted by θ grid point so the per-grid tables
//! are read along rows, and sources are processed in blocks that stay in the
//! core's L2 cache while every copier passes over them.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::irt::{grid, grid_theta, IrtModel, GRID_N};
use crate::pair_test::{follow_prob, score, FOLLOW_WINDOW_S, SCALE};
use crate::prepare::{Prepared, OMIT};
use crate::rt::RtModel;
use crate::simd::{follow_masks, simd_path, sums};

/// The screen passes pairs whose proxy z is at least the level's normal
/// quantile minus this margin. It must cover at least the 0.8 between the z of
/// a level and of one a hundred times looser (the test's check), plus the
/// proxy's error against the exact tail.
pub(crate) const Z_MARGIN: f64 = 1.0;
/// Sources per block: 1,024 sessions of 80 items take 0.8 MB with their times,
/// within one core's L2 (1 MB on the EPYC this was tuned on).
pub(crate) const BLOCK: usize = 1024;

/// Sessions packed for the screen, sorted by θ grid point.
pub(crate) struct Packed {
    pub(crate) n: usize,
    ni: usize,
    /// Bytes per session row (a multiple of 64).
    pub(crate) stride: usize,
    /// Position → session index of the input.
    orig: Vec<u32>,
    pub(crate) answers: Vec<u8>,
    /// Own match score per item (0 on blanks and padding).
    pub(crate) scores: Vec<u8>,
    /// Answer times (NaN unknown or padding), `stride` per session.
    pub(crate) times: Vec<f32>,
    /// First and last known answer time.
    span: Vec<(f32, f32)>,
    /// Row of the grid tables per session.
    row: Vec<u32>,
    /// Null mean, variance and covariance with number right of the score,
    /// `[row * n + source]`, in nats.
    mean: Vec<f32>,
    var: Vec<f32>,
    cov: Vec<f32>,
    /// Copier's number right, its expectation and variance.
    right: Vec<f32>,
    right_mean: Vec<f32>,
    right_var: Vec<f32>,
    /// P(option | grid θ) per `[row][slot]`, for timing bonuses.
    option_p: Vec<f32>,
    slot_of_item: Vec<usize>,
    slots: usize,
}

impl Packed {
    pub fn new(prep: &Prepared, irt: &IrtModel) -> Packed {
        let (n, ni) = (prep.n_sessions, prep.n_items);
        let stride = ni.div_ceil(64).max(1) * 64;
        let mut orig: Vec<u32> = (0..n as u32).collect();
        orig.sort_by_key(|&j| (grid(irt.theta[j as usize]), j));
        let mut used = [usize::MAX; GRID_N];
        let mut row_grid = Vec::new();
        let row: Vec<u32> = orig
            .iter()
            .map(|&j| {
                let g = grid(irt.theta[j as usize]);
                if used[g] == usize::MAX {
                    used[g] = row_grid.len();
                    row_grid.push(g);
                }
                used[g] as u32
            })
            .collect();
        let mut slot_of_item = Vec::with_capacity(ni + 1);
        let mut slots = 0;
        for &k in &prep.options {
            slot_of_item.push(slots);
            slots += k as usize;
        }
        slot_of_item.push(slots);
        // Per grid row and slot: (p, score, p·w, p(1−p)w², cov with right).
        let tables: Vec<Vec<[f32; 5]>> = row_grid
            .par_iter()
            .map(|&g| {
                let theta = grid_theta(g);
                let mut t = vec![[0f32; 5]; slots];
                for i in 0..ni {
                    let key = prep.keys[i];
                    let right = irt.p(i, theta);
                    for o in 0..prep.options[i] {
                        let p = irt.option_prob(i, key, theta, o);
                        let w = f64::from(score(p, 0.0, false).min(255)) / SCALE;
                        let cov = if o == key {
                            w * right * (1.0 - right)
                        } else {
                            -w * p * right
                        };
                        t[slot_of_item[i] + o as usize] = [
                            p as f32,
                            (w * SCALE) as f32,
                            (p * w) as f32,
                            (p * (1.0 - p) * w * w) as f32,
                            cov as f32,
                        ];
                    }
                }
                t
            })
            .collect();
        let mut answers = vec![OMIT; n * stride];
        let mut scores = vec![0u8; n * stride];
        let mut times = vec![f32::NAN; n * stride];
        let mut span = vec![(f32::NAN, f32::NAN); n];
        let (mut right, mut right_mean, mut right_var) =
            (vec![0f32; n], vec![0f32; n], vec![0f32; n]);
        for (pos, &j) in orig.iter().enumerate() {
            let j = j as usize;
            let t = &tables[row[pos] as usize];
            let theta = grid_theta(row_grid[row[pos] as usize]);
            let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
            let (mut er, mut vr) = (0.0, 0.0);
            for i in 0..ni {
                let r = prep.responses[j * ni + i];
                answers[pos * stride + i] = r;
                if r != OMIT {
                    scores[pos * stride + i] = t[slot_of_item[i] + r as usize][1] as u8;
                }
                let at = prep.at[j * ni + i] as f32;
                times[pos * stride + i] = at;
                if at.is_finite() {
                    lo = lo.min(at);
                    hi = hi.max(at);
                }
                let p = irt.p(i, theta);
                er += p;
                vr += p * (1.0 - p);
            }
            span[pos] = (lo, hi);
            right[pos] = prep.score(j) as f32;
            right_mean[pos] = er as f32;
            right_var[pos] = (vr as f32).max(1e-3);
        }
        let rows = row_grid.len();
        let sums: Vec<[f32; 3]> = (0..rows * n)
            .into_par_iter()
            .with_min_len(256)
            .map(|k| {
                let (r, pos) = (k / n, k % n);
                let t = &tables[r];
                let mut acc = [0f64; 3];
                for i in 0..ni {
                    let o = answers[pos * stride + i];
                    if o != OMIT {
                        let x = t[slot_of_item[i] + o as usize];
                        acc[0] += f64::from(x[2]);
                        acc[1] += f64::from(x[3]);
                        acc[2] += f64::from(x[4]);
                    }
                }
                [acc[0] as f32, acc[1] as f32, acc[2] as f32]
            })
            .collect();
        let option_p = tables.iter().flat_map(|t| t.iter().map(|x| x[0])).collect();
        Packed {
            n,
            ni,
            stride,
            orig,
            answers,
            scores,
            times,
            span,
            row,
            mean: sums.iter().map(|s| s[0]).collect(),
            var: sums.iter().map(|s| s[1]).collect(),
            cov: sums.iter().map(|s| s[2]).collect(),
            right,
            right_mean,
            right_var,
            option_p,
            slot_of_item,
            slots,
        }
    }

    /// Proxy excess and variance of `c` copying from `s` (positions) given the
    /// answers part `t` of the score, in quarter-nats.
    fn proxy(&self, c: usize, s: usize, t: u32) -> (f32, f32) {
        let k = self.row[c] as usize * self.n + s;
        let beta = self.cov[k] / self.right_var[c];
        let excess =
            t as f32 / SCALE as f32 - self.mean[k] - beta * (self.right[c] - self.right_mean[c]);
        let var = (self.var[k] - beta * self.cov[k]).max(1e-4);
        (excess, var)
    }

    /// Timing bonus (nats) of `c` copying from `s` over the identical answers
    /// in `mask` that came within the window after the source's.
    fn bonus(&self, ctx: &Timing, c: usize, s: usize, follow: &[u64]) -> f32 {
        let (oc, os) = (self.orig[c] as usize, self.orig[s] as usize);
        let row = self.row[c] as usize;
        let mut bonus = 0.0;
        for (w, &bits) in follow.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if i >= self.ni {
                    continue;
                }
                let o = self.answers[c * self.stride + i];
                let p =
                    f64::from(self.option_p[row * self.slots + self.slot_of_item[i] + o as usize]);
                let q = follow_prob(ctx.prep, ctx.rt, oc, os, i);
                if q > 0.0 {
                    bonus +=
                        f64::from(score(p, q, true).saturating_sub(score(p, q, false))) / SCALE;
                }
            }
        }
        bonus as f32
    }
}

/// What the timing bonus needs.
pub(crate) struct Timing<'a> {
    pub prep: &'a Prepared,
    pub rt: &'a RtModel,
}

/// The screen's thresholds for one run.
pub(crate) struct Thresholds<'a> {
    /// Proxy z (answers only) at which a directed pair is selected for the
    /// screen-and-confirm family.
    pub z_select: f64,
    /// Proxy z for every pair.
    pub z: f64,
    /// Proxy z for the pairs in `loose`.
    pub z_loose: f64,
    /// Pairs (input indices, smaller first) tested at a looser level.
    pub loose: &'a std::collections::HashMap<(u32, u32), Vec<String>>,
    /// Examinee of each session: one examinee's sessions are not compared.
    pub person: &'a [u32],
    /// Near misses to keep per block of sources for an audit (0: none): a
    /// uniform sample of the directed pairs the screen dropped with a proxy z
    /// within 1 of `z`.
    pub audit_per_block: usize,
}

/// What one screen found besides the candidates for the exact test.
#[derive(Debug, Clone, Default)]
pub(crate) struct Screened {
    /// Directed candidates `(copier, source)` for the exact test, input indices.
    pub candidates: Vec<(u32, u32)>,
    /// Pairs of sessions whose answer times overlap (within the window).
    pub overlapping: u64,
    /// Per session (input index): directed tests it takes part in that the
    /// answers selected for screen-and-confirm.
    pub selected: Vec<u32>,
    /// Selected directed pairs with at least one identical answer that
    /// followed the source's within the window: the confirm stage's pairs.
    pub to_confirm: Vec<(u32, u32)>,
    /// A sample of dropped near misses (see [`Thresholds::audit_per_block`]).
    pub near_misses: Vec<(u32, u32)>,
    /// How many near misses there were in all.
    pub near_miss_count: u64,
}

/// Uniform sample of at most `cap` items from a stream (Algorithm R) with a
/// small deterministic generator, so a run is reproducible.
struct Reservoir {
    cap: usize,
    seen: u64,
    state: u64,
    items: Vec<(u32, u32)>,
}

impl Reservoir {
    fn new(cap: usize, seed: u64) -> Self {
        Reservoir {
            cap,
            seen: 0,
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            items: Vec::new(),
        }
    }

    fn offer(&mut self, item: (u32, u32)) {
        self.seen += 1;
        if self.items.len() < self.cap {
            self.items.push(item);
            return;
        }
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let r = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) % self.seen;
        if (r as usize) < self.cap {
            self.items[r as usize] = item;
        }
    }
}

/// Screens every pair. `progress` is told how many (unordered) pairs were
/// screened since its last call.
pub(crate) fn screen(
    packed: &Packed,
    timing: &Timing,
    th: &Thresholds,
    progress: &(dyn Fn(u64) + Sync),
) -> Screened {
    let n = packed.n;
    let path = simd_path();
    let (z2, z2_loose) = ((th.z * th.z) as f32, (th.z_loose.min(th.z).powi(2)) as f32);
    let z2_select = (th.z_select * th.z_select) as f32;
    let z2_near = ((th.z - 1.0).max(0.0).powi(2)) as f32;
    let words = packed.stride / 64;
    let overlapping = AtomicU64::new(0);
    let selected: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
    let blocks: Vec<usize> = (0..n.div_ceil(BLOCK)).collect();
    // Per block: candidates, pairs to confirm, near misses.
    type Found = (Vec<(u32, u32)>, Vec<(u32, u32)>, Reservoir);
    let found: Vec<Found> = blocks
        .par_iter()
        .map(|&b| {
            let (lo, hi) = (b * BLOCK, ((b + 1) * BLOCK).min(n));
            let (mut out, mut confirm) = (Vec::new(), Vec::new());
            let mut near = Reservoir::new(th.audit_per_block, b as u64 + 1);
            let mut m = vec![0u64; words];
            let mut f_cs = vec![0u64; words];
            let mut f_sc = vec![0u64; words];
            let (mut overlap, mut done) = (0u64, 0u64);
            for c in 0..hi {
                let (oc, (c_lo, c_hi)) = (packed.orig[c], packed.span[c]);
                let first = lo.max(c + 1);
                let mut picked = 0u32;
                #[allow(clippy::needless_range_loop)] // s indexes several arrays
                for s in first..hi {
                    let os = packed.orig[s];
                    if th.person[oc as usize] == th.person[os as usize] {
                        continue;
                    }
                    let (t_cs, t_sc) = sums(path, packed, c, s, &mut m);
                    let (x1, v1) = packed.proxy(c, s, t_cs);
                    let (x2, v2) = packed.proxy(s, c, t_sc);
                    let key = (oc.min(os), oc.max(os));
                    let passes = |x: f32, v: f32| {
                        x > 0.0
                            && (x * x >= z2 * v
                                || (x * x >= z2_loose * v && th.loose.contains_key(&key)))
                    };
                    let select = |x: f32, v: f32| x > 0.0 && x * x >= z2_select * v;
                    let (mut pass1, mut pass2) = (passes(x1, v1), passes(x2, v2));
                    let (sel1, sel2) = (select(x1, v1), select(x2, v2));
                    let (mut b1, mut b2) = (0f32, 0f32);
                    let k = u32::from(sel1) + u32::from(sel2);
                    if k > 0 {
                        picked += k;
                        selected[s].fetch_add(k, Ordering::Relaxed);
                    }
                    let (s_lo, s_hi) = packed.span[s];
                    let w = FOLLOW_WINDOW_S as f32;
                    let timed = c_lo <= s_hi + w && s_lo <= c_hi + w;
                    if timed && (sel1 || sel2 || !(pass1 && pass2)) {
                        overlap += 1;
                        follow_masks(path, packed, c, s, &m, &mut f_cs, &mut f_sc);
                        let (any1, any2) =
                            (f_cs.iter().any(|&x| x != 0), f_sc.iter().any(|&x| x != 0));
                        if sel1 && any1 {
                            confirm.push((oc, os));
                        }
                        if sel2 && any2 {
                            confirm.push((os, oc));
                        }
                        if !pass1 && any1 {
                            b1 = packed.bonus(timing, c, s, &f_cs);
                            pass1 = passes(x1 + b1, v1);
                        }
                        if !pass2 && any2 {
                            b2 = packed.bonus(timing, s, c, &f_sc);
                            pass2 = passes(x2 + b2, v2);
                        }
                    }
                    if pass1 {
                        out.push((oc, os));
                    } else if th.audit_per_block > 0 {
                        let x = x1 + b1;
                        if x > 0.0 && x * x >= z2_near * v1 {
                            near.offer((oc, os));
                        }
                    }
                    if pass2 {
                        out.push((os, oc));
                    } else if th.audit_per_block > 0 {
                        let x = x2 + b2;
                        if x > 0.0 && x * x >= z2_near * v2 {
                            near.offer((os, oc));
                        }
                    }
                }
                if picked > 0 {
                    selected[c].fetch_add(picked, Ordering::Relaxed);
                }
                done += (hi - first.min(hi)) as u64;
                if done >= 1 << 20 {
                    progress(done);
                    done = 0;
                }
            }
            progress(done);
            overlapping.fetch_add(overlap, Ordering::Relaxed);
            (out, confirm, near)
        })
        .collect();
    let mut candidates = Vec::new();
    let mut to_confirm = Vec::new();
    let (mut near_misses, mut near_miss_count) = (Vec::new(), 0);
    for (c, f, r) in found {
        candidates.extend(c);
        to_confirm.extend(f);
        near_miss_count += r.seen;
        near_misses.extend(r.items);
    }
    candidates.sort_unstable();
    to_confirm.sort_unstable();
    let mut by_input = vec![0u32; n];
    for (pos, k) in selected.into_iter().enumerate() {
        by_input[packed.orig[pos] as usize] = k.into_inner();
    }
    Screened {
        candidates,
        overlapping: overlapping.into_inner(),
        selected: by_input,
        to_confirm,
        near_misses,
        near_miss_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{simulate, Cheat, SimSpec};
    use crate::stats::normal_upper_quantile;

    /// The screen may only drop pairs that cannot reach the level: on cohorts
    /// with planted copiers at several rates (so that there are pairs on both
    /// sides of the level), every directed pair gets the exact test, and every
    /// pair whose exact p-value reaches even a level a hundred times looser
    /// must have passed the screen. Checked at the level of a 100,000 cohort
    /// (2.5·10⁻⁹) and of a 1,000 cohort (2.5·10⁻⁷).
    #[test]
    fn the_screen_never_drops_a_pair_that_reaches_the_level() {
        let mut near = 0;
        for (seed, cheat) in [
            (21, Cheat::Copy(0.3)),
            (22, Cheat::CopyRealTime(0.2)),
            (23, Cheat::CopyRealTime(0.35)),
            (24, Cheat::Copy(0.45)),
        ] {
            let sim = simulate(&SimSpec {
                examinees: 90,
                items: 80,
                options: 4,
                cheat: Some((cheat, 12)),
                seed,
            });
            let prep = crate::prepare::prepare(&sim.dataset);
            let irt = crate::irt::fit(&prep, None);
            let rt = crate::rt::fit(&prep);
            let packed = Packed::new(&prep, &irt);
            let person: Vec<u32> = (0..prep.n_sessions as u32).collect();
            let none = std::collections::HashMap::new();
            let exact: Vec<((u32, u32), f64)> = (0..prep.n_sessions)
                .into_par_iter()
                .flat_map_iter(|c| {
                    let (prep, irt, rt) = (&prep, &irt, &rt);
                    (0..prep.n_sessions).filter(move |&s| s != c).map(move |s| {
                        let p = crate::pair_test::exact(prep, irt, Some(rt), c, s).p;
                        ((c as u32, s as u32), p)
                    })
                })
                .collect();
            for level in [2.5e-9, 2.5e-7] {
                let th = Thresholds {
                    z_select: 2.33,
                    z: normal_upper_quantile(level) - Z_MARGIN,
                    z_loose: f64::INFINITY,
                    loose: &none,
                    person: &person,
                    audit_per_block: 0,
                };
                let passed: std::collections::HashSet<(u32, u32)> = screen(
                    &packed,
                    &Timing {
                        prep: &prep,
                        rt: &rt,
                    },
                    &th,
                    &|_| {},
                )
                .candidates
                .into_iter()
                .collect();
                for &(pair, p) in &exact {
                    if p <= 100.0 * level {
                        near += 1;
                        assert!(
                            passed.contains(&pair),
                            "{cheat:?}: {pair:?} has p = {p:e} (level {level:e}) but was dropped"
                        );
                    }
                }
            }
        }
        // The check must have had pairs to look at.
        assert!(near >= 40, "{near} pairs reached the looser levels");
    }
}
