//! Measures profile generation speed and prints a sample:
//! `cargo run --release -p qabilet-demo --example demo_speed -- 200000`.

use std::time::Instant;

use qabilet_demo::{DemoConfig, Generator};

fn main() {
    let profiles: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let g = Generator::new(DemoConfig {
        profiles,
        ..DemoConfig::default()
    });
    let start = Instant::now();
    let (mut judgements, mut bytes) = (0usize, 0usize);
    for p in g.profiles_with_judgements() {
        judgements += p.judgements.len();
        bytes += p.profile.summary.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{profiles} profiles, {judgements} judgements in {secs:.2}s: {:.0} profiles/s ({bytes} summary bytes)",
        profiles as f64 / secs
    );
}
