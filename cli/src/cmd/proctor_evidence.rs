//! A flag's evidence as short lines a reviewer can read in a table cell of
//! `qabilet proctor analyze`.

use qabilet_proctoring::{Evidence, Flag};

/// Appends the flag's wrong-to-right index, when answer changes were recorded.
pub(super) fn changes_text(f: &Flag, mut text: String) -> String {
    for c in &f.answer_changes {
        text.push_str(&format!(
            "\n{}: {} answer changes, {} wrong→right (expected {:.1}, p {:.2e})",
            c.session, c.changes, c.wrong_to_right, c.expected, c.p_value
        ));
    }
    text
}

/// Evidence as short lines a reviewer can read in a table cell.
pub(super) fn evidence_text(e: &Evidence) -> String {
    match e {
        Evidence::Behaviour { stats, cohort_sessions } => {
            let mut lines: Vec<String> = stats
                .iter()
                .map(|s| {
                    format!(
                        "{}: {:.1} (median {:.1}, p99 {:.1}, top {:.2}%)",
                        s.name,
                        s.value,
                        s.cohort_median,
                        s.cohort_p99,
                        s.cohort_tail * 100.0
                    )
                })
                .collect();
            lines.push(format!("compared with {cohort_sessions} sessions"));
            lines.join("\n")
        }
        Evidence::FastCorrect {
            fast_correct,
            expected,
            timed_items,
            items,
            median_seconds,
            cohort_median_seconds,
        } => format!(
            "{fast_correct} fast+correct of {timed_items} timed (expected {expected:.1})\n\
             median {median_seconds:.1} s vs cohort {cohort_median_seconds:.1} s\nitems: {}",
            items.join(" ")
        ),
        Evidence::SpeedShift {
            first_half_residual,
            second_half_residual,
            first_half_correct,
            second_half_correct,
            t,
        } => format!(
            "log-time residual {first_half_residual:+.2} → {second_half_residual:+.2} SD (t = {t:.1})\n\
             correct {:.0}% → {:.0}%",
            first_half_correct * 100.0,
            second_half_correct * 100.0
        ),
        Evidence::AnswerSimilarity {
            copier,
            source,
            identical,
            expected_identical,
            identical_incorrect,
            common_items,
            theta_copier,
            theta_source,
            shared_network,
            cluster,
            follows,
            expected_follows,
            follow_window_s,
            median_lag_s,
            log_rt_correlation,
            p_answers_only,
            family,
            p_timing_given_answers,
            selected_tests,
            copier_score,
        } => {
            let mut s = format!(
                "{copier} vs source {source}: {identical}/{common_items} identical \
                 (expected {expected_identical:.1}), {identical_incorrect} identical wrong\n\
                 {follows} given ≤ {follow_window_s:.0} s after the source's (expected {expected_follows:.1})\n\
                 θ {theta_copier:.2} vs {theta_source:.2}; copier's score {copier_score}; group #{cluster}\n\
                 answers alone p {p_answers_only:.2e}; flagged by {family}"
            );
            if let Some(lag) = median_lag_s {
                s.push_str(&format!("; median lag {lag:.0} s"));
            }
            if let Some(r) = log_rt_correlation {
                s.push_str(&format!("; log-time correlation {r:.2}"));
            }
            if let (Some(p), Some(k)) = (p_timing_given_answers, selected_tests) {
                s.push_str(&format!("\ntiming given answers p {p:.2e} among {k} selected tests"));
            }
            if !shared_network.is_empty() {
                s.push_str(&format!("\nshared: {}", shared_network.join(", ")));
            }
            s
        }
        Evidence::PersonSpeed {
            tau,
            cohort_median_tau,
            cohort_sd_tau,
            z,
            time_ratio,
            timed_items,
        } => format!(
            "speed τ {tau:.2} vs cohort median {cohort_median_tau:.2} (SD {cohort_sd_tau:.2}), z {z:+.1}\n\
             takes {time_ratio:.2} × a typical examinee's time ({timed_items} timed items)"
        ),
        Evidence::RapidGuessing {
            threshold_share,
            threshold_cap_s,
            rapid,
            timed_items,
            response_time_effort,
            rapid_correct,
            rapid_accuracy,
            chance_accuracy,
            expected_rapid,
            items,
        } => format!(
            "{rapid} of {timed_items} answers rapid (< {:.0}% of the item's median time, ≤ {threshold_cap_s:.0} s); \
             expected {expected_rapid:.1}\nresponse-time effort {response_time_effort:.2}; \
             rapid answers correct {rapid_correct} ({:.0}%, chance {:.0}%)\nitems: {}",
            threshold_share * 100.0,
            rapid_accuracy * 100.0,
            chance_accuracy * 100.0,
            items.join(" ")
        ),
        Evidence::TimingFit {
            chi_square,
            df,
            largest,
        } => {
            let mut s = format!("χ² {chi_square:.1} on {df} df; largest residuals:");
            for (item, z, secs, median) in largest {
                s.push_str(&format!("\n{item}: {z:+.1} SD ({secs:.1} s, cohort median {median:.1} s)"));
            }
            s
        }
        Evidence::PersonFit {
            lz_star,
            guttman_errors,
            guttman_normed,
            score,
            theta,
        } => format!(
            "lz* = {lz_star:.2}; Guttman errors {guttman_errors} (normed {guttman_normed:.2})\n\
             score {score}, θ {theta:.2}"
        ),
        Evidence::ScoreJump {
            current,
            previous,
            allowed_gain,
            earlier_attempts,
        } => format!(
            "{:.0}% now vs {:.0}% before ({earlier_attempts} earlier); allowed gain {:.0} pts",
            current * 100.0,
            previous * 100.0,
            allowed_gain * 100.0
        ),
    }
}
