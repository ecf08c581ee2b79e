//! The same table as `qabilet proctor simulate` and the same timing as
//! `qabilet proctor bench`, without building the whole CLI:
//! `cargo run --release -p qabilet-proctoring --example calibrate [bench]`.

use qabilet_proctoring::{bench, calibrate, CalibrationSpec};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("bench") {
        let b = bench(5000, 80, 7);
        println!(
            "analysed {} examinees × {} items, {} pairs ({} needed the exact tail) on {} threads",
            b.examinees, b.items, b.pairs, b.exact_evaluated, b.threads
        );
        println!(
            "analysis {:.2} s (prepare {:.2}, models {:.2}, similarity {:.2}, other {:.2}); {} flags",
            b.analyze_seconds,
            b.timings.prepare,
            b.timings.models,
            b.timings.similarity,
            b.timings.other,
            b.flags
        );
        return;
    }
    let rows = calibrate(&CalibrationSpec::default());
    println!("{}", qabilet_proctoring::calibrate::table(&rows));
}
