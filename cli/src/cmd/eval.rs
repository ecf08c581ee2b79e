//! `qabilet eval`: ranking quality on graded ground truth (nDCG@10, recall@50,
//! MRR per signal and fused), and `--calibrate` to choose the fusion weights on
//! half the judged vacancies, report the other half, and (`--write-config`) save
//! them as the deployment's `ranking.json`, which `serve` follows while it runs.
//!
//! The index is brought up to date first when this process may write it; beside a
//! running `qabilet serve` (which keeps it) it is read as committed.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use anyhow::Context as _;
use clap::Args;
use comfy_table::Table;
use qabilet_demo::Judgement;
use qabilet_indexer::Index;
use qabilet_matcher::eligibility::Checker;
use qabilet_matcher::eval::{calibrate, collect_pools, evaluate_pools, Qrels, QueryPool};
use qabilet_matcher::ranking::{Provenance, Ranker};
use qabilet_models::EmbeddingModel;
use qabilet_store::Store;

/// Measure ranking quality on the demo ground truth.
#[derive(Args)]
pub struct EvalArgs {
    /// Ground truth file (JSON Lines of judgements); default: DATA_DIR/demo/judgements.jsonl.
    #[arg(long)]
    pub judgements: Option<std::path::PathBuf>,
    /// Choose the fusion weights on half the judged vacancies and report the other half.
    #[arg(long)]
    pub calibrate: bool,
    /// With --calibrate: save the chosen weights as this deployment's ranking config
    /// (DATA_DIR/ranking.json), used from then on by shortlist, search and serve
    /// (a running server picks it up at its next request).
    #[arg(long, requires = "calibrate")]
    pub write_config: bool,
    #[arg(long)]
    pub json: bool,
    /// Rank the dense signal with the distilled static model
    /// (<data-dir>/models/multilingual-e5-small-static, `qabilet models distill`)
    /// instead of the transformer. Its vectors are kept in an index of their own
    /// (DATA_DIR/index-static), so the transformer's are never touched.
    #[arg(long = "static")]
    pub static_model: bool,
}

/// The model the dense signal comes from.
pub enum DenseModel {
    /// The transformer, at the deployment's precision.
    Transformer(EmbeddingModel),
    /// The distilled static model.
    Static(qabilet_models::StaticModel),
}

impl DenseModel {
    /// The transformer (if fetched), or the static model with `--static`.
    pub fn for_eval(args: &EvalArgs, data_dir: &Path) -> anyhow::Result<Option<DenseModel>> {
        if args.static_model {
            return Ok(Some(DenseModel::Static(super::static_model(data_dir)?)));
        }
        Ok(super::default_model(data_dir)?.map(DenseModel::Transformer))
    }

    /// What indexes the profiles' vectors.
    pub fn embedder(&self) -> &dyn qabilet_indexer::sync::Embedder {
        match self {
            DenseModel::Transformer(m) => m,
            DenseModel::Static(m) => m,
        }
    }

    fn embed_query(&self, text: &str) -> anyhow::Result<Option<Vec<f32>>> {
        Ok(match self {
            DenseModel::Transformer(m) => m.embed_queries(&[text])?.pop(),
            DenseModel::Static(m) => m.embed_queries(&[text])?.pop(),
        })
    }
}

/// The query embedding of a vacancy (e5's `query: ` side against profile passages).
pub fn vacancy_embedding(
    model: Option<&DenseModel>,
    v: &qabilet_domain::Vacancy,
) -> anyhow::Result<Option<Vec<f32>>> {
    let Some(model) = model else { return Ok(None) };
    let text = qabilet_indexer::vacancy_embedding_text(v);
    model.embed_query(&text)
}

/// Syncs the index when no other process holds it, then opens it for reading.
pub async fn index_for_reading(
    store: &Store,
    index_dir: &Path,
    embedder: Option<&dyn qabilet_indexer::sync::Embedder>,
) -> anyhow::Result<Index> {
    let writable = Index::open(index_dir, qabilet_indexer::IndexConfig::default());
    match writable {
        Ok(index) => {
            drop(index);
            super::index::sync(store, index_dir, embedder).await?;
        }
        Err(e) if e.is_in_use() => {
            eprintln!(
                "the index is kept by another process (qabilet serve?): reading it as committed"
            );
        }
        Err(e) => {
            return Err(e).with_context(|| format!("opening the index in {}", index_dir.display()))
        }
    }
    Index::open_read_only(index_dir)
        .with_context(|| format!("opening the index in {}", index_dir.display()))
}

/// Evaluates ranking on the ground truth with the index in the data directory (kept
/// in step with the store by the caller). The vacancy is the query: with a model it
/// is embedded as one (e5's `query: ` prefix) against the profiles' passage vectors;
/// without one, dense is reported as not available.
pub async fn run(
    args: &EvalArgs,
    store: &Store,
    data_dir: &Path,
    index: &Index,
    model: Option<&DenseModel>,
) -> anyhow::Result<()> {
    let path = args
        .judgements
        .clone()
        .unwrap_or_else(|| data_dir.join("demo").join("judgements.jsonl"));
    let file = std::fs::File::open(&path)
        .with_context(|| format!("{}: run `qabilet demo` first", path.display()))?;
    let mut qrels: Qrels = HashMap::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let j: Judgement =
            serde_json::from_str(&line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
        qrels
            .entry(j.vacancy_id.to_string())
            .or_default()
            .insert(j.profile_id.to_string(), j.grade);
    }
    let (mut vacancies, mut after) = (Vec::new(), String::new());
    loop {
        let page = store.vacancies_page(&after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.id.to_string();
        vacancies.extend(page);
    }
    let mut profiles = HashMap::new();
    after.clear();
    loop {
        let page = store.profiles_page(&after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.id.to_string();
        profiles.extend(page.into_iter().map(|p| (p.id.to_string(), p)));
    }
    let config = qabilet_app::config::RankingFile::load(data_dir)?
        .current()
        .config
        .clone();
    let checker = Checker::default();
    let ranker = Ranker::new(&config, &checker, Provenance::default());
    let embed = |v: &qabilet_domain::Vacancy| -> Option<Vec<f32>> {
        vacancy_embedding(model, v).ok().flatten()
    };
    let embeddings: Option<qabilet_matcher::eval::VacancyEmbeddings> = match model {
        Some(_) => Some(&embed),
        None => None,
    };
    let pools = collect_pools(&ranker, index, &vacancies, &profiles, &qrels, embeddings)?;
    if args.calibrate {
        let c = calibrate(&pools, &config);
        if args.write_config {
            let path = qabilet_app::config::write_ranking(data_dir, &c.config)?;
            eprintln!("saved the chosen weights to {}", path.display());
        }
        if args.json {
            println!("{}", serde_json::to_string_pretty(&c)?);
            return Ok(());
        }
        let w = &c.config;
        let sw = &w.structured;
        println!(
            "Chosen on {} vacancies (objective {:.3} there): bm25 {:.2}, dense {:.2}, structured {:.2} \
             (requirements {:.1}, experience {:.1}, education {:.1}, skills {:.1})",
            c.calibration_queries, c.calibration_objective, w.bm25_weight, w.dense_weight,
            w.structured_weight, sw.requirements, sw.experience, sw.education, sw.skills
        );
        println!("Held-out vacancies:");
        print_eval_table(&c.held_out);
        return Ok(());
    }
    let refs: Vec<&QueryPool> = pools.iter().collect();
    let rows = evaluate_pools(&refs, &config);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    print_eval_table(&rows);
    Ok(())
}

/// The metrics table, then each of the targets with whether it holds.
fn print_eval_table(rows: &[qabilet_matcher::eval::EvalRow]) {
    let mut t = Table::new();
    t.set_header([
        "subset",
        "signal",
        "nDCG@10",
        "recall@50",
        "MRR",
        "vacancies",
    ]);
    for r in rows {
        match r.metrics {
            Some(m) => t.add_row([
                r.subset.to_owned(),
                r.signal.to_owned(),
                format!("{:.3}", m.ndcg_at_10),
                format!("{:.3}", m.recall_at_50),
                format!("{:.3}", m.mrr),
                m.queries.to_string(),
            ]),
            None => t.add_row([
                r.subset.to_owned(),
                r.signal.to_owned(),
                "n/a".into(),
                "n/a".into(),
                "n/a".into(),
                "no embeddings".into(),
            ]),
        };
    }
    println!("{t}");
    let ndcg = |signal: &str, subset: &str| {
        rows.iter()
            .find(|r| r.signal == signal && r.subset == subset)
            .and_then(|r| r.metrics)
            .map(|m| m.ndcg_at_10)
    };
    let fused = ndcg("fused", "all").unwrap_or(0.0);
    let check = |ok: bool| if ok { "met" } else { "NOT met" };
    println!("fused nDCG@10 {fused:.3} ≥ 0.85: {}", check(fused >= 0.85));
    for other in ["bm25", "dense"] {
        match ndcg(other, "all") {
            Some(x) => println!(
                "fused − {other} = {:.3} ≥ 0.05: {}",
                fused - x,
                check(fused - x >= 0.05)
            ),
            None => println!("fused − {other}: not measured (no embedding model)"),
        }
    }
    let cross = ndcg("fused", "cross_language").unwrap_or(0.0);
    println!(
        "cross-language fused nDCG@10 {cross:.3} ≥ 0.75: {}",
        check(cross >= 0.75)
    );
}
