//! Occupation families, part 4: press and PR, finance and budget, civil registry,
//! housing and utilities, tourism, sport.

use super::{Family, Texts};

pub(super) static FAMILIES: &[&Family] = &[
    &PRESS,
    &FINANCE,
    &CIVIL_REGISTRY,
    &HOUSING,
    &TOURISM,
    &SPORT,
];

static PRESS: Family = Family {
    code: "press",
    related: &["translation", "culture"],
    kk: Texts {
        prof: &["баспасөз хатшысы", "журналист", "PR-менеджер", "SMM маманы"],
        unit: &["ішкі саясат", "баспасөз қызметі", "ақпараттық саясат"],
        duty: &[
            "мемлекеттік органның ресми сайты мен әлеуметтік желілеріндегі материалдарды дайындау",
            "БАҚ өкілдерімен өзара іс-қимыл",
            "брифингтер мен баспасөз конференцияларын ұйымдастыру",
            "ақпараттық кеңістікті мониторингтеу",
            "баспасөз релиздерін жазу",
        ],
        skill: &[
            "журналистика",
            "SMM",
            "копирайтинг",
            "медиамониторинг",
            "шешендік өнер",
        ],
        spec: &["Журналистика", "Қоғаммен байланыс", "Саясаттану"],
        inst: &["Әл-Фараби атындағы Қазақ ұлттық университеті, журналистика факультеті"],
    },
    ru: Texts {
        prof: &[
            "пресс-секретарь",
            "журналист",
            "PR-менеджер",
            "SMM-специалист",
        ],
        unit: &[
            "внутренней политики",
            "пресс-службы",
            "информационной политики",
        ],
        duty: &[
            "подготовка материалов для официального сайта и социальных сетей",
            "взаимодействие со СМИ",
            "организация брифингов и пресс-конференций",
            "мониторинг информационного пространства",
            "написание пресс-релизов",
        ],
        skill: &[
            "журналистика",
            "SMM",
            "копирайтинг",
            "медиамониторинг",
            "ораторское мастерство",
        ],
        spec: &["Журналистика", "Связи с общественностью", "Политология"],
        inst: &["Казахский национальный университет имени аль-Фараби, факультет журналистики"],
    },
    en: Texts {
        prof: &[
            "press secretary",
            "journalist",
            "PR manager",
            "social media specialist",
        ],
        unit: &["internal policy", "press office", "public communications"],
        duty: &[
            "writing content for the official website and social media",
            "media relations",
            "organising briefings and press conferences",
            "media monitoring",
            "writing press releases",
        ],
        skill: &[
            "journalism",
            "social media marketing",
            "copywriting",
            "media monitoring",
            "public speaking",
        ],
        spec: &["Journalism", "Public Relations", "Political Science"],
        inst: &["Al-Farabi Kazakh National University, Faculty of Journalism"],
    },
};

static FINANCE: Family = Family {
    code: "finance",
    related: &["accounting", "economy", "audit"],
    kk: Texts {
        prof: &["қаржыгер", "бюджет жөніндегі маман", "қаржы талдаушысы"],
        unit: &["бюджеттік жоспарлау", "бюджеттің атқарылуы", "қаржы"],
        duty: &[
            "бюджеттік өтінімдерді қарау",
            "жергілікті бюджет жобасын қалыптастыру",
            "бюджеттің атқарылуын мониторингтеу",
            "бюджеттік бағдарламалардың тиімділігін бағалау",
            "қаржыландыру жоспарларына өзгерістер енгізу",
        ],
        skill: &[
            "Бюджет кодексі",
            "бюджеттік жоспарлау",
            "қаржылық талдау",
            "«Казначейство-Клиент» ААЖ",
        ],
        spec: &["Қаржы", "Экономика", "Мемлекеттік және жергілікті басқару"],
        inst: &[
            "Нархоз университеті",
            "Қазақ экономика, қаржы және халықаралық сауда университеті",
        ],
    },
    ru: Texts {
        prof: &["финансист", "специалист по бюджету", "финансовый аналитик"],
        unit: &["бюджетного планирования", "исполнения бюджета", "финансов"],
        duty: &[
            "рассмотрение бюджетных заявок",
            "формирование проекта местного бюджета",
            "мониторинг исполнения бюджета",
            "оценка эффективности бюджетных программ",
            "внесение изменений в планы финансирования",
        ],
        skill: &[
            "Бюджетный кодекс",
            "бюджетное планирование",
            "финансовый анализ",
            "ИС «Казначейство-Клиент»",
        ],
        spec: &[
            "Финансы",
            "Экономика",
            "Государственное и местное управление",
        ],
        inst: &[
            "Университет Нархоз",
            "Казахский университет экономики, финансов и международной торговли",
        ],
    },
    en: Texts {
        prof: &["financial analyst", "budget officer", "finance specialist"],
        unit: &["budget planning", "budget execution", "finance"],
        duty: &[
            "reviewing budget requests",
            "drafting the local budget",
            "monitoring budget execution",
            "evaluating budget programme performance",
            "amending financing plans",
        ],
        skill: &[
            "Budget Code",
            "budget planning",
            "financial analysis",
            "Treasury-Client system",
        ],
        spec: &["Finance", "Economics", "Public Administration"],
        inst: &[
            "Narxoz University",
            "Kazakh University of Economics, Finance and International Trade",
        ],
    },
};

static CIVIL_REGISTRY: Family = Family {
    code: "civil_registry",
    related: &["archives", "law"],
    kk: Texts {
        prof: &[
            "АХАЖ маманы",
            "азаматтық хал актілерін тіркеу жөніндегі маман",
            "тіркеуші",
        ],
        unit: &["азаматтық хал актілерін тіркеу", "тіркеу қызметі", "АХАЖ"],
        duty: &[
            "туу, неке және қайтыс болу фактілерін мемлекеттік тіркеу",
            "азаматтық хал актілері жазбаларына өзгерістер енгізу",
            "қайта куәліктер беру",
            "АХАЖ мұрағатын жүргізу",
            "неке қию рәсімін өткізу",
        ],
        skill: &[
            "«Неке (ерлі-зайыптылық) және отбасы туралы» Кодекс",
            "АХАЖ ақпараттық жүйесі",
            "мемлекеттік қызмет көрсету",
            "іс қағаздарын жүргізу",
        ],
        spec: &[
            "Құқықтану",
            "Мұрағаттану, құжаттану және құжаттаманы қамтамасыз ету",
            "Мемлекеттік және жергілікті басқару",
        ],
        inst: &["Е.А. Бөкетов атындағы Қарағанды университеті, заң факультеті"],
    },
    ru: Texts {
        prof: &[
            "специалист ЗАГС",
            "специалист по регистрации актов гражданского состояния",
            "регистратор",
        ],
        unit: &[
            "регистрации актов гражданского состояния",
            "регистрационной службы",
            "ЗАГС",
        ],
        duty: &[
            "государственная регистрация рождения, брака и смерти",
            "внесение изменений в записи актов гражданского состояния",
            "выдача повторных свидетельств",
            "ведение архива ЗАГС",
            "проведение торжественной регистрации брака",
        ],
        skill: &[
            "Кодекс «О браке (супружестве) и семье»",
            "ИС «ЗАГС»",
            "оказание государственных услуг",
            "делопроизводство",
        ],
        spec: &[
            "Юриспруденция",
            "Архивоведение, документоведение и документационное обеспечение",
            "Государственное и местное управление",
        ],
        inst: &["Карагандинский университет имени Е.А. Букетова, юридический факультет"],
    },
    en: Texts {
        prof: &[
            "civil registry officer",
            "registrar",
            "civil status registrar",
        ],
        unit: &[
            "civil registration",
            "registration service",
            "civil registry",
        ],
        duty: &[
            "registering births, marriages and deaths",
            "amending civil status records",
            "issuing duplicate certificates",
            "keeping the civil registry archive",
            "conducting wedding ceremonies",
        ],
        skill: &[
            "Marriage and Family Code",
            "civil registry information system",
            "public service delivery",
            "records management",
        ],
        spec: &[
            "Law",
            "Archival Science and Records Management",
            "Public Administration",
        ],
        inst: &["Buketov Karaganda University, Faculty of Law"],
    },
};

static HOUSING: Family = Family {
    code: "housing",
    related: &["energy", "construction"],
    kk: Texts {
        prof: &[
            "ТКШ инженері",
            "тұрғын үй инспекторы",
            "тұрғын үй қоры жөніндегі маман",
        ],
        unit: &[
            "тұрғын үй-коммуналдық шаруашылық",
            "тұрғын үй инспекциясы",
            "тұрғын үй қатынастары",
        ],
        duty: &[
            "көппәтерлі тұрғын үйлердің техникалық жай-күйін бақылау",
            "тұрғын үй кезегін жүргізу",
            "жылумен және сумен жабдықтау желілерін жаңғыртуды үйлестіру",
            "пәтер иелері бірлестіктерімен жұмыс",
            "тұрғын үй көмегін тағайындау",
        ],
        skill: &[
            "«Тұрғын үй қатынастары туралы» Заң",
            "ТКШ",
            "сумен жабдықтау",
            "тұрғындармен жұмыс",
        ],
        spec: &[
            "Сумен жабдықтау және су бұру",
            "Құрылыс",
            "Мемлекеттік және жергілікті басқару",
        ],
        inst: &[
            "Қарағанды техникалық университеті",
            "Торайғыров университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "инженер ЖКХ",
            "жилищный инспектор",
            "специалист по жилищному фонду",
        ],
        unit: &[
            "жилищно-коммунального хозяйства",
            "жилищной инспекции",
            "жилищных отношений",
        ],
        duty: &[
            "контроль технического состояния многоквартирных жилых домов",
            "ведение очереди на жильё",
            "координация модернизации сетей тепло- и водоснабжения",
            "работа с объединениями собственников имущества",
            "назначение жилищной помощи",
        ],
        skill: &[
            "Закон «О жилищных отношениях»",
            "ЖКХ",
            "водоснабжение",
            "работа с населением",
        ],
        spec: &[
            "Водоснабжение и водоотведение",
            "Строительство",
            "Государственное и местное управление",
        ],
        inst: &[
            "Карагандинский технический университет",
            "Торайгыров университет",
        ],
    },
    en: Texts {
        prof: &["utilities engineer", "housing inspector", "housing officer"],
        unit: &["housing and utilities", "housing inspection", "housing"],
        duty: &[
            "inspecting apartment buildings",
            "managing the social housing waiting list",
            "coordinating heating and water network upgrades",
            "working with homeowners' associations",
            "awarding housing benefit",
        ],
        skill: &[
            "housing law",
            "utilities management",
            "water supply",
            "community engagement",
        ],
        spec: &[
            "Water Supply and Sanitation",
            "Civil Engineering",
            "Public Administration",
        ],
        inst: &["Karaganda Technical University", "Toraighyrov University"],
    },
};

static TOURISM: Family = Family {
    code: "tourism",
    related: &["culture", "sport"],
    kk: Texts {
        prof: &["туризм менеджері", "экскурсовод", "туризм жөніндегі маман"],
        unit: &["туризм", "туризмді дамыту", "туристік индустрия"],
        duty: &[
            "өңірдің туристік әлеуетін дамыту",
            "туристік объектілердің тізілімін жүргізу",
            "туристік көрмелер мен фестивальдерді ұйымдастыру",
            "туристік инфрақұрылым жобаларын мониторингтеу",
            "инвесторлармен жұмыс",
        ],
        skill: &[
            "туристік маркетинг",
            "іс-шараларды ұйымдастыру",
            "ағылшын тілі",
            "қонақжайлық",
        ],
        spec: &[
            "Туризм",
            "Мейрамхана ісі және мейманхана бизнесі",
            "Маркетинг",
        ],
        inst: &[
            "Қазақ туризм және спорт академиясы",
            "Халықаралық туризм және меймандостық университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "менеджер по туризму",
            "экскурсовод",
            "специалист по туризму",
        ],
        unit: &["туризма", "развития туризма", "туристской индустрии"],
        duty: &[
            "развитие туристского потенциала региона",
            "ведение реестра туристских объектов",
            "организация туристских выставок и фестивалей",
            "мониторинг проектов туристской инфраструктуры",
            "работа с инвесторами",
        ],
        skill: &[
            "туристский маркетинг",
            "организация мероприятий",
            "английский язык",
            "гостеприимство",
        ],
        spec: &[
            "Туризм",
            "Ресторанное дело и гостиничный бизнес",
            "Маркетинг",
        ],
        inst: &[
            "Казахская академия спорта и туризма",
            "Международный университет туризма и гостеприимства",
        ],
    },
    en: Texts {
        prof: &["tourism manager", "tour guide", "tourism officer"],
        unit: &["tourism", "tourism development", "tourism industry"],
        duty: &[
            "developing the region's tourism potential",
            "keeping the register of tourist sites",
            "organising tourism fairs and festivals",
            "monitoring tourism infrastructure projects",
            "investor relations",
        ],
        skill: &[
            "destination marketing",
            "event management",
            "English",
            "hospitality",
        ],
        spec: &["Tourism", "Hospitality Management", "Marketing"],
        inst: &[
            "Kazakh Academy of Sport and Tourism",
            "International University of Tourism and Hospitality",
        ],
    },
};

static SPORT: Family = Family {
    code: "sport",
    related: &["tourism", "education"],
    kk: Texts {
        prof: &[
            "жаттықтырушы",
            "дене шынықтыру нұсқаушысы",
            "спорт менеджері",
        ],
        unit: &["дене шынықтыру және спорт", "бұқаралық спорт", "спорт"],
        duty: &[
            "спорттық-бұқаралық іс-шараларды ұйымдастыру",
            "құрама командалардың дайындығын үйлестіру",
            "спорт объектілерінің жұмысын мониторингтеу",
            "балалар-жасөспірімдер спортын дамыту",
            "спорттық разрядтар беру",
        ],
        skill: &[
            "спорт менеджменті",
            "жаттықтыру әдістемесі",
            "іс-шараларды ұйымдастыру",
            "«Дене шынықтыру және спорт туралы» Заң",
        ],
        spec: &[
            "Дене шынықтыру және спорт",
            "Спорт менеджменті",
            "Педагогика және психология",
        ],
        inst: &["Қазақ спорт және туризм академиясы"],
    },
    ru: Texts {
        prof: &[
            "тренер",
            "инструктор по физической культуре",
            "спортивный менеджер",
        ],
        unit: &["физической культуры и спорта", "массового спорта", "спорта"],
        duty: &[
            "организация спортивно-массовых мероприятий",
            "координация подготовки сборных команд",
            "мониторинг работы спортивных объектов",
            "развитие детско-юношеского спорта",
            "присвоение спортивных разрядов",
        ],
        skill: &[
            "спортивный менеджмент",
            "методика тренировки",
            "организация мероприятий",
            "Закон «О физической культуре и спорте»",
        ],
        spec: &[
            "Физическая культура и спорт",
            "Спортивный менеджмент",
            "Педагогика и психология",
        ],
        inst: &["Казахская академия спорта и туризма"],
    },
    en: Texts {
        prof: &["coach", "physical education instructor", "sports manager"],
        unit: &["physical culture and sport", "community sport", "sport"],
        duty: &[
            "organising mass sports events",
            "coordinating the training of regional teams",
            "monitoring sports facilities",
            "youth sport development",
            "awarding sports ranks",
        ],
        skill: &[
            "sports management",
            "coaching methods",
            "event management",
            "sports law",
        ],
        spec: &[
            "Physical Education and Sport",
            "Sports Management",
            "Pedagogy and Psychology",
        ],
        inst: &["Kazakh Academy of Sport and Tourism"],
    },
};
