//! Bulk imports from the HRM system and from files: organisations, vacancies,
//! profiles (and, for the operator restoring a backup, applications and reserve
//! entries), all or nothing, idempotent by id, audited.
//!
//! [`Import`] is one import in one write transaction, whichever door it comes
//! through: `POST /import/…` (at most [`crate::Limits::import_records`] records a
//! request) or `qabilet import FILE` (a whole file, streamed). Both get the same
//! role rules (HR officers import only their own organisation's vacancies), the
//! same audit entry, and the same reserve matching: a vacancy that opens (new and
//! open, or changed to open) is matched against the reserve, and its
//! `reserve_match` events commit with it.

use chrono::Utc;
use qabilet_domain::repair::{apply_policy, RepairText, TextPolicy};
use qabilet_domain::{
    Application, Organisation, OrganisationId, Profile, ProfileId, ReserveEntry, Vacancy, Validate,
};
use qabilet_store::{Put, Role, WriteTx};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{qualifications, reserve, Actor, App, AppError, AppResult};

/// What an import holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Organisations,
    Vacancies,
    Profiles,
    /// Operator only: restoring an export.
    Applications,
    /// Operator only: restoring an export.
    Reserve,
}

impl ImportKind {
    /// Plural, as files and audit entries name them.
    pub fn name(self) -> &'static str {
        match self {
            ImportKind::Organisations => "organisations",
            ImportKind::Vacancies => "vacancies",
            ImportKind::Profiles => "profiles",
            ImportKind::Applications => "applications",
            ImportKind::Reserve => "reserve",
        }
    }

    /// The record kind of the audit entry.
    fn record(self) -> &'static str {
        match self {
            ImportKind::Organisations => "organisation",
            ImportKind::Vacancies => "vacancy",
            ImportKind::Profiles => "profile",
            ImportKind::Applications => "application",
            ImportKind::Reserve => "reserve_entry",
        }
    }

    /// Who may import it.
    fn roles(self) -> &'static [Role] {
        match self {
            ImportKind::Vacancies => &[Role::Hrm, Role::Admin, Role::Hr],
            ImportKind::Organisations | ImportKind::Profiles => &[Role::Hrm, Role::Admin],
            ImportKind::Applications | ImportKind::Reserve => &[Role::Admin],
        }
    }
}

/// How many records an import inserted, updated or found unchanged.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportTally {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Vacancy imports only: reserve matches notified for vacancies that opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserve_matches: Option<usize>,
    /// Records whose text was repaired (`repair_text=true`), when any was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repaired: Option<usize>,
    /// Profile imports only: records whose IIN is already on file under another
    /// id. The IIN is the person's key, so each updated that profile, kept its id,
    /// and did not become a second profile of the same person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched_by_iin: Vec<IinMatch>,
}

/// A profile record matched to the person already on file by its IIN.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IinMatch {
    /// The id the record came with.
    pub given_id: ProfileId,
    /// The id of the profile it updated.
    pub profile_id: ProfileId,
}

/// One import, in one write transaction: nothing is visible until [`Self::commit`],
/// and dropping it rolls everything back.
pub struct Import<'a> {
    app: &'a App,
    actor: &'a Actor,
    kind: ImportKind,
    tx: WriteTx,
    tally: ImportTally,
    /// Vacancies this import opens, matched against the reserve at commit.
    opened: Vec<Vacancy>,
}

impl<'a> Import<'a> {
    /// Starts an import of `kind` by `actor`; refused for a role that may not.
    pub async fn begin(app: &'a App, actor: &'a Actor, kind: ImportKind) -> AppResult<Import<'a>> {
        actor.require(kind.roles())?;
        let operator_only = matches!(kind, ImportKind::Applications | ImportKind::Reserve);
        if operator_only && actor.kind != crate::ActorKind::Operator {
            return Err(AppError::forbidden(
                "applications and reserve entries are restored from a backup by the operator",
            ));
        }
        Ok(Import {
            app,
            actor,
            kind,
            tx: app.store().begin().await?,
            tally: ImportTally::default(),
            opened: Vec::new(),
        })
    }

    fn count(&mut self, put: Put) -> Put {
        match put {
            Put::Inserted => self.tally.inserted += 1,
            Put::Updated => self.tally.updated += 1,
            Put::Unchanged => self.tally.unchanged += 1,
        }
        put
    }

    fn expect(&self, kind: ImportKind) -> AppResult<()> {
        if self.kind == kind {
            Ok(())
        } else {
            Err(AppError::internal(format!(
                "a {} record in an import of {}",
                kind.name(),
                self.kind.name()
            )))
        }
    }

    pub async fn organisation(&mut self, org: &Organisation) -> AppResult<Put> {
        self.expect(ImportKind::Organisations)?;
        let put = self.tx.put_organisation(org).await?;
        Ok(self.count(put))
    }

    pub async fn vacancy(&mut self, v: &Vacancy) -> AppResult<Put> {
        self.expect(ImportKind::Vacancies)?;
        let old = self.app.store().vacancy(&v.id).await?;
        if self.actor.role == Role::Hr {
            let theirs = |org: &OrganisationId| Some(org) == self.actor.organisation_id.as_ref();
            // An existing vacancy of another organisation must not be taken over;
            // the answer is the same as for a record naming another organisation,
            // so it does not tell which ids exist elsewhere.
            if !theirs(&v.organisation_id)
                || old.as_ref().is_some_and(|e| !theirs(&e.organisation_id))
            {
                return Err(AppError::forbidden(format!(
                    "vacancy {}: HR officers import their own organisation's vacancies only",
                    v.id
                )));
            }
        }
        // HR officers write requirements themselves; what the HRM sends is the
        // agency's approved register (see `qualifications`). A write that keeps
        // the category and requirements on file (a status change) sets none.
        let sets_requirements = old
            .as_ref()
            .is_none_or(|o| o.requirements != v.requirements || o.category != v.category);
        let review = if self.actor.role == Role::Hr && sets_requirements {
            qualifications::require_justification(self.app, v)?
        } else {
            self.app.config().qualifications.review(v)
        };
        if reserve::opens(old.as_ref(), v) {
            self.opened.push(v.clone());
        }
        let put = self.tx.put_vacancy(v).await?;
        let justified_anew = old.as_ref().is_none_or(|o| {
            o.requirements_justification != v.requirements_justification
                || o.requirements != v.requirements
        });
        if justified_anew && !review.deviations.is_empty() && review.justification.is_some() {
            self.tx
                .audit(
                    self.actor.audit_name(),
                    "vacancy.requirements_justified",
                    "vacancy",
                    v.id.as_str(),
                    &serde_json::to_string(&review)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                )
                .await?;
        }
        Ok(self.count(put))
    }

    /// Writes a profile; one whose IIN is on file under another id updates that
    /// profile (see [`ImportTally::matched_by_iin`]).
    pub async fn profile(&mut self, p: &Profile) -> AppResult<Put> {
        self.expect(ImportKind::Profiles)?;
        let on_file = match &p.iin {
            Some(iin) => self.app.store().profile_id_by_iin(iin.as_str()).await?,
            None => None,
        };
        let put = match on_file.filter(|id| id != p.id.as_str()) {
            Some(id) => {
                let profile_id: ProfileId = crate::parse_id("profile", &id)?;
                self.tally.matched_by_iin.push(IinMatch {
                    given_id: p.id.clone(),
                    profile_id: profile_id.clone(),
                });
                let same_person = Profile {
                    id: profile_id,
                    ..p.clone()
                };
                self.tx.put_profile(&same_person).await?
            }
            None => self.tx.put_profile(p).await?,
        };
        Ok(self.count(put))
    }

    pub async fn application(&mut self, a: &Application) -> AppResult<Put> {
        self.expect(ImportKind::Applications)?;
        let put = self.tx.put_application(a).await?;
        Ok(self.count(put))
    }

    pub async fn reserve_entry(&mut self, e: &ReserveEntry) -> AppResult<Put> {
        self.expect(ImportKind::Reserve)?;
        let put = self.tx.put_reserve_entry(e).await?;
        Ok(self.count(put))
    }

    /// Matches the vacancies that opened against the reserve, writes the audit
    /// entry (`{kind}.import` of `source`: `*` over HTTP, the file path from the
    /// CLI) and commits it all.
    pub async fn commit(mut self, source: &str) -> AppResult<ImportTally> {
        if self.kind == ImportKind::Vacancies {
            let mut matches = 0;
            if !self.opened.is_empty() {
                let now = Utc::now();
                let active = reserve::ActiveReserve::load(self.app, now).await?;
                for v in &self.opened {
                    matches +=
                        reserve::notify_matches(self.app, &mut self.tx, v, &active, now).await?;
                }
            }
            self.tally.reserve_matches = Some(matches);
        }
        let t = &self.tally;
        let detail = serde_json::json!({
            "inserted": t.inserted, "updated": t.updated, "unchanged": t.unchanged,
            "reserve_matches": t.reserve_matches, "matched_by_iin": t.matched_by_iin,
        });
        self.tx
            .audit(
                self.actor.audit_name(),
                &format!("{}.import", self.kind.record()),
                self.kind.record(),
                source,
                &detail.to_string(),
            )
            .await?;
        self.tx.commit().await?;
        Ok(self.tally)
    }
}

/// Validates every record of a request, naming the first bad one as `[i].field`.
/// Checks every record's text under `policy` (repairing it when asked; see
/// `qabilet_domain::repair`), then validates it; how many were repaired.
fn validate_all<T: Validate + RepairText + Clone>(
    app: &App,
    records: &mut [T],
    policy: TextPolicy,
) -> AppResult<usize> {
    let max = app.limits().import_records;
    if records.len() > max {
        return Err(AppError::invalid(
            "",
            format!("{} records; at most {max} per request", records.len()),
        ));
    }
    let mut repaired = 0;
    for (i, record) in records.iter_mut().enumerate() {
        let changed = apply_policy(record, policy).map_err(|e| {
            AppError::invalid(
                format!("[{i}].{}", e.path),
                format!("[{i}]: {}: {}", e.path, e.message),
            )
        })?;
        repaired += usize::from(changed.is_some());
        record.validate().map_err(|e| {
            let first = e.first().map(|f| f.path.clone()).unwrap_or_default();
            AppError::invalid(format!("[{i}].{first}"), format!("[{i}]: {e}"))
        })?;
    }
    Ok(repaired)
}

/// Bulk import of organisations (the HRM client, admins) from one request.
pub async fn import_organisations(
    app: &App,
    actor: &Actor,
    mut records: Vec<Organisation>,
    policy: TextPolicy,
) -> AppResult<ImportTally> {
    actor.require(ImportKind::Organisations.roles())?;
    let repaired = validate_all(app, &mut records, policy)?;
    let mut import = Import::begin(app, actor, ImportKind::Organisations).await?;
    for r in &records {
        import.organisation(r).await?;
    }
    let mut tally = import.commit("*").await?;
    tally.repaired = (repaired > 0).then_some(repaired);
    Ok(tally)
}

/// Bulk import of vacancies (the HRM client, admins, HR officers for their own
/// organisation) from one request.
pub async fn import_vacancies(
    app: &App,
    actor: &Actor,
    mut records: Vec<Vacancy>,
    policy: TextPolicy,
) -> AppResult<ImportTally> {
    actor.require(ImportKind::Vacancies.roles())?;
    let repaired = validate_all(app, &mut records, policy)?;
    let mut import = Import::begin(app, actor, ImportKind::Vacancies).await?;
    for r in &records {
        import.vacancy(r).await?;
    }
    let mut tally = import.commit("*").await?;
    tally.repaired = (repaired > 0).then_some(repaired);
    Ok(tally)
}

/// Bulk import of profiles (the HRM client, admins) from one request.
pub async fn import_profiles(
    app: &App,
    actor: &Actor,
    mut records: Vec<Profile>,
    policy: TextPolicy,
) -> AppResult<ImportTally> {
    actor.require(ImportKind::Profiles.roles())?;
    let repaired = validate_all(app, &mut records, policy)?;
    let mut import = Import::begin(app, actor, ImportKind::Profiles).await?;
    for r in &records {
        import.profile(r).await?;
    }
    let mut tally = import.commit("*").await?;
    tally.repaired = (repaired > 0).then_some(repaired);
    Ok(tally)
}
