//! HR's vacancy editor: create a vacancy as a draft and edit a draft or open one
//! (`catalog::save_vacancy`, the same use case as `POST /vacancies` and
//! `PUT /vacancies/{id}`). Publishing is on the competition page
//! (`hr_vacancy`).
//!
//! The form shows the qualification directory's entry for the category, and the
//! departures the requirements make from it, so the officer sees why a
//! justification is asked for before the core refuses to save without one.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use qabilet_app::catalog::{self, VacancyDraft};
use qabilet_app::{parse_id, App, AppError};
use qabilet_domain::{
    limits, Category, Language, LanguageRequirement, Region, Requirements, Vacancy, VacancyId,
    VacancyStatus,
};
use qabilet_store::Role;

use super::i18n::{language_name, Msg, EDUCATION_LEVELS, LANGUAGE_LEVELS};
use super::session::{percent_encode, see_other};
use super::terms;
use super::Ctx;

type Fields = HashMap<String, String>;

fn get<'a>(fields: &'a Fields, k: &str) -> &'a str {
    fields.get(k).map(|v| v.trim()).unwrap_or_default()
}

/// The draft the form posted, or the first field that cannot be read.
fn read_form(fields: &Fields) -> Result<VacancyDraft, AppError> {
    let bad = |field: &str| AppError::invalid(field, format!("{field}: cannot be read"));
    let years = |field: &str| -> Result<u8, AppError> {
        match get(fields, field) {
            "" => Ok(0),
            raw => raw.parse().map_err(|_| bad(field)),
        }
    };
    let requirements = Requirements {
        education_level: match get(fields, "education_level") {
            "" => None,
            raw => Some(raw.parse().map_err(|_| bad("education_level"))?),
        },
        specialties: terms(get(fields, "specialties")),
        min_years_total: years("min_years_total")?,
        min_years_public: years("min_years_public")?,
        min_years_field: years("min_years_field")?,
        languages: Language::ALL
            .into_iter()
            .filter_map(|language| {
                let level = get(fields, &format!("language.{}", language.code()))
                    .parse()
                    .ok()?;
                Some(LanguageRequirement { language, level })
            })
            .collect(),
        competencies: terms(get(fields, "competencies")),
    };
    Ok(VacancyDraft {
        organisation_id: match get(fields, "organisation_id") {
            "" => None,
            raw => Some(parse_id("organisation", raw)?),
        },
        title: get(fields, "title").to_owned(),
        description: get(fields, "description").to_owned(),
        duties: get(fields, "duties").to_owned(),
        language: get(fields, "language").parse().ok(),
        category: get(fields, "category")
            .parse::<Category>()
            .map_err(|e| AppError::invalid("category", e))?,
        region: get(fields, "region").parse().map_err(|_| bad("region"))?,
        deadline: get(fields, "deadline")
            .parse()
            .map_err(|_| bad("deadline"))?,
        requirements,
        requirements_justification: Some(get(fields, "requirements_justification").to_owned()),
    })
}

/// The form, filled from `v` (on file, or as posted: then `fields` wins).
fn form(
    ctx: &Ctx,
    app: &App,
    action: &str,
    v: Option<&Vacancy>,
    fields: &Fields,
    admin: bool,
) -> Markup {
    let val = |k: &str, stored: String| -> String { fields.get(k).cloned().unwrap_or(stored) };
    let r = v.map(|v| &v.requirements);
    let category = val(
        "category",
        v.map(|v| v.category.to_string()).unwrap_or_default(),
    );
    let entry = category
        .parse::<Category>()
        .ok()
        .and_then(|c| app.config().qualifications.entry(&c).cloned());
    let education = val(
        "education_level",
        r.and_then(|r| r.education_level)
            .map(|l| l.code().to_owned())
            .unwrap_or_default(),
    );
    html! {
        form method="post" action=(action) class="stack" id="vacancy-form" {
            (ctx.csrf_field())
            @if admin {
                label for="organisation_id" { (ctx.t(Msg::Organisation)) " (id)" }
                input id="organisation_id" name="organisation_id" value=(val("organisation_id", v.map(|v| v.organisation_id.to_string()).unwrap_or_default()));
            }
            label for="title" { (ctx.t(Msg::VacancyTitle)) }
            input id="title" name="title" required maxlength=(limits::NAME_CHARS) value=(val("title", v.map(|v| v.title.clone()).unwrap_or_default()));
            label for="category" { (ctx.t(Msg::Category)) }
            input id="category" name="category" required maxlength="8" placeholder="B-4" value=(category);
            label for="region" { (ctx.t(Msg::Region)) }
            @let region = val("region", v.map(|v| v.region.code().to_owned()).unwrap_or_default());
            select id="region" name="region" {
                @for r in Region::KAZAKHSTAN { option value=(r.code()) selected[region == r.code()] { (r.name(ctx.lang)) } }
            }
            label for="language" { (ctx.t(Msg::VacancyLanguage)) }
            @let language = val("language", v.and_then(|v| v.language).map(|l| l.code().to_owned()).unwrap_or_else(|| ctx.lang.code().to_owned()));
            select id="language" name="language" {
                @for l in Language::ALL { option value=(l.code()) selected[language == l.code()] { (language_name(l, ctx.lang)) } }
            }
            label for="deadline" { (ctx.t(Msg::Deadline)) }
            input id="deadline" name="deadline" type="date" required value=(val("deadline", v.map(|v| v.deadline.to_string()).unwrap_or_default()));
            label for="description" { (ctx.t(Msg::Description)) }
            textarea id="description" name="description" rows="6" required maxlength=(limits::LONG_TEXT_CHARS) { (val("description", v.map(|v| v.description.clone()).unwrap_or_default())) }
            label for="duties" { (ctx.t(Msg::Duties)) }
            textarea id="duties" name="duties" rows="4" maxlength=(limits::LONG_TEXT_CHARS) { (val("duties", v.map(|v| v.duties.clone()).unwrap_or_default())) }
            fieldset {
                legend { (ctx.t(Msg::Requirements)) }
                @if let Some(e) = &entry {
                    p class="hint" id="directory-entry" {
                        (ctx.t(Msg::DirectoryEntry)) ": "
                        (e.education_levels.iter().map(|l| l.code()).collect::<Vec<_>>().join(" | ")) "; "
                        (ctx.t(Msg::RuleExperienceTotal)) " " (e.years_total[0]) "–" (e.years_total[1]) "; "
                        (ctx.t(Msg::RuleExperiencePublic)) " " (e.years_public[0]) "–" (e.years_public[1]) "; "
                        (ctx.t(Msg::RuleExperienceField)) " " (e.years_field[0]) "–" (e.years_field[1])
                    }
                }
                label for="education_level" { (ctx.t(Msg::RuleEducation)) }
                select id="education_level" name="education_level" {
                    option value="" { "—" }
                    @for (level, name) in EDUCATION_LEVELS { option value=(level.code()) selected[education == level.code()] { (ctx.t(name)) } }
                }
                label for="specialties" { (ctx.t(Msg::RuleSpecialty)) }
                textarea id="specialties" name="specialties" rows="2" { (val("specialties", r.map(|r| r.specialties.join(", ")).unwrap_or_default())) }
                @for (name, label, stored) in [
                    ("min_years_total", Msg::RuleExperienceTotal, r.map_or(0, |r| r.min_years_total)),
                    ("min_years_public", Msg::RuleExperiencePublic, r.map_or(0, |r| r.min_years_public)),
                    ("min_years_field", Msg::RuleExperienceField, r.map_or(0, |r| r.min_years_field)),
                ] {
                    label for=(name) { (ctx.t(label)) }
                    input id=(name) name=(name) type="number" min="0" max=(limits::MAX_REQUIRED_YEARS) value=(val(name, stored.to_string()));
                }
                @for l in Language::ALL {
                    @let name = format!("language.{}", l.code());
                    @let stored = r.and_then(|r| r.languages.iter().find(|x| x.language == l)).map(|x| x.level.code().to_owned()).unwrap_or_default();
                    @let chosen = val(&name, stored);
                    label for=(format!("language-{}", l.code())) { (ctx.t(Msg::RuleLanguage)) ": " (language_name(l, ctx.lang)) }
                    select id=(format!("language-{}", l.code())) name=(name) {
                        option value="" { "—" }
                        @for (level, label) in LANGUAGE_LEVELS { option value=(level.code()) selected[chosen == level.code()] { (ctx.t(label)) } }
                    }
                }
                label for="competencies" { (ctx.t(Msg::Competencies)) }
                textarea id="competencies" name="competencies" rows="2" { (val("competencies", r.map(|r| r.competencies.join(", ")).unwrap_or_default())) }
                label for="requirements_justification" { (ctx.t(Msg::Justification)) }
                textarea id="requirements_justification" name="requirements_justification" rows="3" maxlength=(limits::REASON_CHARS)
                    aria-describedby="justification-hint" { (val("requirements_justification", v.and_then(|v| v.requirements_justification.clone()).unwrap_or_default())) }
                p class="hint" id="justification-hint" { (ctx.t(Msg::JustificationHint)) }
            }
            button type="submit" id="save-vacancy" { (ctx.t(Msg::Save)) }
        }
    }
}

fn page(
    ctx: &Ctx,
    app: &App,
    title: &str,
    action: &str,
    v: Option<&Vacancy>,
    fields: &Fields,
    problem: Option<&AppError>,
) -> Response {
    let admin = ctx.user().is_ok_and(|p| p.role == Role::Admin);
    let body = html! {
        h1 { (title) }
        @if let Some(e) = problem {
            div role="alert" class="notice bad" id="vacancy-error" {
                @if e.path() == Some("requirements_justification") { p { (ctx.t(Msg::JustificationNeeded)) } }
                p lang="en" { (e.to_string()) }
            }
        }
        (form(ctx, app, action, v, fields, admin))
    };
    let mut response = ctx.page(title, body);
    if problem.is_some() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// `GET /web/hr/vacancies/new`.
pub(crate) async fn new_page(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        ctx.user()?.require(&[Role::Hr, Role::Admin])?;
        Ok(page(
            &ctx,
            &app,
            ctx.t(Msg::NewVacancy),
            "/web/hr/vacancies/new",
            None,
            &Fields::new(),
            None,
        ))
    }
    .await;
    ctx.respond(result)
}

/// `GET /web/hr/vacancies/{id}/edit`.
pub(crate) async fn edit_page(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        p.require(&[Role::Hr, Role::Admin])?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        let v = qabilet_app::access::managed_vacancy(&app, p, &id).await?;
        let action = format!("/web/hr/vacancies/{}/edit", percent_encode(id.as_str()));
        Ok(page(
            &ctx,
            &app,
            ctx.t(Msg::EditVacancy),
            &action,
            Some(&v),
            &Fields::new(),
            None,
        ))
    }
    .await;
    ctx.respond(result)
}

/// Saves the posted form through `catalog::save_vacancy`; a refusal that is the
/// officer's to fix shows the form again with their input.
async fn save_with(
    ctx: &Ctx,
    app: &App,
    id: Option<VacancyId>,
    fields: Fields,
) -> Result<Response, AppError> {
    ctx.check_csrf(get(&fields, "csrf"))?;
    let p = ctx.user()?;
    p.require(&[Role::Hr, Role::Admin])?;
    let stored = match &id {
        Some(id) => Some(qabilet_app::access::managed_vacancy(app, p, id).await?),
        None => None,
    };
    let (title, action) = match &id {
        Some(id) => (
            ctx.t(Msg::EditVacancy),
            format!("/web/hr/vacancies/{}/edit", percent_encode(id.as_str())),
        ),
        None => (ctx.t(Msg::NewVacancy), "/web/hr/vacancies/new".to_owned()),
    };
    let saved = match read_form(&fields) {
        Ok(draft) => catalog::save_vacancy(app, p, id.as_ref(), &draft).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(v) => {
            let done = if v.status == VacancyStatus::Draft {
                "created"
            } else {
                "edited"
            };
            Ok(see_other(
                &format!(
                    "/web/hr/vacancies/{}?done={done}",
                    percent_encode(v.id.as_str())
                ),
                &[],
            ))
        }
        Err(e)
            if matches!(
                e.kind(),
                qabilet_app::ErrorKind::Invalid | qabilet_app::ErrorKind::Conflict
            ) =>
        {
            Ok(page(
                ctx,
                app,
                title,
                &action,
                stored.as_ref(),
                &fields,
                Some(&e),
            ))
        }
        Err(e) => Err(e),
    }
}

/// `POST /web/hr/vacancies/new`.
pub(crate) async fn create(
    ctx: Ctx,
    State(app): State<App>,
    Form(fields): Form<Fields>,
) -> Response {
    let result = save_with(&ctx, &app, None, fields).await;
    ctx.respond(result)
}

/// `POST /web/hr/vacancies/{id}/edit`.
pub(crate) async fn save(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let result = async {
        let id: VacancyId = parse_id("vacancy", &id)?;
        save_with(&ctx, &app, Some(id), fields).await
    }
    .await;
    ctx.respond(result)
}
