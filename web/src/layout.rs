//! The page shell (skip link, header, language and low-vision switches, navigation
//! by role) and the one stylesheet.
//!
//! The stylesheet is a few kilobytes, served once and cached, so a page on a weak
//! connection costs its HTML only. Contrast is at least 4.5:1 everywhere (7:1 in
//! low-vision mode); focus is always visible; print hides everything but the
//! content (for the decision protocol).

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use maud::{html, Markup, DOCTYPE};
use qabilet_domain::Language;
use qabilet_store::Role;

use super::i18n::{language_name, outcome_name, stage_name, Msg};
use super::oversight::i18n::OMsg;
use super::Ctx;

/// `GET /web/page.js`: the pages' one script (the CSP allows no inline script):
/// buttons marked `data-print` print the page.
pub(crate) async fn script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        "document.querySelectorAll('[data-print]').forEach(function (b) {\n  b.addEventListener('click', function () { window.print(); });\n});\n",
    )
}

/// `GET /web/style.css`.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        STYLE,
    )
}

fn nav(ctx: &Ctx) -> Markup {
    let Some(p) = &ctx.principal else {
        // A visitor: the public catalogue and the way in (not on the sign-in page).
        if ctx.here.starts_with("/web/login") {
            return html! {};
        }
        return html! {
            nav aria-label=(ctx.t(Msg::MainNav)) class="no-print" {
                ul {
                    li { a href="/web/vacancies" { (ctx.t(Msg::NavSearch)) } }
                    li { a href=(format!("/web/login?next={}", super::session::percent_encode(&ctx.here))) id="nav-sign-in" { (ctx.t(Msg::SignIn)) } }
                }
            }
        };
    };
    let mut links: Vec<(&str, &str)> = match p.role {
        Role::Candidate => vec![
            ("/web/for-you", ctx.t(Msg::NavForYou)),
            ("/web/vacancies", ctx.t(Msg::NavSearch)),
            ("/web/applications", ctx.t(Msg::NavApplications)),
            ("/web/profile", ctx.t(Msg::NavProfile)),
            ("/web/inbox", ctx.t(Msg::NavInbox)),
            ("/web/consents", ctx.t(Msg::NavConsents)),
        ],
        Role::Commission => vec![("/web/commission", ctx.t(Msg::NavCommission))],
        Role::Hr | Role::Admin => vec![
            ("/web/hr", ctx.t(Msg::NavHr)),
            ("/web/hr/reserve", ctx.t(Msg::NavReserve)),
            ("/web/hr/vacancies/new", ctx.t(Msg::NewVacancy)),
            ("/web/hr/rotation", ctx.t(Msg::NavRotation)),
        ],
        Role::Hrm | Role::Auditor => vec![],
    };
    if crate::oversight::reads_oversight(p.role) {
        links.push(("/web/analytics", ctx.t(OMsg::NavAnalytics)));
        links.push(("/web/fairness", ctx.t(OMsg::NavFairness)));
    }
    if matches!(p.role, Role::Admin | Role::Auditor) {
        links.push(("/web/audit", ctx.t(OMsg::NavAudit)));
    }
    // The flag queue for whoever the proctoring use cases let see flags.
    if qabilet_app::proctoring::sees_flags(p) {
        links.push(("/web/proctoring", ctx.t(Msg::NavProctoring)));
    }
    if p.role != Role::Candidate {
        links.push(("/web/vacancies", ctx.t(Msg::NavSearch)));
    }
    if p.role == Role::Admin {
        links.push(("/web/admin", ctx.t(Msg::NavAdmin)));
    }
    links.push(("/web/account", ctx.t(Msg::NavAccount)));
    let current = ctx.here.split('?').next().unwrap_or("");
    html! {
        nav aria-label=(ctx.t(Msg::MainNav)) class="no-print" {
            ul {
                @for (href, text) in links {
                    li {
                        a href=(href) aria-current=[(current == href).then_some("page")] { (text) }
                    }
                }
            }
        }
    }
}

/// The whole document around `body`.
pub(crate) fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (ctx.t(Msg::AppName)) }
                link rel="stylesheet" href="/web/style.css";
            }
            body class=[ctx.low_vision.then_some("lv")] {
                a class="skip" href="#main" { (ctx.t(Msg::SkipToContent)) }
                header class="no-print" {
                    div class="brand" {
                        a href="/web" { (ctx.t(Msg::AppName)) }
                        span class="tagline" { (ctx.t(Msg::Tagline)) }
                    }
                    div class="tools" {
                        form method="post" action="/web/prefs" class="inline" {
                            input type="hidden" name="back" value=(ctx.here);
                            span id="lang-label" { (ctx.t(Msg::Language)) ": " }
                            span role="group" aria-labelledby="lang-label" {
                                @for l in Language::ALL {
                                    button type="submit" name="lang" value=(l.code()) lang=(l.code())
                                        aria-pressed=(if l == ctx.lang { "true" } else { "false" })
                                        title=(language_name(l, ctx.lang)) {
                                        (match l { Language::Kk => "ҚАЗ", Language::Ru => "РУС", Language::En => "ENG" })
                                    }
                                }
                            }
                        }
                        form method="post" action="/web/prefs" class="inline" {
                            input type="hidden" name="back" value=(ctx.here);
                            @if ctx.low_vision {
                                button type="submit" name="vision" value="off" id="vision-toggle" { (ctx.t(Msg::LowVisionOff)) }
                            } @else {
                                button type="submit" name="vision" value="on" id="vision-toggle" { (ctx.t(Msg::LowVisionOn)) }
                            }
                        }
                        @if let Some(p) = ctx.principal.as_ref().or(ctx.pending.as_ref()) {
                            form method="post" action="/web/logout" class="inline" {
                                (ctx.csrf_field())
                                span class="who" { (ctx.t(Msg::SignedInAs)) " " strong { (p.id) } }
                                " "
                                button type="submit" { (ctx.t(Msg::SignOut)) }
                            }
                        }
                    }
                    (nav(ctx))
                }
                main id="main" tabindex="-1" { (body) }
                footer class="no-print" { p { (ctx.t(Msg::AppName)) " · " (ctx.t(Msg::Tagline)) } }
            }
        }
    }
}

/// A stage and its outcome as a short badge, e.g. "Test: Passed (71)".
pub(crate) fn stage_badge(ctx: &Ctx, r: &qabilet_domain::StageResult) -> Markup {
    let class = match r.outcome {
        qabilet_domain::StageOutcome::Passed => "badge good",
        qabilet_domain::StageOutcome::Failed => "badge bad",
        _ => "badge",
    };
    html! {
        span class=(class) {
            (ctx.t(stage_name(r.stage))) ": " (ctx.t(outcome_name(r.outcome)))
            @if let Some(s) = r.score { " (" (format!("{s:.0}")) ")" }
        }
    }
}

/// A rule status as icon plus words (never colour alone).
pub(crate) fn status_badge(ctx: &Ctx, status: qabilet_matcher::eligibility::RuleStatus) -> Markup {
    use qabilet_matcher::eligibility::RuleStatus;
    let (class, icon, msg) = match status {
        RuleStatus::Met => ("badge good", "✔", Msg::Met),
        RuleStatus::NotMet => ("badge bad", "✘", Msg::NotMet),
        RuleStatus::Unknown => ("badge warn", "?", Msg::Unknown),
    };
    html! { span class=(class) { span aria-hidden="true" { (icon) " " } (ctx.t(msg)) } }
}

const STYLE: &str = r#"
:root{--fg:#1a1a1a;--bg:#fff;--muted:#4a4a4a;--line:#c8c8c8;--accent:#00558c;--accent-bg:#e8f1f8;--good:#1d6b2f;--good-bg:#e6f4ea;--bad:#a4161a;--bad-bg:#fdecea;--warn:#7a4d00;--warn-bg:#fff4d6;--focus:#ffbf47}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--fg);outline-offset:2px;box-shadow:0 0 0 6px var(--focus)}
.skip{position:absolute;left:-999px;top:0;background:var(--fg);color:var(--bg);padding:.5rem 1rem;z-index:9}
.skip:focus{left:.5rem}
header{background:var(--accent-bg);border-bottom:2px solid var(--accent);padding:.5rem 1rem}
.brand a{font-weight:700;font-size:1.25rem;text-decoration:none;color:var(--accent)}
.tagline{margin-left:.75rem;color:var(--muted);font-size:.9rem}
.tools{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;margin:.4rem 0}
form.inline{display:inline-flex;gap:.35rem;align-items:center;margin:0}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;margin:.25rem 0;padding:0}
nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{max-width:72rem;margin:0 auto;padding:1rem}
main:focus{outline:none}
footer{border-top:1px solid var(--line);color:var(--muted);padding:.5rem 1rem;font-size:.875rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.3rem;margin:1.5rem 0 .5rem}h3{font-size:1.1rem;margin:1rem 0 .25rem}
button,.button{font:inherit;padding:.4rem .9rem;border:2px solid var(--accent);background:var(--accent);color:#fff;border-radius:4px;cursor:pointer;text-decoration:none;display:inline-block}
button[aria-pressed=false],.tools button{background:#fff;color:var(--accent)}
button[aria-pressed=true]{background:var(--accent);color:#fff}
input,select,textarea{font:inherit;padding:.35rem .5rem;border:2px solid #5a5a5a;border-radius:4px;max-width:100%;background:#fff;color:var(--fg)}
textarea{width:100%;min-height:4.5rem}
label{font-weight:600;display:block}
.stack>*{margin:.25rem 0}.stack>input,.stack>select,.stack>textarea,.stack>button{display:block}.stack button{margin-top:.75rem}
.narrow{max-width:26rem}
.filters{display:flex;flex-wrap:wrap;gap:.75rem 1.25rem;align-items:flex-end;background:#f5f5f5;padding:.75rem;border-radius:6px}
.hint{color:var(--muted);font-size:.9rem}
.notice{border-left:6px solid var(--accent);background:var(--accent-bg);padding:.5rem 1rem;margin:1rem 0}
.notice.bad{border-color:var(--bad);background:var(--bad-bg)}.notice.good{border-color:var(--good);background:var(--good-bg)}.notice.warn{border-color:var(--warn);background:var(--warn-bg)}
.badge{display:inline-block;white-space:nowrap;border:1px solid var(--line);border-radius:3px;padding:0 .4rem;margin:.1rem .25rem .1rem 0;font-size:.9rem;background:#f5f5f5}
.badge.good{color:var(--good);background:var(--good-bg);border-color:var(--good)}.badge.bad{color:var(--bad);background:var(--bad-bg);border-color:var(--bad)}.badge.warn{color:var(--warn);background:var(--warn-bg);border-color:var(--warn)}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
label.inline{display:inline}label.plain{font-weight:400}td.signature{height:2.5rem;width:60%}.qr svg{width:14rem;height:14rem;background:#fff}code.secret{word-break:break-all}
.results{list-style:none;padding:0}
.results>li{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
.results h2,.results h3{margin:0 0 .25rem}
.meta{color:var(--muted);font-size:.9rem}
.snippet b{background:#fff0a8;font-weight:700}
.entry{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.entry .cols{display:flex;flex-wrap:wrap;gap:1rem 2rem}.entry .cols>*{flex:1 1 16rem}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
svg.chart{max-width:100%;height:auto}
figure{margin:.5rem 0}.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;padding:0;margin:.25rem 0}.legend svg{vertical-align:middle}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus-visible{outline:3px solid var(--fg)}
table.grid{width:auto}table.grid td,table.grid th{padding:.15rem .3rem;text-align:center;font-family:ui-monospace,monospace}table.grid tbody th{text-align:left;white-space:nowrap;font-family:inherit}
td.same-wrong{background:repeating-linear-gradient(45deg,var(--bad-bg) 0 4px,#f2b8b5 4px 7px);font-weight:700;outline:2px solid var(--bad);outline-offset:-2px}td.same-right{background:var(--good-bg)}
dl.decision{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dl.decision dt{font-weight:600}dl.decision dd{margin:0}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.print-only{display:none}
body.lv{font-size:1.3rem;line-height:1.6;--fg:#000;--bg:#fff;--muted:#000;--line:#000;--accent:#000;--accent-bg:#fff;--good:#000;--bad:#000;--warn:#000}
body.lv a{color:#00e;text-decoration-thickness:2px}
body.lv .badge,body.lv th,body.lv .filters{background:#fff;border-width:2px}
body.lv button,body.lv .button{background:#000;color:#ff0;border-color:#000}
body.lv button[aria-pressed=false],body.lv .tools button{background:#fff;color:#000}
body.lv button[aria-pressed=true]{background:#000;color:#ff0}
body.lv svg text{font-size:15px}
body.lv td.same-wrong{background:#fff;outline:3px solid #000;text-decoration:underline}
body.lv :focus-visible{outline:4px solid #000;box-shadow:0 0 0 8px #ff0}
@media print{.no-print,header,footer,form,.skip{display:none!important}.print-only{display:block}body{font-size:11pt}main{max-width:none;padding:0}.entry,table{break-inside:avoid}a{color:#000;text-decoration:none}}
"#;
