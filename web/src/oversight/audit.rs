//! `GET /web/audit`: the audit log verified against the newest checkpoint file,
//! with a form to verify it against a checkpoint kept elsewhere (`POST
//! /web/audit/verify`) and one to replay a past ranking (`GET
//! /web/audit/replay?entry=N`). Admins and auditors (the use cases refuse
//! everyone else).

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use qabilet_app::checkpoints::{self, AnchoredVerification};
use qabilet_app::replay::{self, Replay};
use qabilet_app::{App, AppError};
use serde::Deserialize;

use super::i18n::OMsg;
use crate::Ctx;

fn verification(ctx: &Ctx, v: &AnchoredVerification) -> Markup {
    html! {
        section class="entry" id="verification" {
            @if v.intact {
                p { span class="badge good" id="audit-intact" { "✓ " (ctx.t(OMsg::Intact)) } }
            } @else {
                p { span class="badge bad" id="audit-broken" { "⚠ " (ctx.t(OMsg::NotIntact)) } }
                ul { @for p in &v.problems { li lang="en" { (p) } } }
            }
            p { (ctx.t(OMsg::Entries)) ": " (v.entries) }
            @match &v.checkpoint {
                Some(c) => p {
                    (ctx.t(OMsg::CheckpointOf)) ": #" (c.seq) " · " (c.at.format("%Y-%m-%d %H:%M UTC"))
                    " · key " code { (c.key_id) } " · " code { (c.hash.get(..16).unwrap_or(&c.hash)) "…" }
                },
                None => p { (ctx.t(OMsg::NoCheckpoint)) },
            }
        }
    }
}

fn forms(ctx: &Ctx, checkpoint: &str) -> Markup {
    html! {
        section class="entry no-print" {
            h2 { (ctx.t(OMsg::VerifyAgainst)) }
            form method="post" action="/web/audit/verify" {
                (ctx.csrf_field())
                label for="checkpoint" { (ctx.t(OMsg::CheckpointText)) }
                textarea id="checkpoint" name="checkpoint" rows="8" cols="80" maxlength="4000" { (checkpoint) }
                div { button type="submit" id="verify-checkpoint" { (ctx.t(OMsg::VerifyAgainst)) } }
            }
        }
        section class="entry no-print" {
            h2 { (ctx.t(OMsg::ReplayTitle)) }
            p { (ctx.t(OMsg::ReplayIntro)) }
            form method="get" action="/web/audit/replay" class="filters" {
                div {
                    label for="entry" { (ctx.t(OMsg::EntryNumber)) }
                    input id="entry" name="entry" type="number" min="1" required;
                }
                div { button type="submit" id="replay-entry" { (ctx.t(OMsg::Replay)) } }
            }
        }
    }
}

pub(crate) async fn page(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let latest = checkpoints::latest_file(&app)?;
        let v = checkpoints::verify(&app, p, latest).await?;
        let recent = replay::replayable(&app, p, 20).await?;
        let body = html! {
            h1 { (ctx.t(OMsg::AuditTitle)) }
            p { (ctx.t(OMsg::AuditIntro)) }
            h2 { (ctx.t(OMsg::VerifyLatest)) }
            (verification(&ctx, &v))
            (forms(&ctx, ""))
            section class="entry" id="recent-rankings" {
                h2 { (ctx.t(OMsg::RecentRankings)) }
                table {
                    thead { tr {
                        th scope="col" { (ctx.t(OMsg::EntryNumber)) } th scope="col" { (ctx.t(OMsg::Action)) }
                        th scope="col" { (ctx.t(OMsg::Subject)) } th scope="col" { (ctx.t(OMsg::By)) } th scope="col" { (ctx.t(OMsg::When)) }
                    } }
                    tbody { @for e in &recent { tr {
                        td { a href=(format!("/web/audit/replay?entry={}", e.seq)) class="replay-link" { "#" (e.seq) } }
                        td { code { (e.action) } } td { (e.subject_id) } td { (e.actor) }
                        td { (e.at.format("%Y-%m-%d %H:%M")) }
                    } } }
                }
            }
        };
        Ok(ctx.page(ctx.t(OMsg::AuditTitle), body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct CheckpointForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    checkpoint: String,
}

pub(crate) async fn verify(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<CheckpointForm>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        ctx.check_csrf(&form.csrf)?;
        if form.checkpoint.len() > 4000 {
            return Err(AppError::bad_request(
                "invalid_checkpoint",
                "a checkpoint is at most 4,000 characters",
            ));
        }
        let checkpoint = checkpoints::parse(&form.checkpoint)?;
        let v = checkpoints::verify(&app, p, Some(checkpoint)).await?;
        let body = html! {
            h1 { (ctx.t(OMsg::AuditTitle)) }
            (verification(&ctx, &v))
            (forms(&ctx, &form.checkpoint))
        };
        Ok(ctx.page(ctx.t(OMsg::AuditTitle), body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct ReplayQuery {
    #[serde(default)]
    entry: String,
}

fn replay_body(ctx: &Ctx, r: &Replay) -> Markup {
    let score = |s: Option<f32>| s.map_or_else(|| "–".to_owned(), |s| format!("{s:.4}"));
    let rank = |r: Option<usize>| r.map_or_else(|| "–".to_owned(), |r| r.to_string());
    html! {
        h1 { (ctx.t(OMsg::ReplayTitle)) ": #" (r.entry.seq) }
        p {
            code { (r.entry.action) } " · " (r.entry.actor) " · " (r.entry.at.format("%Y-%m-%d %H:%M:%S UTC"))
            " · " (r.vacancy_id) " · " code { (r.ranking_record.get(..16).unwrap_or(&r.ranking_record)) "…" }
        }
        @if r.matches {
            p { span class="badge good" id="replay-matches" { "✓ " (ctx.t(OMsg::ReplayMatches)) } }
        } @else {
            p { span class="badge bad" id="replay-differs" { "⚠ " (ctx.t(OMsg::ReplayDiffers)) } }
            ul { @for p in &r.problems { li lang="en" { (p) } } }
        }
        table {
            thead { tr {
                th scope="col" { (ctx.t(OMsg::Rank)) } th scope="col" { (ctx.t(OMsg::Profile)) }
                th scope="col" { (ctx.t(OMsg::RecordedScore)) } th scope="col" { (ctx.t(OMsg::ReplayedScore)) }
            } }
            tbody { @for row in &r.ranking { tr {
                td { (rank(row.rank)) } td { (row.profile_id) }
                td { (score(Some(row.recorded_score))) } td { (score(Some(row.replayed_score))) }
            } } }
        }
        h2 { (ctx.t(OMsg::NowTitle)) }
        @match &r.now {
            None => p { (ctx.t(OMsg::VacancyGone)) },
            Some(now) => {
                p {
                    (ctx.t(OMsg::Unchanged)) ": " (now.unchanged)
                    @if now.weights_changed { " · " (ctx.t(OMsg::WeightsChanged)) }
                }
                @if !now.moved.is_empty() {
                    table {
                        thead { tr {
                            th scope="col" { (ctx.t(OMsg::Profile)) } th scope="col" { (ctx.t(OMsg::RankThen)) }
                            th scope="col" { (ctx.t(OMsg::RankNow)) } th scope="col" { (ctx.t(OMsg::RecordedScore)) }
                            th scope="col" { (ctx.t(OMsg::NowTitle)) } th scope="col" { (ctx.t(OMsg::Changed)) }
                        } }
                        tbody { @for m in &now.moved { tr {
                            th scope="row" { (m.profile_id) } td { (rank(m.rank_then)) } td { (rank(m.rank_now)) }
                            td { (score(m.score_then)) } td { (score(m.score_now)) } td { (m.changed.join(", ")) }
                        } } }
                    }
                }
            }
        }
    }
}

pub(crate) async fn replay(
    ctx: Ctx,
    State(app): State<App>,
    Query(q): Query<ReplayQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let entry: i64 = q.entry.trim().parse().map_err(|_| {
            AppError::bad_request("invalid_query", "entry: the audit entry's number, e.g. 42")
        })?;
        let r = replay::replay(&app, p, entry).await?;
        Ok(ctx.page(ctx.t(OMsg::ReplayTitle), replay_body(&ctx, &r)))
    }
    .await;
    ctx.respond(result)
}
