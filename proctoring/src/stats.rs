//! Small numeric toolbox: normal and Student-t tails, exact tails of sums of
//! independent Bernoulli variables, robust summaries.
//!
//! Written by hand rather than pulling in a statistics crate because the
//! detectors need only a handful of functions, and the tails must stay accurate
//! far out (p-values around 1e-10 for the all-pairs similarity search), which
//! we check in the tests below.

/// Complementary error function, Numerical Recipes `erfcc` (Chebyshev fit).
/// Fractional error below 1.2e-7 everywhere, including far tails, which is
/// what matters for small p-values.
pub(crate) fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// P(Z <= z) for a standard normal Z.
pub(crate) fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// P(Z >= z) for a standard normal Z, accurate in the upper tail.
pub(crate) fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Lanczos approximation of ln Γ(x) for x > 0.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 6] = [
        76.180_091_729_471_46,
        -86.505_320_329_416_77,
        24.014_098_240_830_91,
        -1.231_739_572_450_155,
        0.001_208_650_973_866_179,
        -0.000_005_395_239_384_953,
    ];
    let mut y = x;
    let tmp = x + 5.5;
    let tmp = tmp - (x + 0.5) * tmp.ln();
    let mut ser = 1.000_000_000_190_015;
    for g in G {
        y += 1.0;
        ser += g / y;
    }
    -tmp + (2.506_628_274_631_000_5 * ser / x).ln()
}

/// Continued fraction for the regularized incomplete beta (Numerical Recipes `betacf`).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const FPMIN: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < FPMIN {
        d = FPMIN;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < FPMIN {
            d = FPMIN;
        }
        c = 1.0 + aa / c;
        if c.abs() < FPMIN {
            c = FPMIN;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < FPMIN {
            d = FPMIN;
        }
        c = 1.0 + aa / c;
        if c.abs() < FPMIN {
            c = FPMIN;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// Regularized incomplete beta I_x(a, b).
pub(crate) fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_bt = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let bt = ln_bt.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        bt * beta_cf(a, b, x) / a
    } else {
        1.0 - bt * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Two-sided p-value of a Student-t statistic with `df` degrees of freedom.
/// Used instead of the normal tail because within-session tests have ~40
/// observations per group and the normal tail would be anti-conservative.
pub(crate) fn student_t_two_sided(t: f64, df: f64) -> f64 {
    if !t.is_finite() || df <= 0.0 {
        return 1.0;
    }
    inc_beta(df / 2.0, 0.5, df / (df + t * t)).clamp(0.0, 1.0)
}

/// Regularized upper incomplete gamma Q(a, x) (Numerical Recipes `gammq`):
/// series below a + 1, continued fraction above, both accurate far out.
pub(crate) fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 || a <= 0.0 {
        return 1.0;
    }
    let ln_front = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        let (mut ap, mut sum, mut del) = (a, 1.0 / a, 1.0 / a);
        for _ in 0..1000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        (1.0 - sum * ln_front.exp()).clamp(0.0, 1.0)
    } else {
        const FPMIN: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / FPMIN;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < FPMIN {
                d = FPMIN;
            }
            c = b + an / c;
            if c.abs() < FPMIN {
                c = FPMIN;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-15 {
                break;
            }
        }
        (ln_front.exp() * h).clamp(0.0, 1.0)
    }
}

/// P(χ²_df ≥ x).
pub(crate) fn chi_square_sf(x: f64, df: f64) -> f64 {
    gamma_q(df / 2.0, x / 2.0)
}

/// The z with P(Z ≥ z) = p, for 0 < p < 1 (bisection on the accurate tail).
pub(crate) fn normal_upper_quantile(p: f64) -> f64 {
    let (mut lo, mut hi) = (-40.0, 40.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if normal_sf(mid) > p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// P(X ≥ k) for X ~ Binomial(n, p).
pub(crate) fn binomial_sf(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    // P(X ≥ k) = I_p(k, n − k + 1).
    inc_beta(k as f64, (n - k + 1) as f64, p.clamp(0.0, 1.0))
}

/// Clopper–Pearson (exact) two-sided 95 % interval for `hits` of `trials`.
pub fn binomial_interval(hits: u64, trials: u64) -> (f64, f64) {
    if trials == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (hits as f64, trials as f64);
    let solve = |f: &dyn Fn(f64) -> f64, target: f64| {
        // f is increasing in p on [0, 1].
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if f(mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    // Lower: P(X ≥ k | p) = 0.025; upper: P(X ≤ k | p) = 0.025.
    let lower = if hits == 0 {
        0.0
    } else {
        solve(&|p| inc_beta(k, n - k + 1.0, p), 0.025)
    };
    let upper = if hits == trials {
        1.0
    } else {
        solve(&|p| inc_beta(k + 1.0, n - k, p), 0.975)
    };
    (lower, upper)
}

/// Exact P(X >= k) where X is a sum of independent Bernoulli(p_i)
/// (the Poisson-binomial distribution). O(n²) dynamic programme; all terms are
/// non-negative so there is no cancellation even for tails near 1e-15.
pub(crate) fn poisson_binomial_sf(ps: &[f64], k: usize) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > ps.len() {
        return 0.0;
    }
    let mut dist = vec![0.0f64; ps.len() + 1];
    dist[0] = 1.0;
    for (n, &p) in ps.iter().enumerate() {
        let p = p.clamp(0.0, 1.0);
        for j in (1..=n + 1).rev() {
            dist[j] = dist[j] * (1.0 - p) + dist[j - 1] * p;
        }
        dist[0] *= 1.0 - p;
    }
    dist[k..].iter().sum::<f64>().min(1.0)
}

/// Exact P(Σ w_i X_i >= t) for independent X_i ~ Bernoulli(p_i) and
/// non-negative integer weights: a dynamic programme over the attainable sums.
/// Used for the likelihood-ratio-weighted similarity statistic.
pub(crate) fn weighted_bernoulli_sf(ps: &[f64], ws: &[u32], t: u32) -> f64 {
    let total: usize = ws.iter().map(|&w| w as usize).sum();
    if t == 0 {
        return 1.0;
    }
    if t as usize > total {
        return 0.0;
    }
    let mut dist = vec![0.0f64; total + 1];
    dist[0] = 1.0;
    let mut top = 0usize;
    for (&p, &w) in ps.iter().zip(ws) {
        let (p, w) = (p.clamp(0.0, 1.0), w as usize);
        for s in (0..=top).rev() {
            let v = dist[s];
            dist[s + w] += v * p;
            dist[s] = v * (1.0 - p) + if w == 0 { v * p } else { 0.0 };
        }
        top += w;
    }
    dist[t as usize..].iter().sum::<f64>().min(1.0)
}

/// Exact P(Σ w_i X_i <= x) for independent Bernoulli X_i and real weights,
/// after rounding every weight (and x) to a multiple of `step`. Used for the
/// lower tail of the person-fit statistic, whose normal approximation is too
/// thin at small α.
pub(crate) fn weighted_bernoulli_cdf_real(ps: &[f64], ws: &[f64], x: f64, step: f64) -> f64 {
    let q: Vec<i64> = ws.iter().map(|w| (w / step).round() as i64).collect();
    let offset: i64 = q.iter().filter(|&&v| v < 0).map(|v| -v).sum();
    let range = (q.iter().map(|v| v.abs()).sum::<i64>()) as usize;
    // Observed value rounded the same way as the weights it is made of.
    let xq = (x / step).round() as i64 + offset;
    if xq < 0 {
        return 0.0;
    }
    let mut dist = vec![0.0f64; range + 1];
    // Start at the sum with every X_i = 0, i.e. zero, which sits at `offset`.
    dist[offset as usize] = 1.0;
    for (&p, &w) in ps.iter().zip(&q) {
        let p = p.clamp(0.0, 1.0);
        let mut next = vec![0.0f64; range + 1];
        for (s, &v) in dist.iter().enumerate() {
            if v == 0.0 {
                continue;
            }
            next[s] += v * (1.0 - p);
            let t = s as i64 + w;
            if (0..=range as i64).contains(&t) {
                next[t as usize] += v * p;
            }
        }
        dist = next;
    }
    let end = (xq as usize).min(range);
    dist[..=end].iter().sum::<f64>().min(1.0)
}

/// Median of the finite values (NaN ignored); `None` when there are none.
pub(crate) fn median(values: &mut Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    })
}

/// Empirical quantile (nearest rank) of sorted, finite values.
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[idx]
}

/// Logistic function, clamped away from 0 and 1 so logs stay finite.
pub(crate) fn logistic(x: f64) -> f64 {
    (1.0 / (1.0 + (-x).exp())).clamp(1e-9, 1.0 - 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tails_match_reference_values() {
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        // Far tail: P(Z >= 6) = 9.8659e-10; relative accuracy matters here.
        let p = normal_sf(6.0);
        assert!((p / 9.865_876_450_376_98e-10 - 1.0).abs() < 1e-5, "{p}");
    }

    #[test]
    fn student_t_matches_reference() {
        // t = 2.0, df = 10: two-sided p = 0.07338803.
        let p = student_t_two_sided(2.0, 10.0);
        assert!((p - 0.073_388_03).abs() < 1e-6, "{p}");
        // Heavier than normal: t_78 beyond 3.29 is above 0.001.
        assert!(student_t_two_sided(3.29, 78.0) > 0.001);
    }

    #[test]
    fn poisson_binomial_equals_binomial_when_equal_p() {
        // Binomial(10, 0.5): P(X >= 8) = 56/1024.
        let p = poisson_binomial_sf(&[0.5; 10], 8);
        assert!((p - 56.0 / 1024.0).abs() < 1e-12);
        // Far tail stays exact: P(X = 20) for 20 items at p = 0.1 is 1e-20.
        let p = poisson_binomial_sf(&[0.1; 20], 20);
        assert!((p / 1e-20 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn weighted_tails_reduce_to_binomial() {
        let p = weighted_bernoulli_sf(&[0.5; 10], &[3; 10], 24);
        assert!((p - 56.0 / 1024.0).abs() < 1e-12);
        // Mixed weights: X1 (w=1, p=.5) + X2 (w=2, p=.5): P(sum >= 2) = 0.5.
        assert!((weighted_bernoulli_sf(&[0.5, 0.5], &[1, 2], 2) - 0.5).abs() < 1e-12);
        // Real weights, negative included: -1·X1 + 2·X2 <= 0 ⇔ X2 = 0: 0.5.
        let c = weighted_bernoulli_cdf_real(&[0.5, 0.5], &[-1.0, 2.0], 0.0, 0.1);
        assert!((c - 0.5).abs() < 1e-12, "{c}");
        let c = weighted_bernoulli_cdf_real(&[0.5; 10], &[1.0; 10], 2.0, 0.1);
        assert!((c - 56.0 / 1024.0).abs() < 1e-12, "{c}");
    }

    #[test]
    fn chi_square_and_quantiles_match_reference_values() {
        // χ²_10 ≥ 18.307 has p = 0.05; χ²_79 ≥ 120: 0.0020201 (mpmath gammainc).
        assert!((chi_square_sf(18.307, 10.0) - 0.05).abs() < 1e-4);
        let p = chi_square_sf(120.0, 79.0);
        assert!((p / 0.002_020_12 - 1.0).abs() < 1e-4, "{p}");
        assert!((chi_square_sf(2.0, 2.0) - (-1f64).exp()).abs() < 1e-12);
        assert!((normal_upper_quantile(0.025) - 1.959_964).abs() < 1e-5);
        assert!((normal_upper_quantile(2.5e-7) - 5.026_313).abs() < 1e-4);
        // Binomial(10, ½): P(X ≥ 8) = 56/1024.
        assert!((binomial_sf(8, 10, 0.5) - 56.0 / 1024.0).abs() < 1e-12);
    }

    #[test]
    fn clopper_pearson_matches_reference_values() {
        // Beta quantiles (mpmath): 3 of 20 → 0.03207, 0.37893; 0 of 20 → 0, 0.16843.
        let (lo, hi) = binomial_interval(3, 20);
        assert!(
            (lo - 0.032_07).abs() < 1e-4 && (hi - 0.378_93).abs() < 1e-4,
            "{lo} {hi}"
        );
        let (lo, hi) = binomial_interval(0, 20);
        assert!(lo == 0.0 && (hi - 0.168_43).abs() < 1e-4, "{hi}");
        let (lo, hi) = binomial_interval(20, 20);
        assert!((lo - 0.831_57).abs() < 1e-4 && hi == 1.0, "{lo}");
    }

    #[test]
    fn median_ignores_nan() {
        let mut v = vec![3.0, f64::NAN, 1.0, 2.0];
        assert_eq!(median(&mut v), Some(2.0));
        assert_eq!(median(&mut vec![f64::NAN]), None);
    }
}
