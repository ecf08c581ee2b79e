//! The API's test server with the web pages merged in: the same harness as the
//! API's own tests (one way to start a server), serving `qabilet_web::routes`.

#![allow(dead_code)]

#[path = "../../../api/tests/common/mod.rs"]
mod server;

pub use server::*;

/// Starts serving the pages beside the API; call before starting a server.
pub fn pages() {
    serve_pages(qabilet_web::routes);
}

/// [`server::start`] with the pages.
pub async fn start(db: qabilet_store::test_support::TestStore) -> Server {
    pages();
    server::start(db).await
}

/// [`server::start_indexed`] with the pages.
pub async fn start_indexed(
    db: qabilet_store::test_support::TestStore,
) -> (
    Server,
    std::sync::Arc<std::sync::RwLock<qabilet_indexer::Index>>,
    tempfile::TempDir,
) {
    pages();
    server::start_indexed(db).await
}

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode};

/// A page as the browser got it.
pub struct Page {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub text: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first `name="csrf"` hidden field.
    pub fn csrf(&self) -> String {
        let at = self
            .text
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        self.text[at..at + 32].to_owned()
    }
}

/// A request with an optional session cookie and form body.
pub async fn web(
    s: &Server,
    method: Method,
    path: &str,
    user: Option<&str>,
    form: Option<&str>,
) -> Page {
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(format!("http://{}{path}", s.addr))
        .header("accept-language", "en");
    if let Some(user) = user {
        req = req.header(
            "cookie",
            format!("qb_lang=en; qb_session={}", s.session_of(user).await),
        );
    }
    if form.is_some() {
        req = req.header("content-type", "application/x-www-form-urlencoded");
    }
    let body = Full::new(Bytes::from(form.unwrap_or("").to_owned()));
    let response = client()
        .request(req.body(body).unwrap())
        .await
        .expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(s: &Server, path: &str, user: Option<&str>) -> Page {
    web(s, Method::GET, path, user, None).await
}

pub async fn post(s: &Server, path: &str, user: &str, form: &str) -> Page {
    web(s, Method::POST, path, Some(user), Some(form)).await
}
