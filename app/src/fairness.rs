//! The fairness report of a vacancy: selection rates of its applicants by gender,
//! age band and locality, "selected" meaning eligible and within the first N ranks
//! of the shared shortlist.
//!
//! The ranks are the competition shortlist's own, read through
//! [`crate::shortlist::shortlist`], so reading the report is audited as a shortlist
//! view (it reveals who ranks where, in aggregate). The attributes come from the
//! store and never flow back into ranking (see `qabilet_matcher::fairness`).

use std::collections::HashSet;

use qabilet_domain::{ConsentPurpose, Profile, Vacancy, VacancyId};
use qabilet_matcher::fairness::{report, FairnessReport};
use serde::Serialize;
use utoipa::ToSchema;

use crate::shortlist::{self, ShortlistOptions};
use crate::{access, Actor, App, AppResult};

/// A vacancy's fairness report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Fairness {
    pub vacancy: Vacancy,
    /// How many first ranks count as selected.
    pub top: usize,
    pub report: FairnessReport,
}

/// The report for `vacancy_id` with the first `top` ranks as selected (10 unless
/// given): HR of the organisation and admins.
pub async fn fairness(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    top: Option<usize>,
    via: &'static str,
) -> AppResult<Fairness> {
    let vacancy = access::managed_vacancy(app, actor, vacancy_id).await?;
    let top = crate::how_many_of("top", top, 10, app.limits().shortlist_entries)?;
    // Blind: the report needs ranks only; the attributes come from the store.
    let opts = ShortlistOptions {
        blind: true,
        limit: top,
    };
    let view = shortlist::shortlist(app, actor, vacancy_id, opts, via).await?;
    let selected: HashSet<&str> = view
        .eligible
        .iter()
        .filter(|r| r.rank <= top)
        .map(|r| r.application_id.as_str())
        .collect();
    // The same pool the ranking considered: applicants consenting to processing.
    let applicants = app.store().applicants(vacancy_id).await?;
    let pool: Vec<(&Profile, bool)> = applicants
        .iter()
        .filter_map(|(application, profile)| Some((application, profile.as_ref()?)))
        .filter(|(_, profile)| profile.consents_to(ConsentPurpose::Processing))
        .map(|(application, profile)| (profile, selected.contains(application.id.as_str())))
        .collect();
    let report = report(&pool, app.today());
    Ok(Fairness {
        vacancy,
        top,
        report,
    })
}
