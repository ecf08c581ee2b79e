//! HR's rotation list: people three years or more in one post
//! (`rotation::rotation_list`, the same use case as `GET /rotation`).

use axum::extract::State;
use axum::response::Response;
use maud::html;
use qabilet_app::rotation::{self, ROTATION_YEARS};
use qabilet_app::App;

use super::i18n::Msg;
use super::Ctx;

/// `GET /web/hr/rotation`.
pub(crate) async fn page(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let rows = rotation::rotation_list(&app, p).await?;
        let body = html! {
            h1 { (ctx.t(Msg::NavRotation)) }
            p class="hint" { (ctx.t(Msg::RotationIntro)) " (" (ROTATION_YEARS) "+)" }
            @if rows.is_empty() { p id="rotation-empty" { (ctx.t(Msg::RotationEmpty)) } } @else {
                table id="rotation" {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::FullName)) }
                        th scope="col" { (ctx.t(Msg::Employer)) }
                        th scope="col" { (ctx.t(Msg::Position)) }
                        th scope="col" { (ctx.t(Msg::Started)) }
                        th scope="col" { (ctx.t(Msg::YearsInPost)) }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                th scope="row" { (r.full_name) }
                                td { (r.organisation) }
                                td { (r.position) }
                                td { (r.since) }
                                td { (r.years) }
                            }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::NavRotation), body))
    }
    .await;
    ctx.respond(result)
}
