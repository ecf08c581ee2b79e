//! Candidate self-service and HR's vacancy editor over HTTP, on both stores:
//! registering, saving one's own profile with the import's rules, applications
//! ranked by preference (at most four in play), vacancies written by HR with the
//! qualification directory's justification rule, and the rotation list.

mod common;

use chrono::{Duration, Utc};
use common::{fixture, Server};
use hyper::Method;
use qabilet_store::test_support;
use serde_json::{json, Value};

const PASSWORD: &str = "a long enough passphrase 7";

async fn register(s: &Server, user: &str, consent: bool) -> common::Reply {
    s.post(
        "/registrations",
        None,
        &json!({"user_id": user, "password": PASSWORD, "full_name": "Дана Серікқызы",
                "email": format!("{user}@example.kz"), "region": "astana", "language": "kk",
                "consent_to_processing": consent}),
    )
    .await
}

async fn sign_in(s: &Server, user: &str) -> String {
    let r = s
        .post(
            "/sessions",
            None,
            &json!({"user_id": user, "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "[{}] {}", s.name(), r.text);
    r.json["token"].as_str().unwrap().to_owned()
}

fn edit(name: &str) -> Value {
    json!({
        "full_name": name, "gender": "female", "region": "astana", "language": "kk",
        "summary": "Қаржы саласында бес жыл",
        "education": [{"level": "higher", "specialty": "Есеп және аудит",
                       "institution": "ЕҰУ", "year": 2015}],
        "experience": [{"organisation": "MF ru", "position": "Главный специалист",
                        "sector": "public", "start": "2015-09-01"}],
        "skills": ["1С", "МСФО"],
        "languages": [{"language": "kk", "level": "native"}]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_registers_fills_the_profile_and_ranks_applications() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let t = fixture(&s).await;

        // Without consent nothing is written; a taken id is said so.
        let r = register(&s, "dana", false).await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);
        assert_eq!(
            r.json["error"]["path"], "consent_to_processing",
            "[{name}] {}",
            r.text
        );
        let r = register(&s, "dana", true).await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        let profile = r.json["profile_id"].as_str().unwrap().to_owned();
        let r = register(&s, "dana", true).await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);
        let r = register(&s, "cand-1", true).await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);

        let dana = sign_in(&s, "dana").await;
        let r = s.get(&format!("/profiles/{profile}"), Some(&dana)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["consents"][0]["purpose"], "processing");

        // The import's rules, field by field: every problem named by its path.
        let mut bad = edit("Дана Серікқызы");
        bad["experience"][0]["end"] = json!("2010-01-01");
        bad["education"][0]["year"] = json!(1800);
        let r = s
            .send(
                Method::PUT,
                &format!("/profiles/{profile}"),
                Some(&dana),
                &bad,
            )
            .await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);
        assert!(
            r.text.contains("experience[0].end") && r.text.contains("education[0].year"),
            "[{name}] {}",
            r.text
        );
        // Someone else's profile is not theirs to edit; not even an admin's.
        for token in [&dana, &t.admin, &t.hr_mf] {
            let r = s
                .send(Method::PUT, "/profiles/P-1", Some(token), &edit("X"))
                .await;
            assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        }
        let r = s
            .send(
                Method::PUT,
                &format!("/profiles/{profile}"),
                Some(&dana),
                &edit("Дана Серікқызы"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["skills"], json!(["1С", "МСФО"]));
        // A diploma cannot be marked verified by its holder.
        let mut claim = edit("Дана Серікқызы");
        claim["education"][0]["verified"] = json!(true);
        let r = s
            .send(
                Method::PUT,
                &format!("/profiles/{profile}"),
                Some(&dana),
                &claim,
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["education"][0]["verified"], false, "[{name}]");
        // The edit is audited by field name, not value.
        let r = s.get("/audit?limit=500", Some(&t.admin)).await;
        let edits: Vec<&Value> = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "profile.edit")
            .collect();
        assert!(!edits.is_empty(), "[{name}] {}", r.text);
        assert!(
            !r.text.contains("Есеп және аудит"),
            "[{name}] values in the audit"
        );

        // Applications ranked by preference, at most four in play.
        let today = Utc::now().date_naive();
        let more: Vec<Value> = (3..=6)
            .map(|i| common::vacancy(&format!("V-{i}"), "MF", today + Duration::days(9)))
            .collect();
        let r = s
            .post("/import/vacancies", Some(&t.hrm), &json!(more))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let mut ids = Vec::new();
        for (i, v) in ["V-1", "V-3", "V-4", "V-5"].iter().enumerate() {
            let r = s
                .post(
                    &format!("/vacancies/{v}/applications"),
                    Some(&dana),
                    &json!({}),
                )
                .await;
            assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
            assert_eq!(r.json["preference"], i + 1, "[{name}] {}", r.text);
            ids.push(r.json["id"].as_str().unwrap().to_owned());
        }
        let r = s
            .post("/vacancies/V-6/applications", Some(&dana), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] a fifth: {}", r.text);

        // Reordering names every application in play once, no one else's.
        let reversed: Vec<&String> = ids.iter().rev().collect();
        let r = s
            .send(
                Method::PUT,
                "/applications/preferences",
                Some(&dana),
                &json!({"order": reversed}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json[0]["id"], json!(ids[3]), "[{name}] {}", r.text);
        assert_eq!(r.json[0]["preference"], 1, "[{name}] {}", r.text);
        let r = s
            .get(&format!("/applications/{}", ids[0]), Some(&dana))
            .await;
        assert_eq!(r.json["preference"], 4, "[{name}] {}", r.text);
        for order in [
            json!({"order": [&ids[0], &ids[1], &ids[2]]}),
            json!({"order": [&ids[0], &ids[0], &ids[1], &ids[2]]}),
            json!({"order": [&ids[0], &ids[1], &ids[2], "A-someone-else"]}),
        ] {
            let r = s
                .send(
                    Method::PUT,
                    "/applications/preferences",
                    Some(&dana),
                    &order,
                )
                .await;
            assert_eq!(r.status.as_u16(), 422, "[{name}] {order}: {}", r.text);
        }
        // Withdrawing one frees its place; the ranks close up.
        let r = s
            .post(
                &format!("/applications/{}/withdrawal", ids[3]),
                Some(&dana),
                &json!({}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let r = s
            .post("/vacancies/V-6/applications", Some(&dana), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        assert_eq!(r.json["preference"], 4, "[{name}] {}", r.text);
        let r = s
            .get(&format!("/applications/{}", ids[2]), Some(&dana))
            .await;
        assert_eq!(r.json["preference"], 1, "[{name}] {}", r.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hr_writes_vacancies_with_the_directory_rule_and_sees_rotation() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let draft = |total: u8, why: Option<&str>| {
            json!({"title": "Бас маман", "description": "Қаржылық есептілік",
                   "category": "B-4", "region": "astana", "deadline": "2099-01-01",
                   "requirements": {"education_level": "higher", "min_years_total": total},
                   "requirements_justification": why})
        };
        // B-4's entry: 1–4 years in total. Nine need a reason, written.
        let r = s.post("/vacancies", Some(&t.hr_mf), &draft(9, None)).await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);
        assert_eq!(
            r.json["error"]["path"], "requirements_justification",
            "[{name}]"
        );
        assert!(r.text.contains("min_years_total 9"), "[{name}] {}", r.text);
        let why = "аудит қаржылық есептілікті тексеру тәжірибесін талап етеді";
        let r = s
            .post("/vacancies", Some(&t.hr_mf), &draft(9, Some(why)))
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        assert_eq!(r.json["status"], "draft");
        assert_eq!(r.json["organisation_id"], "MF");
        let id = r.json["id"].as_str().unwrap().to_owned();
        let r = s.get("/audit?limit=500", Some(&t.admin)).await;
        assert!(
            r.text.contains("vacancy.requirements_justified") && r.text.contains(why),
            "[{name}] {}",
            r.text
        );
        // Another organisation's HR may not edit it, nor a candidate create one;
        // an HR import cannot slip past the rule either.
        let r = s
            .send(
                Method::PUT,
                &format!("/vacancies/{id}"),
                Some(&t.hr_mj),
                &draft(2, None),
            )
            .await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        let r = s.post("/vacancies", Some(&t.cand1), &draft(2, None)).await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        let mut sneaky = common::vacancy("V-HR", "MF", Utc::now().date_naive() + Duration::days(5));
        sneaky["category"] = json!("B-4");
        sneaky["requirements"]["min_years_total"] = json!(12);
        let r = s
            .post("/import/vacancies", Some(&t.hr_mf), &json!([sneaky]))
            .await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);

        // Publish; once someone applied, the requirements are fixed.
        let r = s
            .post(
                &format!("/vacancies/{id}/status"),
                Some(&t.hr_mf),
                &json!({"status": "open"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let r = s
            .post(
                &format!("/vacancies/{id}/applications"),
                Some(&t.cand1),
                &json!({}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        let r = s
            .send(
                Method::PUT,
                &format!("/vacancies/{id}"),
                Some(&t.hr_mf),
                &draft(2, None),
            )
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);
        let mut retitled = draft(9, Some(why));
        retitled["title"] = json!("Бас маман (аудит)");
        let r = s
            .send(
                Method::PUT,
                &format!("/vacancies/{id}"),
                Some(&t.hr_mf),
                &retitled,
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["title"], "Бас маман (аудит)");

        // The commission sees the departure with its justification.
        let r = s
            .send(
                Method::PUT,
                &format!("/vacancies/{id}/commission/com-1"),
                Some(&t.hr_mf),
                &json!({}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        common::declare(&s, &t.com1, &id).await;
        let r = s
            .get(&format!("/vacancies/{id}/shortlist"), Some(&t.com1))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["requirements"]["justification"], why, "[{name}]");
        assert_eq!(
            r.json["requirements"]["deviations"][0]["requirement"],
            "min_years_total"
        );

        // Rotation: P-1 has been in MF's post since 2015 (the fixture's name
        // "MF ru"); MJ's HR sees nobody of MF's.
        let mut long = common::profile("P-1", "Айгерім Сапарова");
        long["experience"] = json!([{"organisation": "MF ru", "position": "Бас маман",
                                     "sector": "public", "start": "2015-09-01"}]);
        let r = s
            .post("/import/profiles", Some(&t.hrm), &json!([long]))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let r = s.get("/rotation", Some(&t.hr_mf)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json[0]["profile_id"], "P-1", "[{name}] {}", r.text);
        assert!(r.json[0]["years"].as_u64().unwrap() >= 3);
        let r = s.get("/rotation", Some(&t.hr_mj)).await;
        assert_eq!(r.json, json!([]), "[{name}] {}", r.text);
        let r = s.get("/rotation", Some(&t.admin)).await;
        assert_eq!(r.json.as_array().unwrap().len(), 1, "[{name}] {}", r.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_uploads_a_cv_whose_text_fills_the_summary() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cv/tests/fixtures");
    let docx = std::fs::read(fixtures.join("cv-libreoffice.docx")).unwrap();
    let pdf = std::fs::read(fixtures.join("cv-libreoffice.pdf")).unwrap();
    let scan = std::fs::read(fixtures.join("cv-scan.pdf")).unwrap();
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let upload = |token: String, body: Vec<u8>| {
            let s = &s;
            async move {
                s.raw(
                    Method::PUT,
                    "/profiles/P-1/cv",
                    Some(&token),
                    Some("application/octet-stream"),
                    body,
                )
                .await
            }
        };
        for file in [&docx, &pdf] {
            let r = upload(t.cand1.clone(), file.clone()).await;
            assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
            let summary = r.json["profile"]["summary"].as_str().unwrap();
            assert!(summary.contains("Қазақстан"), "[{name}] {summary}");
        }
        let stored =
            s.db.store
                .profile(&"P-1".parse().unwrap())
                .await
                .unwrap()
                .unwrap();
        assert!(stored.summary.contains("Қазақстан"), "[{name}] saved");
        // Someone else's profile, a scan, another format, too large: refused, and
        // the summary on file stays.
        let r = upload(t.cand2.clone(), docx.clone()).await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        let r = upload(t.cand1.clone(), scan.clone()).await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);
        assert!(r.text.contains("text layer"), "[{name}] {}", r.text);
        let r = upload(t.cand1.clone(), b"plain text, no CV".to_vec()).await;
        assert_eq!(r.status.as_u16(), 415, "[{name}] {}", r.text);
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(qabilet_cv::MAX_FILE_BYTES + 1, b' ');
        let r = upload(t.cand1.clone(), big).await;
        assert_eq!(r.status.as_u16(), 413, "[{name}] {}", r.text);
        let after =
            s.db.store
                .profile(&"P-1".parse().unwrap())
                .await
                .unwrap()
                .unwrap();
        assert_eq!(after.summary, stored.summary, "[{name}] nothing lost");
    }
}
