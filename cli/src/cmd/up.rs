//! `qabilet up`: the one command that runs Qabilet on a fresh machine.
//!
//! Each step is skipped when already done, so running it again is quick: fetch the
//! embedding models, open the store, load the demo data when the store is empty,
//! bring the index and vectors up to date with the store, create the demo accounts
//! (once, see `demo_accounts`) and a demo proctoring analysis for the flag queue
//! (once, see `demo_proctoring`), then serve the API and the web pages.

use clap::Args;
use qabilet_models::fetch_models;

use super::demo::{self, DemoArgs};
use crate::Context;

/// Fetch the models if missing, load the demo data into an empty store, sync the
/// index, and serve.
#[derive(Args)]
pub struct UpArgs {
    /// Skip loading the demo data even when the store is empty.
    #[arg(long)]
    pub no_demo: bool,
    /// Skip fetching and using the embedding models: search and ranking use BM25 and
    /// the structured fit only (quick start, tests).
    #[arg(long)]
    pub no_models: bool,
    #[command(flatten)]
    pub serve: super::serve::ServeArgs,
}

pub async fn run(args: UpArgs, ctx: &Context) -> anyhow::Result<()> {
    eprintln!("[1/4] embedding models");
    if args.no_models {
        eprintln!("      skipped (--no-models)");
    } else {
        let data_dir = ctx.data_dir.clone();
        tokio::task::spawn_blocking(move || fetch_models(&data_dir, true)).await??;
    }

    eprintln!("[2/4] store");
    let store = ctx.store().await?;
    let counts = store.counts().await?;
    if counts.vacancies == 0 && counts.profiles == 0 && !args.no_demo {
        let demo_args = DemoArgs {
            seed: qabilet_demo::DemoConfig::default().seed,
            organisations: qabilet_demo::DemoConfig::default().organisations,
            vacancies: qabilet_demo::DemoConfig::default().vacancies,
            profiles: qabilet_demo::DemoConfig::default().profiles,
            reference_date: None,
            out: None,
            no_judgements: false,
        };
        demo::load(&demo_args, &store, &ctx.data_dir).await?;
    } else {
        eprintln!(
            "      {} vacancies, {} profiles already in the {} store",
            counts.vacancies,
            counts.profiles,
            store.backend_name()
        );
    }

    eprintln!("[3/4] index and vectors");
    let model = if args.no_models {
        None
    } else {
        super::default_model(&ctx.data_dir)?
    };
    let embedder = model
        .as_ref()
        .map(|m| m as &dyn qabilet_indexer::sync::Embedder);
    super::index::sync(&store, &super::index_dir(&ctx.data_dir), embedder).await?;

    // `serve` loads the model again for query embeddings (unless --no-model); this
    // copy is freed first so the two are never in memory together.
    if let Some(m) = &model {
        eprintln!(
            "      vectors by {} ({}); for bulk indexing a static model can be distilled \
             once with `qabilet models distill` (minutes), and int8 set with \
             `qabilet models precision int8`",
            m.model_id(),
            m.precision().as_str()
        );
    }
    drop(model);
    if !args.no_demo {
        super::demo_accounts::ensure(&store, &ctx.data_dir).await?;
        super::demo_proctoring::ensure(&store).await?;
    }
    eprintln!("[4/4] serve on http://{}", args.serve.addr);
    super::serve::run(args.serve, store, &ctx.data_dir).await
}
