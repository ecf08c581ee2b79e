//! `GET /web/applications/{id}/explanation`: what a candidate is told about how
//! their own application was decided (`qabilet_app::explanation`), in their
//! language.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use qabilet_app::explanation::{self, RequirementStatus};
use qabilet_app::{parse_id, App};
use qabilet_domain::ApplicationId;

use super::i18n::OMsg;
use crate::i18n::{outcome_name, rule_name, stage_name};
use crate::Ctx;

pub(crate) async fn page(ctx: Ctx, State(app): State<App>, Path(id): Path<String>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: ApplicationId = parse_id("application", &id)?;
        let e = explanation::explain(&app, p, &id).await?;
        let status = |s: RequirementStatus| match s {
            RequirementStatus::Met => ("good", ctx.t(OMsg::Met)),
            RequirementStatus::NotMet => ("bad", ctx.t(OMsg::NotMet)),
            RequirementStatus::Undecided => ("", ctx.t(OMsg::Undecided)),
            RequirementStatus::Overridden => ("", ctx.t(OMsg::Overridden)),
        };
        let body = html! {
            h1 { (ctx.t(OMsg::ExplanationTitle)) }
            p { a href=(format!("/web/vacancies/{}", e.vacancy_id)) { (e.vacancy_title) } " (" (e.vacancy_id) ")" }
            section class="entry" id="how-decided" {
                h2 { (ctx.t(OMsg::HowDecided)) }
                p { (ctx.t(OMsg::ExplanationSystem)) }
                p { strong { (ctx.t(OMsg::ExplanationPeople)) } }
            }
            section class="entry" id="requirements" {
                h2 { (ctx.t(OMsg::ExplanationRequirements)) }
                table {
                    tbody { @for r in &e.requirements {
                        @let (class, text) = status(r.status);
                        tr {
                            th scope="row" { (rule_name(r.rule, ctx.lang)) }
                            td lang="en" { (r.required) }
                            td lang="en" { (r.found) }
                            td { span class=(format!("badge {class}")) { (text) } }
                        }
                    } }
                }
            }
            section class="entry" id="stages" {
                h2 { (ctx.t(OMsg::ExplanationStages)) }
                @if e.stages.is_empty() {
                    p { (ctx.t(OMsg::NoStagesYet)) }
                } @else {
                    ol {
                        @for s in &e.stages {
                            li {
                                strong { (ctx.t(stage_name(s.stage))) } ": " (ctx.t(outcome_name(s.outcome)))
                                @if let Some(score) = s.score { " · " (format!("{score:.1}")) }
                                " · " (s.decided_on)
                                @if let Some(reason) = &s.reason { p { (reason) } }
                            }
                        }
                    }
                }
            }
            p class="hint" { (ctx.t(OMsg::ExplanationRights)) }
        };
        Ok(ctx.page(ctx.t(OMsg::ExplanationTitle), body))
    }
    .await;
    ctx.respond(result)
}
