//! The proctoring flag pages over real HTTP on both backends: the queue is scoped
//! exactly like `GET /proctoring/flags`, a flag page draws its evidence (timeline,
//! response times, answer grid, a pair's two answer timelines; a rapid
//! responder's rapid answers against the cohort median; each with a data table),
//! refusals are 403 pages, and a review goes round trip through the form with
//! CSRF, escaping and the "already decided" answer.

mod common;

use bytes::Bytes;
use common::{client, fixture, start, Server, Tokens};
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode};
use qabilet_proctoring::simulate::{simulate, Cheat, SimSpec};
use qabilet_store::test_support;
use serde_json::Value;

struct Page {
    status: StatusCode,
    location: String,
    text: String,
}

impl Page {
    fn csrf(&self) -> String {
        let at = self
            .text
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        self.text[at..at + 32].to_owned()
    }
}

async fn web(s: &Server, method: Method, path: &str, user: Option<&str>, form: &str) -> Page {
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(format!("http://{}{path}", s.addr))
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(user) = user {
        req = req.header(
            "cookie",
            format!("qb_lang=en; qb_session={}", s.session_of(user).await),
        );
    }
    let body = Full::new(Bytes::from(form.to_owned()));
    let response = client().request(req.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map_or(String::new(), |v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        location,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(s: &Server, path: &str, user: Option<&str>) -> Page {
    web(s, Method::GET, path, user, "").await
}

/// Queues an analysis of V-1 (organisation MF, com-1 seated) with three copiers
/// and returns the flags as the admin's API listing shows them.
async fn queued(s: &Server, t: &Tokens) -> Vec<Value> {
    let sim = simulate(&SimSpec {
        examinees: 120,
        items: 40,
        options: 4,
        cheat: Some((Cheat::Copy(0.8), 3)),
        seed: 5,
    });
    let body = serde_json::to_value(&sim.dataset).unwrap();
    let r = s
        .post("/proctoring/analyses?vacancy_id=V-1", Some(&t.hr_mf), &body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.name(), r.text);
    // com-1 sees V-1's flags once declared (as the shortlist).
    let declaration = serde_json::json!({"no_conflict_of_interest": true});
    let r = s
        .post("/vacancies/V-1/declaration", Some(&t.com1), &declaration)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.name(), r.text);
    let list = s.get("/proctoring/flags", Some(&t.admin)).await;
    list.json["flags"].as_array().unwrap().clone()
}

fn pair_flag(flags: &[Value]) -> String {
    flags
        .iter()
        .find(|f| f["detector"] == "answer_similarity")
        .and_then(|f| f["id"].as_str())
        .expect("a copying pair is flagged")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_and_flag_pages_are_scoped_like_the_api() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        let flags = queued(&s, &t).await;
        let pair = pair_flag(&flags);
        let flag_path = format!("/web/proctoring/flags/{pair}");

        let r = get(&s, "/web/proctoring", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location, "/web/login?next=/web/proctoring");
        for user in ["hr-mf", "com-1", "admin"] {
            let r = get(&s, "/web/proctoring", Some(user)).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "[{}] {user}: {}",
                s.name(),
                r.text
            );
            assert!(r.text.contains("never a verdict"), "disclaimer");
            assert!(
                r.text.contains(&format!("href=\"{flag_path}\"")),
                "[{}] {user}",
                s.name()
            );
            assert!(
                r.text.contains(&format!("Flags: {}", flags.len())),
                "{user}"
            );
        }
        // Most severe first, as the API lists them.
        let hr = get(&s, "/web/proctoring", Some("hr-mf")).await;
        let positions: Vec<usize> = flags
            .iter()
            .map(|f| hr.text.find(f["id"].as_str().unwrap()).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "queue order");
        for user in ["hr-mj", "com-2"] {
            let r = get(&s, "/web/proctoring", Some(user)).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(
                r.text.contains("No flags match"),
                "[{}] {user} sees none",
                s.name()
            );
            assert!(!r.text.contains("/web/proctoring/flags/"));
        }
        let r = get(&s, "/web/proctoring?status=open&vacancy=V-1", Some("hr-mf")).await;
        assert!(r.text.contains(&flag_path));
        let r = get(&s, "/web/proctoring?status=dismissed", Some("hr-mf")).await;
        assert!(!r.text.contains(&flag_path));
        let r = get(&s, "/web/proctoring?status=bogus", Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        let r = get(&s, &flag_path, Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        for needle in [
            "never a verdict",
            "<svg class=\"chart timeline\" role=\"img\"",
            "<svg class=\"chart rt\" role=\"img\"",
            "class=\"same-wrong\"",
            "Answer grid",
            "Nominal false-alarm rate",
            "<summary>Data table: Response time against the cohort median</summary>",
            "<svg class=\"chart pair-timelines\" role=\"img\"",
            "<summary>Data table: Both sessions' answers on one clock</summary>",
            "class=\"identical\"",
            "name=\"comment\" required",
        ] {
            assert!(r.text.contains(needle), "[{}] {needle}", s.name());
        }
        // Refused alike whether or not the flag exists; malformed ids are 400.
        for (path, user) in [
            (flag_path.as_str(), "hr-mj"),
            (flag_path.as_str(), "com-2"),
            (flag_path.as_str(), "cand-1"),
            ("/web/proctoring", "cand-1"),
            ("/web/proctoring/flags/sim-0000000000000000", "hr-mf"),
        ] {
            let r = get(&s, path, Some(user)).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "[{}] {user} {path}",
                s.name()
            );
            assert!(r.text.contains("<h1>Access refused</h1>"));
        }
        let r = get(&s, "/web/proctoring/flags/Bad%3Cid%3E", Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(!r.text.contains("<id>"), "escaped");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_goes_round_trip_through_the_form() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        let flags = queued(&s, &t).await;
        let pair = pair_flag(&flags);
        let flag_path = format!("/web/proctoring/flags/{pair}");
        let review_path = format!("{flag_path}/review");
        let page = get(&s, &flag_path, Some("hr-mf")).await;
        let csrf = page.csrf();

        let r = web(
            &s,
            Method::POST,
            &review_path,
            Some("hr-mf"),
            "decision=confirmed&comment=x",
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token");
        let form = format!("csrf={csrf}&decision=confirmed&comment=+++");
        let r = web(&s, Method::POST, &review_path, Some("hr-mf"), &form).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            s.name(),
            r.text
        );
        assert!(r.text.contains("A decision needs a comment"));
        // Someone not seated on the vacancy cannot decide it, even with their own token.
        let other = get(&s, "/web/proctoring", Some("com-2")).await.csrf();
        let form = format!("csrf={other}&decision=dismissed&comment=no");
        let r = web(&s, Method::POST, &review_path, Some("com-2"), &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let comment = "Same wrong answers on 20 items <script>alert(1)</script>";
        let form = format!(
            "csrf={csrf}&decision=confirmed&comment={}",
            urlencode(comment)
        );
        let r = web(&s, Method::POST, &review_path, Some("hr-mf"), &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{}] {}", s.name(), r.text);
        assert_eq!(r.location, format!("{flag_path}#decision"));
        let r = get(&s, &flag_path, Some("hr-mf")).await;
        assert!(r.text.contains("Confirmed"));
        assert!(r.text.contains("<dd>hr-mf</dd>"), "reviewer shown");
        assert!(r.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!r.text.contains("<script>"));
        assert!(!r.text.contains("name=\"comment\""), "no form once decided");
        let api = s
            .get(&format!("/proctoring/flags/{pair}"), Some(&t.admin))
            .await;
        assert_eq!(api.json["status"], "confirmed");
        assert_eq!(api.json["review"]["reviewer"], "hr-mf");

        // Deciding again: a 409 page that shows the decision on record.
        let form = format!("csrf={csrf}&decision=dismissed&comment=second+thoughts");
        let r = web(&s, Method::POST, &review_path, Some("hr-mf"), &form).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{}] {}", s.name(), r.text);
        assert!(r.text.contains("already decided"));
        assert!(r.text.contains("<dd>hr-mf</dd>"));
        let api = s
            .get(&format!("/proctoring/flags/{pair}"), Some(&t.admin))
            .await;
        assert_eq!(api.json["status"], "confirmed", "unchanged");

        let r = get(&s, "/web/proctoring?status=confirmed", Some("com-1")).await;
        assert!(r.text.contains(&flag_path));
        let r = get(&s, "/web/proctoring?status=open", Some("com-1")).await;
        assert!(!r.text.contains(&flag_path));
    }
}

/// A rapid responder's flag: the response-time plot marks every rapid answer
/// (a triangle, listed in the legend and the data table) against the cohort's
/// median and the item's rapid threshold, and the figures name the effort and
/// the accuracy of rapid answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rapid_responder_flag_plots_its_rapid_answers() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        let sim = simulate(&SimSpec {
            examinees: 120,
            items: 40,
            options: 4,
            cheat: Some((Cheat::RapidResponder, 1)),
            seed: 6,
        });
        let body = serde_json::to_value(&sim.dataset).unwrap();
        let r = s
            .post("/proctoring/analyses?vacancy_id=V-1", Some(&t.hr_mf), &body)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.name(), r.text);
        let list = s.get("/proctoring/flags", Some(&t.admin)).await;
        let rapid_id = &sim.dataset.sessions[sim.cheaters[0]].id;
        let flag = list.json["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["detector"] == "rapid_guessing")
            .expect("the rapid responder is flagged");
        assert_eq!(flag["session_ids"][0], rapid_id.as_str());
        let path = format!("/web/proctoring/flags/{}", flag["id"].as_str().unwrap());
        let r = get(&s, &path, Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        assert!(r.text.contains("<h1>Proctoring flag: Rapid guessing</h1>"));
        let marks = r.text.matches("class=\"rapid-mark\"").count();
        assert!(marks >= 15, "[{}] {marks} rapid answers marked", s.name());
        assert_eq!(r.text.matches("class=\"rapid-threshold\"").count(), 40);
        for needle in [
            "rapid answer (faster than the item's threshold, triangle)",
            "rapid threshold: 10 % of the median, at most 10 s (dotted)",
            "<th scope=\"col\">Rapid</th>",
            "response time effort",
            "rapid accuracy",
            "chance accuracy",
        ] {
            assert!(r.text.contains(needle), "[{}] {needle}", s.name());
        }
        let r = get(&s, "/web/proctoring?vacancy=V-1", Some("hr-mf")).await;
        assert!(
            r.text.contains("Rapid guessing"),
            "listed by name in the queue"
        );
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
