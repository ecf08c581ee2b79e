//! The same table as `qabilet proctor simulate` and the same timing as
//! `qabilet proctor bench`, without building the whole CLI:
//! `cargo run --release -p qabilet-proctoring --example calibrate [bench [N]]`,
//! or `... calibrate only SCENARIO-INDEX [REPLICATIONS]` for one power row.

use qabilet_proctoring::calibrate::{power, scenarios, table, targets, targets_table};
use qabilet_proctoring::{bench, calibrate, CalibrationSpec};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => {
            let n = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5000);
            let b = bench(n, 80, 7, 0, &|_, _| {});
            println!(
                "analysed {} examinees × {} items, {} pairs ({} overlapping in time, {} needed the exact test) on {} threads, {}",
                b.examinees, b.items, b.pairs, b.overlapping_pairs, b.exact_evaluated, b.threads, b.simd
            );
            println!(
                "analysis {:.2} s (prepare {:.2}, models {:.2}, similarity {:.2} = screen {:.2} + exact {:.2}, other {:.2}); {} flags, copiers found {}/{}",
                b.analyze_seconds,
                b.timings.prepare,
                b.timings.models,
                b.timings.similarity,
                b.screen_seconds,
                b.exact_seconds,
                b.timings.other,
                b.flags,
                b.copiers_found.0,
                b.copiers_found.1
            );
        }
        Some("only") => {
            let k: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
            let spec = CalibrationSpec {
                power_replications: args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2),
                ..Default::default()
            };
            let rows = power(&spec, Some(scenarios()[k].0));
            println!("{}", table(&rows));
        }
        _ => {
            let rows = calibrate(&CalibrationSpec::default());
            println!("{}", table(&rows));
            println!("{}", targets_table(&targets(&rows)));
        }
    }
}
