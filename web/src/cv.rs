//! Uploading a CV on the profile page (`people::read_cv`, the same use case as
//! `PUT /profiles/{id}/cv`): its text fills the summary. A file form needs a
//! multipart body, so the CSRF token travels as one of its parts.

use axum::extract::{Multipart, State};
use axum::response::Response;
use maud::{html, Markup};
use qabilet_app::{people, App, AppError, ErrorKind};

use super::i18n::Msg;
use super::session::see_other;
use super::Ctx;

/// The upload form, below the profile form.
pub(crate) fn upload_form(ctx: &Ctx) -> Markup {
    html! {
        form method="post" action="/web/profile/cv" enctype="multipart/form-data" class="stack" id="cv-form" {
            h2 { (ctx.t(Msg::CvUpload)) }
            (ctx.csrf_field())
            label for="cv" { (ctx.t(Msg::CvFile)) }
            input id="cv" name="cv" type="file" required aria-describedby="cv-hint"
                accept=".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document";
            p class="hint" id="cv-hint" { (ctx.t(Msg::CvHint)) }
            button type="submit" id="upload-cv" { (ctx.t(Msg::CvUpload)) }
        }
    }
}

/// `POST /web/profile/cv`.
pub(crate) async fn upload(ctx: Ctx, State(app): State<App>, mut form: Multipart) -> Response {
    let result = async {
        let p = ctx.user()?;
        let mut csrf = String::new();
        let mut file = None;
        while let Some(field) = form.next_field().await.map_err(|e| {
            AppError::bad_request("bad_form", format!("the form cannot be read: {e}"))
        })? {
            match field.name() {
                Some("csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("cv") => {
                    let bytes = field.bytes().await.map_err(|e| {
                        AppError::bad_request(
                            "bad_form",
                            format!("the file did not arrive whole: {e}"),
                        )
                    })?;
                    file = Some(bytes.to_vec());
                }
                _ => {}
            }
        }
        ctx.check_csrf(&csrf)?;
        let id = p
            .profile_id
            .clone()
            .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
        let file = file.ok_or_else(|| AppError::invalid("cv", "choose a file"))?;
        match people::read_cv(&app, p, &id, file).await {
            Ok(_) => Ok(see_other("/web/profile?cv=1", &[])),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::TooLarge | ErrorKind::UnsupportedMedia | ErrorKind::Invalid
                ) =>
            {
                let msg = match e.kind() {
                    ErrorKind::TooLarge => Msg::CvTooLarge,
                    ErrorKind::UnsupportedMedia => Msg::CvUnsupported,
                    _ => Msg::CvUnreadable,
                };
                let body = html! {
                    h1 { (ctx.t(Msg::CvUpload)) }
                    div role="alert" class="notice bad" id="cv-error" {
                        p { (ctx.t(msg)) }
                        p lang="en" { (e.to_string()) }
                    }
                    p { a href="/web/profile" { (ctx.t(Msg::NavProfile)) } }
                };
                let mut response = ctx.page(ctx.t(Msg::CvUpload), body);
                *response.status_mut() = axum::http::StatusCode::from_u16(e.kind().http_status())
                    .unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
                Ok(response)
            }
            Err(e) => Err(e),
        }
    }
    .await;
    ctx.respond(result)
}
