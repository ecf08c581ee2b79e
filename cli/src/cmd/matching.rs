//! `qabilet shortlist`, `qabilet search vacancies`, `qabilet eval` and
//! `qabilet reserve …`: the matcher's commands. Records come from the store, ranking
//! and rules from `qabilet-matcher`; this module only loads, calls and prints.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use comfy_table::Table;
use qabilet_demo::Judgement;
use qabilet_domain::{Profile, ProfileId, ReserveEntryId, ReserveKind, VacancyId};
use qabilet_indexer::{Filters, Index, IndexConfig};
use qabilet_matcher::eligibility::Checker;
use qabilet_matcher::eval::{calibrate, collect_pools, evaluate_pools, Qrels, QueryPool};
use qabilet_matcher::ranking::{
    join_candidates, profile_query, retrieve_profiles, retrieve_vacancies,
    retrieve_vacancies_for_profile, BlindProfileView, Candidate, Provenance, Ranker, RankingConfig,
    QUERY_CHARS,
};
use qabilet_matcher::reserve::{extend, ReserveFilter};
use qabilet_models::EmbeddingModel;
use qabilet_store::Store;

/// Rank the eligible candidates of a vacancy; list the ineligible apart.
#[derive(Args)]
pub struct ShortlistArgs {
    pub vacancy_id: VacancyId,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Hide name, gender, age, photo and contacts.
    #[arg(long)]
    pub blind: bool,
    #[arg(long)]
    pub json: bool,
}

/// Search vacancies as a candidate.
#[derive(Args)]
pub struct SearchVacanciesArgs {
    /// What to look for; empty with --profile searches by the profile itself.
    pub query: String,
    /// Rank for this profile and show which requirements it meets.
    #[arg(long)]
    pub profile: Option<ProfileId>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

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
    /// (DATA_DIR/ranking.json), used from then on by shortlist, search and serve.
    #[arg(long, requires = "calibrate")]
    pub write_config: bool,
    #[arg(long)]
    pub json: bool,
}

/// The talent reserve and the second-best registry.
#[derive(Subcommand)]
pub enum ReserveCommand {
    /// List entries.
    List {
        #[arg(long)]
        active: bool,
        /// `reserve` or `second_best`.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add a person to the talent reserve (they must consent to it).
    Add {
        profile_id: ProfileId,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value_t = 365)]
        days: i64,
        #[arg(long)]
        by: String,
    },
    /// Move an entry's expiry to a later date.
    Extend {
        entry_id: ReserveEntryId,
        #[arg(long)]
        until: DateTime<Utc>,
        #[arg(long)]
        by: String,
    },
    /// Remove an entry.
    Remove {
        entry_id: ReserveEntryId,
        #[arg(long)]
        by: String,
    },
}

/// Opens the index in `index_dir`.
pub fn open_index(index_dir: &Path) -> anyhow::Result<Index> {
    Index::open(index_dir, IndexConfig::default())
        .with_context(|| format!("opening the index in {}", index_dir.display()))
}

/// Where a deployment keeps its ranking weights.
pub fn ranking_config_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("ranking.json")
}

/// The deployment's ranking configuration: DATA_DIR/ranking.json if present (JSON of
/// [`RankingConfig`]; unknown fields are refused), else the built-in defaults.
pub fn ranking_config(data_dir: &Path) -> anyhow::Result<RankingConfig> {
    let path = ranking_config_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let config: RankingConfig = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a valid ranking config", path.display()))?;
            let weights = [
                config.bm25_weight,
                config.dense_weight,
                config.structured_weight,
            ];
            if weights.iter().any(|w| !w.is_finite() || *w < 0.0)
                || weights.iter().sum::<f32>() <= 0.0
            {
                bail!(
                    "{}: weights must be non-negative and not all zero",
                    path.display()
                );
            }
            Ok(config)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RankingConfig::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The query embedding of a vacancy (e5's `query: ` side against profile passages).
pub fn vacancy_embedding(
    model: Option<&EmbeddingModel>,
    v: &qabilet_domain::Vacancy,
) -> anyhow::Result<Option<Vec<f32>>> {
    let Some(model) = model else { return Ok(None) };
    let text = qabilet_indexer::vacancy_embedding_text(v);
    Ok(model.embed_queries(&[text.as_str()])?.pop())
}

async fn load_profiles(
    store: &Store,
    ids: impl Iterator<Item = &str>,
) -> anyhow::Result<HashMap<String, Profile>> {
    // The index may lag the store by a few changes: what is gone is simply absent.
    let ids: Vec<&str> = ids.collect();
    Ok(store.profiles_by_ids(&ids).await?)
}

pub async fn run_shortlist(
    args: &ShortlistArgs,
    store: &Store,
    index: &Index,
    data_dir: &Path,
    model: Option<&EmbeddingModel>,
    actor: &str,
) -> anyhow::Result<()> {
    let Some(vacancy) = store.vacancy(&args.vacancy_id).await? else {
        bail!("vacancy {} not found", args.vacancy_id);
    };
    let config = ranking_config(data_dir)?;
    let checker = Checker::default();
    let embedding = vacancy_embedding(model, &vacancy)?;
    let provenance = Provenance {
        model_id: embedding
            .as_ref()
            .and(model)
            .map(|m| m.model_id().to_owned()),
        index_version: index.last_applied_seq(),
    };
    let ranker = Ranker::new(&config, &checker, provenance);
    let retrieved = retrieve_profiles(index, &vacancy, embedding.as_deref(), config.depth)?;
    let profiles = load_profiles(store, retrieved.iter().map(|r| r.id.as_str())).await?;
    let candidates: Vec<Candidate<Profile>> = join_candidates(&retrieved, &profiles);
    let shortlist = ranker.shortlist(&vacancy, &candidates, args.limit);
    // Every view of a shortlist is audited.
    let mut tx = store.begin().await?;
    let detail =
        serde_json::json!({"blind": args.blind, "shown": shortlist.eligible.len()}).to_string();
    tx.audit(
        actor,
        "shortlist.view",
        "vacancy",
        vacancy.id.as_str(),
        &detail,
    )
    .await?;
    tx.commit().await?;
    if args.json {
        let eligible: Vec<serde_json::Value> = shortlist
            .eligible
            .iter()
            .map(|r| {
                let p = &profiles[&r.profile_id];
                let person = if args.blind { serde_json::to_value(BlindProfileView::of(p)) } else { serde_json::to_value(p) };
                serde_json::json!({"rank": r.rank, "score": r.score, "profile": person.unwrap_or_default(),
                    "eligibility": r.eligibility, "explanation": r.explanation})
            })
            .collect();
        let out = serde_json::json!({"vacancy_id": shortlist.vacancy_id, "eligible": eligible, "ineligible": shortlist.ineligible});
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let mut table = Table::new();
    table.set_header([
        "#",
        "profile",
        "score",
        "bm25",
        "dense",
        "structured",
        "rules met",
        "matched skills",
        "review",
    ]);
    for r in &shortlist.eligible {
        let name = if args.blind {
            r.profile_id.clone()
        } else {
            format!("{} {}", r.profile_id, profiles[&r.profile_id].full_name)
        };
        let part = |p: Option<qabilet_matcher::ranking::SignalPart>| {
            p.map_or("–".to_owned(), |p| format!("{:.2}", p.contribution))
        };
        table.add_row([
            r.rank.to_string(),
            name,
            format!("{:.3}", r.score),
            part(r.explanation.parts.bm25),
            part(r.explanation.parts.dense),
            part(r.explanation.parts.structured),
            format!(
                "{}/{}",
                r.explanation.rules_met.len(),
                r.eligibility.rules.len()
            ),
            r.explanation.matched_skills.join(", "),
            if r.eligibility.needs_review {
                "check".into()
            } else {
                String::new()
            },
        ]);
    }
    println!("Shortlist for {} «{}»\n{table}", vacancy.id, vacancy.title);
    print_ineligible(&shortlist.ineligible, args.limit);
    Ok(())
}

/// The ineligible pool: how many failed each rule, then the best-scored `limit`
/// people with the rules they failed (a pool over many profiles would otherwise
/// print hundreds of rows; `--json` has them all).
fn print_ineligible(ineligible: &[qabilet_matcher::ranking::Ineligible], limit: usize) {
    if ineligible.is_empty() {
        return;
    }
    let mut by_rule: std::collections::BTreeMap<String, usize> = Default::default();
    for i in ineligible {
        for f in &i.failed {
            *by_rule.entry(f.rule.to_string()).or_default() += 1;
        }
    }
    let mut summary = Table::new();
    summary.set_header(["failed rule", "people"]);
    for (rule, n) in &by_rule {
        summary.add_row([rule.clone(), n.to_string()]);
    }
    println!("Not eligible: {} people\n{summary}", ineligible.len());
    let mut t = Table::new();
    t.set_header(["profile", "failed rule", "required", "found"]);
    for i in ineligible.iter().take(limit) {
        for f in &i.failed {
            t.add_row([
                i.profile_id.clone(),
                f.rule.to_string(),
                f.required.clone(),
                f.found.clone(),
            ]);
        }
    }
    println!("{t}");
    if ineligible.len() > limit {
        println!(
            "… and {} more not eligible (all of them with --json)",
            ineligible.len() - limit
        );
    }
}

pub async fn run_search_vacancies(
    args: &SearchVacanciesArgs,
    store: &Store,
    index: &Index,
    data_dir: &Path,
    model: Option<&EmbeddingModel>,
) -> anyhow::Result<()> {
    let profile = match &args.profile {
        Some(id) => Some(
            store
                .profile(id)
                .await?
                .with_context(|| format!("profile {id} not found"))?,
        ),
        None => None,
    };
    let typed = args.query.chars().count();
    anyhow::ensure!(
        typed <= QUERY_CHARS,
        "the query is {typed} characters long; at most {QUERY_CHARS} are allowed"
    );
    let query = match (&profile, args.query.trim().is_empty()) {
        (Some(p), true) => profile_query(p),
        _ => args.query.clone(),
    };
    let config = ranking_config(data_dir)?;
    let retrieved = match (&profile, args.query.trim().is_empty()) {
        // The profile is the query: machine-built, so the flat bag of words, with
        // the embedding computed while BM25 runs.
        (Some(p), true) => {
            let mut failed = None;
            let retrieved = retrieve_vacancies_for_profile(
                index,
                p,
                &Filters::default(),
                config.vacancy_depth,
                |query| match model.map(|m| m.embed_queries(&[query])) {
                    Some(Ok(mut v)) => v.pop(),
                    Some(Err(e)) => {
                        failed = Some(e);
                        None
                    }
                    None => None,
                },
            )?;
            if let Some(e) = failed {
                return Err(e.into());
            }
            retrieved
        }
        _ => {
            let embedding = match model {
                Some(m) if !query.trim().is_empty() => m.embed_queries(&[query.as_str()])?.pop(),
                _ => None,
            };
            retrieve_vacancies(
                index,
                &query,
                Filters::default(),
                embedding.as_deref(),
                config.vacancy_depth,
            )?
        }
    };
    let used_dense = retrieved.iter().any(|r| r.dense.is_some());
    let mut vacancies = Vec::new();
    for r in &retrieved {
        if let Some(v) = store
            .vacancy(&r.id.parse().map_err(anyhow::Error::msg)?)
            .await?
        {
            vacancies.push((v, r.bm25, r.dense));
        }
    }
    let Some(profile) = profile else {
        // Without a profile there is nothing to fit: the text signals alone, fused
        // with the deployment's weights (structured is absent, so it drops out).
        let bm25: Vec<Option<f32>> = vacancies.iter().map(|v| v.1).collect();
        let dense: Vec<Option<f32>> = vacancies.iter().map(|v| v.2).collect();
        let none = vec![None; vacancies.len()];
        let parts = qabilet_matcher::ranking::fusion::fuse(
            [&bm25, &dense, &none],
            [config.bm25_weight, config.dense_weight, 0.0],
            config.method,
            config.rrf_k,
        );
        let mut order: Vec<usize> = (0..vacancies.len()).collect();
        order.sort_by(|&a, &b| {
            parts[b]
                .score
                .total_cmp(&parts[a].score)
                .then_with(|| vacancies[a].0.id.cmp(&vacancies[b].0.id))
        });
        order.truncate(args.limit);
        if args.json {
            let out: Vec<serde_json::Value> = order
                .iter()
                .enumerate()
                .map(|(rank, &i)| {
                    serde_json::json!({"rank": rank + 1, "vacancy_id": vacancies[i].0.id,
                        "title": vacancies[i].0.title, "score": parts[i].score, "parts": parts[i]})
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(());
        }
        let mut t = Table::new();
        t.set_header(["#", "vacancy", "title", "score", "bm25", "dense"]);
        let part = |p: Option<qabilet_matcher::ranking::SignalPart>| {
            p.map_or("–".to_owned(), |p| format!("{:.2}", p.contribution))
        };
        for (rank, &i) in order.iter().enumerate() {
            t.add_row([
                (rank + 1).to_string(),
                vacancies[i].0.id.to_string(),
                vacancies[i].0.title.clone(),
                format!("{:.3}", parts[i].score),
                part(parts[i].bm25),
                part(parts[i].dense),
            ]);
        }
        println!("{t}");
        return Ok(());
    };
    let checker = Checker::default();
    let ranker = Ranker::new(
        &config,
        &checker,
        Provenance {
            model_id: model
                .filter(|_| used_dense)
                .map(|m| m.model_id().to_owned()),
            index_version: index.last_applied_seq(),
        },
    );
    let candidates: Vec<Candidate<_>> = vacancies
        .iter()
        .map(|(v, b, d)| Candidate {
            record: v,
            bm25: *b,
            dense: *d,
        })
        .collect();
    let ranked = ranker.rank_vacancies(&profile, &candidates, Utc::now().date_naive(), args.limit);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&ranked)?);
        return Ok(());
    }
    let mut t = Table::new();
    t.set_header([
        "#",
        "vacancy",
        "score",
        "eligible",
        "requirements met",
        "not met",
    ]);
    for r in &ranked {
        let not_met: Vec<String> = r.eligibility.failed().map(|f| f.rule.to_string()).collect();
        t.add_row([
            r.rank.to_string(),
            r.vacancy_id.clone(),
            format!("{:.3}", r.score),
            if r.eligibility.eligible {
                "yes".into()
            } else {
                "no".to_owned()
            },
            r.explanation
                .rules_met
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            not_met.join(", "),
        ]);
    }
    println!("{t}");
    Ok(())
}

/// Evaluates ranking on the ground truth with the index in the data directory (kept
/// in step with the store by the caller). The vacancy is the query: with a model it
/// is embedded as one (e5's `query: ` prefix) against the profiles' passage vectors;
/// without one, dense is reported as not available.
pub async fn run_eval(
    args: &EvalArgs,
    store: &Store,
    data_dir: &Path,
    index: &Index,
    model: Option<&EmbeddingModel>,
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
    let config = ranking_config(data_dir)?;
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
            let path = ranking_config_path(data_dir);
            std::fs::write(&path, serde_json::to_string_pretty(&c.config)? + "\n")
                .with_context(|| format!("writing {}", path.display()))?;
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

pub async fn run_reserve(cmd: &ReserveCommand, store: &Store) -> anyhow::Result<()> {
    let now = Utc::now();
    match cmd {
        ReserveCommand::List { active, kind, json } => {
            let kind = match kind.as_deref() {
                None => None,
                Some("reserve") => Some(ReserveKind::Reserve),
                Some("second_best") => Some(ReserveKind::SecondBest),
                Some(other) => bail!("unknown kind {other:?}; expected reserve or second_best"),
            };
            let filter = ReserveFilter {
                kind,
                origin_vacancy: None,
                active_only: *active,
            };
            let (mut after, mut entries) = (String::new(), Vec::new());
            loop {
                let page = store.reserve_page(&after, 1000).await?;
                let Some(last) = page.last() else { break };
                after = last.id.to_string();
                entries.extend(page.into_iter().filter(|e| filter.matches(e, now)));
            }
            if *json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
                return Ok(());
            }
            let mut t = Table::new();
            t.set_header([
                "entry", "profile", "kind", "from", "rank", "expires", "reason",
            ]);
            for e in &entries {
                t.add_row([
                    e.id.to_string(),
                    e.profile_id.to_string(),
                    e.kind.code().to_owned(),
                    e.origin_vacancy_id
                        .as_ref()
                        .map_or(String::new(), |v| v.to_string()),
                    e.rank.map_or(String::new(), |r| r.to_string()),
                    e.expires_at.date_naive().to_string(),
                    e.reason.clone(),
                ]);
            }
            println!("{t}");
        }
        ReserveCommand::Add {
            profile_id,
            reason,
            days,
            by,
        } => {
            let p = store
                .profile(profile_id)
                .await?
                .with_context(|| format!("profile {profile_id} not found"))?;
            if !p.consents_to(qabilet_domain::ConsentPurpose::Reserve) {
                bail!("profile {profile_id} has not consented to the reserve; nobody is kept without consent");
            }
            if reason.trim().is_empty() {
                bail!("--reason must say why the person is kept");
            }
            let consented_at = p
                .consents
                .iter()
                .filter(|c| c.purpose == qabilet_domain::ConsentPurpose::Reserve)
                .map(|c| c.granted_at)
                .max()
                .unwrap_or(now);
            let id = ReserveEntryId::new(format!("R-{}-{}", profile_id, now.timestamp()))
                .map_err(anyhow::Error::msg)?;
            let entry = qabilet_domain::ReserveEntry {
                id: id.clone(),
                profile_id: profile_id.clone(),
                kind: ReserveKind::Reserve,
                origin_vacancy_id: None,
                rank: None,
                reason: reason.clone(),
                consented_at,
                created_at: now,
                expires_at: now + chrono::Duration::days((*days).max(1)),
            };
            let mut tx = store.begin().await?;
            tx.put_reserve_entry(&entry).await?;
            tx.audit(by, "reserve.add", "reserve_entry", id.as_str(), reason)
                .await?;
            tx.commit().await?;
            println!("added {id}");
        }
        ReserveCommand::Extend {
            entry_id,
            until,
            by,
        } => {
            let e = store
                .reserve_entry(entry_id.as_str())
                .await?
                .with_context(|| format!("reserve entry {entry_id} not found"))?;
            let p = store
                .profile(&e.profile_id)
                .await?
                .with_context(|| format!("profile {} not found", e.profile_id))?;
            let longer = extend(&e, &p, *until, now)?;
            let mut tx = store.begin().await?;
            tx.put_reserve_entry(&longer).await?;
            tx.audit(
                by,
                "reserve.extend",
                "reserve_entry",
                entry_id.as_str(),
                &until.to_rfc3339(),
            )
            .await?;
            tx.commit().await?;
            println!("{entry_id} now expires {until}");
        }
        ReserveCommand::Remove { entry_id, by } => {
            let mut tx = store.begin().await?;
            tx.delete_reserve_entry(entry_id).await?;
            tx.audit(by, "reserve.remove", "reserve_entry", entry_id.as_str(), "")
                .await?;
            tx.commit().await?;
            println!("removed {entry_id}");
        }
    }
    Ok(())
}
