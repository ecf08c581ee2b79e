//! The three front doors agree, on a real `qabilet up` over the demo data:
//!
//! - one shortlist through the CLI (`qabilet shortlist --json`, run while the
//!   server keeps the index), the API (`GET /vacancies/{id}/shortlist`) and the web
//!   page (`/web/shortlist/{id}`): same order, same scores, same explanation parts;
//! - talent search (`qabilet search profiles` and `GET /vacancies/{id}/talent`) and
//!   `qabilet eval` and `qabilet index status` work beside the running server;
//! - writing `ranking.json` changes what the server ranks at the next request, and
//!   the CLI ranks with the same weights;
//! - every documented operation, called on the demo data, answers with a status
//!   the OpenAPI document lists and a body that validates against its schema.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{ok, qabilet};
use serde_json::{json, Value};

/// The server, killed when the test ends however it ends.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange: (status, body). Enough client for a test: one request
/// per connection, a Content-Length or chunked answer.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap().trim(), 16)
                    .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest = &rest[line_end + 2 + size + 2..];
        }
        body = out;
    }
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Starts `qabilet up --no-models` on `data` and waits until it serves with its index
/// caught up with the store.
fn start(data: &Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let log = std::fs::File::create(data.join("server.log")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_qabilet"))
        .arg("--data-dir")
        .arg(data)
        .args(["up", "--no-models", "--addr", &addr.to_string()])
        .env_remove("QABILET_DATA_DIR")
        .env_remove("QABILET_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start qabilet up");
    let server = Server { child, addr };
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the server did not come up: {}",
            std::fs::read_to_string(data.join("server.log")).unwrap_or_default()
        );
        if let Ok(stream) = TcpStream::connect(addr) {
            drop(stream);
            let (status, body) = http(addr, "GET", "/readyz", &[], "");
            if status == 200 {
                let r = json_of(&body);
                if r["index_seq"].as_i64() == r["last_change_seq"].as_i64() {
                    return server;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// role → (user id, password, TOTP secret or "-") of the demo accounts, and the
/// commission's vacancy.
fn accounts(data: &Path) -> (BTreeMap<String, (String, String, String)>, String) {
    let text = std::fs::read_to_string(data.join("demo-accounts.txt")).unwrap();
    let vacancy = text
        .split("seated on ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_owned();
    let mut users = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if let [role, id, password, totp] = fields[..] {
            users.insert(
                role.to_owned(),
                (id.to_owned(), password.to_owned(), totp.to_owned()),
            );
        }
    }
    (users, vacancy)
}

/// The ranked entries as the front doors show them: (application, rank, score,
/// [bm25, dense, structured] contributions).
type Entry = (String, u64, f64, [Option<f64>; 3]);

fn entries(shortlist: &Value) -> Vec<Entry> {
    shortlist["eligible"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let parts = &e["explanation"]["parts"];
            let part = |s: &str| parts[s]["contribution"].as_f64();
            (
                e["application_id"].as_str().unwrap().to_owned(),
                e["rank"].as_u64().unwrap(),
                e["score"].as_f64().unwrap(),
                [part("bm25"), part("dense"), part("structured")],
            )
        })
        .collect()
}

/// What the web page shows of each ranked entry: application id, rank, the total
/// and the written values of its score chart, all as printed (3 decimals).
fn page_entries(html: &str) -> Vec<(String, u64, String, Vec<String>)> {
    html.split("<li class=\"entry\" id=\"app-")
        .skip(1)
        .map(|chunk| {
            let id = chunk.split('"').next().unwrap().to_owned();
            let heading = chunk
                .split("<h3>")
                .nth(1)
                .unwrap()
                .split("</h3>")
                .next()
                .unwrap();
            let rank: u64 = heading
                .trim_start_matches('#')
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let total = heading.rsplit(' ').next().unwrap().to_owned();
            let chart = chunk
                .split("<svg")
                .nth(1)
                .unwrap()
                .split("</svg>")
                .next()
                .unwrap();
            let shown: Vec<String> = chart
                .split("<text x=\"456")
                .skip(1)
                .map(|t| {
                    t.split('>')
                        .nth(1)
                        .unwrap()
                        .split('<')
                        .next()
                        .unwrap()
                        .to_owned()
                })
                .collect();
            (id, rank, total, shown)
        })
        .collect()
}

fn assert_three_doors_agree(api: &Value, cli: &Value, page: &str) {
    assert_eq!(entries(api), entries(cli), "CLI and API disagree");
    assert_eq!(
        api["eligible"], cli["eligible"],
        "CLI and API explain differently"
    );
    assert_eq!(api["ineligible"], cli["ineligible"]);
    let shown = page_entries(page);
    let api_entries = entries(api);
    assert_eq!(
        shown.len(),
        api_entries.len(),
        "the page lists another number"
    );
    for ((id, rank, score, parts), (pid, prank, ptotal, pshown)) in api_entries.iter().zip(&shown) {
        assert_eq!((id, rank), (pid, prank), "the page orders differently");
        assert_eq!(&format!("{score:.3}"), ptotal, "{id}: total");
        let mut expected: Vec<String> = parts.iter().flatten().map(|c| format!("{c:.3}")).collect();
        expected.push(format!("{score:.3}"));
        assert_eq!(&expected, pshown, "{id}: the score parts on the page");
    }
}

/// The schema of the `status` answer of `method path`, with the document's
/// components beside it so references resolve.
fn response_schema(doc: &Value, path: &str, method: &str, status: u16) -> Option<Value> {
    let responses = &doc["paths"][path][method]["responses"];
    let range = format!("{}XX", status / 100);
    let response = responses
        .get(status.to_string())
        .or_else(|| responses.get(&range))?;
    let content = response["content"].as_object()?;
    let schema = content.values().next()?["schema"].clone();
    let mut root = json!({"components": doc["components"].clone()});
    match schema {
        Value::Object(map) => {
            for (k, v) in map {
                root[k] = v;
            }
        }
        other => return Some(other),
    }
    Some(root)
}

#[test]
fn the_cli_the_api_and_the_web_rank_alike() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(Command::new(env!("CARGO_BIN_EXE_qabilet"))
        .arg("--data-dir")
        .arg(&data)
        .args([
            "demo",
            "--organisations",
            "12",
            "--vacancies",
            "40",
            "--profiles",
            "300",
        ])
        .env_remove("QABILET_DATA_DIR")
        .env_remove("QABILET_DATABASE_URL")
        .output()
        .unwrap());
    let server = start(&data);
    let addr = server.addr;
    let (users, vacancy) = accounts(&data);
    let (_, admin_password, admin_totp) = &users["admin"];
    let code = qabilet_app::accounts::second_factor::current_code(admin_totp).unwrap();
    let (status, body) = http(
        addr,
        "POST",
        "/sessions",
        &[("Content-Type", "application/json")],
        &json!({"user_id": users["admin"].0, "password": admin_password, "code": code}).to_string(),
    );
    assert_eq!(status, 200, "{body}");
    let token = json_of(&body)["token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let cookie = format!("qb_session={token}");
    let db = format!("sqlite://{}", data.join("qabilet.db").display());
    let api_get = |path: &str| {
        let (status, body) = http(addr, "GET", path, &[("Authorization", &bearer)], "");
        assert_eq!(status, 200, "GET {path}: {body}");
        json_of(&body)
    };
    let cli_json = |args: &[&str]| json_of(&ok(qabilet(&data, &db, args)));

    // 1. One shortlist, three doors, each after its viewer's declaration: the
    // admin's (the API and the web share it) and the operator's (`--declare`).
    let (status, body) = http(
        addr,
        "POST",
        &format!("/vacancies/{vacancy}/declaration"),
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        &json!({"no_conflict_of_interest": true}).to_string(),
    );
    assert_eq!(status, 201, "{body}");
    let api = api_get(&format!(
        "/vacancies/{vacancy}/shortlist?blind=false&limit=500"
    ));
    assert!(!api["eligible"].as_array().unwrap().is_empty(), "{api}");
    let cli = cli_json(&[
        "shortlist",
        &vacancy,
        "--json",
        "--limit",
        "500",
        "--names",
        "--declare",
    ]);
    let (status, page) = http(
        addr,
        "GET",
        &format!("/web/shortlist/{vacancy}?blind=0"),
        &[("Cookie", &cookie)],
        "",
    );
    assert_eq!(status, 200, "{page}");
    assert_three_doors_agree(&api, &cli, &page);

    // 2. Read-only commands beside the running server.
    let talent_api = api_get(&format!("/vacancies/{vacancy}/talent?limit=20"));
    let talent_cli = cli_json(&[
        "search",
        "profiles",
        "--vacancy",
        &vacancy,
        "--limit",
        "20",
        "--json",
    ]);
    assert_eq!(talent_api["eligible"], talent_cli["eligible"]);
    assert!(ok(qabilet(&data, &db, &["index", "status"])).contains("profiles"));
    let eval = qabilet(&data, &db, &["eval"]);
    let eval_err = String::from_utf8_lossy(&eval.stderr).into_owned();
    assert!(eval.status.success(), "eval beside the server: {eval_err}");
    assert!(eval_err.contains("kept by another process"), "{eval_err}");

    // 3. A new ranking.json reaches the server at its next request.
    let bm25_only = json!({"bm25_weight": 1.0, "dense_weight": 0.0, "structured_weight": 0.0});
    std::fs::write(data.join("ranking.json"), bm25_only.to_string()).unwrap();
    let api2 = api_get(&format!(
        "/vacancies/{vacancy}/shortlist?blind=false&limit=500"
    ));
    assert_ne!(api2["ranking_version"], api["ranking_version"]);
    assert_ne!(entries(&api2), entries(&api), "the weights changed nothing");
    let top = &api2["eligible"][0]["explanation"]["parts"];
    assert_eq!(top["bm25"]["weight"], 1.0, "{top}");
    let cli2 = cli_json(&["shortlist", &vacancy, "--json", "--limit", "500", "--names"]);
    let (_, page2) = http(
        addr,
        "GET",
        &format!("/web/shortlist/{vacancy}?blind=0"),
        &[("Cookie", &cookie)],
        "",
    );
    assert_three_doors_agree(&api2, &cli2, &page2);
    // A broken file keeps the weights in force.
    std::fs::write(data.join("ranking.json"), "{\"bm25_weight\": -1}").unwrap();
    let api3 = api_get(&format!(
        "/vacancies/{vacancy}/shortlist?blind=false&limit=500"
    ));
    assert_eq!(api3["ranking_version"], api2["ranking_version"]);
    std::fs::remove_file(data.join("ranking.json")).unwrap();

    // 4. Every documented operation answers as documented.
    let doc = json_of(&http(addr, "GET", "/openapi.json", &[], "").1);
    let ids = |list: &Value, key: &str| -> Option<String> {
        list.as_array()?.first()?[key].as_str().map(str::to_owned)
    };
    let application = ids(&api["eligible"], "application_id").unwrap();
    let profile = ids(&api["eligible"], "profile_id").unwrap();
    let organisation = api_get("/organisations")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let entry = ids(&api_get("/reserve"), "id").unwrap_or_else(|| "R-none".into());
    let flag = ids(&api_get("/proctoring/flags")["flags"], "id").unwrap_or_else(|| "none".into());
    // Bodies that do something real where that is harmless; `{}` elsewhere (the
    // answer is then the documented error).
    let bodies: BTreeMap<(&str, &str), Value> = BTreeMap::from([
        (
            ("post", "/sessions"),
            // A wrong password: the documented 401 (a code is good once only).
            json!({"user_id": users["admin"].0, "password": "not-the-password"}),
        ),
        (
            ("post", "/users"),
            json!({"id": "schema-user", "role": "commission"}),
        ),
        (
            ("post", "/api-keys"),
            json!({"id": "schema-key", "role": "hrm"}),
        ),
        (("post", "/import/organisations"), json!([])),
        (("post", "/import/vacancies"), json!([])),
        (("post", "/import/profiles"), json!([])),
    ]);
    let mut checked = 0;
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let concrete = path
                .replace("/vacancies/{id}", &format!("/vacancies/{vacancy}"))
                .replace(
                    "/organisations/{id}",
                    &format!("/organisations/{organisation}"),
                )
                .replace("/profiles/{id}", &format!("/profiles/{profile}"))
                .replace(
                    "/applications/{id}",
                    &format!("/applications/{application}"),
                )
                .replace("/reserve/{id}", &format!("/reserve/{entry}"))
                .replace(
                    "/proctoring/flags/{id}",
                    &format!("/proctoring/flags/{flag}"),
                )
                .replace("{user_id}", "schema-user");
            // Consent revocation would change the data the other checks read: its
            // answer is checked last.
            // Signing out would end the session the other checks use: skipped.
            if path.contains("consent/revoke") || path == "/sessions/current" {
                continue;
            }
            let body = bodies
                .get(&(method.as_str(), path.as_str()))
                .cloned()
                .unwrap_or(json!({}));
            let body = if method == "get" || method == "delete" {
                String::new()
            } else {
                body.to_string()
            };
            let (status, text) = http(
                addr,
                &method.to_uppercase(),
                &concrete,
                &[
                    ("Authorization", &bearer),
                    ("Content-Type", "application/json"),
                ],
                &body,
            );
            assert!(status < 500, "{method} {concrete}: {status} {text}");
            let documented = &doc["paths"][path][method]["responses"][status.to_string()];
            if documented.is_object() && documented.get("content").is_none() {
                // A documented answer without a body (204).
                assert!(
                    text.is_empty(),
                    "{method} {concrete} ({status}) has a body: {text}"
                );
                checked += 1;
                continue;
            }
            let schema = response_schema(&doc, path, method, status)
                .unwrap_or_else(|| panic!("{method} {path}: {status} is not documented: {text}"));
            if path == "/metrics" {
                assert!(text.contains("qabilet_http_requests_total"), "{text}");
                continue;
            }
            let media = documented["content"]
                .as_object()
                .and_then(|c| c.keys().next().cloned());
            if media.as_deref() == Some("text/csv") {
                // A table for a spreadsheet: a header row, then rows.
                assert!(
                    text.lines().next().is_some_and(|h| h.contains(',')),
                    "{method} {concrete}: {text}"
                );
                checked += 1;
                continue;
            }
            if media.as_deref() == Some("application/pdf") {
                // The protocol: a PDF, not JSON.
                assert!(text.starts_with("%PDF-"), "{method} {concrete}: {text}");
                checked += 1;
                continue;
            }
            let validator = jsonschema::draft202012::new(&schema)
                .unwrap_or_else(|e| panic!("{method} {path}: schema does not compile: {e}"));
            let value = json_of(&text);
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{method} {concrete} ({status}): {errors:?}\n{text}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} operations checked");
    let (status, text) = http(
        addr,
        "POST",
        &format!("/profiles/{profile}/consent/revoke"),
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        "{}",
    );
    let schema = response_schema(&doc, "/profiles/{id}/consent/revoke", "post", status).unwrap();
    assert!(
        jsonschema::draft202012::new(&schema)
            .unwrap()
            .is_valid(&json_of(&text)),
        "{text}"
    );
    drop(server);
}
