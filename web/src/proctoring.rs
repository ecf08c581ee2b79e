//! The proctoring flag queue for reviewers: the list of flags (by status and
//! vacancy, most severe first), one flag with its evidence drawn out — the
//! client-event timeline, response times against the cohort with rapid answers
//! marked, a pair's answer grid and its two answer timelines on one clock, the
//! sessions' answer changes — and the form that confirms or dismisses it with a
//! written comment.
//!
//! Who sees which flag, and the decision itself, are the application core's
//! (`qabilet_app::proctoring`), so the page and the API cannot disagree.
//! A flag is evidence for a reviewer, never a verdict: every page says so.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use qabilet_app::proctoring::{self, flag_status, FlagQuery, Review, ReviewDecision};
use qabilet_app::{parse_id, App, AppError, ErrorKind};
use qabilet_domain::VacancyId;
use qabilet_proctoring::ReviewEvidence;
use qabilet_store::{FlagStatus, StoredFlag};
use serde::Deserialize;
use serde_json::Value;

use super::i18n::Msg;
use super::layout;
use super::proctoring_charts::{answer_grid, pair_timelines, response_times, timeline};
use super::session::{html_response, percent_encode, see_other};
use super::Ctx;

/// Most flags one queue page lists; the queue is worked from the top.
const QUEUE_PAGE: i64 = 200;

fn status_name(s: FlagStatus) -> Msg {
    match s {
        FlagStatus::Open => Msg::PrOpen,
        FlagStatus::Confirmed => Msg::PrConfirmed,
        FlagStatus::Dismissed => Msg::PrDismissed,
    }
}

fn status_badge(ctx: &Ctx, s: FlagStatus) -> Markup {
    let (class, icon) = match s {
        FlagStatus::Open => ("badge warn", "●"),
        FlagStatus::Confirmed => ("badge bad", "✔"),
        FlagStatus::Dismissed => ("badge good", "✘"),
    };
    html! { span class=(class) { span aria-hidden="true" { (icon) " " } (ctx.t(status_name(s))) } }
}

/// Severity as words and a bar count (▮▮▮), never colour alone.
fn severity_badge(ctx: &Ctx, severity: &str) -> Markup {
    let (class, bars, msg) = match severity {
        "high" => ("badge bad", "▮▮▮", Msg::PrHigh),
        "medium" => ("badge warn", "▮▮▯", Msg::PrMedium),
        _ => ("badge", "▮▯▯", Msg::PrLow),
    };
    html! { span class=(class) { span aria-hidden="true" { (bars) " " } (ctx.t(msg)) } }
}

pub(crate) fn detector_name(ctx: &Ctx, detector: &str) -> &'static str {
    ctx.t(match detector {
        "behaviour" => Msg::PrDetBehaviour,
        "fast_correct" => Msg::PrDetFastCorrect,
        "speed_shift" => Msg::PrDetSpeedShift,
        "answer_similarity" => Msg::PrDetSimilarity,
        "person_fit" => Msg::PrDetPersonFit,
        "person_speed" => Msg::PrDetPersonSpeed,
        "rapid_guessing" => Msg::PrDetRapidGuessing,
        "timing_fit" => Msg::PrDetTimingFit,
        _ => Msg::PrDetScoreJump,
    })
}

fn false_alarm_scope(ctx: &Ctx, scope: &str) -> &'static str {
    ctx.t(match scope {
        "per_session_any_partner" => Msg::PrPerSessionAnyPartner,
        "familywise_all_pairs" => Msg::PrFamilywise,
        _ => Msg::PrPerSession,
    })
}

fn number(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.001 {
        format!("{v:.2e}")
    } else {
        format!("{v:.4}")
    }
}

fn percent(rate: f64) -> String {
    let p = rate * 100.0;
    if p >= 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.3} %")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct QueueQuery {
    status: String,
    vacancy: String,
}

/// `GET /web/proctoring?status=&vacancy=`: the queue in the caller's scope.
pub(crate) async fn queue(
    ctx: Ctx,
    State(app): State<App>,
    Query(q): Query<QueueQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let status = match q.status.as_str() {
            "" => None,
            s => Some(flag_status(s)?),
        };
        let vacancy: Option<VacancyId> = match q.vacancy.trim() {
            "" => None,
            v => Some(parse_id("vacancy", v)?),
        };
        let query = FlagQuery {
            status: status.map(|s| s.as_str().to_owned()),
            vacancy_id: vacancy.as_ref().map(|v| v.to_string()),
            limit: Some(QUEUE_PAGE),
            ..FlagQuery::default()
        };
        let flags = proctoring::flags(&app, p, &query).await?.flags;
        // The vacancy choices: every vacancy with flags in the caller's scope.
        let titled = proctoring::flagged_vacancies(&app, p).await?;
        let selected = vacancy.as_ref().map(|v| v.to_string()).unwrap_or_default();
        let body = html! {
            h1 { (ctx.t(Msg::PrQueueTitle)) }
            div class="notice warn" role="note" { p { (ctx.t(Msg::PrDisclaimer)) } }
            form method="get" action="/web/proctoring" class="filters" {
                div {
                    label for="status" { (ctx.t(Msg::Status)) }
                    select id="status" name="status" {
                        option value="" { (ctx.t(Msg::PrAnyStatus)) }
                        @for s in [FlagStatus::Open, FlagStatus::Confirmed, FlagStatus::Dismissed] {
                            option value=(s.as_str()) selected[status == Some(s)] { (ctx.t(status_name(s))) }
                        }
                    }
                }
                div {
                    label for="vacancy" { (ctx.t(Msg::Vacancy)) }
                    select id="vacancy" name="vacancy" {
                        option value="" { (ctx.t(Msg::PrAnyVacancy)) }
                        @for (id, title) in &titled {
                            option value=(id) selected[*id == selected] { (title.as_deref().unwrap_or(id)) " (" (id) ")" }
                        }
                    }
                }
                div { button type="submit" { (ctx.t(Msg::Filter)) } }
            }
            p role="status" { (ctx.t(Msg::PrFlags)) ": " (flags.len()) }
            @if flags.is_empty() { p { (ctx.t(Msg::PrNoFlags)) } } @else {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::PrSeverity)) }
                        th scope="col" { (ctx.t(Msg::PrDetector)) }
                        th scope="col" { (ctx.t(Msg::PrSessions)) }
                        th scope="col" { (ctx.t(Msg::Vacancy)) }
                        th scope="col" { (ctx.t(Msg::PrPValue)) }
                        th scope="col" { (ctx.t(Msg::Status)) }
                    } }
                    tbody {
                        @for f in &flags {
                            tr {
                                td { (severity_badge(&ctx, &f.severity)) }
                                td {
                                    a href=(format!("/web/proctoring/flags/{}", f.id)) { (detector_name(&ctx, &f.detector)) }
                                    br; span class="meta" lang="en" { (f.summary) }
                                }
                                td { (f.session_ids.join(", ")) }
                                td { (f.vacancy_id.as_deref().unwrap_or("—")) }
                                td { (number(f.p_value)) }
                                td { (status_badge(&ctx, f.status)) }
                            }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::PrQueueTitle), body))
    }
    .await;
    ctx.respond(result)
}

/// The detector's own figures, flattened into rows (keys are the detector's
/// English field names, shown as such).
fn figure_rows(v: &Value) -> Vec<(String, String)> {
    let Some(o) = v.as_object() else {
        return Vec::new();
    };
    o.iter()
        .filter(|(k, _)| k.as_str() != "type")
        .map(|(k, v)| {
            let shown = match v {
                Value::Number(n) => n.as_f64().map_or(n.to_string(), number),
                Value::String(s) => s.clone(),
                Value::Array(a) if a.iter().all(Value::is_string) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            (k.replace('_', " "), shown)
        })
        .collect()
}

/// The sessions' answer changes with their wrong-to-right index, when the
/// client recorded changes.
fn answer_changes(ctx: &Ctx, flag: &StoredFlag) -> Markup {
    let Some(rows) = flag
        .evidence
        .get("answer_changes")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return html! {};
    };
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    html! {
        section class="entry" {
            h2 { (ctx.t(Msg::PrAnswerChanges)) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::PrSessions)) }
                    th scope="col" { (ctx.t(Msg::PrChanges)) }
                    th scope="col" { (ctx.t(Msg::PrWrongToRight)) }
                    th scope="col" { (ctx.t(Msg::PrExpected)) }
                    th scope="col" { (ctx.t(Msg::PrPValue)) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            th scope="row" { (r.get("session").and_then(Value::as_str).unwrap_or("—")) }
                            td { (num(r, "changes")) }
                            td { (num(r, "wrong_to_right")) }
                            td { (format!("{:.1}", num(r, "expected"))) }
                            td { (number(num(r, "p_value"))) }
                        }
                    }
                }
            }
        }
    }
}

/// What to say above the flag after a refused review.
struct Refusal {
    status: StatusCode,
    message: Msg,
}

fn flag_page(ctx: &Ctx, flag: &StoredFlag, refusal: Option<&Refusal>, draft: &str) -> Response {
    let review: Option<ReviewEvidence> = flag
        .evidence
        .get("review")
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    let title = format!(
        "{}: {}",
        ctx.t(Msg::PrFlagTitle),
        detector_name(ctx, &flag.detector)
    );
    let names: Vec<String> = review
        .as_ref()
        .map(|r| {
            r.sessions
                .iter()
                .map(|s| format!("{} · {}", s.session_id, s.examinee_id))
                .collect()
        })
        .unwrap_or_default();
    let body = html! {
        h1 { (title) }
        @if let Some(r) = refusal {
            div role="alert" class="notice bad" id="review-error" { p { (ctx.t(r.message)) } }
        }
        div class="notice warn" role="note" { p { (ctx.t(Msg::PrDisclaimer)) } }
        table class="facts" {
            tbody {
                tr { th scope="row" { (ctx.t(Msg::Status)) } td { (status_badge(ctx, flag.status)) " " a href="#decision" { (ctx.t(Msg::PrDecision)) } } }
                tr { th scope="row" { (ctx.t(Msg::PrSeverity)) } td { (severity_badge(ctx, &flag.severity)) } }
                tr { th scope="row" { (ctx.t(Msg::PrDetector)) } td { (detector_name(ctx, &flag.detector)) } }
                tr { th scope="row" { (ctx.t(Msg::PrSummary)) } td lang="en" { (flag.summary) } }
                tr { th scope="row" { (ctx.t(Msg::Vacancy)) } td { (flag.vacancy_id.as_deref().unwrap_or("—")) } }
                tr { th scope="row" { (ctx.t(Msg::PrSessions)) } td { (flag.session_ids.join(", ")) " (" (flag.examinee_ids.join(", ")) ")" } }
                tr { th scope="row" { (ctx.t(Msg::PrStatistic)) } td { (number(flag.statistic)) } }
                tr { th scope="row" { (ctx.t(Msg::PrPValue)) } td { strong { (number(flag.p_value)) } " (" (ctx.t(Msg::PrThreshold)) ": " (number(flag.threshold)) ")" } }
                tr { th scope="row" { (ctx.t(Msg::PrFalseAlarm)) } td { (percent(flag.nominal_false_alarm_rate)) " " (false_alarm_scope(ctx, &flag.false_alarm_scope)) } }
            }
        }
        @let figures = flag.evidence.get("detector").map(figure_rows).unwrap_or_default();
        @if !figures.is_empty() {
            details {
                summary { (ctx.t(Msg::PrDetectorFigures)) }
                table { tbody { @for (k, v) in &figures { tr { th scope="row" lang="en" { (k) } td { (v) } } } } }
            }
        }
        (answer_changes(ctx, flag))
        @match &review {
            None => { p { (ctx.t(Msg::PrNoSessionData)) } }
            Some(r) => {
                @if let Some(g) = &r.answer_grid {
                    section class="entry" {
                        h2 { (ctx.t(Msg::PrAnswerGrid)) }
                        (answer_grid(ctx, g, &names))
                    }
                }
                @if let [copier, source] = &r.sessions[..] {
                    section class="entry" {
                        h2 { (ctx.t(Msg::PrPairTimelines)) }
                        (pair_timelines(ctx, copier, source, &names))
                    }
                }
                @for (s, name) in r.sessions.iter().zip(&names) {
                    section class="entry" {
                        h2 { (ctx.t(Msg::PrExaminee)) ": " (name) }
                        h3 { (ctx.t(Msg::PrTimeline)) }
                        (timeline(ctx, s))
                        h3 { (ctx.t(Msg::PrResponseTimes)) }
                        (response_times(ctx, s))
                    }
                }
            }
        }
        section id="decision" {
            h2 { (ctx.t(Msg::PrDecision)) }
            @match &flag.review {
                Some(r) => {
                    dl class="decision" {
                        dt { (ctx.t(Msg::PrDecision)) } dd { (status_badge(ctx, r.decision)) }
                        dt { (ctx.t(Msg::PrReviewer)) } dd { (r.reviewer) }
                        dt { (ctx.t(Msg::Date)) } dd { time datetime=(r.at.to_rfc3339()) { (r.at.format("%Y-%m-%d %H:%M UTC")) } }
                        dt { (ctx.t(Msg::Reason)) } dd { (r.comment) }
                    }
                }
                None => {
                    form method="post" action=(format!("/web/proctoring/flags/{}/review", flag.id)) class="stack" {
                        (ctx.csrf_field())
                        p class="hint" id="review-hint" { (ctx.t(Msg::PrReviewHint)) }
                        label for="comment" { (ctx.t(Msg::PrComment)) }
                        textarea id="comment" name="comment" required maxlength="2000"
                            aria-describedby=(if refusal.is_some() { "review-hint review-error" } else { "review-hint" }) { (draft) }
                        div {
                            button type="submit" name="decision" value="confirmed" { (ctx.t(Msg::PrConfirm)) } " "
                            button type="submit" name="decision" value="dismissed" { (ctx.t(Msg::PrDismiss)) }
                        }
                    }
                }
            }
        }
    };
    let status = refusal.map_or(StatusCode::OK, |r| r.status);
    html_response(status, layout::page(ctx, &title, body))
}

/// `GET /web/proctoring/flags/{id}`: one flag, its evidence and its decision.
pub(crate) async fn flag(ctx: Ctx, State(app): State<App>, Path(id): Path<String>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let flag = proctoring::flag(&app, p, &id).await?;
        Ok(flag_page(&ctx, &flag, None, ""))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

/// `POST /web/proctoring/flags/{id}/review`: `proctoring::review`. A flag already
/// decided (409) or a missing comment comes back as the flag page with the reason,
/// the decision on record, and the typed comment kept.
pub(crate) async fn review(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id = proctoring::flag_id(&id)?.to_owned();
        let decision = match form.decision.as_str() {
            "confirmed" => ReviewDecision::Confirmed,
            "dismissed" => ReviewDecision::Dismissed,
            other => {
                return Err(AppError::invalid(
                    "decision",
                    format!("{other:?}: expected confirmed or dismissed"),
                ))
            }
        };
        let input = Review {
            decision,
            comment: form.comment.clone(),
        };
        let refusal = match proctoring::review(&app, p, &id, &input).await {
            Ok(_) => {
                return Ok(see_other(
                    &format!("/web/proctoring/flags/{}#decision", percent_encode(&id)),
                    &[],
                ))
            }
            Err(e) if e.kind() == ErrorKind::Conflict => Refusal {
                status: StatusCode::CONFLICT,
                message: Msg::PrAlreadyDecided,
            },
            Err(e) if e.kind() == ErrorKind::Invalid && form.comment.trim().is_empty() => Refusal {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: Msg::PrCommentNeeded,
            },
            Err(e) => return Err(e),
        };
        let flag = proctoring::flag(&app, p, &id).await?;
        Ok(flag_page(&ctx, &flag, Some(&refusal), &form.comment))
    }
    .await;
    ctx.respond(result)
}
