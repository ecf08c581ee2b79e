//! Demo accounts for `qabilet up`, so a newcomer can do each audience's main task
//! in the browser at once: a candidate whose profile has applications in progress,
//! a commission member seated on a vacancy with applicants, an HR officer of that
//! vacancy's organisation, and an admin. The talent reserve gets a few entries so
//! its page has something to filter.
//!
//! Created once, in one transaction, from the loaded demo data and its ground
//! truth; the passwords (and the TOTP secrets of the roles that must have a second
//! factor) are printed and written to `DATA_DIR/demo-accounts.txt` (mode 0600). Stage results of the demo competition are recorded by `demo-hr`
//! as HR would: the qualification check from the eligibility rules, then a test.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{Duration, Utc};
use qabilet_domain::{
    Application, ApplicationId, ConsentPurpose, Profile, ReserveEntry, ReserveKind, Stage,
    StageOutcome, StageResult, Vacancy, VacancyStatus,
};
use qabilet_matcher::eligibility::Checker;
use qabilet_matcher::ranking::{Provenance, Ranker, RankingConfig};
use qabilet_matcher::reserve::{on_competition_closed, on_vacancy_opened, Finalist, ReservePolicy};
use qabilet_store::{Role, Store, User, VacancyFilter};
use sha2::{Digest, Sha256};

/// The id whose presence means the accounts exist.
const ADMIN: &str = "demo-admin";
const HR: &str = "demo-hr";
/// How many people apply to the demo competition.
const APPLICANTS: usize = 12;

pub fn accounts_path(data_dir: &Path) -> PathBuf {
    data_dir.join("demo-accounts.txt")
}

/// The application id `POST /vacancies/{id}/applications` would give the pair.
fn application_id(vacancy: &Vacancy, profile: &Profile) -> anyhow::Result<ApplicationId> {
    let digest = Sha256::digest(format!("{}\n{}", vacancy.id, profile.id).as_bytes());
    ApplicationId::new(format!("A-{}", &hex::encode(digest)[..24])).map_err(anyhow::Error::msg)
}

fn judgements(data_dir: &Path) -> anyhow::Result<HashMap<String, Vec<(String, u8)>>> {
    let path = super::demo::judgements_path(data_dir);
    let file = std::fs::File::open(&path).with_context(|| format!("{}", path.display()))?;
    let mut out: HashMap<String, Vec<(String, u8)>> = HashMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let j: qabilet_demo::Judgement = serde_json::from_str(&line)?;
        out.entry(j.vacancy_id.to_string())
            .or_default()
            .push((j.profile_id.to_string(), j.grade));
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    Ok(out)
}

/// A base32 TOTP secret (160 bits).
fn totp_secret() -> anyhow::Result<String> {
    const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bytes = qabilet_app::accounts::random_bytes()?;
    Ok(bytes
        .iter()
        .map(|b| BASE32[usize::from(b % 32)] as char)
        .collect())
}

/// The current TOTP code of a demo account, from the accounts file (`qabilet
/// demo-code USER`): the demo's stand-in for an authenticator app.
pub fn current_code(data_dir: &Path, user: &str) -> anyhow::Result<String> {
    let path = accounts_path(data_dir);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{}: no demo accounts here (run `qabilet up`)",
            path.display()
        )
    })?;
    let secret = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (fields.len() == 4 && fields[1] == user).then(|| fields[3].to_owned())
        })
        .next()
        .ok_or_else(|| anyhow::anyhow!("no demo account {user:?} in {}", path.display()))?;
    anyhow::ensure!(secret != "-", "demo account {user:?} has no second factor");
    Ok(qabilet_app::accounts::second_factor::current_code(&secret)?)
}

/// A deterministic test score in 55..95 for a demo applicant.
fn test_score(app: &ApplicationId) -> f32 {
    let h = Sha256::digest(app.as_str().as_bytes());
    55.0 + f32::from(h[0] % 40)
}

/// Creates the demo accounts unless they exist; returns the accounts file's path.
pub async fn ensure(store: &Store, data_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let path = accounts_path(data_dir);
    if store.user(ADMIN).await?.is_some() {
        eprintln!(
            "      demo accounts exist; their passwords are in {}",
            path.display()
        );
        return Ok(Some(path));
    }
    let Ok(truth) = judgements(data_dir) else {
        eprintln!("      no demo ground truth in this data directory: demo accounts not created");
        return Ok(None);
    };
    let today = (Utc::now() + Duration::hours(5)).date_naive();
    let open = VacancyFilter {
        status: Some(VacancyStatus::Open),
        region: None,
    };
    let mut open: Vec<Vacancy> = store.vacancies(&open, 10_000).await?;
    open.retain(|v| v.deadline >= today);
    let judged = |v: &Vacancy| truth.get(v.id.as_str()).map_or(0, Vec::len);
    open.sort_by(|a, b| judged(b).cmp(&judged(a)).then_with(|| a.id.cmp(&b.id)));
    let Some(vacancy) = open.first().cloned() else {
        eprintln!("      no open vacancy in the demo data: demo accounts not created");
        return Ok(None);
    };

    // Applicants: the people the ground truth judges fit, then a few it does not
    // (who are likely to fail a rule, so the ineligible list is not empty).
    let mut applicants: Vec<Profile> = Vec::new();
    let fitting = truth.get(vacancy.id.as_str()).cloned().unwrap_or_default();
    for (id, _) in fitting.iter().take(APPLICANTS - 3) {
        if let Some(p) = store
            .profile(&id.parse().map_err(anyhow::Error::msg)?)
            .await?
        {
            applicants.push(p);
        }
    }
    for p in store.profiles_page("", 200).await? {
        if applicants.len() >= APPLICANTS {
            break;
        }
        if !applicants.iter().any(|a| a.id == p.id) {
            applicants.push(p);
        }
    }
    applicants.retain(|p| p.consents_to(ConsentPurpose::Processing));
    let checker = Checker::default();
    let prepared = checker.prepare(&vacancy);
    let now = Utc::now();
    let mut apps = Vec::new();
    let mut candidate: Option<Profile> = None;
    for p in &applicants {
        let id = application_id(&vacancy, p)?;
        let e = checker.check(&prepared, p, today.min(vacancy.deadline));
        let at = |minutes: i64| now - Duration::days(2) + Duration::minutes(minutes);
        let mut stages = vec![StageResult {
            stage: Stage::QualificationCheck,
            outcome: if e.eligible {
                StageOutcome::Passed
            } else {
                StageOutcome::Failed
            },
            score: None,
            decided_at: at(10),
            decided_by: HR.into(),
            reason: Some(if e.eligible {
                "meets the formal requirements (eligibility rules, confirmed by HR)".into()
            } else {
                let failed: Vec<String> = e.failed().map(|f| f.rule.to_string()).collect();
                format!("does not meet: {}", failed.join(", "))
            }),
            rule_check: Some(e.rule_check()),
        }];
        if e.eligible {
            stages.push(StageResult {
                stage: Stage::Test,
                outcome: StageOutcome::Passed,
                score: Some(test_score(&id)),
                decided_at: at(60),
                decided_by: HR.into(),
                reason: Some("test on legislation and the subject passed".into()),
                rule_check: None,
            });
            // The first eligible applicant is the demo candidate: their next stage is
            // the commission's interview.
            if candidate.is_none() {
                candidate = Some(p.clone());
            }
        }
        apps.push(Application {
            id,
            vacancy_id: vacancy.id.clone(),
            profile_id: p.id.clone(),
            submitted_at: now - Duration::days(3),
            stages,
            preference: None,
        });
    }
    let Some(candidate) = candidate else {
        eprintln!(
            "      nobody eligible for {}: demo accounts not created",
            vacancy.id
        );
        return Ok(None);
    };
    // A second application of the candidate, just submitted, elsewhere.
    if let Some(other) = open
        .iter()
        .skip(1)
        .find(|v| v.organisation_id != vacancy.organisation_id)
    {
        apps.push(Application {
            id: application_id(other, &candidate)?,
            vacancy_id: other.id.clone(),
            profile_id: candidate.id.clone(),
            submitted_at: now - Duration::hours(20),
            stages: Vec::new(),
            preference: None,
        });
    }
    let (reserve, matched) = reserve_entries(store, &truth, &open, &vacancy).await?;

    let accounts = [
        (ADMIN.to_owned(), Role::Admin, None, None),
        (
            HR.to_owned(),
            Role::Hr,
            Some(vacancy.organisation_id.to_string()),
            None,
        ),
        ("demo-commission".to_owned(), Role::Commission, None, None),
        // A second member, so a commission of two can be seated and walked.
        ("demo-commission-2".to_owned(), Role::Commission, None, None),
        (
            "demo-candidate".to_owned(),
            Role::Candidate,
            None,
            Some(candidate.id.to_string()),
        ),
        // Oversight: the analytics, fairness, the audit log and its replays.
        ("demo-auditor".to_owned(), Role::Auditor, None, None),
    ];
    let mut tx = store.begin().await?;
    let mut lines = Vec::new();
    for (id, role, organisation_id, profile_id) in accounts {
        let password = qabilet_app::accounts::passwords::generate_password()?;
        let hash = qabilet_app::accounts::passwords::hash_password(&password).await?;
        let user = User {
            id: id.clone(),
            role,
            organisation_id,
            profile_id,
            disabled: false,
        };
        tx.insert_user(&user, &hash).await?;
        tx.audit("system", "user.create", "user", &id, role.as_str())
            .await?;
        // The roles that must have a second factor get one now, so the demo can be
        // walked at once; its secret is in the accounts file (`qabilet demo-code`).
        let totp = if qabilet_app::accounts::second_factor::required_for(role) {
            let secret = totp_secret()?;
            tx.start_totp(&id, &secret).await?;
            tx.confirm_totp(&id, &[]).await?;
            secret
        } else {
            "-".to_owned()
        };
        lines.push(format!(
            "{:<11} {:<16} {password} {totp}",
            role.as_str(),
            id
        ));
    }
    tx.seat_commission_member(vacancy.id.as_str(), "demo-commission")
        .await?;
    tx.audit(
        "system",
        "commission.seat",
        "vacancy",
        vacancy.id.as_str(),
        "demo-commission",
    )
    .await?;
    for app in &apps {
        tx.put_application(app).await?;
    }
    for entry in &reserve {
        tx.put_reserve_entry(entry).await?;
    }
    let detail = serde_json::json!({
        "vacancy": vacancy.id, "applications": apps.len(), "reserve_entries": reserve.len()
    });
    tx.audit(
        "system",
        "demo.accounts",
        "dataset",
        "demo",
        &detail.to_string(),
    )
    .await?;
    tx.commit().await?;

    let text = format!(
        "# Qabilet demo accounts (sign in at /web/login with the user id, the password and,\n\
         # for admin, hr, commission and auditor, the code `qabilet demo-code USER` prints)\n\
         # candidate profile {}: applications in progress; commission: seated on {} «{}»;\n\
         # hr: organisation {}{}; auditor: analytics, fairness, the audit log; admin: everything.\n\
         # role      user id          password                totp secret\n{}\n",
        candidate.id,
        vacancy.id,
        vacancy.title,
        vacancy.organisation_id,
        matched.map_or(String::new(), |v| format!(", reserve matches for {}", v.id)),
        lines.join("\n")
    );
    write_private(&path, &text)?;
    println!("{text}(kept in {})", path.display());
    Ok(Some(path))
}

/// Reserve entries: the runners-up of other competitions (through
/// `matcher::reserve::on_competition_closed`), as if those had closed, and one
/// expired entry so the expiry filter shows something. Also returns the vacancy of
/// the demo organisation with the most reserve matches, for HR's matches page.
async fn reserve_entries(
    store: &Store,
    truth: &HashMap<String, Vec<(String, u8)>>,
    open: &[Vacancy],
    demo: &Vacancy,
) -> anyhow::Result<(Vec<ReserveEntry>, Option<Vacancy>)> {
    let now = Utc::now();
    let mut out = Vec::new();
    let mut profiles: HashMap<String, Profile> = HashMap::new();
    // The demo organisation's own competitions first: its HR officer sees the
    // entries from them (the reserve's scope), every admin sees all.
    let mut others: Vec<&Vacancy> = open.iter().filter(|v| v.id != demo.id).collect();
    others.sort_by_key(|v| v.organisation_id != demo.organisation_id);
    for other in others.into_iter().take(20) {
        let mut people = Vec::new();
        for (id, grade) in truth.get(other.id.as_str()).into_iter().flatten().take(4) {
            if let Some(p) = store
                .profile(&id.parse().map_err(anyhow::Error::msg)?)
                .await?
            {
                people.push((p, *grade));
            }
        }
        let finalists: Vec<Finalist> = people
            .iter()
            .enumerate()
            .map(|(i, (p, grade))| Finalist {
                profile: p,
                rank: i as u32 + 1,
                score: 60.0 + 10.0 * f32::from(*grade),
            })
            .collect();
        out.extend(on_competition_closed(
            other,
            &finalists,
            &ReservePolicy::default(),
            now,
        ));
        profiles.extend(people.into_iter().map(|(p, _)| (p.id.to_string(), p)));
    }
    let config = RankingConfig::default();
    let checker = Checker::default();
    let ranker = Ranker::new(&config, &checker, Provenance::default());
    let pairs: Vec<(&ReserveEntry, &Profile)> = out
        .iter()
        .filter_map(|e| profiles.get(e.profile_id.as_str()).map(|p| (e, p)))
        .collect();
    let policy = ReservePolicy::default();
    let matched = open
        .iter()
        .filter(|v| v.organisation_id == demo.organisation_id && v.id != demo.id)
        .map(|v| (on_vacancy_opened(&ranker, v, &pairs, &policy, now).len(), v))
        .filter(|(n, _)| *n > 0)
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.id.cmp(&a.1.id)))
        .map(|(_, v)| v.clone());
    if let Some(first) = out.first().cloned() {
        let mut expired = first;
        expired.id = format!("{}-old", expired.id)
            .parse()
            .map_err(anyhow::Error::msg)?;
        expired.kind = ReserveKind::Reserve;
        // From the demo competition, so the demo HR officer's expiry filter shows it.
        expired.origin_vacancy_id = Some(demo.id.clone());
        expired.rank = None;
        expired.reason = "kept in the reserve by HR after an interview last year".into();
        expired.created_at = now - Duration::days(400);
        expired.consented_at = expired.consented_at.min(expired.created_at);
        expired.expires_at = now - Duration::days(35);
        out.push(expired);
    }
    Ok((out, matched))
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}
