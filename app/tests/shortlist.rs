//! The competition shortlist scores exactly the applicants: 10,000 people who did
//! not apply, written in the vacancy's own words, leave every applicant's rank,
//! score and BM25 part unchanged, and an applicant far below the global top list
//! still has their BM25 score. The deployment's `ranking.json` changes the ranking
//! at the next request, without a restart. On SQLite and PostgreSQL.

use std::sync::{Arc, RwLock};

use chrono::{Duration, Utc};
use qabilet_app::config::{write_ranking, RankingFile};
use qabilet_app::shortlist::{self, Shortlist, ShortlistOptions};
use qabilet_app::{Actor, App, AppParts, Config, RankingThreads};
use qabilet_demo::{DemoConfig, Generator};
use qabilet_domain::{Application, ApplicationId, Profile, ProfileId, Vacancy};
use qabilet_indexer::sync::catch_up;
use qabilet_indexer::{Filters, Index, IndexConfig};
use qabilet_matcher::ranking::{vacancy_query, RankingConfig};
use qabilet_store::{test_support, Store};

/// (application, rank, score, raw BM25, structured) of one applicant.
type Ranked = (String, usize, f32, Option<f32>, Option<f32>);

/// Every eligible and ineligible applicant, in order.
fn ranking(view: &Shortlist) -> Vec<Ranked> {
    let mut out: Vec<_> = view
        .eligible
        .iter()
        .map(|e| {
            let p = &e.explanation.parts;
            (
                e.application_id.clone(),
                e.rank,
                e.score,
                p.bm25.map(|s| s.raw),
                p.structured.map(|s| s.raw),
            )
        })
        .collect();
    out.extend(
        view.ineligible
            .iter()
            .map(|i| (i.application_id.clone(), 0, i.score, None, None)),
    );
    out
}

/// BM25 over the whole index (everyone), by profile id.
fn global_bm25(app: &App, words: &str) -> std::collections::HashMap<String, f32> {
    let index = app.index().unwrap().read().unwrap();
    index
        .match_profiles(words, &Filters::default(), 1_000)
        .unwrap()
        .all
        .into_iter()
        .map(|h| (h.id, h.score))
        .collect()
}

async fn sync(app: &App) {
    let index = app.index().unwrap().clone();
    let store = app.store().clone();
    tokio::task::spawn_blocking(move || {
        let mut index = index.write().unwrap();
        tokio::runtime::Handle::current().block_on(catch_up(&store, &mut index, None, &()))
    })
    .await
    .unwrap()
    .unwrap();
}

/// A person who did not apply: the best-matching applicant's profile with the
/// vacancy's words added, so they outrank every applicant on BM25.
fn outsider(i: usize, words: &str, template: &Profile) -> Profile {
    let mut p = template.clone();
    p.id = ProfileId::new(format!("X-{i:05}")).unwrap();
    p.full_name = format!("Outsider {i}");
    p.summary = format!("{} {words}. {words}", template.summary);
    p.skills
        .extend(words.split_whitespace().take(12).map(str::to_owned));
    p
}

/// A competition for the first generated vacancy among `people` generated
/// profiles, every `every`-th of whom applied; the vacancy and everyone.
async fn competition(store: &Store, people: usize, every: usize) -> (Vacancy, Vec<Profile>) {
    let g = Generator::new(DemoConfig {
        organisations: 12,
        vacancies: 6,
        profiles: people,
        ..DemoConfig::default()
    });
    let vacancy = g.vacancies().into_iter().next().unwrap();
    let profiles: Vec<Profile> = g.profiles().collect();
    let mut tx = store.begin().await.unwrap();
    for o in g.organisations() {
        tx.put_organisation(&o).await.unwrap();
    }
    tx.put_vacancy(&vacancy).await.unwrap();
    for (i, p) in profiles.iter().enumerate() {
        tx.put_profile(p).await.unwrap();
        if i % every == 0 {
            tx.put_application(&Application {
                id: ApplicationId::new(format!("A-{i:03}")).unwrap(),
                vacancy_id: vacancy.id.clone(),
                profile_id: p.id.clone(),
                submitted_at: Utc::now() - Duration::days(1),
                stages: Vec::new(),
                preference: None,
            })
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    (vacancy, profiles)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shortlist_depends_on_the_applicants_alone() {
    for db in test_support::all().await {
        let name = db.name;
        // Every 5th person applies: 80 applicants among 400.
        let (vacancy, profiles) = competition(&db.store, 400, 5).await;
        let applicants: Vec<&Profile> = profiles.iter().step_by(5).collect();
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open(dir.path(), IndexConfig::default()).unwrap();
        let app = App::new(AppParts {
            store: db.store.clone(),
            config: Config::with_defaults(),
            index: Some(Arc::new(RwLock::new(index))),
            model: None,
            ranking_threads: RankingThreads::Sequential,
        });
        sync(&app).await;
        let operator = Actor::operator("test");
        let opts = ShortlistOptions {
            blind: true,
            limit: 500,
        };
        let before = shortlist::shortlist(&app, &operator, &vacancy.id, opts, "test")
            .await
            .unwrap();
        assert_eq!(before.applicants, applicants.len(), "[{name}]");
        assert!(before.signals.bm25, "[{name}] {:?}", before.signals);
        let before_ranking = ranking(&before);

        // 10,000 people who did not apply, each with the vacancy's query words.
        let words = vacancy_query(&vacancy);
        let applicant_ids: std::collections::HashSet<&str> =
            applicants.iter().map(|p| p.id.as_str()).collect();
        let mut global_before = global_bm25(&app, &words);
        global_before.retain(|id, _| applicant_ids.contains(id.as_str()));
        assert!(!global_before.is_empty(), "[{name}]");
        let strongest = before
            .eligible
            .iter()
            .max_by(|a, b| {
                let raw = |e: &qabilet_app::shortlist::RankedEntry| {
                    e.explanation.parts.bm25.map_or(0.0, |p| p.raw)
                };
                raw(a).total_cmp(&raw(b))
            })
            .unwrap();
        let template = profiles
            .iter()
            .find(|p| p.id.as_str() == strongest.profile_id)
            .unwrap();
        for chunk in 0..10 {
            let mut tx = db.store.begin().await.unwrap();
            for i in chunk * 1_000..(chunk + 1) * 1_000 {
                tx.put_profile(&outsider(i, &words, template))
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        sync(&app).await;
        let after = shortlist::shortlist(&app, &operator, &vacancy.id, opts, "test")
            .await
            .unwrap();
        assert!(
            after.provenance.index_version > before.provenance.index_version,
            "[{name}] the index took the outsiders in"
        );
        assert_eq!(
            ranking(&after),
            before_ranking,
            "[{name}] the applicants' ranking moved with people who did not apply"
        );

        // The test has teeth: BM25 over the whole index, as the shortlist once took
        // it, moved for the applicants when the outsiders came.
        let global_after = global_bm25(&app, &words);
        let moved = global_before
            .iter()
            .filter(|(id, score)| {
                global_after
                    .get(*id)
                    .is_none_or(|after| (after - *score).abs() > 1e-3 * score.abs())
            })
            .count();
        assert!(moved > 0, "[{name}] the outsiders moved no global score");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranking_json_changes_the_ranking_at_the_next_request() {
    let db = test_support::sqlite().await;
    let (vacancy, _) = competition(&db.store, 120, 3).await;
    let data_dir = tempfile::tempdir().unwrap();
    let index = Index::open(&data_dir.path().join("index"), IndexConfig::default()).unwrap();
    let mut config = Config::with_defaults();
    config.ranking = RankingFile::load(data_dir.path()).unwrap();
    let app = App::new(AppParts {
        store: db.store.clone(),
        config,
        index: Some(Arc::new(RwLock::new(index))),
        model: None,
        ranking_threads: RankingThreads::Sequential,
    });
    sync(&app).await;
    let operator = Actor::operator("test");
    let opts = ShortlistOptions {
        blind: true,
        limit: 100,
    };
    let first = shortlist::shortlist(&app, &operator, &vacancy.id, opts, "test")
        .await
        .unwrap();
    // BM25 alone now: a different deployment's weights.
    let bm25_only = RankingConfig {
        bm25_weight: 1.0,
        dense_weight: 0.0,
        structured_weight: 0.0,
        ..RankingConfig::default()
    };
    write_ranking(data_dir.path(), &bm25_only).unwrap();
    let second = shortlist::shortlist(&app, &operator, &vacancy.id, opts, "test")
        .await
        .unwrap();
    assert_ne!(first.ranking_version, second.ranking_version);
    assert_ne!(ranking(&first), ranking(&second));
    let top = &second.eligible[0].explanation.parts;
    assert_eq!(top.bm25.unwrap().weight, 1.0);
    assert_eq!(second.eligible[0].score, top.bm25.unwrap().contribution);
}

/// The whole blind shortlist of `vacancy` as an operator sees it.
async fn view(app: &App, vacancy: &qabilet_domain::VacancyId) -> Arc<Shortlist> {
    let opts = ShortlistOptions {
        blind: true,
        limit: 500,
    };
    shortlist::shortlist(app, &Actor::operator("test"), vacancy, opts, "test")
        .await
        .unwrap()
}

/// A ranking from kept decoded profiles and kept pair checks is the ranking from
/// the store's: a consent withdrawn, a profile rewritten, a profile erased and the
/// vacancy's requirements raised show in the next view. The second app decodes
/// and checks every applicant on every view; neither keeps rankings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_profiles_rank_as_the_stored_ones_after_every_write() {
    for db in test_support::all().await {
        let name = db.name;
        let (vacancy, profiles) = competition(&db.store, 90, 3).await;
        let dir = tempfile::tempdir().unwrap();
        let index = Arc::new(RwLock::new(
            Index::open(dir.path(), IndexConfig::default()).unwrap(),
        ));
        let app_with = |profile_cache_bytes: u64, kept_pairs: u64| {
            let mut config = Config::with_defaults();
            config.limits.shortlist_cache_applicants = 0;
            config.limits.profile_cache_bytes = profile_cache_bytes;
            config.limits.kept_pairs = kept_pairs;
            App::new(AppParts {
                store: db.store.clone(),
                config,
                index: Some(index.clone()),
                model: None,
                ranking_threads: RankingThreads::Sequential,
            })
        };
        let (kept, read) = (app_with(64 << 20, 10_000), app_with(0, 0));
        sync(&kept).await;
        let first = view(&kept, &vacancy.id).await;
        assert_eq!(first.applicants, 30, "[{name}]");
        assert_eq!(ranking(&first), ranking(&*view(&read, &vacancy.id).await));

        // The first applicant withdraws consent, the best-ranked one is rewritten
        // without skills or experience, the last is erased.
        let best = first.eligible[0].profile_id.clone();
        let mut tx = db.store.begin().await.unwrap();
        let mut withdrawn = profiles[0].clone();
        for c in &mut withdrawn.consents {
            c.revoked_at = Some(Utc::now());
        }
        tx.put_profile(&withdrawn).await.unwrap();
        let mut rewritten = profiles
            .iter()
            .find(|p| p.id.as_str() == best)
            .unwrap()
            .clone();
        rewritten.skills.clear();
        rewritten.experience.clear();
        tx.put_profile(&rewritten).await.unwrap();
        tx.delete_profile(&profiles[87].id).await.unwrap();
        tx.commit().await.unwrap();
        sync(&kept).await;

        let after = view(&kept, &vacancy.id).await;
        assert_eq!(after.applicants, 28, "[{name}]");
        let shown = |p: &str| {
            after.eligible.iter().any(|e| e.profile_id == p)
                || after.ineligible.iter().any(|e| e.profile_id == p)
        };
        assert!(
            !shown(profiles[0].id.as_str()),
            "[{name}] consent withdrawn"
        );
        assert!(!shown(profiles[87].id.as_str()), "[{name}] erased");
        let entry_of = |view: &Shortlist| {
            let application = &first.eligible[0].application_id;
            ranking(view).into_iter().find(|r| &r.0 == application)
        };
        assert_ne!(
            entry_of(&first),
            entry_of(&after),
            "[{name}] the rewrite moved nothing"
        );
        assert_eq!(
            ranking(&after),
            ranking(&*view(&read, &vacancy.id).await),
            "[{name}] the kept profiles ranked otherwise than the stored ones"
        );

        // The vacancy now asks for more years than most applicants have: the
        // kept checks of the old requirements must not be used.
        let mut raised = vacancy.clone();
        raised.requirements.min_years_total = 12;
        let mut tx = db.store.begin().await.unwrap();
        tx.put_vacancy(&raised).await.unwrap();
        tx.commit().await.unwrap();
        sync(&kept).await;
        let stricter = view(&kept, &vacancy.id).await;
        assert!(
            stricter.ineligible_total > after.ineligible_total,
            "[{name}] {} ineligible before the change, {} after",
            after.ineligible_total,
            stricter.ineligible_total
        );
        assert_eq!(
            ranking(&stricter),
            ranking(&*view(&read, &vacancy.id).await),
            "[{name}] the kept checks ranked otherwise than fresh ones"
        );
    }
}
