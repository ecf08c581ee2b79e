//! The email channel: each candidate notification, mailed as it reaches the outbox.
//!
//! One worker follows the outbox (the feed the HRM webhook delivers, see
//! [`crate::outbox`]) with a cursor of its own in the store, so neither channel
//! waits for the other. Which event is whose notification is decided by
//! [`qabilet_app::notifications::notification_of`], the rule the inbox reads
//! with, so the person's mail and their inbox cannot disagree. For each one:
//!
//! 1. the cursor moves past the event and a pending message is recorded, in one
//!    transaction (a compare-and-set: two servers on one database take it up once);
//! 2. at each attempt the profile is read again: no consent to processing (or, for
//!    a reserve offer, to the reserve) or no address, and the message is recorded
//!    as skipped with the reason; otherwise it is sent in the person's language
//!    (the profile's `language`, else Russian) as plain text, with a link to the
//!    inbox;
//! 3. a failed attempt is retried with exponential backoff; after `max_attempts`,
//!    or at once when the relay refuses it for good (a 5xx), it is recorded as
//!    failed. Messages are independent: one waiting for its retry holds no other
//!    back.
//!
//! Each attempt is claimed in the store before it starts and leased for twice the
//! send timeout, so a server that dies mid-attempt leaves the message to be sent
//! again (at least once, never by two servers at the same time).
//!
//! What the channel did is kept in the store (`Store::email_messages`): sent, with
//! the address; skipped, with why; failed, with the last error.
//!
//! The client speaks plain SMTP, as the webhook speaks plain HTTP: no TLS library
//! is built in (no rustls in the build to reuse, and one would be the largest
//! dependency of the server). Mail leaves through a relay on this host that does
//! TLS onwards (see [`qabilet_app::config::EmailSettings`]).

use std::time::Duration;

use chrono::Utc;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use qabilet_app::config::EmailSettings;
use qabilet_app::notifications::{notification_of, Notification, NotificationKind};
use qabilet_app::{App, AppError, ConfigError};
use qabilet_domain::{ConsentPurpose, Language, Stage, StageOutcome};
use qabilet_matcher::eligibility::Rule;
use qabilet_store::{EmailMessage, EmailStatus, EmailTakeUp, StoreError};
use tokio::sync::watch;

use crate::outbox::exponential_backoff;

/// How many outbox events one look at the feed reads.
const TAKE_UP_BATCH: i64 = 100;
/// How many pending messages one look considers for an attempt.
const PENDING_BATCH: i64 = 100;

/// The deployment's settings and the worker's pacing.
#[derive(Debug, Clone)]
pub struct EmailConfig {
    /// From `email.json`.
    pub settings: EmailSettings,
    /// Read from the variable the settings name, never from the file.
    password: Option<Redacted>,
    /// Attempts before a message is recorded as failed.
    pub max_attempts: i32,
    /// Wait after the first failure; doubles with each further one.
    pub base_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// A whole send (connect, greeting, envelope, data) slower than this failed.
    pub send_timeout: Duration,
    /// How often to look for new events when there is nothing to do.
    pub poll_interval: Duration,
}

/// A secret that `Debug` does not print.
#[derive(Clone)]
struct Redacted(String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl EmailConfig {
    /// The settings with production pacing: 8 attempts from 30 s doubling to at
    /// most 1 hour (about 2 hours in all before a message is failed), 60 s per
    /// send, 1 s polls. Reads the password now, so a missing one stops the server
    /// at start rather than at the first mail.
    pub fn new(settings: EmailSettings) -> Result<EmailConfig, ConfigError> {
        let bad = |message: String| ConfigError::Email {
            path: EmailSettings::FILE.into(),
            message,
        };
        settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| bad(format!("from: {:?} is not an address: {e}", settings.from)))?;
        let password = settings.password()?.map(Redacted);
        Ok(EmailConfig {
            settings,
            password,
            max_attempts: 8,
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            send_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_secs(1),
        })
    }

    /// The wait after the `attempts`-th failure.
    fn backoff(&self, attempts: i32) -> Duration {
        exponential_backoff(self.base_backoff, self.max_backoff, attempts)
    }
}

/// A message's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailText {
    pub subject: String,
    pub body: String,
}

/// Starts the channel: creates its cursor at the end of the outbox on the first
/// start (what came before is in the inbox, not mailed), then follows the outbox
/// until `shutdown` becomes true (or its sender drops), finishing the attempt in
/// flight first.
pub async fn start(
    app: App,
    config: EmailConfig,
    shutdown: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, StoreError> {
    let cursor = app.store().start_email_cursor().await?;
    tracing::info!(
        relay = %format!("{}:{}", config.settings.host, config.settings.port),
        cursor,
        "email: candidates' notifications are mailed"
    );
    let worker = Worker::new(app, config);
    Ok(tokio::spawn(worker.run(shutdown)))
}

struct Worker {
    app: App,
    config: EmailConfig,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// Parsed once; [`EmailConfig::new`] checked it.
    from: Option<Mailbox>,
    /// The domain of Message-IDs: the public URL's host.
    domain: String,
}

/// What a look at the store found to do.
enum Step {
    /// Something was done: look again at once.
    Worked,
    /// Nothing to do for this long.
    Idle(Duration),
}

impl Worker {
    fn new(app: App, config: EmailConfig) -> Worker {
        let s = &config.settings;
        let domain = url_host(&s.public_base_url);
        // EHLO with the service's own name, as RFC 5321 asks; an address literal
        // when the public URL has none.
        let hello = if domain.chars().any(|c| c.is_ascii_alphabetic()) && !domain.contains(':') {
            ClientId::Domain(domain.clone())
        } else {
            ClientId::default()
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
            .port(s.port)
            .hello_name(hello)
            .timeout(Some(config.send_timeout));
        if let (Some(user), Some(password)) = (&s.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.0.clone()));
        }
        let from = s.from.parse().ok();
        Worker {
            transport: builder.build(),
            from,
            // An IPv6 literal is no Message-ID domain.
            domain: if domain.contains(':') {
                "localhost".into()
            } else {
                domain
            },
            app,
            config,
        }
    }

    async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let wait = match self.step().await {
                Ok(Step::Worked) => Duration::ZERO,
                Ok(Step::Idle(wait)) => wait,
                Err(e) => {
                    tracing::warn!(error = %e, "email: cannot read the store; trying again");
                    self.config.poll_interval
                }
            };
            if !wait.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    changed = shutdown.changed() => if changed.is_err() { return },
                }
            }
        }
    }

    /// Attempts the oldest due message, else takes up the next events of the outbox.
    async fn step(&self) -> Result<Step, AppError> {
        let store = self.app.store();
        let now = Utc::now();
        let pending = store.pending_emails(PENDING_BATCH).await?;
        if let Some(due) = pending.iter().find(|m| m.next_attempt_at <= now) {
            self.attempt(due).await?;
            return Ok(Step::Worked);
        }
        if self.take_up().await? {
            return Ok(Step::Worked);
        }
        let poll = self.config.poll_interval;
        let next_due = pending
            .iter()
            .map(|m| (m.next_attempt_at - now).to_std().unwrap_or(Duration::ZERO))
            .min()
            .unwrap_or(poll);
        Ok(Step::Idle(next_due.min(poll)))
    }

    /// Moves the cursor over the next events, up to and including the next
    /// notification (recorded pending). `false`: the outbox had nothing new.
    async fn take_up(&self) -> Result<bool, AppError> {
        let store = self.app.store();
        // A read on every poll; the cursor's row is written only when missing.
        let cursor = match store.email_cursor().await? {
            Some(cursor) => cursor,
            None => store.start_email_cursor().await?,
        };
        let events = store.events_after(cursor, TAKE_UP_BATCH).await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(false);
        };
        for event in &events {
            let take_up = match notification_of(&self.app, event).await {
                Ok(None) => continue,
                Ok(Some((profile, _))) => {
                    store
                        .advance_email_cursor(
                            cursor,
                            event.seq,
                            EmailTakeUp::Message {
                                profile_id: profile.as_str(),
                            },
                        )
                        .await?;
                    return Ok(true);
                }
                Err(AppError::Store(e)) => return Err(e.into()),
                Err(e) => e.to_string(),
            };
            tracing::error!(seq = event.seq, error = %take_up, "email: an unreadable notification is recorded as failed");
            store
                .advance_email_cursor(
                    cursor,
                    event.seq,
                    EmailTakeUp::Unreadable { error: &take_up },
                )
                .await?;
            return Ok(true);
        }
        // No notification among them: past them all at once.
        store
            .advance_email_cursor(cursor, last, EmailTakeUp::Pass)
            .await?;
        Ok(true)
    }

    /// One attempt at a pending message and its bookkeeping.
    async fn attempt(&self, message: &EmailMessage) -> Result<(), AppError> {
        let store = self.app.store();
        let seq = message.seq;
        let now = Utc::now();
        let finish = |status: EmailStatus, recipient: Option<String>, detail: String| async move {
            store
                .mark_email(seq, status, recipient.as_deref(), Some(&detail), now)
                .await
        };
        let event = store
            .events_after(seq - 1, 1)
            .await?
            .into_iter()
            .find(|e| e.seq == seq);
        let Some(event) = event else {
            finish(EmailStatus::Failed, None, "the outbox event is gone".into()).await?;
            return Ok(());
        };
        let (profile_id, notification) = match notification_of(&self.app, &event).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                finish(EmailStatus::Failed, None, "not a notification".into()).await?;
                return Ok(());
            }
            Err(AppError::Store(e)) => return Err(e.into()),
            Err(e) => {
                finish(EmailStatus::Failed, None, e.to_string()).await?;
                return Ok(());
            }
        };
        // Consent and address as they are now: a person who revoked consent after
        // the result was recorded is not written to.
        let profile = store.profile(&profile_id).await?;
        let skip = match &profile {
            None => Some("the profile no longer exists"),
            Some(p) if !p.consents_to(ConsentPurpose::Processing) => {
                Some("no consent to processing")
            }
            Some(p)
                if notification.kind == NotificationKind::ReserveOffer
                    && !p.consents_to(ConsentPurpose::Reserve) =>
            {
                Some("no consent to the reserve")
            }
            Some(p) if p.email.as_deref().is_none_or(|e| e.trim().is_empty()) => {
                Some("no email address")
            }
            _ => None,
        };
        let Some(profile) = profile.filter(|_| skip.is_none()) else {
            let why = skip.unwrap_or_default();
            tracing::info!(seq, profile = %profile_id, why, "email: skipped");
            finish(EmailStatus::Skipped, None, why.into()).await?;
            return Ok(());
        };
        let address = profile.email.clone().unwrap_or_default().trim().to_owned();
        let language = profile.language.unwrap_or(Language::Ru);
        let text = compose(
            &notification,
            language,
            &self.config.settings.public_base_url,
        );
        let mail = match self.message(seq, &address, &profile.full_name, text) {
            Ok(mail) => mail,
            Err(why) => {
                tracing::warn!(seq, profile = %profile_id, %why, "email: cannot be written");
                finish(EmailStatus::Failed, Some(address), why).await?;
                return Ok(());
            }
        };
        let lease = chrono::Duration::from_std(self.config.send_timeout * 2)
            .unwrap_or(chrono::Duration::minutes(2));
        if !store
            .begin_email_attempt(seq, message.attempts, now + lease)
            .await?
        {
            // Another server took this attempt.
            return Ok(());
        }
        let attempts = message.attempts + 1;
        let sent = tokio::time::timeout(self.config.send_timeout, self.transport.send(mail)).await;
        let (status, detail, next) = match sent {
            Ok(Ok(_)) => {
                tracing::info!(seq, profile = %profile_id, attempts, "email: sent");
                (EmailStatus::Sent, None, Utc::now())
            }
            Ok(Err(e)) if e.is_permanent() => {
                tracing::warn!(seq, profile = %profile_id, error = %e, "email: refused by the relay; failed");
                (EmailStatus::Failed, Some(e.to_string()), Utc::now())
            }
            failed => {
                let error = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => format!("no answer within {:?}", self.config.send_timeout),
                };
                if attempts >= self.config.max_attempts {
                    tracing::error!(seq, profile = %profile_id, %error, attempts, "email: failed; the worker goes on");
                    (EmailStatus::Failed, Some(error), Utc::now())
                } else {
                    tracing::warn!(seq, profile = %profile_id, %error, attempts, "email: attempt failed; will retry");
                    let backoff = chrono::Duration::from_std(self.config.backoff(attempts))
                        .unwrap_or(chrono::Duration::hours(1));
                    (EmailStatus::Pending, Some(error), Utc::now() + backoff)
                }
            }
        };
        store
            .mark_email(seq, status, Some(&address), detail.as_deref(), next)
            .await?;
        Ok(())
    }

    /// The message to `address`; an error when the address is not one.
    fn message(
        &self,
        seq: i64,
        address: &str,
        name: &str,
        text: EmailText,
    ) -> Result<Message, String> {
        let to = address
            .parse::<lettre::Address>()
            .map_err(|e| format!("{address:?} is not an email address: {e}"))?;
        let from = self.from.clone().ok_or("the from address does not parse")?;
        Message::builder()
            .from(from)
            .to(Mailbox::new(Some(name.to_owned()), to))
            .subject(text.subject)
            // One id per notification: a repeated attempt is recognisably the same mail.
            .message_id(Some(format!(
                "<qabilet-notification-{seq}@{}>",
                self.domain
            )))
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::Base64)
                    .body(text.body),
            )
            .map_err(|e| format!("cannot build the message: {e}"))
    }
}

/// The host of `url` (`https://host:port/path` → `host`).
fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        "localhost".into()
    } else {
        host.to_owned()
    }
}

/// The words of a message, in one language.
struct Words {
    hello: &'static str,
    stage_result: &'static str,
    decision: &'static str,
    reserve_offer: &'static str,
    reserve_subject: &'static str,
    vacancy: &'static str,
    stage: &'static str,
    result: &'static str,
    score: &'static str,
    reason: &'static str,
    fit: &'static str,
    rules_met: &'static str,
    inbox: &'static str,
    automatic: &'static str,
}

/// Kazakh, Russian, English; the terms are the web pages'.
const WORDS: [Words; 3] = [
    Words {
        hello: "Сәлеметсіз бе!",
        stage_result: "Өтініміңіз бойынша нәтиже шықты.",
        decision: "Комиссия өтініміңіз бойынша шешім қабылдады.",
        reserve_offer: "Резервтен ұсыныс: жаңа бос орын сіздің бейініңізге сәйкес келеді.",
        reserve_subject: "Резервтен ұсыныс",
        vacancy: "Бос орын",
        stage: "Кезең",
        result: "Нәтиже",
        score: "Балл",
        reason: "Негіздеме",
        fit: "Сәйкестік",
        rules_met: "Орындалған талаптар",
        inbox: "Барлық хабарламаларыңыз",
        automatic: "Бұл хатты Qabilet автоматты түрде жіберді; оған жауап берудің қажеті жоқ.",
    },
    Words {
        hello: "Здравствуйте!",
        stage_result: "По вашей заявке есть результат.",
        decision: "Комиссия приняла решение по вашей заявке.",
        reserve_offer: "Предложение из резерва: новая вакансия подходит вашему профилю.",
        reserve_subject: "Предложение из резерва",
        vacancy: "Вакансия",
        stage: "Этап",
        result: "Результат",
        score: "Баллы",
        reason: "Обоснование",
        fit: "Соответствие",
        rules_met: "Выполненные требования",
        inbox: "Все ваши уведомления",
        automatic: "Письмо отправлено Qabilet автоматически; отвечать на него не нужно.",
    },
    Words {
        hello: "Hello,",
        stage_result: "There is a result on your application.",
        decision: "The commission has decided on your application.",
        reserve_offer: "A reserve offer: a new vacancy fits your profile.",
        reserve_subject: "A reserve offer",
        vacancy: "Vacancy",
        stage: "Stage",
        result: "Result",
        score: "Score",
        reason: "Reason",
        fit: "Fit",
        rules_met: "Requirements met",
        inbox: "All your notifications",
        automatic: "Qabilet sent this message automatically; there is no need to reply.",
    },
];

fn index(language: Language) -> usize {
    match language {
        Language::Kk => 0,
        Language::Ru => 1,
        Language::En => 2,
    }
}

fn stage_name(stage: Stage, language: Language) -> &'static str {
    let names = match stage {
        Stage::QualificationCheck => [
            "Біліктілік тексерісі",
            "Квалификационная проверка",
            "Qualification check",
        ],
        Stage::Test => ["Тестілеу", "Тестирование", "Test"],
        Stage::Interview => ["Әңгімелесу", "Собеседование", "Interview"],
        Stage::Decision => ["Комиссия шешімі", "Решение комиссии", "Decision"],
    };
    names[index(language)]
}

fn outcome_name(outcome: StageOutcome, language: Language) -> &'static str {
    let names = match outcome {
        StageOutcome::Pending => ["Күтуде", "Ожидается", "Pending"],
        StageOutcome::Passed => ["Өтті", "Пройден", "Passed"],
        StageOutcome::Failed => ["Өтпеді", "Не пройден", "Failed"],
        StageOutcome::Withdrawn => ["Қатыспады", "Выбыл", "Withdrawn"],
    };
    names[index(language)]
}

/// A rule's name (`language:kk` → `Language: Қазақ тілі`); an unknown code as it is.
fn rule_name(code: &str, language: Language) -> String {
    let Ok(rule) = code.parse::<Rule>() else {
        return code.to_owned();
    };
    let names = match rule {
        Rule::Education => ["Білім деңгейі", "Уровень образования", "Education level"],
        Rule::Specialty => ["Мамандық", "Специальность", "Specialty"],
        Rule::ExperienceTotal => ["Жалпы еңбек өтілі", "Общий стаж", "Total experience"],
        Rule::ExperiencePublic => [
            "Мемлекеттік қызмет өтілі",
            "Стаж госслужбы",
            "Public-service experience",
        ],
        Rule::ExperienceField => [
            "Сала бойынша өтіл",
            "Стаж по профилю",
            "Experience in the field",
        ],
        Rule::Category => ["Санат талабы", "Требование категории", "Category rule"],
        Rule::Language(l) => {
            let label = ["Тіл", "Язык", "Language"][index(language)];
            let own = match l {
                Language::Kk => "Қазақ тілі",
                Language::Ru => "Русский язык",
                Language::En => "English",
            };
            return format!("{label}: {own}");
        }
    };
    names[index(language)].to_owned()
}

/// The plain-text message of `notification` in `language`: the vacancy's title,
/// the stage, result, score and reason, or the fit and the requirements met, and
/// the link to the inbox at `public_base_url`.
pub fn compose(
    notification: &Notification,
    language: Language,
    public_base_url: &str,
) -> EmailText {
    let w = &WORDS[index(language)];
    let n = notification;
    let title = n.vacancy_title.as_deref().unwrap_or(n.vacancy_id.as_str());
    let mut lines = vec![w.hello.to_owned(), String::new()];
    let subject = match (&n.result, &n.fit) {
        (Some(r), _) => {
            let lead = if n.kind == NotificationKind::Decision {
                w.decision
            } else {
                w.stage_result
            };
            let (stage, outcome) = (
                stage_name(r.stage, language),
                outcome_name(r.outcome, language),
            );
            lines.push(lead.to_owned());
            lines.push(String::new());
            lines.push(format!("{}: {title}", w.vacancy));
            lines.push(format!("{}: {stage}", w.stage));
            lines.push(format!("{}: {outcome}", w.result));
            if let Some(score) = r.score {
                lines.push(format!("{}: {score}", w.score));
            }
            if let Some(reason) = r.reason.as_deref().filter(|r| !r.trim().is_empty()) {
                lines.push(format!("{}: {reason}", w.reason));
            }
            format!("{stage}: {outcome} — {title}")
        }
        (None, fit) => {
            lines.push(w.reserve_offer.to_owned());
            lines.push(String::new());
            lines.push(format!("{}: {title}", w.vacancy));
            if let Some(fit) = fit {
                lines.push(format!("{}: {:.2}", w.fit, fit.fit));
            }
            if !n.rules_met.is_empty() {
                let rules: Vec<String> =
                    n.rules_met.iter().map(|r| rule_name(r, language)).collect();
                lines.push(format!("{}: {}", w.rules_met, rules.join(", ")));
            }
            format!("{} — {title}", w.reserve_subject)
        }
    };
    lines.push(String::new());
    lines.push(format!(
        "{}: {}/web/inbox",
        w.inbox,
        public_base_url.trim_end_matches('/')
    ));
    lines.push(String::new());
    lines.push(w.automatic.to_owned());
    EmailText {
        subject,
        body: lines.join("\n") + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use qabilet_domain::{StageResult, VacancyId};
    use qabilet_matcher::ranking::AbsoluteFit;

    fn notification(kind: NotificationKind) -> Notification {
        Notification {
            seq: 7,
            at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
            kind,
            vacancy_id: VacancyId::new("V-1").unwrap(),
            vacancy_title: Some("Главный специалист".into()),
            result: None,
            fit: None,
            rules_met: vec![],
        }
    }

    #[test]
    fn a_stage_result_reads_in_the_persons_language_with_its_reason_and_the_link() {
        let mut n = notification(NotificationKind::StageResult);
        n.result = Some(StageResult {
            stage: qabilet_domain::Stage::Interview,
            outcome: StageOutcome::Failed,
            score: Some(41.5),
            decided_at: n.at,
            decided_by: "hr-mf".into(),
            reason: Some("не готов к вопросам".into()),
            rule_check: None,
        });
        let kk = compose(&n, Language::Kk, "https://q.kz/");
        assert_eq!(kk.subject, "Әңгімелесу: Өтпеді — Главный специалист");
        assert!(kk.body.starts_with("Сәлеметсіз бе!\n"), "{}", kk.body);
        assert!(kk.body.contains("Балл: 41.5\n"), "{}", kk.body);
        assert!(
            kk.body.contains("Негіздеме: не готов к вопросам\n"),
            "{}",
            kk.body
        );
        assert!(kk.body.contains("https://q.kz/web/inbox\n"), "{}", kk.body);
        let en = compose(&n, Language::En, "https://q.kz");
        assert_eq!(en.subject, "Interview: Failed — Главный специалист");
        assert!(
            en.body.contains("Reason: не готов к вопросам"),
            "{}",
            en.body
        );
        // A vacancy that is gone is named by its id.
        n.vacancy_title = None;
        assert_eq!(
            compose(&n, Language::Ru, "https://q.kz").subject,
            "Собеседование: Не пройден — V-1"
        );
    }

    #[test]
    fn a_reserve_offer_gives_the_fit_and_the_requirements_met_by_name() {
        let mut n = notification(NotificationKind::ReserveOffer);
        n.fit = Some(AbsoluteFit::new(1.0, Some(0.5), None));
        n.rules_met = vec!["education".into(), "language:kk".into(), "odd".into()];
        let ru = compose(&n, Language::Ru, "http://127.0.0.1:8080");
        assert_eq!(ru.subject, "Предложение из резерва — Главный специалист");
        let fit = format!("Соответствие: {:.2}\n", n.fit.unwrap().fit);
        assert!(ru.body.contains(&fit), "{}", ru.body);
        assert!(
            ru.body
                .contains("Выполненные требования: Уровень образования, Язык: Қазақ тілі, odd\n"),
            "{}",
            ru.body
        );
        assert!(
            ru.body.contains("http://127.0.0.1:8080/web/inbox"),
            "{}",
            ru.body
        );
    }

    #[test]
    fn the_message_id_domain_is_the_public_host() {
        assert_eq!(url_host("https://qabilet.gov.kz/x"), "qabilet.gov.kz");
        assert_eq!(url_host("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(url_host("http://[::1]:8080/"), "::1");
    }
}
