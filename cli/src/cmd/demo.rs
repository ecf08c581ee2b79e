//! `qabilet demo`: generates the synthetic civil-service data set and loads it,
//! keeping its ground truth beside the database for the ranking evaluation.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{NaiveDate, Utc};
use clap::Args;
use std::collections::{HashMap, HashSet};

use qabilet_app::import::{Import, ImportKind};
use qabilet_demo::{DemoConfig, Generator, HistoryInput};
use qabilet_domain::{ConsentPurpose, ProfileId, VacancyId};
use qabilet_store::Store;

/// Generate a synthetic data set (organisations, vacancies, profiles in Kazakh,
/// Russian and English, with graded ground truth) and load it into the store.
#[derive(Args)]
pub struct DemoArgs {
    /// Seed; the same seed and reference date give the same data set.
    #[arg(long, default_value_t = DemoConfig::default().seed)]
    pub seed: u64,
    #[arg(long, default_value_t = DemoConfig::default().organisations)]
    pub organisations: usize,
    #[arg(long, default_value_t = DemoConfig::default().vacancies)]
    pub vacancies: usize,
    #[arg(long, default_value_t = DemoConfig::default().profiles)]
    pub profiles: usize,
    /// "Today" for the data set (deadlines, careers); default: today.
    #[arg(long)]
    pub reference_date: Option<NaiveDate>,
    /// Write JSON Lines files into this directory instead of loading the store.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// With --out: leave out the ground truth (`judgements.jsonl`), which grows
    /// with profiles × vacancies (billions of lines for a national data set).
    #[arg(long, requires = "out")]
    pub no_judgements: bool,
}

impl DemoArgs {
    pub fn config(&self) -> DemoConfig {
        DemoConfig {
            seed: self.seed,
            organisations: self.organisations,
            vacancies: self.vacancies,
            profiles: self.profiles,
            reference_date: self
                .reference_date
                .unwrap_or_else(|| Utc::now().date_naive()),
        }
    }
}

/// Where the ground truth of the loaded demo is kept.
pub fn judgements_path(data_dir: &Path) -> PathBuf {
    data_dir.join("demo").join("judgements.jsonl")
}

pub fn write_files(args: &DemoArgs, dir: &Path) -> anyhow::Result<()> {
    let generator = Generator::new(args.config());
    let summary = if args.no_judgements {
        generator.write_jsonl_without_judgements(dir)?
    } else {
        generator.write_jsonl(dir)?
    };
    println!(
        "wrote {} organisations, {} vacancies, {} profiles, {} judgements to {}",
        summary.organisations,
        summary.vacancies,
        summary.profiles,
        summary.judgements,
        dir.display()
    );
    Ok(())
}

/// Loads the data set and writes the ground truth: organisations, profiles and a
/// year of decided competitions (`qabilet_demo::history`) in one transaction, then
/// the open vacancies through the import, so that opening them matches the talent
/// reserve as any HRM import does.
pub async fn load(args: &DemoArgs, store: &Store, data_dir: &Path) -> anyhow::Result<()> {
    let config = args.config();
    let generator = Generator::new(config.clone());
    let truth_path = judgements_path(data_dir);
    let truth_dir = truth_path.parent().unwrap_or(data_dir);
    std::fs::create_dir_all(truth_dir)
        .with_context(|| format!("cannot create {}", truth_dir.display()))?;
    let tmp = truth_path.with_extension("jsonl.partial");
    let mut truth = BufWriter::new(std::fs::File::create(&tmp)?);

    let organisations = generator.organisations();
    let vacancies = generator.vacancies();
    let bar = super::progress(
        (organisations.len() + vacancies.len() + config.profiles) as u64,
        "demo",
    );
    let mut tx = store.begin().await?;
    for org in &organisations {
        tx.put_organisation(org).await?;
        bar.inc(1);
    }
    let mut judgements = 0usize;
    let mut graded: HashMap<VacancyId, Vec<(ProfileId, u8)>> = HashMap::new();
    let mut everyone = Vec::with_capacity(config.profiles);
    let mut reserve_consent = HashSet::new();
    for generated in generator.profiles_with_judgements() {
        tx.put_profile(&generated.profile).await?;
        for j in &generated.judgements {
            serde_json::to_writer(&mut truth, j)?;
            truth.write_all(b"\n")?;
            graded
                .entry(j.vacancy_id.clone())
                .or_default()
                .push((j.profile_id.clone(), j.grade));
        }
        judgements += generated.judgements.len();
        let p = generated.profile;
        if p.consents_to(ConsentPurpose::Reserve) && p.consents_to(ConsentPurpose::Processing) {
            reserve_consent.insert(p.id.clone());
        }
        everyone.push(p.id);
        bar.inc(1);
    }
    let archive = qabilet_demo::history(&HistoryInput {
        vacancies: &vacancies,
        graded: &graded,
        everyone: &everyone,
        reserve_consent: &reserve_consent,
        seed: config.seed,
        reference: config.reference_date,
    });
    for v in &archive.vacancies {
        tx.put_vacancy(v).await?;
    }
    for a in &archive.applications {
        tx.put_application(a).await?;
    }
    for e in &archive.reserve {
        tx.put_reserve_entry(e).await?;
    }
    let detail = serde_json::to_string(&config)?;
    tx.audit(
        "system",
        "demo.load",
        "dataset",
        &config.seed.to_string(),
        &detail,
    )
    .await?;
    tx.commit().await?;
    // The open vacancies as the HRM would send them: opening one matches the reserve.
    let app = qabilet_app::App::over_store(store.clone(), qabilet_app::Config::load(data_dir)?);
    let operator = qabilet_app::Actor::operator("demo");
    let mut import = Import::begin(&app, &operator, ImportKind::Vacancies).await?;
    for vacancy in &vacancies {
        import.vacancy(vacancy).await?;
        bar.inc(1);
    }
    let tally = import.commit("demo").await?;
    truth.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, &truth_path)?;
    std::fs::write(
        truth_dir.join("config.json"),
        serde_json::to_string_pretty(&config)?,
    )?;
    bar.finish_and_clear();
    println!(
        "loaded {} organisations, {} vacancies, {} profiles into {}; ground truth ({judgements} judgements) in {}",
        organisations.len(),
        vacancies.len(),
        config.profiles,
        store.backend_name(),
        truth_path.display()
    );
    println!(
        "and a year of decided competitions: {} closed vacancies, {} applications, {} runners-up \
         in the second-best registry; {} reserve matches offered for the open vacancies",
        archive.vacancies.len(),
        archive.applications.len(),
        archive.reserve.len(),
        tally.reserve_matches.unwrap_or(0)
    );
    Ok(())
}
