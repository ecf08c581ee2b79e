//! A demo proctoring analysis for `qabilet up`, so the flag queue a newcomer opens
//! as `demo-hr` is not empty: one simulated test cohort of the demo vacancy (the
//! one `demo-commission` is seated on, in demo-hr's organisation), with a rapid
//! responder planted by the simulator (every item at a twelfth of the usual
//! time, guessing on half) and a copying pair planted here, analysed and queued
//! exactly as `POST /proctoring/analyses` would. The honest examinees' answer
//! changes come with the simulation, so flags carry a wrong-to-right index.
//!
//! Done once: skipped when the vacancy already has flags; and the run id is the
//! hash of the input, so even a second save would change nothing.

use qabilet_proctoring::simulate::{simulate, Cheat, SimSpec};
use qabilet_proctoring::{analyze, Config};
use qabilet_store::{FlagFilter, FlagScope, Store};

const HR: &str = "demo-hr";
const COMMISSION: &str = "demo-commission";
const EXAMINEES: usize = 160;
const ITEMS: usize = 40;
/// Share of items the planted copier takes from their neighbour.
const COPIED: usize = 26;

/// The simulated cohort as the JSON input of `proctoring/FORMAT.md`, with a
/// rapid responder and a copier of 65 % of the items.
pub fn cohort() -> anyhow::Result<(Vec<u8>, qabilet_proctoring::Dataset)> {
    let sim = simulate(&SimSpec {
        examinees: EXAMINEES,
        items: ITEMS,
        options: 4,
        cheat: Some((Cheat::RapidResponder, 1)),
        seed: 2026,
    });
    let mut data = sim.dataset;
    let honest: Vec<usize> = (0..data.sessions.len())
        .filter(|j| !sim.cheaters.contains(j))
        .collect();
    let (&copier, &source) = honest
        .first()
        .zip(honest.get(honest.len() / 2))
        .ok_or_else(|| anyhow::anyhow!("simulated cohort too small"))?;
    // Spread the copied items over the form, as someone glancing across would.
    for i in (0..ITEMS).filter(|i| i * COPIED / ITEMS != (i + 1) * COPIED / ITEMS) {
        let option = data.sessions[source].answers[i].option;
        data.sessions[copier].answers[i].option = option;
    }
    let bytes = serde_json::to_vec(&data)?;
    Ok((bytes, data))
}

/// Queues the demo analysis unless the demo vacancy has flags already.
pub async fn ensure(store: &Store) -> anyhow::Result<()> {
    let Some((hr, _)) = store.user(HR).await? else {
        return Ok(());
    };
    let Some(org) = hr.organisation_id else {
        return Ok(());
    };
    let mut vacancy = store.seated_vacancies(COMMISSION).await?.into_iter().next();
    if vacancy.is_none() {
        vacancy = store
            .organisation_vacancies(&org, 1)
            .await?
            .into_iter()
            .next()
            .map(|v| v.id.to_string());
    }
    let Some(vacancy) = vacancy else {
        return Ok(());
    };
    let existing = store
        .proctoring_flags(&FlagFilter {
            scope: FlagScope::All,
            status: None,
            vacancy_id: Some(vacancy.clone()),
            run_id: None,
            after: String::new(),
            limit: 1,
        })
        .await?;
    if !existing.is_empty() {
        eprintln!("      demo proctoring flags exist for {vacancy}");
        return Ok(());
    }
    let for_vacancy = vacancy.clone();
    let (run, flags) = tokio::task::spawn_blocking(move || {
        let (bytes, data) = cohort()?;
        let report = analyze(&data, &Config::default());
        anyhow::Ok(qabilet_app::proctoring::queue_entries(
            &bytes,
            &data,
            &report,
            Some(&for_vacancy),
            HR,
        ))
    })
    .await??;
    let saved = store.save_proctoring_run(&run, &flags).await?;
    eprintln!(
        "      demo proctoring analysis {} for {vacancy}: {} flags queued",
        saved.run_id, saved.flags_queued
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use qabilet_proctoring::{analyze, Config, Detector};

    /// The browser walk opens a rapid-responder flag and a copying pair's flag:
    /// the demo analysis must have both.
    #[test]
    fn the_demo_cohort_has_a_rapid_responder_and_a_copying_pair() {
        let (_, data) = super::cohort().unwrap();
        let report = analyze(&data, &Config::default());
        let has = |d: Detector| report.flags.iter().any(|f| f.detector == d);
        assert!(has(Detector::RapidGuessing), "{:#?}", report.flags);
        assert!(has(Detector::AnswerSimilarity));
    }
}
