//! The oversight pages' messages (analytics, fairness, the audit log, the
//! candidate's explanation), in Kazakh, Russian and English: a table of their own
//! beside the main one (`crate::i18n`), which is long enough already.

use crate::i18n::messages;

messages! {
    /// A message of the oversight pages.
    OMsg {
    NavAnalytics => ["Талдау", "Аналитика", "Analytics"],
    NavFairness => ["Әділдік", "Равенство возможностей", "Fairness"],
    NavAudit => ["Аудит журналы", "Журнал аудита", "Audit log"],
    AnalyticsTitle => ["Конкурстар талдауы", "Аналитика конкурсов", "Competition analytics"],
    AnalyticsIntro => ["Сүзгіге сәйкес келетін жарияланған конкурстар бойынша сандар: адамдар емес, тек сандар. Әр диаграмманың астында оның кестесі мен CSV файлы бар.", "Цифры по опубликованным конкурсам, подходящим под фильтр: только числа, не люди. Под каждой диаграммой — её таблица и файл CSV.", "Figures over the published competitions the filter covers: counts, never people. Under every chart are its table and a CSV file."],
    Organisation => ["Ұйым", "Организация", "Organisation"],
    AllOrganisations => ["Барлық ұйымдар", "Все организации", "All organisations"],
    From => ["Жарияланған күннен бастап", "Опубликованы с", "Published from"],
    To => ["Жарияланған күнге дейін", "Опубликованы по", "Published until"],
    Category => ["Санат", "Категория", "Category"],
    CategoryHint => ["Топ әрпі (B) немесе толық санат (B-4).", "Буква группы (B) или категория целиком (B-4).", "A group letter (B) or a whole category (B-4)."],
    AnyRegion => ["Кез келген өңір", "Любой регион", "Any region"],
    Apply => ["Көрсету", "Показать", "Show"],
    Competitions => ["Конкурстар", "Конкурсы", "Competitions"],
    DownloadCsv => ["CSV жүктеп алу", "Скачать CSV", "Download CSV"],
    FunnelTitle => ["Кезеңдер бойынша воронка", "Воронка по этапам", "Funnel by stage"],
    StepApplied => ["Өтінім берді", "Подали заявку", "Applied"],
    StepQualified => ["Біліктілік тексерісінен өтті", "Прошли квалификационную проверку", "Qualified"],
    StepPassedTest => ["Тестілеуден өтті", "Прошли тестирование", "Passed the test"],
    StepInterviewed => ["Әңгімелесуден өтті", "Прошли собеседование", "Interviewed"],
    StepHired => ["Қабылданды", "Приняты", "Hired"],
    Step => ["Кезең", "Этап", "Step"],
    Count => ["Саны", "Количество", "Count"],
    FromPrevious => ["Алдыңғы кезеңнен", "От предыдущего этапа", "Of the step before"],
    FromApplied => ["Өтінім бергендерден", "От подавших заявку", "Of those who applied"],
    TimeToHireTitle => ["Қабылдауға дейінгі уақыт", "Срок найма", "Time to hire"],
    TimeToHireIntro => ["Бос орын жарияланғаннан бастап қабылдау туралы шешімге дейінгі күндер. Өзбекстанда реформадан кейін бұл 20–25 күн, бұрын 2–3 ай болған.", "Дни от публикации вакансии до решения о найме. В Узбекистане после реформы это 20–25 дней, до неё — 2–3 месяца.", "Days from a vacancy's publication to the hiring decision. Uzbekistan's reform brought this to 20–25 days, from 2–3 months before."],
    Days => ["Күн", "Дней", "Days"],
    Median => ["Медиана", "Медиана", "Median"],
    Group => ["Топ", "Группа", "Group"],
    ByOrganisation => ["Ұйымдар бойынша", "По организациям", "By organisation"],
    ByCategory => ["Санат топтары бойынша", "По группам категорий", "By category group"],
    NoHiresYet => ["Сүзгіге сәйкес келетін конкурстарда әзірге қабылдау жоқ.", "В конкурсах под фильтром ещё никого не приняли.", "No competition the filter covers has hired yet."],
    CompetitionsPerDays => ["Конкурстар саны, 10 күндік аралықтар бойынша", "Число конкурсов по 10-дневным интервалам", "Competitions per 10 days"],
    ApplicationsTitle => ["Бір бос орынға өтінімдер", "Заявки на вакансию", "Applications per vacancy"],
    Applications => ["Өтінімдер", "Заявки", "Applications"],
    Vacancies => ["Бос орындар", "Вакансии", "Vacancies"],
    Mean => ["Орташа", "Среднее", "Mean"],
    ThinTitle => ["Лайықты үміткерлері тым аз конкурстар", "Конкурсы со слишком малым числом подходящих кандидатов", "Competitions with too few eligible candidates"],
    ThinIntro => ["Біліктілік талаптарына сай келетін үміткерлері екеуден аз конкурстар: тексеріс өткізілгенде — оның нәтижесі бойынша, әйтпесе — ережелерді бүгінгі тексеру бойынша.", "Конкурсы, где кандидатов, отвечающих требованиям, меньше двух: по итогам квалификационной проверки, а где её ещё не было — по проверке правил на сегодня.", "Competitions with fewer than two candidates who meet the requirements: by the qualification check where it was done, else by checking the rules today."],
    Applicants => ["Үміткерлер", "Кандидаты", "Applicants"],
    Eligible => ["Талаптарға сай", "Соответствуют требованиям", "Eligible"],
    NoThin => ["Мұндай конкурс жоқ.", "Таких конкурсов нет.", "None."],
    AndMore => ["тағы", "ещё", "and more"],
    RegionsTitle => ["Өңірлер", "Регионы", "Regions"],
    RegionsIntro => ["Әр өңір — картадағы шамамен орнындағы бір тақташа; түсі неғұрлым қою болса, саны соғұрлым көп.", "Каждый регион — плитка примерно на своём месте на карте; чем темнее, тем больше.", "Each region is a tile at its rough place on the map; the darker, the more."],
    Measure => ["Көрсеткіш", "Показатель", "Measure"],
    Hired => ["Қабылданғандар", "Принятые", "Hired"],
    Region => ["Өңір", "Регион", "Region"],
    ReserveTitle => ["Кадр резервін пайдалану", "Использование кадрового резерва", "Use of the talent reserve"],
    EntriesReserve => ["Резервке енгізілгендер", "Включены в резерв", "Entries in the reserve"],
    EntriesSecondBest => ["Екінші үздіктер тізіліміне енгізілгендер", "Включены в реестр вторых лучших", "Entries in the second-best registry"],
    ActiveEntries => ["Қазір белсенді", "Действуют сейчас", "Active now"],
    MatchesOffered => ["Резервтен ұсынылған бос орындар", "Предложено вакансий из резерва", "Reserve matches offered"],
    HiresFromReserve => ["Резервтен қабылданғандар", "Приняты из резерва", "Hires from the reserve"],
    AllHires => ["Барлық қабылданғандар", "Всего принятых", "All hires"],
    FlagRatesTitle => ["Прокторинг белгілерінің жиілігі", "Частота флагов прокторинга", "Proctoring flag rates"],
    FlagRatesIntro => ["Әр тест пен детектор бойынша: белгілер саны сессияға шаққанда және олардың қаралу нәтижесі. Белгі — үкім емес.", "По каждому тесту и детектору: флагов на сессию и итоги их рассмотрения. Флаг — не вердикт.", "Per test and detector: flags per session and how reviews went. A flag is not a verdict."],
    Test => ["Тест", "Тест", "Test"],
    Detector => ["Детектор", "Детектор", "Detector"],
    Sessions => ["Сессиялар", "Сессии", "Sessions"],
    Flags => ["Белгілер", "Флаги", "Flags"],
    Rate => ["Жиілігі", "Частота", "Rate"],
    OpenFlags => ["Қаралмаған", "Не рассмотрены", "Open"],
    Confirmed => ["Расталған", "Подтверждены", "Confirmed"],
    Dismissed => ["Қабылданбаған", "Отклонены", "Dismissed"],
    NoRuns => ["Сүзгіге сәйкес тест талдаулары жоқ.", "Анализов тестов под фильтром нет.", "No test analysis the filter covers."],
    FairnessTitle => ["Кезеңдер бойынша әсер коэффициенттері", "Коэффициенты влияния по этапам", "Impact ratios by stage"],
    FairnessIntro => ["Әр кезеңде: бағаланғандар (нәтижесі бар), өткендер және іріктеу үлесі әр топ бойынша. Әсер коэффициенті — топтың үлесі ең жоғары үлеске бөлінген (Нью-Йорк, Local Law 144); 0,8-ден төмен болса, белгіленеді. Бағалау әр кезеңнің шынайы нәтижелерінен жасалады, рейтингтен емес. Рейтинг бұл деректердің ешқайсысын оқымайды.", "На каждом этапе: оценённые (с результатом), прошедшие и доля отбора по группам. Коэффициент влияния — доля группы, делённая на наибольшую (Нью-Йорк, Local Law 144); ниже 0,8 — отмечается. Считается по фактическим итогам этапов, а не по рейтингу. Ранжирование не читает ни одного из этих признаков.", "At each stage: those assessed (with a result), those who passed, and the selection rate per group. The impact ratio is a group's rate over the highest rate (New York City's Local Law 144); under 0.8 it is flagged. Computed from actual stage outcomes, not from the ranking. Ranking reads none of these attributes."],
    Assessed => ["Бағаланғандар", "Оценены", "Assessed"],
    Passed => ["Өткендер", "Прошли", "Passed"],
    Interval => ["95 % аралық", "95 % интервал", "95 % interval"],
    Reference => ["салыстыру тобы", "группа сравнения", "reference group"],
    TooFewToJudge => ["бағалау үшін тым аз", "слишком мало для оценки", "too few to judge"],
    SmallExcluded => ["2 %-дан аз: коэффициентке кірмейді", "меньше 2 %: не входит в расчёт", "under 2 %: left out of the ratios"],
    UnknownGroup => ["Белгісіз", "Не указано", "Not stated"],
    NotCounted => ["Келісімін кері қайтарғандықтан есептелмегендер", "Не учтены, так как отозвали согласие", "Not counted because they withdrew consent"],
    NoOutcomes => ["Бұл кезеңде әлі нәтиже жоқ.", "На этом этапе результатов ещё нет.", "No outcomes at this stage yet."],
    DimRegion => ["Өңір", "Регион", "Region"],
    FlaggedGroup => ["белгіленген", "отмечено", "flagged"],
    AuditTitle => ["Аудит журналы", "Журнал аудита", "Audit log"],
    AuditIntro => ["Журнал — хэштер тізбегі: кез келген жазбаны өзгерту тізбекті бұзады. Қол қойылған бақылау нүктелері журналдан тыс сақталады (HRM жүйесінде және файлда), сондықтан соңғы жазбаларды жою да анықталады.", "Журнал — цепочка хэшей: правка любой записи рвёт цепочку. Подписанные контрольные точки хранятся вне журнала (в HRM и в файле), поэтому обнаруживается и удаление последних записей.", "The log is a hash chain: editing any entry breaks it. Signed checkpoints are kept outside the log (by the HRM system and in a file), so deleting the newest entries shows too."],
    VerifyLatest => ["Соңғы бақылау нүктесі бойынша тексеру", "Проверить по последней контрольной точке", "Verify against the newest checkpoint"],
    CheckpointText => ["Басқа жерде сақталған бақылау нүктесі (JSON)", "Контрольная точка, хранящаяся в другом месте (JSON)", "A checkpoint kept elsewhere (JSON)"],
    VerifyAgainst => ["Осы нүкте бойынша тексеру", "Проверить по этой точке", "Verify against it"],
    Intact => ["Журнал бүтін", "Журнал цел", "The log is intact"],
    NotIntact => ["Журнал бүтін емес", "Журнал нарушен", "The log is NOT intact"],
    Entries => ["Жазбалар", "Записей", "Entries"],
    CheckpointOf => ["Бақылау нүктесі", "Контрольная точка", "Checkpoint"],
    NoCheckpoint => ["Бақылау нүктесі жоқ: тек тізбек тексерілді.", "Контрольной точки нет: проверена только цепочка.", "No checkpoint: only the chain was checked."],
    ReplayTitle => ["Ұсынымды қайталау", "Воспроизведение рекомендации", "Replay a recommendation"],
    ReplayIntro => ["Аудит жазбасының нөмірін енгізіңіз (тізімді көру немесе кезең нәтижесі): рейтинг сақталған сигналдардан қайта есептеледі және қазіргі рейтингпен салыстырылады.", "Введите номер записи аудита (просмотр списка или результат этапа): рейтинг будет пересчитан по сохранённым сигналам и сравнён с нынешним.", "Enter an audit entry's number (a shortlist view or a stage result): the ranking is recomputed from its recorded signals and compared with the ranking now."],
    EntryNumber => ["Жазба нөмірі", "Номер записи", "Entry number"],
    Replay => ["Қайталау", "Воспроизвести", "Replay"],
    RecentRankings => ["Соңғы көрсетілген рейтингтер", "Последние показанные рейтинги", "Rankings shown lately"],
    Action => ["Әрекет", "Действие", "Action"],
    Subject => ["Нысан", "Объект", "Subject"],
    By => ["Кім", "Кто", "By"],
    When => ["Қашан", "Когда", "When"],
    ReplayMatches => ["Сәйкес келеді: сақталған сигналдар мен салмақтардан қайта есептелген рейтинг журналда жазылғанмен бірдей.", "Совпадает: рейтинг, пересчитанный по сохранённым сигналам и весам, тот же, что записан в журнале.", "Matches: recomputed from the recorded signals and weights, the ranking is the one the log recorded."],
    ReplayDiffers => ["Сәйкес келмейді", "Не совпадает", "Does not match"],
    Rank => ["Орын", "Место", "Rank"],
    Profile => ["Профиль", "Профиль", "Profile"],
    RecordedScore => ["Жазылған балл", "Записанный балл", "Recorded score"],
    ReplayedScore => ["Қайта есептелген балл", "Пересчитанный балл", "Replayed score"],
    NowTitle => ["Қазір", "Сейчас", "Now"],
    RankThen => ["Сол кездегі орын", "Место тогда", "Rank then"],
    RankNow => ["Қазіргі орын", "Место сейчас", "Rank now"],
    Changed => ["Өзгерген сигналдар", "Изменившиеся сигналы", "Changed signals"],
    Unchanged => ["Өзгермегендер", "Без изменений", "Unchanged"],
    WeightsChanged => ["Біріктіру салмақтары содан бері өзгерді.", "Веса объединения с тех пор изменились.", "The fusion weights have changed since."],
    VacancyGone => ["Бос орын енді жоқ: қазіргімен салыстыруға ештеңе жоқ.", "Вакансии больше нет: сравнивать не с чем.", "The vacancy no longer exists: nothing to compare with now."],
    ExplanationTitle => ["Өтініміңіз бойынша шешім қалай қабылданды", "Как принималось решение по вашей заявке", "How your application was decided"],
    ExplanationSystem => ["Жүйе не істеді: профиліңізді бос орынның ресми біліктілік талаптарымен ереже бойынша салыстырды және комиссия үшін үміткерлерді түсіндірмесі бар рейтингке орналастырды (талаптарға сәйкестігі, мәтіндердің мағыналық жақындығы, дағдылар). Рейтинг жынысты, жасты, өңірді немесе атыңызды оқымайды.", "Что делала система: сверила ваш профиль с официальными квалификационными требованиями вакансии по правилам и упорядочила кандидатов для комиссии в рейтинг с объяснениями (соответствие требованиям, смысловая близость текстов, навыки). Рейтинг не читает пол, возраст, регион и имя.", "What the system did: it checked your profile against the vacancy's official qualification requirements, rule by rule, and ordered the candidates for the commission in a ranking with its reasons (requirements met, how close the texts are in meaning, skills). The ranking does not read sex, age, region or name."],
    ExplanationPeople => ["Шешімді адамдар қабылдады: әр кезеңнің нәтижесін конкурстық комиссия мүшесі немесе кадр қызметкері жазды, өз атымен және себебімен. Жүйе ешкімді өздігінен өткізбейді де, қабылдамай да қоймайды.", "Решали люди: результат каждого этапа записал член конкурсной комиссии или кадровый работник, под своим именем и с причиной. Система никого сама не пропускает и не отклоняет.", "People decided: each stage's result was recorded by a member of the selection commission or an HR officer, under their own name and with a reason. The system passes and fails no one on its own."],
    ExplanationRequirements => ["Біліктілік талаптары", "Квалификационные требования", "The qualification requirements"],
    ExplanationStages => ["Кезеңдердің нәтижелері", "Результаты этапов", "Stage results"],
    ExplanationRights => ["Келіспесеңіз: шешімге заңда белгіленген тәртіппен шағымдануға болады; дербес деректерді өңдеуге келісімді «Келісімдер» бетінде кез келген уақытта кері қайтаруға болады.", "Если вы не согласны: решение можно обжаловать в порядке, установленном законом; согласие на обработку персональных данных можно отозвать в любой момент на странице «Согласия».", "If you disagree: the decision can be appealed as the law provides; consent to processing can be withdrawn at any time on the Consents page."],
    Met => ["Сәйкес", "Выполнено", "Met"],
    NotMet => ["Сәйкес емес", "Не выполнено", "Not met"],
    Undecided => ["Деректер бойынша анықталмады: адам тексерді", "По данным не определено: проверил человек", "Not decidable from the data: checked by a person"],
    Overridden => ["Комиссия себебін көрсетіп өткізді", "Допущено комиссией с указанием причины", "Let through by the commission with a reason"],
    NoStagesYet => ["Әзірге ешбір кезеңнің нәтижесі жоқ.", "Пока нет результатов этапов.", "No stage has a result yet."],
    HowDecided => ["Шешім қалай қабылданды", "Как принималось решение", "How it was decided"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Text;
    use qabilet_domain::Language;

    #[test]
    fn every_oversight_message_exists_in_every_language() {
        for msg in OMsg::ALL {
            for lang in Language::ALL {
                assert!(!msg.text(lang).trim().is_empty(), "{msg:?} in {lang}");
            }
        }
        let untranslated = OMsg::ALL
            .iter()
            .filter(|m| m.text(Language::Kk) == m.text(Language::En))
            .count();
        assert!(
            untranslated <= 2,
            "{untranslated} messages are not translated"
        );
    }
}
