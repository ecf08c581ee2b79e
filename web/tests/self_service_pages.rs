//! The self-service and HR editor pages over real HTTP on both backends:
//! registering (with its signed-out CSRF cookie), the profile form's field
//! errors in the reader's language, preferences, the vacancy editor with the
//! qualification directory's rule, and the rotation list; each refused to the
//! roles it is not for.

mod common;

use bytes::Bytes;
use common::{client, fixture, get, post, start, Server};
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode};
use qabilet_store::test_support;
use serde_json::json;

/// A signed-out request carrying `cookie`, in Russian.
async fn signed_out(
    s: &Server,
    method: Method,
    path: &str,
    cookie: &str,
    form: &str,
) -> (StatusCode, hyper::HeaderMap, String) {
    let req = hyper::Request::builder()
        .method(method)
        .uri(format!("http://{}{path}", s.addr))
        .header("cookie", format!("qb_lang=ru; {cookie}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(form.to_owned())))
        .unwrap();
    let response = client().request(req).await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn cookie_value<'a>(headers: &'a hyper::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .filter(|v| !v.is_empty())
}

#[tokio::test]
async fn a_person_registers_on_the_page_and_is_signed_in() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        fixture(&s).await;
        let (status, headers, text) = signed_out(&s, Method::GET, "/web/register", "", "").await;
        assert_eq!(status, StatusCode::OK, "[{name}]");
        assert!(text.contains("Регистрация"), "[{name}] in Russian: {text}");
        let token = cookie_value(&headers, "qb_login")
            .expect("a form token cookie")
            .to_owned();
        let form = |user: &str, consent: &str| {
            format!(
                "form_token={token}&user_id={user}&password=a+long+enough+passphrase+7\
                 &password_again=a+long+enough+passphrase+7&full_name=%D0%94%D0%B0%D0%BD%D0%B0\
                 &email=dana%40example.kz&region=astana&language=ru{consent}"
            )
        };
        // Without the cookie's token: refused, nothing written.
        let (status, _, _) = signed_out(
            &s,
            Method::POST,
            "/web/register",
            "",
            &form("dana", "&consent=yes"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "[{name}]");
        let with = format!("qb_login={token}");
        // Without consent: the form again, saying why in Russian.
        let (status, _, text) =
            signed_out(&s, Method::POST, "/web/register", &with, &form("dana", "")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{name}] {text}");
        assert!(
            text.contains("Без согласия на обработку"),
            "[{name}] {text}"
        );
        assert!(s.db.store.user("dana").await.unwrap().is_none(), "[{name}]");
        let (status, headers, text) = signed_out(
            &s,
            Method::POST,
            "/web/register",
            &with,
            &form("dana", "&consent=yes"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "[{name}] {text}");
        assert_eq!(headers.get("location").unwrap(), "/web/profile?welcome=1");
        let session = cookie_value(&headers, "qb_session").expect("signed in");
        let (user, _) = s.db.store.user("dana").await.unwrap().expect("registered");
        assert_eq!(user.role, qabilet_store::Role::Candidate);
        let (status, _, text) = signed_out(
            &s,
            Method::GET,
            "/web/profile?welcome=1",
            &format!("qb_session={session}"),
            "",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "[{name}] {text}");
        assert!(text.contains("Учётная запись создана"), "[{name}] {text}");
        // The same id again is taken.
        let (status, _, text) = signed_out(
            &s,
            Method::POST,
            "/web/register",
            &with,
            &form("dana", "&consent=yes"),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "[{name}] {text}");
    }
}

#[tokio::test]
async fn the_profile_form_names_each_problem_and_saves_with_the_import_rules() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        fixture(&s).await;
        let page = get(&s, "/web/profile", Some("cand-1")).await;
        assert_eq!(page.status, StatusCode::OK, "[{name}] {}", page.text);
        assert!(page.text.contains("Айгерім Сапарова"), "[{name}]");
        assert!(
            page.text.contains("name=\"education[1].specialty\""),
            "[{name}] an empty row to add"
        );
        let csrf = page.csrf();
        let base = format!(
            "csrf={csrf}&full_name=A&region=astana&education[0].level=higher\
             &education[0].specialty=S&education[0].institution=I"
        );
        // A year that is no number, and a job that ends before it starts.
        let bad = format!(
            "{base}&education[0].year=abc&experience[0].organisation=MF&experience[0].position=P\
             &experience[0].sector=public&experience[0].start=2020-01-01&experience[0].end=2019-01-01"
        );
        let r = post(&s, "/web/profile", "cand-1", &bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        assert!(r.text.contains("id=\"profile-errors\""), "[{name}]");
        assert!(
            r.text.contains("This value cannot be read"),
            "[{name}] {}",
            r.text
        );
        assert!(
            r.text.contains("The end is before the start"),
            "[{name}] {}",
            r.text
        );
        assert!(r.text.contains("aria-invalid=\"true\""), "[{name}]");
        let stored =
            s.db.store
                .profile(&"P-1".parse().unwrap())
                .await
                .unwrap()
                .unwrap();
        assert_eq!(
            stored.full_name, "Айгерім Сапарова",
            "[{name}] nothing written"
        );
        // Without the token: refused.
        let r = post(&s, "/web/profile", "cand-1", &base.replace(&csrf, "0")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}]");
        let good = format!(
            "{base}&education[0].year=2015&experience[0].organisation=MF+ru&experience[0].position=P\
             &experience[0].sector=public&experience[0].start=2015-01-01&skills=1C%2C+IFRS&languages.kk=native"
        );
        let r = post(&s, "/web/profile", "cand-1", &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let stored =
            s.db.store
                .profile(&"P-1".parse().unwrap())
                .await
                .unwrap()
                .unwrap();
        assert_eq!(stored.full_name, "A");
        assert_eq!(stored.skills, vec!["1C", "IFRS"]);
        assert_eq!(stored.experience.len(), 1);
        assert!(
            stored.consents_to(qabilet_domain::ConsentPurpose::Processing),
            "[{name}] consents kept"
        );
        // Staff have no profile of their own to edit.
        let r = get(&s, "/web/profile", Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}]");
    }
}

#[tokio::test]
async fn preferences_hr_editor_and_rotation_on_the_pages() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        // Two applications in play: the second can move up.
        let today = chrono::Utc::now().date_naive();
        let r = s
            .post(
                "/import/vacancies",
                Some(&t.hrm),
                &json!([common::vacancy(
                    "V-3",
                    "MF",
                    today + chrono::Duration::days(9)
                )]),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let mut ids = Vec::new();
        for v in ["V-1", "V-3"] {
            let r = s
                .post(
                    &format!("/vacancies/{v}/applications"),
                    Some(&t.cand1),
                    &json!({}),
                )
                .await;
            assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
            ids.push(r.json["id"].as_str().unwrap().to_owned());
        }
        let page = get(&s, "/web/applications", Some("cand-1")).await;
        assert!(
            page.text.contains(&format!("id=\"up-{}\"", ids[1])),
            "[{name}] {}",
            page.text
        );
        assert!(
            !page.text.contains(&format!("id=\"up-{}\"", ids[0])),
            "[{name}] the first cannot move up"
        );
        let order = format!("{}%2C{}", ids[1], ids[0]);
        let r = post(
            &s,
            "/web/applications/preferences",
            "cand-1",
            &format!("csrf={}&order={order}", page.csrf()),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let a = s.db.store.application(&ids[1]).await.unwrap().unwrap();
        assert_eq!(a.preference, Some(1), "[{name}]");

        // The editor: HR of MF; a departure from the directory needs a reason.
        let page = get(&s, "/web/hr/vacancies/new", Some("hr-mf")).await;
        assert_eq!(page.status, StatusCode::OK, "[{name}] {}", page.text);
        let form = |why: &str| {
            format!(
                "csrf={}&title=Bas+maman&category=B-4&region=astana&language=kk&deadline=2099-01-01\
                 &description=Esep&education_level=higher&min_years_total=9&min_years_public=0\
                 &min_years_field=0&requirements_justification={why}",
                page.csrf()
            )
        };
        let r = post(&s, "/web/hr/vacancies/new", "hr-mf", &form("")).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        assert!(
            r.text.contains("write a justification"),
            "[{name}] {}",
            r.text
        );
        assert!(
            r.text.contains("value=\"Bas maman\""),
            "[{name}] the input is kept"
        );
        let r = post(
            &s,
            "/web/hr/vacancies/new",
            "hr-mf",
            &form("audit+needs+it"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        assert!(
            r.location().starts_with("/web/hr/vacancies/V-W"),
            "[{name}] {}",
            r.location()
        );
        for (who, path) in [
            ("cand-1", "/web/hr/vacancies/new"),
            ("com-1", "/web/hr/vacancies/new"),
            ("hr-mj", "/web/hr/vacancies/V-1/edit"),
            ("cand-1", "/web/hr/rotation"),
            ("com-1", "/web/hr/rotation"),
        ] {
            let r = get(&s, path, Some(who)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}] {who} {path}");
        }
        let r = get(&s, "/web/hr/vacancies/V-1/edit", Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        let r = get(&s, "/web/hr/rotation", Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
    }
}
