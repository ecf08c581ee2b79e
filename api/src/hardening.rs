//! What every response and every request is held to, API and pages alike.
//!
//! - Security headers on every response: a Content-Security-Policy that allows no
//!   inline script or style and no framing, `X-Frame-Options: DENY`,
//!   `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, and
//!   `Cache-Control: no-store` unless the route set its own (almost every answer
//!   carries personal data; the few that may be cached, such as the stylesheet,
//!   say so themselves).
//! - Bounds on the request line and headers, answered in the one JSON error shape
//!   (414, 431): before hyper parses a connection's first request head
//!   ([`oversized_first_head`]; hyper's own 414/431 have empty bodies), and before
//!   routing for every request ([`request_bounds`]).
//! - A response sent before its request's body was read (a refusal on the query
//!   string, the route or the caller) says `Connection: close`
//!   ([`close_if_body_unread`]). hyper closes such a connection rather than read
//!   the rest of the body; without the header a client puts it back in its pool
//!   and its next request on it fails as an incomplete message (seen in the test
//!   suite as a flaky `IncompleteMessage` after a 400).

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::error_body;

/// The longest request target (path and query) accepted.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The most header bytes (names and values) accepted.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to a response.
pub(crate) async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        error_body(code, message, None),
    )
        .into_response()
}

/// Refuses a request whose target or headers are larger than the bounds.
pub(crate) async fn request_bounds(request: Request, next: Next) -> Response {
    let uri_len = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return refuse(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            &format!("the request's path and query are longer than {MAX_URI_BYTES} bytes"),
        );
    }
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return refuse(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            &format!("the request's headers are larger than {MAX_HEADER_BYTES} bytes"),
        );
    }
    next.run(request).await
}

/// Marks the response `Connection: close` when the handler left the request's
/// body unread.
pub(crate) async fn close_if_body_unread(request: Request, next: Next) -> Response {
    use http_body::Body as _;
    let (parts, body) = request.into_parts();
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let finished = Arc::new(AtomicBool::new(false));
    let body = Body::new(Watched {
        inner: body,
        finished: finished.clone(),
    });
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if !finished.load(Ordering::Acquire) {
        response.headers_mut().insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
    }
    response
}

/// A request body that records when it has been read to its end.
struct Watched {
    inner: Body,
    finished: Arc<AtomicBool>,
}

impl http_body::Body for Watched {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.finished.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The longest first request head looked at before hyper parses it.
const FIRST_HEAD_BYTES: usize = MAX_URI_BYTES + MAX_HEADER_BYTES + 1024;

fn answer(status: &str, code: &str, message: &str) -> Vec<u8> {
    let body = error_body(code, message, None);
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Looks at (without reading) the first request head of a connection and, when
/// its request line or headers are larger than hyper would take, returns the JSON
/// answer to send instead (hyper's own 414 and 431 have empty bodies). A head that
/// is not complete within `timeout` (slowloris) is answered 408 and closed; a
/// connection that sent nothing in that time is closed without a word.
///
/// Only the first request of a connection is looked at; later requests on a kept-
/// alive connection meet [`request_bounds`] below hyper's own limits.
pub(crate) async fn oversized_first_head(
    stream: &tokio::net::TcpStream,
    timeout: std::time::Duration,
) -> Option<Vec<u8>> {
    let late = || {
        answer(
            "408 Request Timeout",
            "timeout",
            "the request's head did not arrive in time",
        )
    };
    let mut buf = vec![0u8; FIRST_HEAD_BYTES];
    let deadline = tokio::time::Instant::now() + timeout;
    let mut seen = 0;
    loop {
        let n = match tokio::time::timeout_at(deadline, stream.peek(&mut buf)).await {
            Ok(Ok(n)) => n,
            Ok(Err(_)) => return None,
            Err(_) if seen == 0 => return Some(Vec::new()),
            Err(_) => return Some(late()),
        };
        if n == 0 {
            return None;
        }
        let head = &buf[..n];
        let line = head.windows(2).position(|w| w == b"\r\n");
        if line.map_or(n, |end| end) > MAX_URI_BYTES + 64 {
            return Some(answer(
                "414 URI Too Long",
                "uri_too_long",
                &format!("the request's path and query are longer than {MAX_URI_BYTES} bytes"),
            ));
        }
        if head.windows(4).any(|w| w == b"\r\n\r\n") {
            return None;
        }
        if n == buf.len() {
            return Some(answer(
                "431 Request Header Fields Too Large",
                "headers_too_large",
                &format!("the request's headers are larger than {MAX_HEADER_BYTES} bytes"),
            ));
        }
        if n == seen {
            // peek answers at once while data is waiting: give the rest time to arrive.
            if tokio::time::Instant::now() >= deadline {
                return Some(late());
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        seen = n;
    }
}

/// Sends a refusal of [`oversized_first_head`] and closes, reading what the client
/// already sent so the close does not reset the connection before it reads.
pub(crate) async fn refuse_connection(mut stream: tokio::net::TcpStream, answer: &[u8]) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if !answer.is_empty() {
        let _ = stream.write_all(answer).await;
    }
    let _ = stream.shutdown().await;
    let mut sink = vec![0u8; 64 * 1024];
    let drain = async {
        let mut total = 0usize;
        while let Ok(n) = stream.read(&mut sink).await {
            total += n;
            if n == 0 || total > (1 << 20) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), drain).await;
}
