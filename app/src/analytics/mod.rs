//! Analytics for HR, the agency and its auditors: the selection funnel, time to
//! hire, applications per vacancy, the regional picture, use of the talent
//! reserve and proctoring flag rates ([`dashboard`]); and impact ratios per stage
//! from actual outcomes ([`fairness`]). The web's charts, the API's JSON and the
//! CSV downloads are all drawn from the one [`Dashboard`] computed here.
//!
//! **Who sees what.** HR officers see their own organisation's competitions (the
//! organisation filter is theirs whatever they ask); admins and auditors see every
//! organisation's. The figures are counts of people, never people: no name, id
//! or attribute of anyone leaves this module, and the fairness groups carry
//! counts only.
//!
//! **What is counted.** A competition is a published vacancy (not a draft) that
//! matches the filter: its organisation, its category (the group letter `B` or a
//! whole code `B-4`), its region, and the period its publication date falls in
//! (the deadline for a vacancy published without a date). Its applications are
//! counted by the stage results recorded on them:
//!
//! | step | counted when |
//! |---|---|
//! | applied | an application exists |
//! | qualified | the qualification check passed |
//! | passed the test | the test passed |
//! | interviewed | an interview result was recorded (passed or failed) |
//! | hired | the decision passed |
//!
//! **Cost.** Figures are computed from the competitions' records on each request
//! (one query per 500 vacancies for the applications, one for the profiles'
//! attributes): fine for an organisation or a year; at the national scale of all
//! competitions ever held it reads every application, and a materialised table of
//! stage outcomes would be the next step.

pub mod csv;
pub mod fairness;
mod figures;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use qabilet_domain::{Application, OrganisationId, Region, Vacancy};
use qabilet_store::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use figures::{
    DaysBin, Funnel, FunnelStep, GroupTimes, HireTimes, LoadBin, Percentiles, ProctoringRate,
    RegionCount, ReserveUse, ThinCompetition, VacancyLoad,
};

use crate::{Actor, App, AppError, AppResult};

/// A competition with too few eligible candidates has fewer than this many.
pub const MIN_ELIGIBLE: usize = 2;

/// Which competitions the figures cover. Every field is optional; an HR officer's
/// organisation is always their own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsFilter {
    /// The organisation's id.
    #[param(value_type = Option<String>)]
    #[schema(value_type = Option<String>)]
    pub organisation: Option<OrganisationId>,
    /// First publication date counted (inclusive), `2026-01-01`.
    pub from: Option<NaiveDate>,
    /// Last publication date counted (inclusive).
    pub to: Option<NaiveDate>,
    /// A category group letter (`B`) or a whole category (`B-4`, `C-O-3`).
    pub category: Option<String>,
    /// A region's code (`astana`, `karaganda`, …).
    #[param(value_type = Option<String>)]
    #[schema(value_type = Option<String>)]
    pub region: Option<Region>,
}

impl AnalyticsFilter {
    /// Refuses what cannot be a filter, naming the parameter.
    fn check(&self) -> AppResult<()> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(AppError::bad_request(
                    "invalid_query",
                    format!("from ({from}) is after to ({to})"),
                ));
            }
        }
        if let Some(c) = &self.category {
            let c = c.trim();
            let is_group = c.len() == 1 && "ABCDEabcde".contains(c);
            if !is_group && c.parse::<qabilet_domain::Category>().is_err() {
                return Err(AppError::bad_request(
                    "invalid_query",
                    format!("category {c:?} is neither a group letter A–E nor a category like B-4"),
                ));
            }
        }
        if self.region.is_some_and(|r| !r.is_in_kazakhstan()) {
            return Err(AppError::bad_request(
                "invalid_query",
                "region: vacancies are in a region of Kazakhstan",
            ));
        }
        Ok(())
    }

    /// Whether `vacancy` is one of the competitions covered.
    fn covers(&self, vacancy: &Vacancy) -> bool {
        let day = vacancy.published_on.unwrap_or(vacancy.deadline);
        let category_ok = self.category.as_deref().map(str::trim).is_none_or(|c| {
            let code = vacancy.category.to_string();
            if c.len() == 1 {
                code[..1].eq_ignore_ascii_case(c)
            } else {
                code.eq_ignore_ascii_case(c)
            }
        });
        self.organisation
            .as_ref()
            .is_none_or(|o| *o == vacancy.organisation_id)
            && self.from.is_none_or(|f| day >= f)
            && self.to.is_none_or(|t| day <= t)
            && self.region.is_none_or(|r| r == vacancy.region)
            && category_ok
    }
}

/// The filter `actor` gets: an HR officer's organisation is their own; admins and
/// auditors keep what they asked for.
fn scoped(actor: &Actor, mut filter: AnalyticsFilter) -> AppResult<AnalyticsFilter> {
    actor.require(&[Role::Hr, Role::Admin, Role::Auditor])?;
    filter.check()?;
    if actor.role == Role::Hr {
        let own = actor
            .organisation_id
            .clone()
            .ok_or_else(|| AppError::forbidden("this HR account has no organisation"))?;
        if filter.organisation.as_ref().is_some_and(|o| *o != own) {
            return Err(AppError::forbidden(
                "an HR officer sees their own organisation's figures only",
            ));
        }
        filter.organisation = Some(own);
    }
    Ok(filter)
}

/// The competitions a filter covers, with their applications.
pub(crate) struct Competitions {
    pub vacancies: Vec<Vacancy>,
    /// Applications by vacancy id.
    pub applications: HashMap<String, Vec<Application>>,
}

impl Competitions {
    async fn load(app: &App, filter: &AnalyticsFilter) -> AppResult<Competitions> {
        let vacancies: Vec<Vacancy> = app
            .store()
            .published_vacancies(filter.organisation.as_ref().map(|o| o.as_str()))
            .await?
            .into_iter()
            .filter(|v| filter.covers(v))
            .collect();
        let ids: Vec<&str> = vacancies.iter().map(|v| v.id.as_str()).collect();
        let mut applications: HashMap<String, Vec<Application>> = HashMap::new();
        for a in app.store().applications_to(&ids).await? {
            applications
                .entry(a.vacancy_id.to_string())
                .or_default()
                .push(a);
        }
        Ok(Competitions {
            vacancies,
            applications,
        })
    }

    /// The applications of every competition covered.
    pub fn all_applications(&self) -> impl Iterator<Item = &Application> {
        self.applications.values().flatten()
    }

    /// The profiles' ids of every applicant, once each.
    pub fn applicant_ids(&self) -> Vec<&str> {
        let ids: HashSet<&str> = self
            .all_applications()
            .map(|a| a.profile_id.as_str())
            .collect();
        let mut ids: Vec<&str> = ids.into_iter().collect();
        ids.sort_unstable();
        ids
    }
}

/// Every figure of the analytics pages for one filter.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// The filter the figures are for (an HR officer's organisation filled in).
    pub filter: AnalyticsFilter,
    /// Competitions (published vacancies) covered.
    pub competitions: usize,
    pub funnel: Funnel,
    pub time_to_hire: HireTimes,
    pub applications: VacancyLoad,
    pub regions: Vec<RegionCount>,
    pub reserve: ReserveUse,
    pub proctoring: Vec<ProctoringRate>,
}

/// The analytics of the competitions `filter` covers (HR for their organisation,
/// admins, auditors).
pub async fn dashboard(app: &App, actor: &Actor, filter: AnalyticsFilter) -> AppResult<Dashboard> {
    let filter = scoped(actor, filter)?;
    let set = Competitions::load(app, &filter).await?;
    let eligible = figures::eligible_counts(app, &set).await?;
    let reserve = figures::reserve_use(app, &set).await?;
    let proctoring = figures::proctoring_rates(app, &set).await?;
    Ok(Dashboard {
        competitions: set.vacancies.len(),
        funnel: figures::funnel(&set),
        time_to_hire: figures::hire_times(&set),
        applications: figures::vacancy_load(&set, &eligible),
        regions: figures::regions(&set),
        reserve,
        proctoring,
        filter,
    })
}
