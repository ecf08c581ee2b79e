//! The candidate's own profile form: personal details, education, work history,
//! skills and languages, saved with `people::save_own_profile` (the same use
//! case and rules as `PUT /profiles/{id}`).
//!
//! The form works without JavaScript: each list shows the records on file and
//! one empty row to add another; a row left empty is dropped. Problems are shown
//! next to their field and listed at the top, in the reader's language, by the
//! kind of problem the domain's validation names (`qabilet_domain::problem`);
//! the checks themselves are the domain's, run on the profile as it would be
//! saved (`ProfileEdit::applied_to`), so the page and an import cannot disagree.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;
use maud::{html, Markup};
use qabilet_app::people::{self, ProfileEdit};
use qabilet_app::{App, AppError};
use qabilet_domain::{
    limits, problem, Education, EducationLevel, Experience, FieldError, Gender, Iin, Language,
    LanguageSkill, Locality, Profile, Region, Sector, Validate,
};
use serde::Deserialize;

use super::i18n::{language_name, Msg, EDUCATION_LEVELS, LANGUAGE_LEVELS};
use super::session::see_other;
use super::Ctx;

const SECTORS: [(Sector, &str, Msg); 3] = [
    (Sector::Public, "public", Msg::SectorPublic),
    (Sector::Private, "private", Msg::SectorPrivate),
    (Sector::NonProfit, "non_profit", Msg::SectorNonProfit),
];

/// A form field's problems, by the field's JSON path (`education[0].year`).
type Problems = HashMap<String, Vec<String>>;

/// The form as posted: field names are the profile's JSON paths.
type Fields = HashMap<String, String>;

fn problem_text(ctx: &Ctx, e: &FieldError) -> String {
    let msg = match e.code {
        problem::REQUIRED => Msg::ErrRequired,
        problem::TOO_LONG => Msg::ErrTooLong,
        problem::CONTROL_CHARS => Msg::ErrControlChars,
        problem::NOT_EMAIL => Msg::ErrNotEmail,
        problem::FUTURE_DATE => Msg::ErrFutureDate,
        problem::END_BEFORE_START => Msg::ErrEndBeforeStart,
        problem::IMPLAUSIBLE_YEAR => Msg::ErrYear,
        problem::IIN_MISMATCH => Msg::ErrIinMismatch,
        problem::MALFORMED => Msg::ErrMalformed,
        _ => return e.message.clone(),
    };
    ctx.t(msg).to_owned()
}

fn field_id(path: &str) -> String {
    path.replace(['[', ']', '.'], "-")
}

/// The posted field at `path`, trimmed.
fn get<'a>(fields: &'a Fields, path: &str) -> &'a str {
    fields.get(path).map(|v| v.trim()).unwrap_or_default()
}

fn malformed(errors: &mut Vec<FieldError>, path: &str) {
    errors.push(FieldError::new(path, problem::MALFORMED, "cannot be read"));
}

/// An optional date field; one that is not a date is a problem of its field.
fn date_at(fields: &Fields, path: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let raw = get(fields, path);
    if raw.is_empty() {
        return None;
    }
    let parsed = raw.parse().ok();
    if parsed.is_none() {
        malformed(errors, path);
    }
    parsed
}

/// Reads the posted form into an edit, collecting what cannot be read (a date
/// that is not a date, a year that is not a number) as problems of its field.
fn read_form(fields: &Fields, errors: &mut Vec<FieldError>) -> ProfileEdit {
    let birth_date = date_at(fields, "birth_date", errors);
    let iin = match get(fields, "iin") {
        "" => None,
        raw => match Iin::parse(raw) {
            Ok(iin) => Some(iin),
            Err(_) => {
                malformed(errors, "iin");
                None
            }
        },
    };
    let mut education = Vec::new();
    for i in 0..limits::EDUCATION_RECORDS {
        let p = |f: &str| format!("education[{i}].{f}");
        let (specialty, institution, year) = (
            get(fields, &p("specialty")),
            get(fields, &p("institution")),
            get(fields, &p("year")),
        );
        if [specialty, institution, year].iter().all(|v| v.is_empty()) {
            continue;
        }
        let Ok(level) = get(fields, &p("level")).parse::<EducationLevel>() else {
            malformed(errors, &p("level"));
            continue;
        };
        let Ok(year) = year.parse::<u16>() else {
            malformed(errors, &p("year"));
            continue;
        };
        education.push(Education {
            level,
            specialty: specialty.to_owned(),
            institution: institution.to_owned(),
            year,
            verified: false,
        });
    }
    let mut experience = Vec::new();
    for i in 0..limits::EXPERIENCE_RECORDS {
        let p = |f: &str| format!("experience[{i}].{f}");
        let (organisation, position, duties, start) = (
            get(fields, &p("organisation")),
            get(fields, &p("position")),
            get(fields, &p("duties")),
            get(fields, &p("start")),
        );
        if [organisation, position, duties, start]
            .iter()
            .all(|v| v.is_empty())
        {
            continue;
        }
        let sector = match get(fields, &p("sector")) {
            "private" => Sector::Private,
            "non_profit" => Sector::NonProfit,
            _ => Sector::Public,
        };
        if start.is_empty() {
            errors.push(FieldError::new(
                p("start"),
                problem::REQUIRED,
                "must not be empty",
            ));
            continue;
        }
        let Some(start) = date_at(fields, &p("start"), errors) else {
            continue;
        };
        experience.push(Experience {
            organisation: organisation.to_owned(),
            position: position.to_owned(),
            sector,
            start,
            end: date_at(fields, &p("end"), errors),
            duties: duties.to_owned(),
        });
    }
    let languages = Language::ALL
        .into_iter()
        .filter_map(|language| {
            let level = get(fields, &format!("languages.{}", language.code()))
                .parse()
                .ok()?;
            Some(LanguageSkill { language, level })
        })
        .collect();
    let region = match get(fields, "region").parse::<Region>() {
        Ok(r) => r,
        Err(_) => {
            malformed(errors, "region");
            Region::ALL[0]
        }
    };
    ProfileEdit {
        full_name: get(fields, "full_name").to_owned(),
        gender: match get(fields, "gender") {
            "female" => Some(Gender::Female),
            "male" => Some(Gender::Male),
            _ => None,
        },
        birth_date,
        iin,
        email: Some(get(fields, "email").to_owned()),
        phone: Some(get(fields, "phone").to_owned()),
        region,
        locality: match get(fields, "locality") {
            "urban" => Some(Locality::Urban),
            "rural" => Some(Locality::Rural),
            _ => None,
        },
        language: get(fields, "language").parse().ok(),
        summary: fields.get("summary").cloned().unwrap_or_default(),
        education,
        experience,
        skills: super::terms(get(fields, "skills")),
        languages,
    }
}

fn text_input(
    ctx: &Ctx,
    problems: &Problems,
    path: &str,
    label: Msg,
    value: &str,
    attrs: (&str, usize),
) -> Markup {
    let id = field_id(path);
    let errors = problems.get(path);
    let (kind, max) = attrs;
    html! {
        label for=(id) { (ctx.t(label)) }
        input id=(id) name=(path) type=(kind) value=(value) maxlength=(max)
            aria-invalid=[errors.map(|_| "true")] aria-describedby=[errors.map(|_| format!("{id}-error"))];
        (field_errors(&id, errors))
    }
}

fn field_errors(id: &str, errors: Option<&Vec<String>>) -> Markup {
    html! {
        @if let Some(errors) = errors {
            p class="field-error" id=(format!("{id}-error")) { @for e in errors { (e) " " } }
        }
    }
}

/// The form, filled from `profile` (as on file, or as just posted).
fn form(ctx: &Ctx, profile: &Profile, problems: &Problems) -> Markup {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows_edu = profile.education.len() + 1;
    let rows_exp = profile.experience.len() + 1;
    html! {
        form method="post" action="/web/profile" class="stack" id="profile-form" {
            (ctx.csrf_field())
            fieldset {
                legend { (ctx.t(Msg::PersonalDetails)) }
                (text_input(ctx, problems, "full_name", Msg::FullName, &profile.full_name, ("text", limits::NAME_CHARS)))
                label for="gender" { (ctx.t(Msg::Gender)) }
                select id="gender" name="gender" {
                    option value="" { "—" }
                    option value="female" selected[profile.gender == Some(Gender::Female)] { (ctx.t(Msg::GroupFemale)) }
                    option value="male" selected[profile.gender == Some(Gender::Male)] { (ctx.t(Msg::GroupMale)) }
                }
                (text_input(ctx, problems, "birth_date", Msg::BirthDate, &profile.birth_date.map(|d| d.to_string()).unwrap_or_default(), ("date", 10)))
                (text_input(ctx, problems, "iin", Msg::Iin, profile.iin.as_ref().map_or("", |i| i.as_str()), ("text", 12)))
                p class="hint" { (ctx.t(Msg::IinHint)) }
                (text_input(ctx, problems, "email", Msg::Email, &opt(&profile.email), ("email", limits::NAME_CHARS)))
                (text_input(ctx, problems, "phone", Msg::Phone, &opt(&profile.phone), ("tel", 40)))
                label for="region" { (ctx.t(Msg::Region)) }
                select id="region" name="region" {
                    @for r in Region::ALL {
                        option value=(r.code()) selected[profile.region == *r] { (r.name(ctx.lang)) }
                    }
                }
                label for="locality" { (ctx.t(Msg::Locality)) }
                select id="locality" name="locality" {
                    option value="" { "—" }
                    option value="urban" selected[profile.locality == Some(Locality::Urban)] { (ctx.t(Msg::GroupUrban)) }
                    option value="rural" selected[profile.locality == Some(Locality::Rural)] { (ctx.t(Msg::GroupRural)) }
                }
                label for="language" { (ctx.t(Msg::ProfileLanguage)) }
                select id="language" name="language" {
                    option value="" { "—" }
                    @for l in Language::ALL {
                        option value=(l.code()) selected[profile.language == Some(l)] { (language_name(l, ctx.lang)) }
                    }
                }
                label for="summary" { (ctx.t(Msg::Summary)) }
                textarea id="summary" name="summary" rows="8" maxlength=(limits::SUMMARY_CHARS)
                    aria-describedby="summary-hint" { (profile.summary) }
                p class="hint" id="summary-hint" { (ctx.t(Msg::SummaryHint)) }
                (field_errors("summary", problems.get("summary")))
            }
            fieldset id="education" {
                legend { (ctx.t(Msg::Education)) }
                @for i in 0..rows_edu.min(limits::EDUCATION_RECORDS) {
                    @let e = profile.education.get(i);
                    @let p = |f: &str| format!("education[{i}].{f}");
                    div class="row" {
                        label for=(field_id(&p("level"))) { (ctx.t(Msg::EduLevel)) }
                        select id=(field_id(&p("level"))) name=(p("level")) {
                            @for (level, name) in EDUCATION_LEVELS {
                                option value=(level.code()) selected[e.map_or(level == EducationLevel::Higher, |e| e.level == level)] { (ctx.t(name)) }
                            }
                        }
                        (text_input(ctx, problems, &p("specialty"), Msg::Specialty, e.map_or("", |e| e.specialty.as_str()), ("text", limits::NAME_CHARS)))
                        (text_input(ctx, problems, &p("institution"), Msg::Institution, e.map_or("", |e| e.institution.as_str()), ("text", limits::NAME_CHARS)))
                        (text_input(ctx, problems, &p("year"), Msg::GraduationYear, &e.map(|e| e.year.to_string()).unwrap_or_default(), ("text", 4)))
                        @if e.is_some_and(|e| e.verified) { p class="hint" { (ctx.t(Msg::DiplomaVerified)) } }
                    }
                }
            }
            fieldset id="experience" {
                legend { (ctx.t(Msg::Experience)) }
                @for i in 0..rows_exp.min(limits::EXPERIENCE_RECORDS) {
                    @let e = profile.experience.get(i);
                    @let p = |f: &str| format!("experience[{i}].{f}");
                    div class="row" {
                        (text_input(ctx, problems, &p("organisation"), Msg::Employer, e.map_or("", |e| e.organisation.as_str()), ("text", limits::NAME_CHARS)))
                        (text_input(ctx, problems, &p("position"), Msg::Position, e.map_or("", |e| e.position.as_str()), ("text", limits::NAME_CHARS)))
                        label for=(field_id(&p("sector"))) { (ctx.t(Msg::Sector)) }
                        select id=(field_id(&p("sector"))) name=(p("sector")) {
                            @for (sector, code, name) in SECTORS {
                                option value=(code) selected[e.is_some_and(|e| e.sector == sector)] { (ctx.t(name)) }
                            }
                        }
                        (text_input(ctx, problems, &p("start"), Msg::Started, &e.map(|e| e.start.to_string()).unwrap_or_default(), ("date", 10)))
                        (text_input(ctx, problems, &p("end"), Msg::Ended, &e.and_then(|e| e.end).map(|d| d.to_string()).unwrap_or_default(), ("date", 10)))
                        p class="hint" { (ctx.t(Msg::EndedHint)) }
                        label for=(field_id(&p("duties"))) { (ctx.t(Msg::Duties)) }
                        textarea id=(field_id(&p("duties"))) name=(p("duties")) rows="3" maxlength=(limits::LONG_TEXT_CHARS) { (e.map_or("", |e| e.duties.as_str())) }
                        (field_errors(&field_id(&p("duties")), problems.get(&p("duties"))))
                    }
                }
            }
            fieldset id="skills-languages" {
                legend { (ctx.t(Msg::SkillsAndLanguages)) }
                label for="skills" { (ctx.t(Msg::Skills)) }
                textarea id="skills" name="skills" rows="3" aria-describedby="skills-hint" { (profile.skills.join(", ")) }
                p class="hint" id="skills-hint" { (ctx.t(Msg::SkillsHint)) }
                (field_errors("skills", problems.get("skills")))
                @for l in Language::ALL {
                    @let level = profile.languages.iter().find(|s| s.language == l).map(|s| s.level);
                    @let name = format!("languages.{}", l.code());
                    label for=(field_id(&name)) { (language_name(l, ctx.lang)) }
                    select id=(field_id(&name)) name=(name) {
                        option value="" { (ctx.t(Msg::NotSpoken)) }
                        @for (value, label) in LANGUAGE_LEVELS {
                            option value=(value.code()) selected[level == Some(value)] { (ctx.t(label)) }
                        }
                    }
                }
            }
            button type="submit" id="save-profile" { (ctx.t(Msg::Save)) }
        }
    }
}

fn page(ctx: &Ctx, profile: &Profile, problems: &Problems, notice: Option<Markup>) -> Response {
    let body = html! {
        h1 { (ctx.t(Msg::NavProfile)) }
        @if let Some(notice) = notice { (notice) }
        @if !problems.is_empty() {
            div role="alert" class="notice bad" id="profile-errors" {
                p { (ctx.t(Msg::FixTheFields)) }
                ul {
                    @for (path, errors) in problems {
                        li { a href=(format!("#{}", field_id(path))) { (path) } ": " (errors.join(" ")) }
                    }
                }
            }
        }
        (form(ctx, profile, problems))
        (super::cv::upload_form(ctx))
    };
    ctx.page(ctx.t(Msg::NavProfile), body)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ProfileQuery {
    welcome: String,
    saved: String,
    cv: String,
}

/// `GET /web/profile`.
pub(crate) async fn profile_page(
    ctx: Ctx,
    State(app): State<App>,
    Query(q): Query<ProfileQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id = p
            .profile_id
            .clone()
            .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
        let profile = people::profile(&app, p, &id).await?;
        let notice = if !q.welcome.is_empty() {
            Some(html! { div class="notice good" role="status" { p { (ctx.t(Msg::WelcomeRegistered)) } } })
        } else if !q.saved.is_empty() {
            Some(html! { div class="notice good" role="status" id="profile-saved" { p { (ctx.t(Msg::ProfileSaved)) } } })
        } else if !q.cv.is_empty() {
            Some(html! { div class="notice good" role="status" id="cv-read" { p { (ctx.t(Msg::CvRead)) } } })
        } else {
            None
        };
        Ok(page(&ctx, &profile, &Problems::new(), notice))
    }
    .await;
    ctx.respond(result)
}

/// `POST /web/profile`: `people::save_own_profile`.
pub(crate) async fn save(ctx: Ctx, State(app): State<App>, Form(fields): Form<Fields>) -> Response {
    let result = async {
        ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
        let p = ctx.user()?;
        let id = p
            .profile_id
            .clone()
            .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
        let stored = people::profile(&app, p, &id).await?;
        let mut errors = Vec::new();
        let edit = read_form(&fields, &mut errors);
        let draft = edit.applied_to(&stored);
        if let Err(found) = draft.validate() {
            errors.extend(found.0);
        }
        if errors.is_empty() {
            match people::save_own_profile(&app, p, &id, &edit).await {
                Ok(_) => return Ok(see_other("/web/profile?saved=1", &[])),
                Err(e) if !e.is_internal() && e.kind() != qabilet_app::ErrorKind::Forbidden => {
                    let path = e
                        .path()
                        .filter(|p| !p.is_empty())
                        .unwrap_or("iin")
                        .to_owned();
                    errors.push(FieldError::new(path, problem::INVALID, e.to_string()));
                }
                Err(e) => return Err(e),
            }
        }
        let mut problems = Problems::new();
        for e in &errors {
            problems
                .entry(e.path.clone())
                .or_default()
                .push(problem_text(&ctx, e));
        }
        let mut response = page(&ctx, &draft, &problems, None);
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        Ok(response)
    }
    .await;
    ctx.respond(result)
}
