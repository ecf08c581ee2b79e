//! Every interface string of the pages, in Kazakh, Russian and English.
//!
//! One table, one enum: a page can only name a message that exists, and a new
//! message cannot be added without all three languages. Records (vacancy texts,
//! names) are shown as written; API error details stay in English and are marked
//! `lang="en"` so screen readers pronounce them correctly.

use qabilet_domain::{Language, Stage, StageOutcome};

macro_rules! messages {
    ($($name:ident => [$kk:expr, $ru:expr, $en:expr],)*) => {
        /// An interface message; see [`Msg::text`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Msg { $($name,)* }

        impl Msg {
            #[cfg(test)]
            pub(crate) const ALL: &'static [Msg] = &[$(Msg::$name,)*];

            pub(crate) fn text(self, lang: Language) -> &'static str {
                match self {
                    $(Msg::$name => match lang {
                        Language::Kk => $kk,
                        Language::Ru => $ru,
                        Language::En => $en,
                    },)*
                }
            }
        }
    };
}

messages! {
    AppName => ["Qabilet", "Qabilet", "Qabilet"],
    Tagline => ["Мемлекеттік қызметке лайықтылығы бойынша іріктеу", "Отбор на государственную службу по заслугам", "Merit-based selection for the civil service"],
    SkipToContent => ["Негізгі мазмұнға өту", "Перейти к содержанию", "Skip to main content"],
    Language => ["Тіл", "Язык", "Language"],
    LowVisionOn => ["Нашар көретіндерге арналған нұсқа", "Версия для слабовидящих", "Low-vision mode"],
    LowVisionOff => ["Кәдімгі нұсқа", "Обычная версия", "Standard view"],
    SignIn => ["Кіру", "Войти", "Sign in"],
    SignOut => ["Шығу", "Выйти", "Sign out"],
    SignedInAs => ["Кірген пайдаланушы", "Вы вошли как", "Signed in as"],
    MainNav => ["Негізгі мәзір", "Главное меню", "Main menu"],
    NavSearch => ["Бос орындар", "Вакансии", "Vacancies"],
    NavForYou => ["Маған лайық бос орындар", "Подходящие мне вакансии", "Vacancies for you"],
    ForYouIntro => ["Профиліңізге қаншалықты сәйкес келетіні бойынша реттелген: біліктілік талаптары, тәжірибе, дағдылар және мәтіндердің мағынасы. Талаптарға сай келмейтін бос орындар да көрсетіледі: өтінім беру туралы өзіңіз шешесіз.", "Упорядочены по тому, насколько они подходят вашему профилю: квалификационные требования, опыт, навыки и смысл текстов. Вакансии, требованиям которых вы не соответствуете, тоже показаны: решение о подаче заявки за вами.", "Ordered by how well they fit your profile: the qualification requirements, experience, skills and the meaning of the texts. Vacancies whose requirements you do not meet are shown too: whether to apply is your decision."],
    NoProfileYet => ["Тіркелгіңізге әлі профиль байланыстырылмаған: оны кадр қызметі жүктейді.", "К вашей учётной записи ещё не привязан профиль: его загружает кадровая служба.", "Your account has no profile yet: the HR service imports it."],
    NavApplications => ["Менің өтінімдерім", "Мои заявки", "My applications"],
    NavCommission => ["Менің комиссияларым", "Мои комиссии", "My commissions"],
    NavHr => ["Ұйым бос орындары", "Вакансии организации", "Organisation vacancies"],
    NavReserve => ["Кадрлық резерв", "Кадровый резерв", "Talent reserve"],
    UserId => ["Пайдаланушы идентификаторы", "Идентификатор пользователя", "User id"],
    Secret => ["Кіру кілті", "Ключ входа", "Login secret"],
    LoginFailed => ["Пайдаланушы белгісіз немесе кілт қате.", "Неизвестный пользователь или неверный ключ.", "Unknown user or wrong secret."],
    DemoHint => ["Демо тіркелгілер мен олардың кілттерін `qabilet up` іске қосылғанда шығарады және DATA_DIR/demo-accounts.txt файлында сақтайды.", "Демо-учётные записи и их ключи печатает `qabilet up` при запуске и сохраняет в DATA_DIR/demo-accounts.txt.", "Demo accounts and their secrets are printed by `qabilet up` at start-up and kept in DATA_DIR/demo-accounts.txt."],
    ErrForbidden => ["Рұқсат жоқ", "Доступ запрещён", "Access refused"],
    ErrNotFound => ["Табылмады", "Не найдено", "Not found"],
    ErrServer => ["Сервер қатесі", "Ошибка сервера", "Server error"],
    ErrRequest => ["Сұрауды орындау мүмкін емес", "Запрос не может быть выполнен", "The request cannot be done"],
    ErrHelp => ["Алдыңғы бетке оралып, қайталап көріңіз немесе кадр қызметіне хабарласыңыз.", "Вернитесь назад и попробуйте снова или обратитесь в кадровую службу.", "Go back and try again, or contact the HR service."],
    BackHome => ["Басты бетке", "На главную", "Back to the start page"],
    SearchTitle => ["Бос орындарды іздеу", "Поиск вакансий", "Search vacancies"],
    SearchQuery => ["Не іздейсіз", "Что вы ищете", "What are you looking for"],
    SearchHint => ["Мысалы: заңгер, бухгалтер, кеден", "Например: юрист, бухгалтер, таможня", "For example: lawyer, accountant, customs"],
    Region => ["Өңір", "Регион", "Region"],
    AnyRegion => ["Кез келген өңір", "Любой регион", "Any region"],
    Category => ["Санат немесе топ", "Категория или группа", "Category or group"],
    CategoryHint => ["Мысалы: B, C-O-4", "Например: B, C-O-4", "For example: B, C-O-4"],
    RequiredLanguage => ["Талап етілетін тіл", "Требуемый язык", "Required language"],
    AnyLanguage => ["Кез келген", "Любой", "Any"],
    Search => ["Іздеу", "Найти", "Search"],
    NoResults => ["Ештеңе табылмады. Сүзгілерді азайтып көріңіз.", "Ничего не найдено. Попробуйте убрать фильтры.", "Nothing found. Try fewer filters."],
    SearchUnavailable => ["Толық мәтінді іздеу әзірге қолжетімсіз; ашық бос орындар тізімі көрсетілген.", "Полнотекстовый поиск пока недоступен; показан список открытых вакансий.", "Full-text search is not available yet; the open vacancies are listed instead."],
    Results => ["Нәтижелер", "Результаты", "Results"],
    NextPage => ["Келесі бет", "Следующая страница", "Next page"],
    PrevPage => ["Алдыңғы бет", "Предыдущая страница", "Previous page"],
    Deadline => ["Өтінім беру мерзімі", "Приём заявок до", "Apply by"],
    Organisation => ["Ұйым", "Организация", "Organisation"],
    MeetsAll => ["Сіз барлық талаптарға сәйкессіз", "Вы соответствуете всем требованиям", "You meet every requirement"],
    MeetsCount => ["Орындалған талаптар", "Выполнено требований", "Requirements met"],
    Description => ["Сипаттама", "Описание", "Description"],
    Duties => ["Функционалдық міндеттер", "Функциональные обязанности", "Duties"],
    Requirements => ["Біліктілік талаптары", "Квалификационные требования", "Requirements"],
    RequirementsYou => ["Сіздің профиліңіз талаптарға сәйкес пе", "Соответствует ли ваш профиль требованиям", "Does your profile meet the requirements"],
    Requirement => ["Талап", "Требование", "Requirement"],
    Required => ["Талап етіледі", "Требуется", "Required"],
    Found => ["Профильде", "В профиле", "In your profile"],
    FoundOther => ["Профильде табылды", "Найдено в профиле", "Found in the profile"],
    Status => ["Мәртебе", "Статус", "Status"],
    Met => ["Орындалды", "Выполнено", "Met"],
    NotMet => ["Орындалмады", "Не выполнено", "Not met"],
    Unknown => ["Белгісіз — қолмен тексеріледі", "Неизвестно — проверит человек", "Unknown — a person will check"],
    Evidence => ["Дәлел", "Основание", "Evidence"],
    NoRequirements => ["Бос орын арнайы талаптар қоймайды.", "Вакансия не задаёт особых требований.", "The vacancy states no particular requirements."],
    Eligible => ["Сіз формалды талаптарға сәйкессіз.", "Вы соответствуете формальным требованиям.", "You meet the formal requirements."],
    NotEligible => ["Сіз кейбір талаптарға сәйкес емессіз; өтінім біліктілік тексерісінен өтпеуі мүмкін.", "Вы не соответствуете некоторым требованиям; заявка может не пройти квалификационную проверку.", "You do not meet some requirements; the application may not pass the qualification check."],
    NeedsReview => ["Кейбір талаптарды адам тексереді.", "Некоторые требования проверит человек.", "A person will check some requirements."],
    SignInToCheck => ["Талаптарға сәйкестігіңізді көру үшін үміткер ретінде кіріңіз.", "Войдите как кандидат, чтобы увидеть, каким требованиям вы соответствуете.", "Sign in as a candidate to see which requirements you meet."],
    Apply => ["Өтінім беру", "Подать заявку", "Apply"],
    ApplyConsent => ["Өтінім беру арқылы профиліңізді осы конкурс үшін өңдеуге келісесіз.", "Подавая заявку, вы соглашаетесь на обработку профиля для этого конкурса.", "By applying you agree that your profile is processed for this competition."],
    AlreadyApplied => ["Сіз бұл бос орынға өтінім бергенсіз.", "Вы уже подали заявку на эту вакансию.", "You have applied to this vacancy."],
    ApplyClosed => ["Өтінім қабылдау жабық.", "Приём заявок закрыт.", "Applications are closed."],
    MyApplications => ["Менің өтінімдерім", "Мои заявки", "My applications"],
    NoApplications => ["Сізде әзірге өтінім жоқ.", "У вас пока нет заявок.", "You have no applications yet."],
    AppliedNotice => ["Өтінім қабылданды.", "Заявка принята.", "Your application has been received."],
    Submitted => ["Берілген күні", "Подана", "Submitted"],
    Stage => ["Кезең", "Этап", "Stage"],
    Outcome => ["Нәтиже", "Результат", "Outcome"],
    Reason => ["Негіздеме", "Обоснование", "Reason"],
    Date => ["Күні", "Дата", "Date"],
    NotYet => ["Әлі жоқ", "Ещё нет", "Not yet"],
    StageQualification => ["Біліктілік тексерісі", "Квалификационная проверка", "Qualification check"],
    StageTest => ["Тестілеу", "Тестирование", "Test"],
    StageInterview => ["Әңгімелесу", "Собеседование", "Interview"],
    StageDecision => ["Комиссия шешімі", "Решение комиссии", "Decision"],
    OutcomePending => ["Күтуде", "Ожидается", "Pending"],
    OutcomePassed => ["Өтті", "Пройден", "Passed"],
    OutcomeFailed => ["Өтпеді", "Не пройден", "Failed"],
    OutcomeWithdrawn => ["Қатыспады", "Выбыл", "Withdrawn"],
    RuleEducation => ["Білім деңгейі", "Уровень образования", "Education level"],
    RuleSpecialty => ["Мамандық", "Специальность", "Specialty"],
    RuleExperienceTotal => ["Жалпы еңбек өтілі", "Общий стаж", "Total experience"],
    RuleExperiencePublic => ["Мемлекеттік қызмет өтілі", "Стаж госслужбы", "Public-service experience"],
    RuleExperienceField => ["Сала бойынша өтіл", "Стаж по профилю", "Experience in the field"],
    RuleLanguage => ["Тіл", "Язык", "Language"],
    RuleCategory => ["Санат талабы", "Требование категории", "Category rule"],
    CommissionTitle => ["Менің комиссияларым", "Мои комиссии", "My commissions"],
    NoSeats => ["Сіз ешбір комиссия құрамында емессіз.", "Вы не входите ни в одну комиссию.", "You do not sit on any commission."],
    Declared => ["Декларация берілді", "Декларация подана", "Declared"],
    Recused => ["Өздігінен бас тартты", "Самоотвод", "Recused"],
    NotDeclared => ["Декларация күтілуде", "Ожидает декларации", "Declaration needed"],
    Vacancy => ["Бос орын", "Вакансия", "Vacancy"],
    DeclarationTitle => ["Мүдделер қақтығысы жоқтығы туралы декларация", "Декларация об отсутствии конфликта интересов", "Declaration of no conflict of interest"],
    DeclarationIntro => ["Тізімді көру үшін алдымен декларация беріңіз. Қақтығыс болса, өздігінен бас тартыңыз.", "Чтобы увидеть список, сначала подайте декларацию. При конфликте интересов заявите самоотвод.", "Declare first to see the shortlist. If you have a conflict of interest, recuse yourself."],
    DeclarationText => ["Мен осы бос орынның үміткерлерімен мүдделер қақтығысым және туыстық не жеке байланысым жоқ екенін мәлімдеймін.", "Заявляю, что у меня нет конфликта интересов и родственных или личных связей ни с одним кандидатом на эту вакансию.", "I declare that I have no conflict of interest and no family or personal tie with any candidate for this vacancy."],
    Statement => ["Қосымша мәлімдеме (міндетті емес)", "Дополнительное заявление (необязательно)", "Further statement (optional)"],
    Declare => ["Декларацияны беру", "Подать декларацию", "Declare"],
    RecusalTitle => ["Өздігінен бас тарту", "Самоотвод", "Recusal"],
    RecusalIntro => ["Бас тартқаннан кейін бұл бос орынның тізімі сізге жабылады.", "После самоотвода список этой вакансии будет для вас закрыт.", "After recusal this vacancy's shortlist is closed to you for good."],
    RecusalReason => ["Бас тарту себебі", "Причина самоотвода", "Reason for recusal"],
    Recuse => ["Бас тарту", "Заявить самоотвод", "Recuse myself"],
    RecusedNotice => ["Сіз бұл бос орыннан бас тарттыңыз.", "Вы заявили самоотвод по этой вакансии.", "You have recused yourself from this vacancy."],
    Shortlist => ["Үміткерлер рейтингі", "Рейтинг кандидатов", "Ranked shortlist"],
    Ranking => ["Рейтинг", "Рейтинг", "Ranking"],
    BlindOn => ["Жасырын режим қосулы: аты-жөні, жынысы, жасы, фотосы және байланыстары жасырылған.", "Слепой режим включён: имя, пол, возраст, фото и контакты скрыты.", "Blind mode is on: name, gender, age, photo and contacts are hidden."],
    BlindOff => ["Жасырын режим өшірулі: жеке деректер көрсетілген.", "Слепой режим выключен: личные данные показаны.", "Blind mode is off: personal details are shown."],
    ShowNames => ["Аты-жөнін көрсету", "Показать имена", "Show names"],
    HideNames => ["Жасырын режимге қайту", "Включить слепой режим", "Turn blind mode on"],
    Rank => ["Орын", "Место", "Rank"],
    Candidate => ["Үміткер", "Кандидат", "Candidate"],
    ScoreParts => ["Балл құрамы", "Составляющие балла", "Score parts"],
    RulesMet => ["Орындалған талаптар", "Выполненные требования", "Rules met"],
    MatchedSkills => ["Сәйкес дағдылар", "Совпавшие навыки", "Matched skills"],
    MissingSkills => ["Жетіспейтін дағдылар", "Недостающие навыки", "Missing skills"],
    BestSentences => ["Ең сәйкес сөйлемдер", "Наиболее совпадающие фразы", "Best-matching sentences"],
    Ineligible => ["Талаптарға сәйкес емес үміткерлер", "Кандидаты, не соответствующие требованиям", "Ineligible candidates"],
    IneligibleNone => ["Барлық үміткер талаптарға сәйкес.", "Все кандидаты соответствуют требованиям.", "Every candidate meets the requirements."],
    FailedRules => ["Орындалмаған талаптар", "Невыполненные требования", "Failed rules"],
    NoApplicants => ["Бұл бос орынға әзірге өтінім жоқ.", "На эту вакансию пока нет заявок.", "Nobody has applied to this vacancy yet."],
    RecordResult => ["Нәтижені жазу", "Записать результат", "Record a result"],
    ScoreOptional => ["Балл (міндетті емес, 0–1000)", "Балл (необязательно, 0–1000)", "Score (optional, 0–1000)"],
    ReasonRequired => ["Негіздеме (міндетті)", "Обоснование (обязательно)", "Reason (required)"],
    DeviationReason => ["Рейтингтен ауытқу себебі", "Причина отступления от рейтинга", "Reason for deviating from the ranking"],
    DeviationHint => ["Егер нәтиже рейтинг ретіне қайшы келсе (төменгі орындағы үміткер өтіп, жоғарғысы өтпесе) немесе талапқа сай емес үміткер өтсе, міндетті.", "Обязательно, если результат расходится с рейтингом (кандидат ниже проходит, а выше — нет) или проходит не соответствующий требованиям кандидат.", "Required when the result goes against the ranking (a lower-ranked candidate passes while a higher-ranked one does not) or an ineligible candidate passes."],
    Save => ["Сақтау", "Сохранить", "Save"],
    NextStage => ["Келесі кезең", "Следующий этап", "Next stage"],
    Finished => ["Конкурс аяқталды", "Конкурс завершён", "The competition is finished"],
    Protocol => ["Шешім хаттамасы", "Протокол решения", "Decision protocol"],
    Print => ["Басып шығару", "Печать", "Print"],
    ProtocolIntro => ["Конкурстық комиссия отырысының хаттамасы. Рейтинг Qabilet жүйесімен есептелді; әр шешімнің негіздемесі аудит журналында сақталған.", "Протокол заседания конкурсной комиссии. Рейтинг рассчитан системой Qabilet; обоснование каждого решения хранится в журнале аудита.", "Protocol of the competition commission. The ranking was computed by Qabilet; the reason for every decision is kept in the audit log."],
    Signatures => ["Комиссия мүшелерінің қолдары", "Подписи членов комиссии", "Signatures of the commission members"],
    DecidedBy => ["Кім жазды", "Кем записано", "Recorded by"],
    Deviation => ["Рейтингтен ауытқу", "Отступление от рейтинга", "Deviation from the ranking"],
    Bm25 => ["Мәтін сәйкестігі (BM25)", "Совпадение текста (BM25)", "Text match (BM25)"],
    Dense => ["Мағыналық ұқсастық", "Смысловое сходство", "Meaning similarity"],
    Structured => ["Құрылымдық сәйкестік", "Структурное соответствие", "Structured fit"],
    Total => ["Жиынтық балл", "Итоговый балл", "Total score"],
    AuditNotice => ["Бұл беттің әр қаралуы аудит журналына жазылады.", "Каждый просмотр этой страницы записывается в журнал аудита.", "Every view of this page is recorded in the audit log."],
    Provenance => ["Есептеу нұсқасы", "Версия расчёта", "Computed with"],
    HrTitle => ["Ұйымның бос орындары", "Вакансии организации", "Vacancies of your organisation"],
    NoVacancies => ["Бос орындар жоқ.", "Вакансий нет.", "No vacancies."],
    Applicants => ["Өтінімдер", "Заявки", "Applications"],
    Actions => ["Әрекеттер", "Действия", "Actions"],
    Matches => ["Резервтен сәйкестер", "Совпадения из резерва", "Reserve matches"],
    Fairness => ["Әділдік есебі", "Отчёт о справедливости", "Fairness report"],
    ReserveTitle => ["Кадрлық резерв және екінші үздіктер тізілімі", "Кадровый резерв и реестр вторых лучших", "Talent reserve and second-best registry"],
    Kind => ["Түрі", "Вид", "Kind"],
    AnyKind => ["Кез келген", "Любой", "Any"],
    KindReserve => ["Кадрлық резерв", "Кадровый резерв", "Talent reserve"],
    KindSecondBest => ["Екінші үздік", "Второй лучший", "Second best"],
    OriginVacancy => ["Қай конкурстан", "Из конкурса", "From competition"],
    ActiveOnly => ["Мерзімі өткендерді жасыру", "Скрыть истёкшие", "Hide expired entries"],
    Expires => ["Мерзімі", "Действует до", "Expires"],
    Expired => ["Мерзімі өтті", "Истёк", "Expired"],
    DaysLeft => ["күн қалды", "дн. осталось", "days left"],
    Filter => ["Сүзу", "Отфильтровать", "Filter"],
    Profile => ["Профиль", "Профиль", "Profile"],
    NoEntries => ["Жазбалар жоқ.", "Записей нет.", "No entries."],
    Entries => ["Жазбалар", "Записей", "Entries"],
    MatchesIntro => ["Алдын ала қарау: жаңа бос орын ашылғанда хабарландыру алатын резерв жазбалары. Ештеңе жіберілмейді.", "Предпросмотр: записи резерва, которые получат уведомление при открытии вакансии. Ничего не отправляется.", "Preview: the reserve entries that would be notified when this vacancy opens. Nothing is sent."],
    NoMatches => ["Резервте бұл бос орынға сәйкес адам жоқ.", "В резерве нет подходящих людей для этой вакансии.", "Nobody in the reserve fits this vacancy."],
    FairnessIntro => ["Топтар бойынша іріктеу үлесі және «бестен төрт» ережесі. Рейтингке ешқашан әсер етпейді.", "Доля отбора по группам и правило «четырёх пятых». Никогда не используется в ранжировании.", "Selection rates by group and the four-fifths rule. Never used in ranking."],
    FairnessBasis => ["Іріктелді = рейтингтің алғашқы N орнындағы талапқа сай үміткерлер", "Отобран = соответствующий требованиям кандидат в первых N местах рейтинга", "Selected = an eligible candidate within the first N ranks"],
    TopN => ["N", "N", "N"],
    Show => ["Көрсету", "Показать", "Show"],
    Considered => ["Қаралды", "Рассмотрено", "Considered"],
    Selected => ["Іріктелді", "Отобрано", "Selected"],
    SelectionRate => ["Іріктеу үлесі", "Доля отбора", "Selection rate"],
    ImpactRatio => ["Әсер коэффициенті", "Коэффициент влияния", "Impact ratio"],
    Flagged => ["0,8-ден төмен: адам тексеруі қажет", "Ниже 0,8: нужна проверка человеком", "Below 0.8: a person should look into it"],
    NotFlagged => ["0,8 және жоғары", "0,8 и выше", "0.8 or above"],
    NotComputable => ["Есептеуге деректер жеткіліксіз", "Недостаточно данных", "Not enough data"],
    Group => ["Топ", "Группа", "Group"],
    DimGender => ["Жынысы", "Пол", "Gender"],
    DimAge => ["Жас тобы", "Возрастная группа", "Age band"],
    DimLocality => ["Қала / ауыл", "Город / село", "Town / countryside"],
    GroupFemale => ["Әйелдер", "Женщины", "Women"],
    GroupMale => ["Ерлер", "Мужчины", "Men"],
    GroupUrban => ["Қала", "Город", "Town"],
    GroupRural => ["Ауыл", "Село", "Countryside"],
    GroupUnder30 => ["30-ға дейін", "до 30", "under 30"],
    GroupOver50 => ["50 және одан жоғары", "50 и старше", "50 and over"],
    UnknownAttr => ["Дерегі жоқ", "Нет данных", "Not stated"],
    Threshold => ["Шек: ең жоғары үлестің 0,8-і", "Порог: 0,8 от наибольшей доли", "Threshold: 0.8 of the highest rate"],
    NavProctoring => ["Прокторинг белгілері", "Флаги прокторинга", "Proctoring flags"],
    PrQueueTitle => ["Прокторинг белгілерінің кезегі", "Очередь флагов прокторинга", "Proctoring flag queue"],
    PrFlagTitle => ["Прокторинг белгісі", "Флаг прокторинга", "Proctoring flag"],
    PrDisclaimer => ["Белгі — адамның қарауына арналған статистикалық немесе мінез-құлық дәлелі, ешқашан үкім емес. Адал сессиялар да көрсетілген жалған дабыл жиілігімен белгіленеді.", "Флаг — статистическое или поведенческое свидетельство для проверки человеком, но не вердикт. Честные сессии тоже помечаются с указанной частотой ложных срабатываний.", "A flag is statistical or behavioural evidence for a human reviewer, never a verdict. Honest sessions are flagged too, at the stated false-alarm rate."],
    PrAnyStatus => ["Кез келген мәртебе", "Любой статус", "Any status"],
    PrOpen => ["Ашық", "Открыт", "Open"],
    PrConfirmed => ["Расталды", "Подтверждён", "Confirmed"],
    PrDismissed => ["Қабылданбады", "Отклонён", "Dismissed"],
    PrAnyVacancy => ["Барлық бос орындар", "Все вакансии", "All vacancies"],
    PrNoFlags => ["Бұл сүзгі бойынша белгілер жоқ.", "По этому фильтру флагов нет.", "No flags match this filter."],
    PrSeverity => ["Маңыздылығы", "Серьёзность", "Severity"],
    PrHigh => ["Жоғары", "Высокая", "High"],
    PrMedium => ["Орташа", "Средняя", "Medium"],
    PrLow => ["Төмен", "Низкая", "Low"],
    PrDetector => ["Әдіс", "Детектор", "Detector"],
    PrDetBehaviour => ["Мінез-құлық оқиғалары", "Поведенческие события", "Behaviour events"],
    PrDetFastCorrect => ["Жылдам әрі дұрыс жауаптар", "Быстрые и верные ответы", "Fast and correct answers"],
    PrDetSpeedShift => ["Жұмыс қарқынының өзгеруі", "Смена темпа", "Speed shift"],
    PrDetSimilarity => ["Жауаптардың ұқсастығы (жұп)", "Сходство ответов (пара)", "Answer similarity (pair)"],
    PrDetPersonFit => ["Жауап үлгісінің сәйкессіздігі", "Несоответствие модели ответов", "Person misfit"],
    PrDetScoreJump => ["Ұпайдың күрт өсуі", "Резкий рост балла", "Score jump"],
    PrSessions => ["Сессиялар", "Сессии", "Sessions"],
    PrSummary => ["Қысқаша", "Кратко", "Summary"],
    PrFlags => ["Белгілер саны", "Флагов", "Flags"],
    PrStatistic => ["Статистика мәні", "Значение статистики", "Statistic"],
    PrPValue => ["p-мәні", "p-значение", "p-value"],
    PrThreshold => ["Белгілеу шегі", "Порог флага", "Flag threshold"],
    PrFalseAlarm => ["Номиналды жалған дабыл жиілігі", "Номинальная частота ложных срабатываний", "Nominal false-alarm rate"],
    PrPerSession => ["бір адал сессияға", "на одну честную сессию", "per honest session"],
    PrPerSessionAnyPartner => ["бір адал сессияға, кез келген серіктеспен", "на одну честную сессию с любым партнёром", "per honest session, with any partner"],
    PrFamilywise => ["когорттың барлық адал жұптарына бірге", "на все честные пары когорты вместе", "across all honest pairs of the cohort"],
    PrDetectorFigures => ["Әдістің көрсеткіштері", "Показатели детектора", "Detector figures"],
    PrTimeline => ["Клиент оқиғаларының уақыт сызығы", "Хронология событий клиента", "Timeline of client events"],
    PrMinutes => ["тесттің басынан бергі минуттар", "минуты от начала теста", "minutes since the start"],
    PrNoEvents => ["Клиент оқиғалары тіркелмеген.", "События клиента не зарегистрированы.", "No client events were recorded."],
    PrLegend => ["Шартты белгілер", "Условные обозначения", "Legend"],
    PrDataTable => ["Деректер кестесі", "Таблица данных", "Data table"],
    PrEvent => ["Оқиға", "Событие", "Event"],
    PrMinute => ["Минут", "Минута", "Minute"],
    PrDuration => ["Ұзақтығы, с", "Длительность, с", "Duration, s"],
    PrValue => ["Жаңа мәні", "Новое значение", "New value"],
    PrEvFocusLost => ["Терезе фокусын жоғалтты", "Окно потеряло фокус", "Window lost focus"],
    PrEvTabSwitch => ["Қойынды ауыстырылды", "Переключение вкладки", "Tab switch"],
    PrEvFullscreenExit => ["Толық экраннан шықты", "Выход из полноэкранного режима", "Left full screen"],
    PrEvCopy => ["Мәтін көшірілді", "Текст скопирован", "Text copied"],
    PrEvPaste => ["Мәтін қойылды", "Текст вставлен", "Text pasted"],
    PrEvResize => ["Терезе өлшемі өзгерді", "Размер окна изменён", "Window resized"],
    PrEvFaceAbsent => ["Камерада бет жоқ", "Лица нет в кадре", "No face on camera"],
    PrEvMultipleFaces => ["Камерада бірнеше бет", "Несколько лиц в кадре", "Several faces on camera"],
    PrEvVoice => ["Сөйлеу естілді", "Слышна речь", "Speech heard"],
    PrEvIpChange => ["IP мекенжайы өзгерді", "Сменился IP-адрес", "IP address changed"],
    PrEvDeviceChange => ["Құрылғы өзгерді", "Сменилось устройство", "Device changed"],
    PrEvReconnect => ["Қайта қосылды", "Переподключение", "Reconnected"],
    PrResponseTimes => ["Жауап беру уақыты және когорта медианасы", "Время ответа и медиана когорты", "Response time against the cohort median"],
    PrLogScale => ["Тік ось логарифмдік: әр сызық уақытты екі есе көбейтеді.", "Вертикальная ось логарифмическая: каждая линия — вдвое больше времени.", "The vertical axis is logarithmic: each gridline doubles the time."],
    PrItem => ["Тапсырма", "Задание", "Item"],
    PrAnswer => ["Жауап", "Ответ", "Answer"],
    PrSeconds => ["Уақыты, с", "Время, с", "Time, s"],
    PrCohortMedian => ["Когорта медианасы, с", "Медиана когорты, с", "Cohort median, s"],
    PrCorrect => ["Дұрыс", "Верно", "Correct"],
    PrIncorrect => ["Қате", "Неверно", "Incorrect"],
    PrBlank => ["Жауап жоқ", "Нет ответа", "Blank"],
    PrMedianMark => ["когорта медианасы (сызықша)", "медиана когорты (штрих)", "cohort median (dash)"],
    PrAnswerGrid => ["Жауаптар торы", "Сетка ответов", "Answer grid"],
    PrKey => ["Кілт", "Ключ", "Key"],
    PrMarks => ["Сәйкестік", "Совпадение", "Match"],
    PrSameWrong => ["Бірдей қате жауап", "Одинаковый неверный ответ", "Same wrong answer"],
    PrSameCorrect => ["Бірдей дұрыс жауап", "Одинаковый верный ответ", "Same correct answer"],
    PrGridHint => ["✱ — екеуі де бірдей қате нұсқаны таңдаған (көшірудің ең күшті белгісі), = — екеуі де дұрыс, «-» — жауап жоқ.", "✱ — оба выбрали один и тот же неверный вариант (самый сильный признак списывания), = — оба верно, «-» — нет ответа.", "✱ marks the same wrong option chosen by both (the strongest sign of copying), = both correct, “-” blank."],
    PrExaminee => ["Тестілеуші", "Тестируемый", "Examinee"],
    PrDecision => ["Шешім", "Решение", "Decision"],
    PrConfirm => ["Растау", "Подтвердить", "Confirm"],
    PrDismiss => ["Қабылдамау", "Отклонить", "Dismiss"],
    PrComment => ["Түсініктеме (міндетті)", "Комментарий (обязательно)", "Comment (required)"],
    PrReviewHint => ["Шешім түпкілікті және аудит журналына жазылады. Дәлелді қарап, неге осылай шешкеніңізді жазыңыз.", "Решение окончательное и записывается в журнал аудита. Изучите свидетельства и напишите, почему вы так решили.", "A decision is final and audited. Look at the evidence and write why you decided so."],
    PrReviewer => ["Қараған", "Проверил", "Reviewer"],
    PrAlreadyDecided => ["Бұл белгі бойынша шешім бұрын қабылданған, ол түпкілікті. Төменде қабылданған шешім көрсетілген.", "По этому флагу решение уже принято, и оно окончательное. Ниже показано принятое решение.", "This flag was already decided, and a decision is final. The decision taken is shown below."],
    PrCommentNeeded => ["Шешімге түсініктеме қажет.", "Для решения нужен комментарий.", "A decision needs a comment."],
    PrNoSessionData => ["Бұл белгі үшін сессия деректері сақталмаған.", "Для этого флага данные сессии не сохранены.", "No session data was stored for this flag."],
}

pub(crate) fn stage_name(stage: Stage) -> Msg {
    match stage {
        Stage::QualificationCheck => Msg::StageQualification,
        Stage::Test => Msg::StageTest,
        Stage::Interview => Msg::StageInterview,
        Stage::Decision => Msg::StageDecision,
    }
}

pub(crate) fn outcome_name(outcome: StageOutcome) -> Msg {
    match outcome {
        StageOutcome::Pending => Msg::OutcomePending,
        StageOutcome::Passed => Msg::OutcomePassed,
        StageOutcome::Failed => Msg::OutcomeFailed,
        StageOutcome::Withdrawn => Msg::OutcomeWithdrawn,
    }
}

/// A fairness group's name (`fairness` reports them as English codes).
pub(crate) fn group_name(group: &str, lang: Language) -> &str {
    let msg = match group {
        "female" => Msg::GroupFemale,
        "male" => Msg::GroupMale,
        "urban" => Msg::GroupUrban,
        "rural" => Msg::GroupRural,
        "under 30" => Msg::GroupUnder30,
        "50 and over" => Msg::GroupOver50,
        // Age bands such as "30–39" read the same in every language.
        other => return other,
    };
    msg.text(lang)
}

/// The name of a rule such as `language:kk`, in the interface language.
pub(crate) fn rule_name(rule: qabilet_matcher::eligibility::Rule, lang: Language) -> String {
    use qabilet_matcher::eligibility::Rule;
    match rule {
        Rule::Education => Msg::RuleEducation.text(lang).to_owned(),
        Rule::Specialty => Msg::RuleSpecialty.text(lang).to_owned(),
        Rule::ExperienceTotal => Msg::RuleExperienceTotal.text(lang).to_owned(),
        Rule::ExperiencePublic => Msg::RuleExperiencePublic.text(lang).to_owned(),
        Rule::ExperienceField => Msg::RuleExperienceField.text(lang).to_owned(),
        Rule::Language(l) => format!(
            "{}: {}",
            Msg::RuleLanguage.text(lang),
            language_name(l, lang)
        ),
        Rule::Category => Msg::RuleCategory.text(lang).to_owned(),
    }
}

/// A language's own name, as language pickers show it.
pub(crate) fn language_name(l: Language, _ui: Language) -> &'static str {
    match l {
        Language::Kk => "Қазақ тілі",
        Language::Ru => "Русский язык",
        Language::En => "English",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_every_language() {
        for msg in Msg::ALL {
            for lang in Language::ALL {
                assert!(!msg.text(lang).trim().is_empty(), "{msg:?} in {lang}");
            }
        }
        // Kazakh and Russian texts are translations, not English left in place.
        let untranslated = Msg::ALL
            .iter()
            .filter(|m| m.text(Language::Kk) == m.text(Language::En))
            .count();
        assert!(
            untranslated <= 2,
            "{untranslated} messages are not translated"
        );
    }
}
