//! A real server on a loopback port over a real database, with a small HTTP client
//! and a fixture of organisations, vacancies, profiles, users and keys.
//!
//! Shared by the API's tests and the web pages' (`web/tests` include this file), so
//! a server is started one way: the application core behind the API's router, with
//! the pages' routes merged when a test asks for them.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use chrono::{Duration, Utc};
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use qabilet_api::HttpConfig;
use qabilet_app::accounts::{self, NewApiKey, NewUser};
use qabilet_app::{Actor, App, AppParts, Config, RankingThreads, Role};
use qabilet_domain::{OrganisationId, ProfileId};
use qabilet_indexer::Index;
use qabilet_store::test_support::TestStore;
use serde_json::{json, Value};
use tokio::sync::oneshot;

/// A running server; stopped (gracefully) when dropped.
pub struct Server {
    pub addr: SocketAddr,
    pub db: TestStore,
    pub app: App,
    client: Client<HttpConnector, Full<Bytes>>,
    stop: Option<oneshot::Sender<()>>,
    /// One session per user for the server's life (see [`Server::session_of`]).
    sessions: tokio::sync::Mutex<std::collections::HashMap<String, String>>,
}

/// The routes merged beside the API's: none for the API's own tests, the web pages
/// for theirs (set once per test binary with [`serve_pages`]).
static PAGES: std::sync::OnceLock<fn() -> axum::Router<App>> = std::sync::OnceLock::new();

/// Serves `pages` beside the API in every server this test binary starts.
pub fn serve_pages(pages: fn() -> axum::Router<App>) {
    let _ = PAGES.set(pages);
}

/// The deployment's configuration as the tests run it: the built-in defaults, and
/// an audit signing key made once per test binary (no checkpoint files: a test
/// that wants them gives its app a directory of its own).
pub fn config() -> Config {
    static KEYS: std::sync::LazyLock<tempfile::TempDir> = std::sync::LazyLock::new(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("audit.key"), "11".repeat(32)).unwrap();
        dir
    });
    let mut config = Config::with_defaults();
    config.audit.key_file = Some(KEYS.path().join("audit.key"));
    config
}

/// An app over `db` with `index` and `model`, ranking as a server does.
pub fn app_with(
    db: &TestStore,
    index: Option<Arc<RwLock<Index>>>,
    model: Option<Arc<qabilet_models::EmbeddingModel>>,
) -> App {
    App::new(AppParts {
        store: db.store.clone(),
        config: config(),
        index,
        model,
        ranking_threads: RankingThreads::Sequential,
    })
}

/// The operator the fixture creates users and keys as.
pub fn operator() -> Actor {
    Actor::operator("test")
}

/// A password every fixture user gets (it passes the password rules).
pub const PASSWORD: &str = "тест-құпиясөз-2026";

/// Creates a user with [`PASSWORD`] (unless `new` gives one) and returns the password.
pub async fn create_user(s: &Server, new: &NewUser) -> String {
    let mut new = new.clone();
    let password = new
        .password
        .get_or_insert_with(|| PASSWORD.to_owned())
        .clone();
    accounts::create_user(&s.app, &operator(), &new)
        .await
        .unwrap();
    password
}

/// Creates an API key and returns it.
pub async fn create_api_key(app: &App, id: &str, role: Role) -> String {
    let new = NewApiKey {
        id: id.to_owned(),
        role,
    };
    accounts::create_api_key(app, &operator(), &new)
        .await
        .unwrap()
        .key
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Starts a server over `db` with HTTP settings `tweak`ed.
pub async fn start_with(db: TestStore, tweak: impl FnOnce(&mut HttpConfig)) -> Server {
    let mut http = HttpConfig::default();
    tweak(&mut http);
    let app = app_with(&db, None, None);
    start_app_with(db, app, &http).await
}

/// Starts a server for `app` over `db`.
pub async fn start_app(db: TestStore, app: App) -> Server {
    start_app_with(db, app, &HttpConfig::default()).await
}

pub async fn start_app_with(db: TestStore, app: App, http: &HttpConfig) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let pages = PAGES.get().map_or_else(axum::Router::new, |pages| pages());
    let router = qabilet_api::router(app.clone(), pages, http);
    tokio::spawn(qabilet_api::serve_on(
        router,
        listener,
        http.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    Server {
        addr,
        db,
        app,
        client: client(),
        stop: Some(stop),
        sessions: Default::default(),
    }
}

pub async fn start(db: TestStore) -> Server {
    start_with(db, |_| {}).await
}

/// Starts a server whose app holds `index` for search.
pub async fn start_with_index(db: TestStore, index: Arc<RwLock<Index>>) -> Server {
    let app = app_with(&db, Some(index), None);
    start_app(db, app).await
}

/// A server over `db` with an empty on-disk index, which the test fills with
/// `qabilet_api::follower::follow_once`; the index lives as long as the directory.
pub async fn start_indexed(db: TestStore) -> (Server, Arc<RwLock<Index>>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path(), qabilet_indexer::IndexConfig::default()).unwrap();
    let index = Arc::new(RwLock::new(index));
    (start_with_index(db, index.clone()).await, index, dir)
}

/// A consenting profile with nothing to search with: no jobs, skills or education.
pub fn bare_profile(id: &str) -> Value {
    json!({"id": id, "full_name": "Бос Профиль", "region": "astana",
           "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}]})
}

/// A response: status, headers, raw body and (when JSON) the parsed body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub text: String,
    pub json: Value,
    /// The body as sent (a PDF, say).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The error code of a JSON error body, asserting the one error shape.
    pub fn code(&self) -> &str {
        let code = self.json["error"]["code"].as_str();
        assert!(
            code.is_some() && self.json["error"]["message"].is_string(),
            "not the error shape: {} {}",
            self.status,
            self.text
        );
        code.unwrap_or_default()
    }
}

impl Server {
    pub fn name(&self) -> &'static str {
        self.db.name
    }

    /// The same session of `user` on every call, so a form's CSRF token (bound to
    /// the session) fetched in one request is valid in the next.
    pub async fn session_of(&self, user: &str) -> String {
        let mut sessions = self.sessions.lock().await;
        if let Some(token) = sessions.get(user) {
            return token.clone();
        }
        let token = session_in(&self.app, user).await;
        sessions.insert(user.to_owned(), token.clone());
        token
    }

    /// Sends a request with an optional bearer token and raw body.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        if let Some(token) = token {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let response = self
            .client
            .request(req.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            bytes: bytes.to_vec(),
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.raw(Method::GET, path, token, None, Vec::new()).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.send(Method::POST, path, token, body).await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Reply {
        self.raw(
            method,
            path,
            token,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }
}

/// Tokens of the fixture's callers.
pub struct Tokens {
    pub admin: String,
    pub hrm: String,
    /// HR officer of MF (owns V-1, V-OLD).
    pub hr_mf: String,
    /// HR officer of MJ (owns V-2).
    pub hr_mj: String,
    /// Commission member seated on V-1.
    pub com1: String,
    /// Commission member seated nowhere.
    pub com2: String,
    /// Candidate owning P-1.
    pub cand1: String,
    /// Candidate owning P-2.
    pub cand2: String,
    /// An auditor (oversight, read-only).
    pub auditor: String,
}

/// A session of an existing user, opened as a sign-in would open it, with the
/// second factor taken as checked (the tests of sign-in itself go through
/// `POST /sessions`).
pub async fn session(s: &Server, user: &str) -> String {
    session_in(&s.app, user).await
}

/// [`session`] for an app without a server.
pub async fn session_in(app: &App, user: &str) -> String {
    let (found, _) = app.store().user(user).await.unwrap().expect("no such user");
    accounts::sessions::open_session(app, user, found.role, false, &accounts::Client::default())
        .await
        .unwrap()
        .token
}

pub fn organisation(id: &str) -> Value {
    json!({"id": id, "name_kk": format!("{id} kk"), "name_ru": format!("{id} ru"),
           "kind": "ministry", "region": "astana"})
}

pub fn vacancy(id: &str, org: &str, deadline: chrono::NaiveDate) -> Value {
    json!({
        "id": id, "organisation_id": org,
        "title": "Главный специалист отдела бухгалтерского учёта",
        "description": "Ведение бухгалтерского учета и отчетности",
        "category": "C-O-4", "region": "astana",
        "deadline": deadline.to_string(), "status": "open",
        "requirements": {"education_level": "higher", "min_years_total": 2}
    })
}

pub fn profile(id: &str, name: &str) -> Value {
    json!({
        "id": id, "full_name": name, "gender": "female", "email": format!("{id}@example.kz"),
        "region": "astana", "summary": "Бухгалтер, 5 жыл тәжірибе",
        "education": [{"level": "higher", "specialty": "Есеп және аудит", "institution": "ЕҰУ", "year": 2015}],
        "skills": ["1С"],
        "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}]
    })
}

/// Imports the fixture through the API (as the HRM client) and creates the users.
/// Both fixture candidates apply to V-1 and the first commission member declares
/// no conflict of interest.
pub async fn apply_both_and_declare(s: &Server, t: &Tokens) {
    let name = s.name();
    for token in [&t.cand1, &t.cand2] {
        let r = s
            .post(
                "/vacancies/V-1/applications",
                Some(token),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
    }
    let r = s
        .post(
            "/vacancies/V-1/declaration",
            Some(&t.com1),
            &serde_json::json!({"no_conflict_of_interest": true}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
}

/// The text of a PDF as an independent reader extracts it (poppler's
/// `pdftotext`, which `scripts/test` installs where it is missing).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) must be installed: scripts/test installs it");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A candidate account `user` owning `profile` (already imported), signed in.
pub async fn candidate(s: &Server, user: &str, profile: &str) -> String {
    let new = NewUser {
        id: user.into(),
        role: Role::Candidate,
        organisation_id: None,
        profile_id: Some(ProfileId::new(profile).unwrap()),
        password: None,
    };
    create_user(s, &new).await;
    session(s, user).await
}

/// `token`'s holder declares no conflict of interest on `vacancy`: what everyone
/// who sees names or records a result does first (HR and admins too).
pub async fn declare(s: &Server, token: &str, vacancy: &str) {
    let r = s
        .post(
            &format!("/vacancies/{vacancy}/declaration"),
            Some(token),
            &serde_json::json!({"no_conflict_of_interest": true}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "[{}] declare: {}", s.name(), r.text);
}

pub async fn fixture(s: &Server) -> Tokens {
    let key = create_api_key(&s.app, "hrm-1", Role::Hrm).await;
    let today = Utc::now().date_naive();
    let r = s
        .post(
            "/import/organisations",
            Some(&key),
            &json!([organisation("MF"), organisation("MJ")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
    let r = s
        .post(
            "/import/vacancies",
            Some(&key),
            &json!([
                vacancy("V-1", "MF", today + Duration::days(10)),
                vacancy("V-2", "MJ", today + Duration::days(10)),
                vacancy("V-OLD", "MF", today - Duration::days(3)),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
    let r = s
        .post(
            "/import/profiles",
            Some(&key),
            &json!([
                profile("P-1", "Айгерім Сапарова"),
                profile("P-2", "Ержан Омаров")
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);

    let users: [(&str, Role, Option<&str>, Option<&str>); 8] = [
        ("admin", Role::Admin, None, None),
        ("hr-mf", Role::Hr, Some("MF"), None),
        ("hr-mj", Role::Hr, Some("MJ"), None),
        ("com-1", Role::Commission, None, None),
        ("com-2", Role::Commission, None, None),
        ("cand-1", Role::Candidate, None, Some("P-1")),
        ("cand-2", Role::Candidate, None, Some("P-2")),
        ("aud-1", Role::Auditor, None, None),
    ];
    for (id, role, org, profile) in users {
        let new = NewUser {
            id: id.to_owned(),
            role,
            organisation_id: org.map(|o| OrganisationId::new(o).unwrap()),
            profile_id: profile.map(|p| ProfileId::new(p).unwrap()),
            password: None,
        };
        create_user(s, &new).await;
    }
    let tokens = Tokens {
        admin: session(s, "admin").await,
        hrm: key,
        hr_mf: session(s, "hr-mf").await,
        hr_mj: session(s, "hr-mj").await,
        com1: session(s, "com-1").await,
        com2: session(s, "com-2").await,
        cand1: session(s, "cand-1").await,
        cand2: session(s, "cand-2").await,
        auditor: session(s, "aud-1").await,
    };
    let r = s
        .send(
            Method::PUT,
            "/vacancies/V-1/commission/com-1",
            Some(&tokens.hr_mf),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] seat: {}", s.name(), r.text);
    tokens
}
