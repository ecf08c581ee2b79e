//! The competition's protocol as a PDF the audit log vouches for.
//!
//! [`issue`] lays out what the commission decided on and how: the vacancy; the
//! commission's members with their declarations and recusals, and the officers
//! who declared; the ranking with each applicant's explanation parts; every
//! stage result with its reason; the decision; and the audit chain's newest hash
//! at the moment of issue. In the same transaction it appends a
//! `protocol.issue` entry holding the PDF's SHA-256, so the log, whose hash
//! chain detects edits, is the document's signature: [`verify`] recomputes a
//! file's hash, finds its issue entry, checks that the hash the PDF cites is the
//! log's, and that the chain is intact. Anyone holding the PDF can have it checked
//! (`qabilet protocol verify FILE`); a single changed byte fails.
//!
//! Who may issue: whoever may see the named shortlist (declared commission
//! members, declared HR officers of the organisation, declared admins); the view
//! of the shortlist it is built from is audited like any other.

pub mod pdf;

use chrono::{DateTime, Utc};
use qabilet_domain::{Stage, StageResult, VacancyId};
use qabilet_store::Role;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::shortlist::{self, PersonView, Shortlist, ShortlistOptions};
use crate::{access, competition, Actor, App, AppError, AppResult};
use pdf::Block;

/// The audit action that records an issued protocol.
pub const ISSUE_ACTION: &str = "protocol.issue";

/// Largest file `verify` reads: a protocol is a few hundred KB.
pub const MAX_PDF_BYTES: usize = 50 * 1024 * 1024;

/// An issued protocol.
#[derive(Debug, Clone)]
pub struct IssuedProtocol {
    pub vacancy_id: VacancyId,
    pub pdf: Vec<u8>,
    /// Hex SHA-256 of `pdf`, as the issue entry records it.
    pub sha256: String,
    /// The audit entry that records the issue.
    pub issue_seq: i64,
}

/// Issues the protocol of `vacancy_id` (see the module docs); `via` names the
/// door in the audit log.
pub async fn issue(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    via: &'static str,
) -> AppResult<IssuedProtocol> {
    actor.require(&[Role::Commission, Role::Hr, Role::Admin])?;
    let vacancy = access::shortlist_vacancy(app, actor, vacancy_id).await?;
    access::require_declared(app, actor, vacancy_id).await?;
    let opts = ShortlistOptions {
        blind: false,
        limit: app.limits().shortlist_entries,
    };
    let view = shortlist::shortlist(app, actor, vacancy_id, opts, via).await?;
    let seats = app.store().commission_seats(vacancy_id.as_str()).await?;
    let declarations = app.store().declarations(vacancy_id.as_str()).await?;
    let organisation = app
        .store()
        .organisation(vacancy.organisation_id.as_str())
        .await?;
    let winner = competition::decided(app, vacancy_id).await?;

    let mut tx = app.store().begin().await?;
    let (head_seq, head_hash) = tx.audit_head().await?.unwrap_or((0, "0".repeat(64)));
    let now = Utc::now();
    let mut blocks = vec![
        Block::Title("Конкурс хаттамасы / Протокол конкурса".into()),
        Block::Line(format!("{} «{}»", vacancy.id, vacancy.title)),
        Block::Line(format!(
            "Ұйым / Организация: {}",
            organisation
                .as_ref()
                .map_or(vacancy.organisation_id.to_string(), |o| format!(
                    "{} ({})",
                    o.name_ru, o.id
                ))
        )),
        Block::Line(format!(
            "Санат / Категория: {} · Мерзімі / Срок: {} · {}",
            vacancy.category,
            vacancy.deadline,
            vacancy.status.code()
        )),
        Block::Gap,
        Block::Heading("Комиссия мүшелері / Члены комиссии".into()),
    ];
    if seats.is_empty() {
        blocks.push(Block::Line(
            "— (комиссия тағайындалмаған / не назначена)".into(),
        ));
    }
    for (user, seated_at) in &seats {
        blocks.push(Block::Line(format!(
            "{user} — тағайындалды / назначен {}",
            day(*seated_at)
        )));
        let declaration = declarations.iter().find(|d| &d.user_id == user);
        blocks.push(Block::Indented(standing_line(declaration)));
    }
    let officers: Vec<_> = declarations
        .iter()
        .filter(|d| !seats.iter().any(|(u, _)| u == &d.user_id))
        .collect();
    if !officers.is_empty() {
        blocks.push(Block::Heading(
            "Мәлімдеме берген қызметкерлер / Задекларировавшие сотрудники".into(),
        ));
        for d in officers {
            blocks.push(Block::Line(d.user_id.clone()));
            blocks.push(Block::Indented(standing_line(Some(d))));
        }
    }
    blocks.push(Block::Gap);
    ranking_blocks(&view, &mut blocks);
    blocks.push(Block::Gap);
    blocks.push(Block::Heading("Шешім / Решение".into()));
    match &winner {
        Some(application) => {
            let decision = application
                .stages
                .iter()
                .find(|s| s.stage == Stage::Decision);
            let who = person_of(&view, application.id.as_str());
            blocks.push(Block::Line(format!(
                "Жеңімпаз / Победитель: {who} ({})",
                application.id
            )));
            if let Some(d) = decision {
                blocks.push(Block::Indented(stage_line(d)));
            }
        }
        None => blocks.push(Block::Line(
            "Шешім әлі қабылданған жоқ / Решение ещё не принято".into(),
        )),
    }
    blocks.push(Block::Gap);
    blocks.push(Block::Heading("Аудит".into()));
    blocks.push(Block::Line(format!(
        "Аудит тізбегі шығарылған сәтте / Цепочка аудита на момент выпуска: запись #{head_seq}"
    )));
    blocks.push(Block::Line(format!("hash {head_hash}")));
    blocks.push(Block::Line(format!(
        "Рейтинг / Ранжирование: {:?}, версия весов {}, индекс {}, модель {}",
        view.eligible
            .first()
            .map(|e| e.explanation.method)
            .unwrap_or(app.ranking().config.method),
        view.ranking_version,
        view.provenance.index_version,
        view.provenance.model_id.as_deref().unwrap_or("—")
    )));
    blocks.push(Block::Line(format!(
        "Шығарған / Выпустил: {} · {}",
        actor.audit_name(),
        now.format("%Y-%m-%d %H:%M UTC")
    )));
    let footer = format!("Qabilet · {} · {}", vacancy.id, now.format("%Y-%m-%d"));
    let title = format!("Протокол {} {}", vacancy.id, vacancy.title);
    let rendered = pdf::render(&title, &blocks, &footer).map_err(AppError::internal)?;
    let sha256 = hex::encode(Sha256::digest(&rendered.bytes));
    let detail = json!({
        "sha256": sha256, "audit_seq": head_seq, "audit_hash": head_hash,
        "pages": rendered.pages, "bytes": rendered.bytes.len(), "via": via,
    });
    let entry = tx
        .audit(
            actor.audit_name(),
            ISSUE_ACTION,
            "vacancy",
            vacancy_id.as_str(),
            &detail.to_string(),
        )
        .await?;
    tx.commit().await?;
    Ok(IssuedProtocol {
        vacancy_id: vacancy_id.clone(),
        pdf: rendered.bytes,
        sha256,
        issue_seq: entry.seq,
    })
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

fn standing_line(d: Option<&qabilet_store::Declaration>) -> String {
    match d {
        None => "мәлімдеме жоқ / декларации нет".into(),
        Some(d) => match (&d.recused_at, &d.recusal_reason) {
            (Some(at), reason) => format!(
                "бас тартты / самоотвод {}: {}",
                day(*at),
                reason.as_deref().unwrap_or("")
            ),
            (None, _) => {
                let statement = if d.statement.is_empty() {
                    String::new()
                } else {
                    format!(" «{}»", d.statement)
                };
                format!(
                    "мүдделер қақтығысы жоқ деп мәлімдеді / заявил(а) об отсутствии конфликта \
                     интересов {}{statement}",
                    day(d.declared_at)
                )
            }
        },
    }
}

fn stage_line(s: &StageResult) -> String {
    let score = s.score.map(|v| format!(" ({v})")).unwrap_or_default();
    let reason = s.reason.as_deref().unwrap_or("").replace('\n', " · ");
    let mut line = format!(
        "{}: {:?}{score} — {reason} [{} {}]",
        s.stage.code(),
        s.outcome,
        s.decided_by,
        day(s.decided_at)
    );
    if let Some(check) = &s.rule_check {
        line.push_str(&format!(
            "; талаптар / требования: {}",
            if check.eligible {
                "сәйкес / соответствует"
            } else {
                "сәйкес емес / не соответствует"
            }
        ));
        if !check.overridden.is_empty() {
            line.push_str(&format!(
                "; ерекшелік / исключение: {}",
                check.overridden.join(", ")
            ));
        }
    }
    line
}

fn name_of(person: &PersonView) -> String {
    match person {
        PersonView::Full(p) => p.full_name.clone(),
        PersonView::Blind(b) => b.id.clone(),
    }
}

fn person_of(view: &Shortlist, application_id: &str) -> String {
    view.eligible
        .iter()
        .find(|e| e.application_id == application_id)
        .map(|e| name_of(&e.profile))
        .or_else(|| {
            view.ineligible
                .iter()
                .find(|e| e.application_id == application_id)
                .map(|e| name_of(&e.profile))
        })
        .unwrap_or_default()
}

fn ranking_blocks(view: &Shortlist, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("Рейтинг / Рейтинг кандидатов".into()));
    if view.eligible.is_empty() {
        blocks.push(Block::Line("—".into()));
    }
    let part = |p: Option<qabilet_matcher::ranking::SignalPart>| {
        p.map_or("—".to_owned(), |p| format!("{:.3}", p.contribution))
    };
    for e in &view.eligible {
        let parts = &e.explanation.parts;
        blocks.push(Block::Line(format!(
            "#{} {} ({}) — {:.3}",
            e.rank,
            name_of(&e.profile),
            e.application_id,
            e.score
        )));
        blocks.push(Block::Indented(format!(
            "BM25 {} + семантика / семантика {} + талаптар / требования {}; \
             талаптар орындалды / требования выполнены: {}",
            part(parts.bm25),
            part(parts.dense),
            part(parts.structured),
            e.explanation
                .rules_met
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(", ")
        )));
        for rule in &e.eligibility.rules {
            if let Some(o) = &rule.overridden {
                blocks.push(Block::Indented(format!(
                    "ерекшелік / исключение {}: {} [{}]",
                    rule.rule.code(),
                    o.reason,
                    o.by
                )));
            }
        }
        for s in &e.stages {
            blocks.push(Block::Indented(stage_line(s)));
        }
    }
    if view.eligible_total > view.eligible.len() {
        blocks.push(Block::Line(format!(
            "… {} / {}",
            view.eligible.len(),
            view.eligible_total
        )));
    }
    if !view.ineligible.is_empty() {
        blocks.push(Block::Heading(
            "Талаптарға сәйкес емес / Не соответствуют требованиям".into(),
        ));
        for e in &view.ineligible {
            let failed: Vec<String> = e.failed.iter().map(|f| f.rule.code()).collect();
            blocks.push(Block::Line(format!(
                "{} ({}) — {}",
                name_of(&e.profile),
                e.application_id,
                failed.join(", ")
            )));
            for s in &e.stages {
                blocks.push(Block::Indented(stage_line(s)));
            }
        }
    }
}

/// What [`verify`] found of a PDF.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProtocolCheck {
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// The file was issued by Qabilet, the hash it cites is the log's, and the log
    /// is intact.
    pub valid: bool,
    /// The issue entry, when the log records this exact file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_seq: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vacancy_id: Option<String>,
    /// Why not, when not valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Checks a PDF against the audit log (admins and the operator: the answer tells
/// who issued what when); see the module docs.
pub async fn verify(app: &App, actor: &Actor, pdf: &[u8]) -> AppResult<ProtocolCheck> {
    actor.require(&[Role::Admin])?;
    if pdf.len() > MAX_PDF_BYTES {
        return Err(AppError::invalid(
            "file",
            format!("{} bytes; a protocol is at most {MAX_PDF_BYTES}", pdf.len()),
        ));
    }
    let sha256 = hex::encode(Sha256::digest(pdf));
    let mut check = ProtocolCheck {
        sha256: sha256.clone(),
        valid: false,
        issue_seq: None,
        issued_at: None,
        issued_by: None,
        vacancy_id: None,
        problem: None,
    };
    let issued = app
        .store()
        .audit_entries_of(ISSUE_ACTION, i64::MAX)
        .await?
        .into_iter()
        .find(|e| {
            serde_json::from_str::<serde_json::Value>(&e.detail)
                .is_ok_and(|d| d["sha256"] == sha256.as_str())
        });
    let Some(entry) = issued else {
        check.problem = Some(
            "the audit log records no protocol with this hash: the file was altered, or \
             not issued here"
                .into(),
        );
        return Ok(check);
    };
    check.issue_seq = Some(entry.seq);
    check.issued_at = Some(entry.at);
    check.issued_by = Some(entry.actor.clone());
    check.vacancy_id = Some(entry.subject_id.clone());
    let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap_or_default();
    let cited_seq = detail["audit_seq"].as_i64().unwrap_or(-1);
    let cited_hash = detail["audit_hash"].as_str().unwrap_or("");
    if cited_seq > 0 {
        let cited = app.store().audit_entries(cited_seq - 1, 1).await?;
        if cited.first().map(|e| e.hash.as_str()) != Some(cited_hash) {
            check.problem = Some(format!(
                "the protocol cites audit entry #{cited_seq} with a hash the log does not hold"
            ));
            return Ok(check);
        }
    }
    match app.store().verify_audit_chain().await? {
        Ok(_) => check.valid = true,
        Err(broken) => check.problem = Some(format!("the audit log is broken: {broken}")),
    }
    Ok(check)
}
