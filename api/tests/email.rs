//! The email channel against a small SMTP server on loopback, over a real server
//! and store (SQLite and PostgreSQL): stage results reach the people they are for
//! in their language, with the reason and the inbox link; people without consent
//! or an address get nothing and the channel moves on; an unreachable relay is
//! retried, then the message is recorded as failed, and later mail still goes.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use chrono::Utc;
use qabilet_api::email::{self, EmailConfig};
use qabilet_app::config::EmailSettings;
use qabilet_matcher::eligibility::Rule;
use qabilet_matcher::ranking::AbsoluteFit;
use qabilet_matcher::reserve::ReserveMatchEvent;
use qabilet_store::test_support;
use qabilet_store::{EmailMessage, EmailStatus, EventKind, Store};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const BASE_URL: &str = "https://qabilet.example.kz";
const TITLE: &str = "Главный специалист отдела бухгалтерского учёта";

/// One message the sink accepted.
#[derive(Debug, Clone)]
struct Mail {
    /// `MAIL FROM` and `RCPT TO`, as sent.
    from: String,
    to: Vec<String>,
    subject: String,
    /// The `To:` header, undecoded (its address part is plain).
    to_header: String,
    body: String,
}

/// What the sink saw, in order.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    /// `RCPT TO` answered 451 (the mailbox is busy: try again later).
    Deferred(String),
    /// A whole message accepted for these recipients.
    Accepted(Vec<String>),
}

#[derive(Default)]
struct Sink {
    /// Recipients whose `RCPT TO` is answered 451.
    defer: Vec<String>,
    log: Vec<Seen>,
    mail: Vec<Mail>,
}

/// A tiny SMTP server: 220, EHLO/HELO 250, MAIL/RCPT 250, DATA 354 … `.` 250,
/// RSET/NOOP 250, QUIT 221; it captures each message whole.
async fn serve_sink(listener: TcpListener, sink: Arc<Mutex<Sink>>) {
    while let Ok((socket, _)) = listener.accept().await {
        tokio::spawn(session(socket, sink.clone()));
    }
}

async fn session(socket: TcpStream, sink: Arc<Mutex<Sink>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::<String>::new());
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        let verb = line
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let argument = |line: &str| {
            let start = line.find('<').map_or(0, |i| i + 1);
            let end = line.rfind('>').unwrap_or(line.len());
            line[start..end].to_owned()
        };
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 sink.test\r\n",
            "MAIL" => {
                from = argument(line);
                to.clear();
                b"250 ok\r\n"
            }
            "RCPT" => {
                let address = argument(line);
                let mut sink = sink.lock().unwrap();
                if sink.defer.contains(&address) {
                    sink.log.push(Seen::Deferred(address));
                    b"451 4.2.1 mailbox busy, try later\r\n"
                } else {
                    to.push(address);
                    b"250 ok\r\n"
                }
            }
            "DATA" => {
                write.write_all(b"354 end with .\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if read.read_line(&mut l).await? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                let mail = parse(&from, &to, &data);
                let mut sink = sink.lock().unwrap();
                sink.log.push(Seen::Accepted(to.clone()));
                sink.mail.push(mail);
                b"250 queued\r\n"
            }
            "RSET" | "NOOP" => b"250 ok\r\n",
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"500 unknown command\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// Headers unfolded, the subject's encoded words and the base64 body decoded.
fn parse(from: &str, to: &[String], data: &str) -> Mail {
    let (head, body) = data.split_once("\r\n\r\n").expect("headers, then the body");
    let mut headers: Vec<String> = Vec::new();
    for line in head.split("\r\n") {
        match headers.last_mut() {
            Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
            _ => headers.push(line.to_owned()),
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find_map(|h| {
                let (n, v) = h.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .unwrap_or_else(|| panic!("no {name} header in {head}"))
    };
    assert_eq!(header("Content-Transfer-Encoding"), "base64", "{head}");
    assert!(header("Content-Type").starts_with("text/plain"), "{head}");
    let b64 = base64::engine::general_purpose::STANDARD;
    let body: String = body.split_whitespace().collect();
    Mail {
        from: from.to_owned(),
        to: to.to_vec(),
        subject: decode_words(&header("Subject")),
        to_header: header("To"),
        // Lines end in CRLF on the wire; read them as a mail client shows them.
        body: String::from_utf8(b64.decode(body).expect("base64 body"))
            .unwrap()
            .replace("\r\n", "\n"),
    }
}

/// RFC 2047: `=?utf-8?b?…?=` words (the space between two of them is dropped).
fn decode_words(value: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut bytes = Vec::new();
    let mut last_was_word = false;
    for token in value.split(' ') {
        let word = token
            .strip_prefix("=?")
            .and_then(|t| t.strip_suffix("?="))
            .map(|t| t.splitn(3, '?').collect::<Vec<_>>());
        match word.as_deref() {
            Some([_charset, encoding, text]) => {
                assert!(encoding.eq_ignore_ascii_case("b"), "only B words: {value}");
                bytes.extend(b64.decode(text).expect("base64 word"));
                last_was_word = true;
            }
            _ => {
                if !bytes.is_empty() || last_was_word {
                    bytes.push(b' ');
                }
                bytes.extend(token.as_bytes());
                last_was_word = false;
            }
        }
    }
    String::from_utf8(bytes).unwrap()
}

fn settings(port: u16) -> EmailSettings {
    EmailSettings {
        host: "127.0.0.1".into(),
        port,
        from: "Qabilet <noreply@qabilet.example.kz>".into(),
        username: None,
        password_env: None,
        starttls: false,
        public_base_url: BASE_URL.into(),
    }
}

/// Pacing for tests: quick retries and polls.
fn config(port: u16, base_backoff: Duration) -> EmailConfig {
    let mut config = EmailConfig::new(settings(port)).unwrap();
    config.max_attempts = 3;
    config.base_backoff = base_backoff;
    config.max_backoff = base_backoff * 4;
    config.send_timeout = Duration::from_secs(5);
    config.poll_interval = Duration::from_millis(20);
    config
}

async fn sink() -> (u16, Arc<Mutex<Sink>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let sink = Arc::new(Mutex::new(Sink::default()));
    tokio::spawn(serve_sink(listener, sink.clone()));
    (port, sink)
}

/// Waits (at most 30 s) until `done` holds of the channel's records.
async fn until(
    store: &Store,
    what: &str,
    done: impl Fn(&[EmailMessage]) -> bool,
) -> Vec<EmailMessage> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let messages = store.email_messages(0, 100).await.unwrap();
        if done(&messages) {
            return messages;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within 30 s; records: {messages:#?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn record(messages: &[EmailMessage], seq: i64) -> &EmailMessage {
    messages
        .iter()
        .find(|m| m.seq == seq)
        .unwrap_or_else(|| panic!("no record of event {seq}: {messages:#?}"))
}

/// Records a stage result as the HR officer would; returns its outbox `seq`.
async fn stage(s: &common::Server, hr: &str, application: &str, body: Value) -> i64 {
    let r = s
        .post(
            &format!("/applications/{application}/stages"),
            Some(hr),
            &body,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "[{}] {}", s.name(), r.text);
    last_seq(&s.db.store).await
}

async fn last_seq(store: &Store) -> i64 {
    store
        .events_after(0, 10_000)
        .await
        .unwrap()
        .last()
        .unwrap()
        .seq
}

async fn apply(s: &common::Server, token: &str) -> String {
    let r = s
        .post("/vacancies/V-1/applications", Some(token), &json!({}))
        .await;
    assert_eq!(r.status.as_u16(), 201, "[{}] {}", s.name(), r.text);
    r.json["id"].as_str().unwrap().to_owned()
}

/// A reserve match for `profile` written as `reserve::notify_matches` writes one.
async fn reserve_match(store: &Store, profile: &str) -> i64 {
    let event = ReserveMatchEvent {
        event_id: format!("reserve-match-R-{profile}-V-2"),
        kind: "reserve.match".into(),
        vacancy_id: "V-2".into(),
        profile_id: profile.into(),
        reserve_entry_id: format!("R-{profile}"),
        rank: 1,
        score: 0.8,
        fit: AbsoluteFit::new(1.0, Some(0.6), None),
        rules_met: vec![
            Rule::Education,
            Rule::Language(qabilet_domain::Language::Kk),
        ],
        created_at: Utc::now(),
    };
    let mut tx = store.begin().await.unwrap();
    let seq = tx
        .enqueue_event(
            EventKind::ReserveMatch,
            "vacancy",
            "V-2",
            &serde_json::to_value(&event).unwrap(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    seq
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_reach_those_who_consent_and_have_an_address() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let store = s.db.store.clone();
        let t = common::fixture(&s).await;
        // P-3 has no address; P-4 reads Kazakh and consents to the reserve too.
        let mut p3 = common::profile("P-3", "Асқар Нұрланов");
        p3.as_object_mut().unwrap().remove("email");
        let mut p4 = common::profile("P-4", "Дана Әбдірахманова");
        p4["language"] = json!("kk");
        p4["consents"] = json!([
            {"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"},
            {"purpose": "reserve", "granted_at": "2026-01-01T00:00:00Z"}
        ]);
        let r = s
            .post("/import/profiles", Some(&t.hrm), &json!([p3, p4]))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let cand3 = common::candidate(&s, "cand-3", "P-3").await;
        let cand4 = common::candidate(&s, "cand-4", "P-4").await;
        let [a1, a2, a3, a4] = [
            apply(&s, &t.cand1).await,
            apply(&s, &t.cand2).await,
            apply(&s, &cand3).await,
            apply(&s, &cand4).await,
        ];
        common::declare(&s, &t.hr_mf, "V-1").await;
        let passed = |reason: &str| json!({"stage": "qualification_check", "outcome": "passed", "reason": reason});

        // Written before the channel is first switched on: in the inbox, not mailed.
        let before = stage(&s, &t.hr_mf, &a2, passed("до включения почты")).await;
        let (port, sink) = sink().await;
        let (stop, stopped) = watch::channel(false);
        let worker = email::start(
            s.app.clone(),
            config(port, Duration::from_millis(50)),
            stopped,
        )
        .await
        .unwrap();
        assert_eq!(
            store.email_cursor().await.unwrap(),
            Some(before),
            "[{name}]"
        );
        stop.send(true).unwrap();
        worker.await.unwrap();

        // While the channel is stopped: results for everyone, then P-2 withdraws
        // consent before anything could be sent to them.
        let e1 = stage(&s, &t.hr_mf, &a1, passed("соответствует требованиям")).await;
        let test =
            json!({"stage": "test", "outcome": "passed", "score": 88, "reason": "тест сдан"});
        let e2 = stage(&s, &t.hr_mf, &a2, test).await;
        let r = s
            .post("/profiles/P-2/consent/revoke", Some(&t.cand2), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let e3 = stage(&s, &t.hr_mf, &a3, passed("документы в порядке")).await;
        let failed = json!({"stage": "qualification_check", "outcome": "failed",
                            "reason": "нет диплома о высшем образовании",
            "deviation_reason": "диплом не подтверждён реестром"});
        let e4 = stage(&s, &t.hr_mf, &a4, failed).await;
        // Not a notification: the channel passes over it.
        let mut tx = store.begin().await.unwrap();
        let published = tx
            .enqueue_event(
                EventKind::ShortlistPublished,
                "vacancy",
                "V-1",
                &json!({"vacancy_id": "V-1", "applications": []}),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // P-1 consents to processing only, so no reserve offer; P-4 gets one.
        let r1 = reserve_match(&store, "P-1").await;
        let r4 = reserve_match(&store, "P-4").await;

        let (stop, stopped) = watch::channel(false);
        let worker = email::start(
            s.app.clone(),
            config(port, Duration::from_millis(50)),
            stopped,
        )
        .await
        .unwrap();
        let records = until(&store, "every notification handled", |m| {
            m.len() == 6 && m.iter().all(|m| m.status != EmailStatus::Pending)
        })
        .await;
        stop.send(true).unwrap();
        worker.await.unwrap();
        assert_eq!(
            store.email_cursor().await.unwrap(),
            Some(r4),
            "[{name}] the cursor moved to the end"
        );
        assert!(
            records
                .iter()
                .all(|m| m.seq != before && m.seq != published),
            "[{name}] {records:#?}"
        );
        let expect = [
            (e1, EmailStatus::Sent, Some("P-1@example.kz"), None),
            (
                e2,
                EmailStatus::Skipped,
                None,
                Some("no consent to processing"),
            ),
            (e3, EmailStatus::Skipped, None, Some("no email address")),
            (e4, EmailStatus::Sent, Some("P-4@example.kz"), None),
            (
                r1,
                EmailStatus::Skipped,
                None,
                Some("no consent to the reserve"),
            ),
            (r4, EmailStatus::Sent, Some("P-4@example.kz"), None),
        ];
        for (seq, status, recipient, detail) in expect {
            let m = record(&records, seq);
            assert_eq!(
                (m.status, m.recipient.as_deref(), m.detail.as_deref()),
                (status, recipient, detail),
                "[{name}] event {seq}"
            );
            let attempts = if status == EmailStatus::Sent { 1 } else { 0 };
            assert_eq!(m.attempts, attempts, "[{name}] event {seq}");
        }

        let mail = sink.lock().unwrap().mail.clone();
        assert_eq!(mail.len(), 3, "[{name}] {mail:#?}");
        let (to_p1, to_p4, offer) = (&mail[0], &mail[1], &mail[2]);
        assert_eq!(to_p1.from, "noreply@qabilet.example.kz");
        assert_eq!(to_p1.to, ["P-1@example.kz"], "[{name}]");
        assert!(
            to_p1.to_header.contains("<P-1@example.kz>"),
            "{}",
            to_p1.to_header
        );
        assert_eq!(
            to_p1.subject,
            format!("Квалификационная проверка: Пройден — {TITLE}")
        );
        for line in [
            "Здравствуйте!",
            &format!("Вакансия: {TITLE}"),
            "Этап: Квалификационная проверка",
            "Результат: Пройден",
            "Обоснование: соответствует требованиям",
            &format!("Все ваши уведомления: {BASE_URL}/web/inbox"),
        ] {
            assert!(
                to_p1.body.lines().any(|l| l == line),
                "[{name}] {line:?} in\n{}",
                to_p1.body
            );
        }
        assert_eq!(to_p4.to, ["P-4@example.kz"], "[{name}]");
        assert_eq!(
            to_p4.subject,
            format!("Біліктілік тексерісі: Өтпеді — {TITLE}")
        );
        assert!(
            to_p4
                .body
                .contains("Негіздеме: нет диплома о высшем образовании\n"),
            "[{name}] {}",
            to_p4.body
        );
        assert!(
            to_p4.body.contains("диплом не подтверждён реестром"),
            "{}",
            to_p4.body
        );
        assert_eq!(offer.to, ["P-4@example.kz"], "[{name}]");
        // V-2 carries the same title in the fixture.
        assert_eq!(offer.subject, format!("Резервтен ұсыныс — {TITLE}"));
        let fit = AbsoluteFit::new(1.0, Some(0.6), None).fit;
        assert!(
            offer.body.contains(&format!("Сәйкестік: {fit:.2}\n")),
            "{}",
            offer.body
        );
        assert!(
            offer
                .body
                .contains("Орындалған талаптар: Білім деңгейі, Тіл: Қазақ тілі\n"),
            "{}",
            offer.body
        );

        // The inbox reads the same notifications.
        let r = s.get("/notifications", Some(&t.cand1)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let seqs: Vec<i64> = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["seq"].as_i64().unwrap())
            .collect();
        assert!(
            seqs.contains(&e1) && seqs.contains(&r1),
            "[{name}] {seqs:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_relay_is_retried_then_failed_and_later_mail_still_goes() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let store = s.db.store.clone();
        let t = common::fixture(&s).await;
        let (a1, a2) = (apply(&s, &t.cand1).await, apply(&s, &t.cand2).await);
        common::declare(&s, &t.hr_mf, "V-1").await;

        // A port nobody listens on: every connection is refused.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let (stop, stopped) = watch::channel(false);
        let backoff = Duration::from_millis(300);
        let worker = email::start(s.app.clone(), config(port, backoff), stopped)
            .await
            .unwrap();
        let qualified =
            json!({"stage": "qualification_check", "outcome": "passed", "reason": "ok"});
        let e1 = stage(&s, &t.hr_mf, &a1, qualified.clone()).await;
        let records = until(&store, "the unreachable relay's message failed", |m| {
            m.first().is_some_and(|m| m.status == EmailStatus::Failed)
        })
        .await;
        let failed = record(&records, e1);
        assert_eq!(
            failed.attempts, 3,
            "[{name}] retried up to max_attempts: {failed:?}"
        );
        assert_eq!(failed.recipient.as_deref(), Some("P-1@example.kz"));
        assert!(
            failed.detail.as_deref().is_some_and(|d| !d.is_empty()),
            "[{name}] {failed:?}"
        );

        // The relay comes back on that port; P-1's mailbox is busy (451), P-2's is not.
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let sink = Arc::new(Mutex::new(Sink {
            defer: vec!["P-1@example.kz".into()],
            ..Sink::default()
        }));
        tokio::spawn(serve_sink(listener, sink.clone()));
        let test =
            json!({"stage": "test", "outcome": "passed", "score": 70, "reason": "тест сдан"});
        let e2 = stage(&s, &t.hr_mf, &a1, test).await;
        let e3 = stage(&s, &t.hr_mf, &a2, qualified).await;
        let records = until(&store, "both later messages done", |m| {
            m.len() == 3 && m.iter().all(|m| m.status != EmailStatus::Pending)
        })
        .await;
        stop.send(true).unwrap();
        worker.await.unwrap();

        let deferred = record(&records, e2);
        assert_eq!(
            (deferred.status, deferred.attempts),
            (EmailStatus::Failed, 3),
            "[{name}] {deferred:?}"
        );
        assert!(
            deferred
                .detail
                .as_deref()
                .is_some_and(|d| d.contains("451")),
            "[{name}] {deferred:?}"
        );
        let sent = record(&records, e3);
        assert_eq!(
            (sent.status, sent.attempts),
            (EmailStatus::Sent, 1),
            "[{name}] {sent:?}"
        );
        assert_eq!(
            record(&records, e1).attempts,
            3,
            "[{name}] a failed message stays failed"
        );

        // P-2's mail went while P-1's waited for its retries, not after them; the
        // first failed message was not tried again once the relay was back.
        let log = sink.lock().unwrap().log.clone();
        let p1 = Seen::Deferred("P-1@example.kz".into());
        assert_eq!(
            log.iter().filter(|s| **s == p1).count(),
            3,
            "[{name}] {log:?}"
        );
        let accepted = log
            .iter()
            .position(|s| *s == Seen::Accepted(vec!["P-2@example.kz".into()]))
            .unwrap_or_else(|| panic!("[{name}] P-2's mail never came: {log:?}"));
        let last_retry = log.iter().rposition(|s| *s == p1).unwrap();
        assert!(
            accepted < last_retry,
            "[{name}] P-2 waited for P-1's retries: {log:?}"
        );
        assert_eq!(sink.lock().unwrap().mail.len(), 1, "[{name}]");
    }
}
