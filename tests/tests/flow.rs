//! The whole competition through real HTTP on loopback, on SQLite and PostgreSQL:
//!
//! 1. the HRM system imports an organisation, a vacancy and profiles;
//! 2. candidates sign in and apply;
//! 3. the eligibility check runs (the ranked shortlist) and HR records stage 1;
//! 4. a commission member is refused the shortlist until they declare, then reviews
//!    it ranked and blind;
//! 5. test, interview and decisions are recorded;
//! 6. the runner-up enters the second-best registry;
//! 7. a new vacancy opens and the runner-up's reserve match is notified;
//! 8. every event reaches a real HRM webhook receiver on loopback, signed, once.
//!
//! The server runs with its index follower and webhook delivery, as `qabilet serve`
//! does; no embedding model (the shortlist says the dense signal is absent).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Method;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use qabilet_api::outbox::{spawn_delivery, verify, WebhookConfig};
use qabilet_api::HttpConfig;
use qabilet_app::accounts::{self, NewApiKey};
use qabilet_app::follower::{spawn_follower, DEFAULT_TICK};
use qabilet_app::{Actor, App, AppParts, Config, RankingThreads, Role};
use qabilet_indexer::{Index, IndexConfig};
use qabilet_store::test_support;
use serde_json::{json, Value};

const WEBHOOK_SECRET: &[u8] = b"hrm-shared-secret";

/// What the HRM receiver saw: events by idempotency key, first sighting only.
#[derive(Default)]
struct Hrm {
    events: BTreeMap<String, Value>,
    duplicates: usize,
    bad_signatures: usize,
}

async fn hrm_receive(
    State(hrm): State<Arc<Mutex<Hrm>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut hrm = hrm.lock().unwrap();
    let signature = headers
        .get("x-qabilet-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !verify(WEBHOOK_SECRET, signature, &body) {
        hrm.bad_signatures += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let key = headers["idempotency-key"].to_str().unwrap().to_owned();
    let kind = headers
        .get("x-qabilet-event")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let payload: Value = serde_json::from_slice(&body).unwrap();
    match hrm.events.entry(key) {
        std::collections::btree_map::Entry::Occupied(_) => hrm.duplicates += 1,
        std::collections::btree_map::Entry::Vacant(slot) => {
            slot.insert(json!({"kind": kind, "payload": payload}));
        }
    }
    StatusCode::OK
}

struct Api {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Api {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if !token.is_empty() {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        let bytes = match body {
            Some(b) => {
                req = req.header("content-type", "application/json");
                b.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let response = self
            .client
            .request(req.body(Full::new(Bytes::from(bytes))).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(Method::GET, path, token, None).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, token, Some(&body)).await
    }

    /// Creates a user as the admin and signs them in with the returned password;
    /// a role that must have a second factor sets it up, as its first session must.
    async fn user(&self, admin: &str, body: Value) -> String {
        let (status, created) = self.post("/users", admin, body).await;
        assert_eq!(status, 201, "{created}");
        let login = json!({"user_id": created["id"], "password": created["password"]});
        let (status, session) = self.post("/sessions", "", login).await;
        assert_eq!(status, 200, "{session}");
        let token = session["token"].as_str().unwrap().to_owned();
        if session["second_factor_setup_required"] == true {
            let (status, e) = self.get("/vacancies", &token).await;
            assert_eq!(
                (status, e["error"]["code"].as_str()),
                (403, Some("second_factor_setup_required"))
            );
            let (status, enrolment) = self
                .post("/account/second-factor", &token, json!(null))
                .await;
            assert_eq!(status, 200, "{enrolment}");
            let secret = enrolment["secret"].as_str().unwrap();
            let code = qabilet_app::accounts::second_factor::current_code(secret).unwrap();
            let (status, codes) = self
                .post(
                    "/account/second-factor/confirm",
                    &token,
                    json!({"code": code}),
                )
                .await;
            assert_eq!(status, 200, "{codes}");
            assert_eq!(codes["recovery_codes"].as_array().unwrap().len(), 10);
        }
        token
    }
}

fn profile(id: &str, name: &str, education: &str, years: i32, reserve: bool) -> Value {
    let mut consents = vec![json!({"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"})];
    if reserve {
        consents.push(json!({"purpose": "reserve", "granted_at": "2026-01-01T00:00:00Z"}));
    }
    json!({
        "id": id, "full_name": name, "gender": "female", "email": format!("{id}@example.kz"),
        "region": "astana",
        "summary": "Бухгалтер: бухгалтерский учет, налоговая отчетность, 1С.",
        "education": [{"level": education, "specialty": "Учет и аудит", "institution": "КазЭУ", "year": 2010}],
        "experience": [{"organisation": "Министерство финансов", "position": "Бухгалтер",
                        "sector": "public", "start": format!("{}-01-01", 2025 - years),
                        "duties": "Ведение бухгалтерского учета и налоговой отчетности"}],
        "skills": ["1С", "бухгалтерский учет"],
        "consents": consents,
    })
}

fn vacancy(id: &str, status: &str) -> Value {
    let deadline = chrono::Utc::now().date_naive() + chrono::Duration::days(20);
    json!({
        "id": id, "organisation_id": "MF",
        "title": "Главный специалист по бухгалтерскому учету",
        "description": "Бухгалтерский учет и налоговая отчетность министерства",
        "category": "C-O-4", "region": "astana", "deadline": deadline.to_string(), "status": status,
        "requirements": {"education_level": "higher", "min_years_total": 2,
                         "competencies": ["бухгалтерский учет", "1С"]}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_competition_from_import_to_reserve_match() {
    for db in test_support::all().await {
        let name = db.name;
        let store = db.store.clone();

        // The HRM receiver, the server with its follower and delivery worker.
        let hrm = Arc::new(Mutex::new(Hrm::default()));
        let receiver = axum::Router::new()
            .route("/hrm/events", axum::routing::post(hrm_receive))
            .with_state(hrm.clone());
        let hrm_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hrm_addr = hrm_listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(hrm_listener, receiver).await });

        let dir = tempfile::tempdir().unwrap();
        let index = Arc::new(RwLock::new(
            Index::open(dir.path(), IndexConfig::default()).unwrap(),
        ));
        let config = Config::with_defaults();
        let app = App::new(AppParts {
            store: store.clone(),
            config,
            index: Some(index.clone()),
            model: None,
            ranking_threads: RankingThreads::Sequential,
        });
        let router =
            qabilet_api::router(app.clone(), qabilet_web::routes(), &HttpConfig::default());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut shutdown = stopped.clone();
        let server = tokio::spawn(qabilet_api::serve_on(
            router,
            listener,
            Default::default(),
            async move {
                let _ = shutdown.wait_for(|s| *s).await;
            },
        ));
        let follower = spawn_follower(
            store.clone(),
            index.clone(),
            None,
            DEFAULT_TICK,
            stopped.clone(),
        );
        let mut webhook = WebhookConfig::new(
            format!("http://{hrm_addr}/hrm/events"),
            WEBHOOK_SECRET.to_vec(),
        );
        webhook.poll_interval = Duration::from_millis(50);
        let delivery = spawn_delivery(store.clone(), webhook, stopped);
        let api = Api {
            base: format!("http://{addr}"),
            client: Client::builder(TokioExecutor::new()).build_http(),
        };

        // 1. Import.
        let setup = Actor::operator("setup");
        let key = |id: &str, role| NewApiKey {
            id: id.to_owned(),
            role,
        };
        let hrm_key = accounts::create_api_key(&app, &setup, &key("hrm-1", Role::Hrm))
            .await
            .unwrap()
            .key;
        let admin_key = accounts::create_api_key(&app, &setup, &key("admin-1", Role::Admin))
            .await
            .unwrap()
            .key;
        let org = json!([{"id": "MF", "name_kk": "Қаржы министрлігі", "name_ru": "Министерство финансов",
                          "kind": "ministry", "region": "astana"}]);
        assert_eq!(
            api.post("/import/organisations", &hrm_key, org).await.0,
            200
        );
        let (status, body) = api
            .post(
                "/import/vacancies",
                &hrm_key,
                json!([vacancy("V-1", "open")]),
            )
            .await;
        assert_eq!(status, 200, "[{name}] {body}");
        let profiles = json!([
            profile("P-1", "Айгүл Нұрланқызы", "master", 9, true),
            profile("P-2", "Марат Сейітов", "higher", 6, true),
            profile("P-3", "Олжас Бекұлы", "secondary", 4, true),
        ]);
        assert_eq!(
            api.post("/import/profiles", &hrm_key, profiles).await.0,
            200
        );

        // 2. Candidates sign in and apply.
        let mut applications = BTreeMap::new();
        let mut candidates = BTreeMap::new();
        for p in ["P-1", "P-2", "P-3"] {
            let user = format!("cand-{p}");
            let token = api
                .user(
                    &admin_key,
                    json!({"id": user, "role": "candidate", "profile_id": p}),
                )
                .await;
            let (status, app) = api
                .post("/vacancies/V-1/applications", &token, json!({}))
                .await;
            assert_eq!(status, 201, "[{name}] {app}");
            applications.insert(p.to_owned(), app["id"].as_str().unwrap().to_owned());
            candidates.insert(p.to_owned(), token);
        }

        // 3. Eligibility: HR reads the ranked shortlist and records stage 1 from it.
        let hr = api
            .user(
                &admin_key,
                json!({"id": "hr-mf", "role": "hr", "organisation_id": "MF"}),
            )
            .await;
        let (status, _) = api.get("/vacancies/V-1/shortlist?blind=false", &hr).await;
        assert_eq!(
            status, 403,
            "[{name}] names only after HR's own declaration"
        );
        let (status, body) = api
            .post(
                "/vacancies/V-1/declaration",
                &hr,
                json!({"no_conflict_of_interest": true}),
            )
            .await;
        assert_eq!(status, 201, "[{name}] {body}");
        let (status, list) = api.get("/vacancies/V-1/shortlist?blind=false", &hr).await;
        assert_eq!(status, 200, "[{name}] {list}");
        assert_eq!(list["ranked"], true);
        assert_eq!(list["signals"]["dense"], false);
        let eligible: Vec<String> = list["eligible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["profile_id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(eligible.len(), 2, "[{name}] {list}");
        assert_eq!(list["ineligible"][0]["profile_id"], "P-3");
        assert_eq!(list["ineligible"][0]["failed"][0]["rule"], "education");
        for (p, app) in &applications {
            let (outcome, reason) = if eligible.contains(p) {
                ("passed", "meets every rule")
            } else {
                ("failed", "education: secondary, higher required")
            };
            let stage =
                json!({"stage": "qualification_check", "outcome": outcome, "reason": reason});
            let (status, body) = api
                .post(&format!("/applications/{app}/stages"), &hr, stage)
                .await;
            assert_eq!(status, 200, "[{name}] {body}");
        }

        // 4. The commission: seated, refused until declared, then reviews blind.
        let member = api
            .user(&admin_key, json!({"id": "com-1", "role": "commission"}))
            .await;
        let (status, _) = api
            .call(
                Method::PUT,
                "/vacancies/V-1/commission/com-1",
                &hr,
                Some(&json!({})),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(api.get("/vacancies/V-1/shortlist", &member).await.0, 403);
        let declaration =
            json!({"no_conflict_of_interest": true, "statement": "Родственных связей нет"});
        assert_eq!(
            api.post("/vacancies/V-1/declaration", &member, declaration)
                .await
                .0,
            201
        );
        let (status, blind) = api.get("/vacancies/V-1/shortlist", &member).await;
        assert_eq!(status, 200, "[{name}] {blind}");
        let text = blind.to_string();
        assert!(
            !text.contains("Айгүл") && !text.contains("Сейітов") && !text.contains("example.kz")
        );
        assert_eq!(
            blind["eligible"][0]["profile_id"], "P-1",
            "[{name}] the stronger first"
        );
        let (status, _) = api
            .post("/vacancies/V-1/shortlist/publish", &hr, json!({}))
            .await;
        assert_eq!(status, 200);

        // 5. Test and interview (HR, commission), then the decisions.
        for (p, score) in [("P-1", 88.0), ("P-2", 81.0)] {
            let app = &applications[p];
            let test = json!({"stage": "test", "outcome": "passed", "score": score, "reason": "test passed"});
            assert_eq!(
                api.post(&format!("/applications/{app}/stages"), &hr, test)
                    .await
                    .0,
                200
            );
            let interview = json!({"stage": "interview", "outcome": "passed", "score": score, "reason": "interviewed"});
            let (status, body) = api
                .post(&format!("/applications/{app}/stages"), &member, interview)
                .await;
            assert_eq!(status, 200, "[{name}] {body}");
        }
        let decide = |outcome: &str, score: f64| {
            json!({"stage": "decision", "outcome": outcome, "score": score,
                   "reason": "по итогам собеседования"})
        };
        let (status, body) = api
            .post(
                &format!("/applications/{}/stages", applications["P-2"]),
                &member,
                decide("failed", 81.0),
            )
            .await;
        assert_eq!(status, 200, "[{name}] {body}");
        let (status, body) = api
            .post(
                &format!("/applications/{}/stages", applications["P-1"]),
                &member,
                decide("passed", 88.0),
            )
            .await;
        assert_eq!(status, 200, "[{name}] {body}");

        // 6. The runner-up is in the second-best registry.
        let (status, reserve) = api.get("/reserve?kind=second_best&active=true", &hr).await;
        assert_eq!(status, 200, "[{name}] {reserve}");
        let entries = reserve.as_array().unwrap();
        assert_eq!(entries.len(), 1, "[{name}] {reserve}");
        assert_eq!(entries[0]["profile_id"], "P-2");
        assert_eq!(entries[0]["origin_vacancy_id"], "V-1");
        assert_eq!(entries[0]["rank"], 2);

        // 7. A new vacancy opens (imported as draft, then opened): the reserve is
        // matched first.
        let (_, body) = api
            .post(
                "/import/vacancies",
                &hrm_key,
                json!([vacancy("V-2", "draft")]),
            )
            .await;
        assert_eq!(
            body["reserve_matches"], 0,
            "[{name}] a draft notifies nobody"
        );
        let (status, body) = api
            .post(
                "/import/vacancies",
                &hrm_key,
                json!([vacancy("V-2", "open")]),
            )
            .await;
        assert_eq!(status, 200, "[{name}] {body}");
        assert_eq!(body["reserve_matches"], 1, "[{name}] {body}");

        // 8. Every event reaches the HRM receiver, once, signed.
        let (_, feed) = api.get("/events?after=0&limit=500", &hrm_key).await;
        let feed = feed["events"].as_array().unwrap().clone();
        let started = Instant::now();
        loop {
            if hrm.lock().unwrap().events.len() >= feed.len() {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "[{name}] events not delivered"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        {
            let hrm_seen = hrm.lock().unwrap();
            assert_eq!(hrm_seen.bad_signatures, 0);
            assert_eq!(hrm_seen.duplicates, 0);
            let kinds: Vec<&str> = hrm_seen
                .events
                .values()
                .map(|e| e["kind"].as_str().unwrap())
                .collect();
            for kind in [
                "shortlist_published",
                "stage_result",
                "decision",
                "reserve_match",
            ] {
                assert!(kinds.contains(&kind), "[{name}] no {kind}: {kinds:?}");
            }
            // 3 qualification + 2 tests + 2 interviews + 2 decisions + publish + match.
            assert_eq!(hrm_seen.events.len(), 11, "[{name}] {kinds:?}");
            assert_eq!(feed.len(), 11);
            let matched = hrm_seen
                .events
                .values()
                .find(|e| e["kind"] == "reserve_match")
                .unwrap();
            assert_eq!(matched["payload"]["profile_id"], "P-2");
            assert_eq!(matched["payload"]["vacancy_id"], "V-2");
        }

        // 9. The person learns it too: the runner-up's inbox holds their results
        // and the reserve offer with its fit, newest first; nobody else's.
        let (status, inbox) = api.get("/notifications", &candidates["P-2"]).await;
        assert_eq!(status, 200, "[{name}] {inbox}");
        let items = inbox.as_array().unwrap();
        assert_eq!(items[0]["kind"], "reserve_offer", "[{name}] {inbox}");
        assert_eq!(items[0]["vacancy_id"], "V-2");
        assert!(
            items[0]["fit"]["fit"].as_f64().unwrap() >= 0.7,
            "[{name}] {inbox}"
        );
        let results = items
            .iter()
            .filter(|n| n["kind"] != "reserve_offer")
            .count();
        assert!(results >= 3, "[{name}] {inbox}");
        let (_, other) = api.get("/notifications", &candidates["P-3"]).await;
        let other = other.as_array().unwrap();
        assert!(
            other.iter().all(|n| n["kind"] != "reserve_offer"),
            "[{name}] {other:?}"
        );
        assert_eq!(
            other.len(),
            1,
            "[{name}] P-3 failed the qualification: {other:?}"
        );
        let (status, _) = api.get("/notifications", &hr).await;
        assert_eq!(status, 403, "[{name}] only the person");

        // The audit chain holds and names the reviews and decisions.
        let (_, audit) = api.get("/audit?limit=500", &admin_key).await;
        let actions: Vec<&str> = audit
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for action in [
            "shortlist.view",
            "commission.declare",
            "decision.record",
            "reserve.enter",
        ] {
            assert!(actions.contains(&action), "[{name}] {action} missing");
        }
        assert_eq!(api.get("/audit/verify", &admin_key).await.1["intact"], true);

        drop(api);
        stop.send(true).unwrap();
        server.await.unwrap().unwrap();
        delivery.await.unwrap();
        follower.await.unwrap();
    }
}
