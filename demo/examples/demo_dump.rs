//! Writes the default demo data set to a directory:
//! `cargo run -p qabilet-demo --example demo_dump -- OUT_DIR`.

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "demo-data".into());
    let g = qabilet_demo::Generator::new(qabilet_demo::DemoConfig::default());
    let summary = g
        .write_jsonl(std::path::Path::new(&dir))
        .expect("write data set");
    println!("{summary:?}");
}
