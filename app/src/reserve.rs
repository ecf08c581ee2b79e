//! The talent reserve and the second-best registry: listing, adding, extending and
//! removing entries, who enters when a decision is recorded, who is matched when a
//! vacancy opens.
//!
//! Scope: admins (and the operator) and the HRM client see and manage every entry;
//! an HR officer only entries whose origin vacancy belongs to their organisation
//! (an entry without an origin is the agency-wide reserve). Candidates and
//! commission members are refused. Nobody enters without consent to the reserve
//! and to processing; an entry is kept for at most [`crate::Limits::reserve_days`]
//! from now, when added and when extended; every change is audited.
//!
//! Runners-up and reserve matches are written inside the caller's transaction, so
//! the entries and the `reserve_match` outbox events land exactly when the decision
//! or the vacancy does. The rules themselves are the matcher's
//! ([`on_competition_closed`], [`on_vacancy_opened`]).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use qabilet_domain::{
    Application, ConsentPurpose, Profile, ProfileId, ReserveEntry, ReserveEntryId, ReserveKind,
    Stage, StageOutcome, Vacancy, VacancyId, VacancyStatus,
};
use qabilet_indexer::text_hash;
use qabilet_matcher::ranking::Provenance;
use qabilet_matcher::reserve::{
    extend, on_competition_closed, on_vacancy_opened, Finalist, ReserveError, ReserveFilter,
    ReserveMatchEvent as ReserveMatch,
};
use qabilet_store::{EventKind, Role, WriteTx};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::competition::reason_of;
use crate::{access, Actor, App, AppError, AppResult};

/// Records read per page when walking the reserve.
const PAGE: i64 = 1_000;

const MANAGERS: [Role; 3] = [Role::Hr, Role::Hrm, Role::Admin];

/// Every reserve entry, in id order.
pub(crate) async fn all_entries(app: &App) -> AppResult<Vec<ReserveEntry>> {
    let (mut after, mut out) = (String::new(), Vec::new());
    loop {
        let page = app.store().reserve_page(&after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id.to_string();
        out.extend(page);
    }
    Ok(out)
}

/// Whether `actor` may see and manage `entry`.
async fn in_scope(app: &App, actor: &Actor, entry: &ReserveEntry) -> AppResult<bool> {
    Ok(match actor.role {
        Role::Admin | Role::Hrm => true,
        Role::Hr => match &entry.origin_vacancy_id {
            Some(v) => app
                .store()
                .vacancy(v)
                .await?
                .is_some_and(|v| Some(&v.organisation_id) == actor.organisation_id.as_ref()),
            None => false,
        },
        Role::Candidate | Role::Commission | Role::Auditor => false,
    })
}

/// An entry `actor` manages: refused for anyone else whether or not it exists.
async fn managed_entry(app: &App, actor: &Actor, id: &ReserveEntryId) -> AppResult<ReserveEntry> {
    actor.require(&MANAGERS)?;
    let refused = || AppError::forbidden("you may not access this reserve entry");
    match app.store().reserve_entry(id.as_str()).await? {
        Some(e) if in_scope(app, actor, &e).await? => Ok(e),
        Some(_) => Err(refused()),
        None if matches!(actor.role, Role::Admin | Role::Hrm) => Err(AppError::not_found(format!(
            "reserve entry {id} does not exist"
        ))),
        None => Err(refused()),
    }
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct ReserveQuery {
    pub kind: Option<ReserveKind>,
    /// `Some(true)`: only entries in force; `Some(false)`: only expired ones.
    pub active: Option<bool>,
    /// Entries from this vacancy's competition.
    pub vacancy: Option<VacancyId>,
    /// The last entry id already seen; entries come in id order after it.
    pub after: Option<String>,
    pub limit: Option<usize>,
}

/// Entries in `actor`'s scope, in id order.
pub async fn list(app: &App, actor: &Actor, q: &ReserveQuery) -> AppResult<Vec<ReserveEntry>> {
    actor.require(&MANAGERS)?;
    let now = Utc::now();
    let filter = ReserveFilter {
        kind: q.kind,
        origin_vacancy: q.vacancy.clone(),
        active_only: q.active == Some(true),
    };
    let limit = crate::how_many_of("limit", q.limit, 100, app.limits().page as usize)?;
    let mut out = Vec::new();
    let after = q.after.as_deref().unwrap_or("");
    for e in all_entries(app)
        .await?
        .into_iter()
        .filter(|e| e.id.as_str() > after)
    {
        let wanted = filter.matches(&e, now) && (q.active != Some(false) || !e.is_active(now));
        if wanted && in_scope(app, actor, &e).await? {
            out.push(e);
            if out.len() == limit {
                break;
            }
        }
    }
    Ok(out)
}

/// A person to keep in the reserve.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    pub profile_id: ProfileId,
    #[schema(value_type = qabilet_domain::ReasonText)]
    pub reason: String,
    /// Days the entry stays in force; 365 unless given (1 to 1,095).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1095)]
    pub days: Option<i64>,
    /// The competition the person is kept from; required of HR officers (it puts
    /// the entry in their organisation's scope).
    #[serde(default)]
    pub vacancy_id: Option<VacancyId>,
}

fn check_days(app: &App, field: &str, days: i64) -> AppResult<()> {
    let range = &app.limits().reserve_days;
    if range.contains(&days) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            format!(
                "between {} and {} days from now",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// Keeps a person in the talent reserve; they must consent to the reserve and to
/// processing. One manual entry per person and origin: adding again renews it.
pub async fn add(app: &App, actor: &Actor, input: &NewEntry) -> AppResult<ReserveEntry> {
    actor.require(&MANAGERS)?;
    let reason = reason_of("reason", &input.reason)?.to_owned();
    let days = input.days.unwrap_or(365);
    check_days(app, "days", days)?;
    match (&input.vacancy_id, actor.role) {
        (Some(v), _) => {
            access::managed_vacancy(app, actor, v).await?;
        }
        (None, Role::Hr) => {
            return Err(AppError::invalid(
                "vacancy_id",
                "HR officers keep people from a competition of their organisation: name it",
            ))
        }
        (None, _) => {}
    }
    if let (Role::Hr, Some(org)) = (actor.role, &actor.organisation_id) {
        // HR officers keep people of their own competitions: someone who never
        // applied to the organisation is refused like someone who does not exist.
        let applied = app
            .store()
            .profile_applied_to_organisation(input.profile_id.as_str(), org.as_str())
            .await?;
        if !applied {
            return Err(AppError::forbidden(
                "HR officers keep in the reserve only people who applied to their organisation",
            ));
        }
    }
    let profile = app
        .store()
        .profile(&input.profile_id)
        .await?
        .ok_or_else(|| AppError::invalid("profile_id", "no such profile"))?;
    let consented_at = profile
        .consents
        .iter()
        .filter(|c| c.purpose == ConsentPurpose::Reserve)
        .map(|c| c.granted_at)
        .max();
    let consented_at = match consented_at {
        Some(at)
            if profile.consents_to(ConsentPurpose::Reserve)
                && profile.consents_to(ConsentPurpose::Processing) =>
        {
            at
        }
        _ => {
            return Err(AppError::conflict(format!(
                "{} has not consented to the reserve; nobody is kept without consent",
                profile.id
            )))
        }
    };
    let now = Utc::now();
    let origin = input.vacancy_id.as_ref().map_or("", |v| v.as_str());
    let hash = text_hash(&format!("reserve\u{0}{}\u{0}{origin}", profile.id));
    let id = ReserveEntryId::new(format!("R-{hash:016x}")).map_err(AppError::Internal)?;
    let entry = ReserveEntry {
        id: id.clone(),
        profile_id: profile.id.clone(),
        kind: ReserveKind::Reserve,
        origin_vacancy_id: input.vacancy_id.clone(),
        rank: None,
        reason: reason.clone(),
        consented_at,
        created_at: now,
        expires_at: now + Duration::days(days),
    };
    let mut tx = app.store().begin().await?;
    tx.put_reserve_entry(&entry).await?;
    tx.audit(
        actor.audit_name(),
        "reserve.add",
        "reserve_entry",
        id.as_str(),
        &reason,
    )
    .await?;
    tx.commit().await?;
    Ok(entry)
}

/// A later expiry for an entry.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    pub until: DateTime<Utc>,
    #[schema(value_type = qabilet_domain::ReasonText)]
    pub reason: String,
}

/// Moves an entry's expiry later (at most the reserve limit from now); the person
/// must still consent.
pub async fn extend_entry(
    app: &App,
    actor: &Actor,
    id: &ReserveEntryId,
    input: &Extension,
) -> AppResult<ReserveEntry> {
    let entry = managed_entry(app, actor, id).await?;
    let reason = reason_of("reason", &input.reason)?;
    let now = Utc::now();
    let latest = now + Duration::days(*app.limits().reserve_days.end());
    if input.until > latest {
        return Err(AppError::invalid(
            "until",
            format!(
                "at most {} days from now ({})",
                app.limits().reserve_days.end(),
                latest.date_naive()
            ),
        ));
    }
    let profile = app
        .store()
        .profile(&entry.profile_id)
        .await?
        .ok_or_else(|| AppError::conflict(format!("profile {} is gone", entry.profile_id)))?;
    let longer = extend(&entry, &profile, input.until, now).map_err(|e| match e {
        ReserveError::ExpiryInPast(_) => AppError::invalid("until", e.to_string()),
        ReserveError::NoConsent(_) => AppError::conflict(e.to_string()),
    })?;
    let mut tx = app.store().begin().await?;
    tx.put_reserve_entry(&longer).await?;
    let detail = json!({ "until": input.until, "reason": reason });
    tx.audit(
        actor.audit_name(),
        "reserve.extend",
        "reserve_entry",
        id.as_str(),
        &detail.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(longer)
}

/// An entry removed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Removed {
    pub id: ReserveEntryId,
    pub removed: bool,
}

/// Removes an entry (the audit log keeps who and when).
pub async fn remove(app: &App, actor: &Actor, id: &ReserveEntryId) -> AppResult<Removed> {
    let entry = managed_entry(app, actor, id).await?;
    let mut tx = app.store().begin().await?;
    tx.delete_reserve_entry(id).await?;
    tx.audit(
        actor.audit_name(),
        "reserve.remove",
        "reserve_entry",
        id.as_str(),
        entry.profile_id.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(Removed {
        id: id.clone(),
        removed: true,
    })
}

/// The final score of an application: the decision's score, else the interview's,
/// else the test's.
fn final_score(application: &Application) -> Option<f32> {
    [Stage::Decision, Stage::Interview, Stage::Test]
        .into_iter()
        .find_map(|stage| {
            application
                .stages
                .iter()
                .find(|s| s.stage == stage)
                .and_then(|s| s.score)
        })
}

fn won(application: &Application) -> bool {
    application
        .stages
        .iter()
        .any(|s| s.stage == Stage::Decision && s.outcome == StageOutcome::Passed)
}

/// After a decision on `vacancy`: once a winner is decided, the runners-up with a
/// decision (ranked by final score, the winner first) who reach the policy's
/// threshold and consent to the reserve enter it as `second_best`. `decided` is the
/// application just written, which the store does not show yet. Entries already
/// there are left alone, so recording further decisions adds no duplicates.
pub(crate) async fn enter_runners_up(
    app: &App,
    tx: &mut WriteTx,
    vacancy: &Vacancy,
    decided: &Application,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<ReserveEntry>> {
    let mut finalists: Vec<(Application, Arc<Profile>)> = Vec::new();
    for (application, profile) in crate::applicants::applicants(app, &vacancy.id).await? {
        let application = if application.id == decided.id {
            decided.clone()
        } else {
            application
        };
        let has_decision = application
            .stages
            .iter()
            .any(|s| s.stage == Stage::Decision);
        if let (true, Some(profile)) = (has_decision, profile) {
            finalists.push((application, profile));
        }
    }
    if !finalists.iter().any(|(a, _)| won(a)) {
        return Ok(Vec::new());
    }
    // Winner(s) first, then by final score; ties broken by application id so the
    // ranks do not depend on the database's order.
    finalists.sort_by(|(a, _), (b, _)| {
        won(b)
            .cmp(&won(a))
            .then_with(|| {
                final_score(b)
                    .unwrap_or(f32::NEG_INFINITY)
                    .total_cmp(&final_score(a).unwrap_or(f32::NEG_INFINITY))
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    let ranked: Vec<Finalist> = finalists
        .iter()
        .enumerate()
        .map(|(i, (application, profile))| Finalist {
            profile,
            rank: i as u32 + 1,
            score: final_score(application).unwrap_or(f32::NAN),
        })
        .collect();
    let mut added = Vec::new();
    for entry in on_competition_closed(vacancy, &ranked, &app.config().reserve, now) {
        if app
            .store()
            .reserve_entry(entry.id.as_str())
            .await?
            .is_some()
        {
            continue;
        }
        tx.put_reserve_entry(&entry).await?;
        tx.audit(
            actor,
            "reserve.enter",
            "reserve_entry",
            entry.id.as_str(),
            &entry.reason,
        )
        .await?;
        added.push(entry);
    }
    Ok(added)
}

/// Whether writing `new` over `old` opens the vacancy (new, or status changed to
/// open).
pub(crate) fn opens(old: Option<&Vacancy>, new: &Vacancy) -> bool {
    new.status == VacancyStatus::Open && old.is_none_or(|o| o.status != VacancyStatus::Open)
}

/// The active reserve with each entry's profile, loaded once for matching one or
/// many vacancies (an import may open thousands).
pub(crate) struct ActiveReserve {
    entries: Vec<ReserveEntry>,
    profiles: HashMap<String, Profile>,
}

impl ActiveReserve {
    /// Every active entry (only those `scope` may see, when given) and its
    /// person's profile.
    async fn load_for(
        app: &App,
        now: DateTime<Utc>,
        scope: Option<&Actor>,
    ) -> AppResult<ActiveReserve> {
        let mut entries = Vec::new();
        for e in all_entries(app)
            .await?
            .into_iter()
            .filter(|e| e.is_active(now))
        {
            let keep = match scope {
                Some(actor) => in_scope(app, actor, &e).await?,
                None => true,
            };
            if keep {
                entries.push(e);
            }
        }
        let mut profiles = HashMap::new();
        for e in &entries {
            if let Some(p) = app.store().profile(&e.profile_id).await? {
                profiles.insert(e.profile_id.to_string(), p);
            }
        }
        Ok(ActiveReserve { entries, profiles })
    }

    /// Every active entry: what the system matches a new vacancy against.
    pub(crate) async fn load(app: &App, now: DateTime<Utc>) -> AppResult<ActiveReserve> {
        Self::load_for(app, now, None).await
    }

    /// Who fits `vacancy` now, by the matcher's rule and the deployment's policy and
    /// weights.
    fn matches(&self, app: &App, vacancy: &Vacancy, now: DateTime<Utc>) -> Vec<ReserveMatch> {
        let pairs: Vec<(&ReserveEntry, &Profile)> = self
            .entries
            .iter()
            .filter_map(|e| Some((e, self.profiles.get(e.profile_id.as_str())?)))
            .collect();
        let ranking = app.ranking();
        let ranker = app.ranker(&ranking.config, Provenance::default());
        on_vacancy_opened(&ranker, vacancy, &pairs, &app.config().reserve, now)
    }
}

/// When `vacancy` opens: the active reserve is matched and each match goes to the
/// outbox as a `reserve_match` event. Returns how many were notified.
pub(crate) async fn notify_matches(
    app: &App,
    tx: &mut WriteTx,
    vacancy: &Vacancy,
    reserve: &ActiveReserve,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let events = reserve.matches(app, vacancy, now);
    for event in &events {
        let payload = serde_json::to_value(event)
            .map_err(|e| AppError::internal(format!("reserve match to JSON: {e}")))?;
        tx.enqueue_event(
            EventKind::ReserveMatch,
            "vacancy",
            vacancy.id.as_str(),
            &payload,
        )
        .await?;
    }
    Ok(events.len())
}

/// Who of the reserve entries `actor` may see would be notified if `vacancy_id`
/// opened now (the system itself matches the whole reserve; a person sees only
/// their scope). Writes nothing; audited as a view, since it names people.
pub async fn preview_matches(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
) -> AppResult<(Vacancy, Vec<ReserveMatch>)> {
    let vacancy = access::managed_vacancy(app, actor, vacancy_id).await?;
    let now = Utc::now();
    let reserve = ActiveReserve::load_for(app, now, Some(actor)).await?;
    let found = reserve.matches(app, &vacancy, now);
    let record = crate::view_audit::ViewRecord {
        actor: actor.audit_name().to_owned(),
        action: "reserve.matches.view",
        subject_kind: "vacancy",
        subject_id: vacancy.id.to_string(),
        detail: json!({ "matches": found.len() }).to_string(),
        ranking_record: None,
    };
    app.view_audit().record(app.store(), record).await?;
    Ok((vacancy, found))
}
