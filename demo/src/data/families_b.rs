//! Occupation families, part 2: agriculture, construction, ecology, translation, audit,
//! statistics.

use super::{Family, Texts};

pub(super) static FAMILIES: &[&Family] = &[
    &AGRICULTURE,
    &CONSTRUCTION,
    &ECOLOGY,
    &TRANSLATION,
    &AUDIT,
    &STATISTICS,
];

static AGRICULTURE: Family = Family {
    code: "agriculture",
    related: &["veterinary", "land", "ecology"],
    kk: Texts {
        prof: &["агроном", "ауыл шаруашылығы маманы", "агроном-технолог"],
        unit: &[
            "ауыл шаруашылығы",
            "өсімдік шаруашылығы",
            "агроөнеркәсіптік кешенді дамыту",
        ],
        duty: &[
            "ауыл шаруашылығы тауар өндірушілерін субсидиялау",
            "егіс науқанының барысын мониторингтеу",
            "агроөнеркәсіптік кешенді дамыту бағдарламаларын іске асыру",
            "фитосанитариялық жағдайды бақылау",
            "шаруа қожалықтарына кеңес беру",
        ],
        skill: &[
            "агрономия",
            "субсидиялау",
            "өсімдік қорғау",
            "агроөнеркәсіптік кешен",
        ],
        spec: &[
            "Агрономия",
            "Агроинженерия",
            "Аграрлық техника және технология",
        ],
        inst: &[
            "Қазақ ұлттық аграрлық зерттеу университеті",
            "С. Сейфуллин атындағы Қазақ агротехникалық зерттеу университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "агроном",
            "специалист сельского хозяйства",
            "агроном-технолог",
        ],
        unit: &[
            "сельского хозяйства",
            "растениеводства",
            "развития агропромышленного комплекса",
        ],
        duty: &[
            "субсидирование сельхозтоваропроизводителей",
            "мониторинг хода посевной кампании",
            "реализация программ развития агропромышленного комплекса",
            "контроль фитосанитарной обстановки",
            "консультирование крестьянских хозяйств",
        ],
        skill: &["агрономия", "субсидирование", "защита растений", "АПК"],
        spec: &[
            "Агрономия",
            "Агроинженерия",
            "Аграрная техника и технология",
        ],
        inst: &[
            "Казахский национальный аграрный исследовательский университет",
            "Казахский агротехнический исследовательский университет имени С. Сейфуллина",
        ],
    },
    en: Texts {
        prof: &["agronomist", "agricultural specialist", "crop specialist"],
        unit: &[
            "agriculture",
            "crop production",
            "agro-industrial development",
        ],
        duty: &[
            "administering subsidies to farmers",
            "monitoring the sowing campaign",
            "implementing agro-industrial development programmes",
            "phytosanitary monitoring",
            "advising family farms",
        ],
        skill: &[
            "agronomy",
            "agricultural subsidies",
            "plant protection",
            "agribusiness",
        ],
        spec: &[
            "Agronomy",
            "Agricultural Engineering",
            "Agricultural Machinery and Technology",
        ],
        inst: &[
            "Kazakh National Agrarian Research University",
            "Seifullin Kazakh Agrotechnical Research University",
        ],
    },
};

static CONSTRUCTION: Family = Family {
    code: "construction",
    related: &["architecture", "housing", "energy"],
    kk: Texts {
        prof: &[
            "құрылыс инженері",
            "техникалық қадағалау инженері",
            "прораб",
        ],
        unit: &[
            "құрылыс",
            "мемлекеттік сәулет-құрылыс бақылауы",
            "күрделі құрылыс",
        ],
        duty: &[
            "құрылыс-монтаж жұмыстарының сапасын бақылау",
            "жобалау-сметалық құжаттаманы қарау",
            "объектілерді пайдалануға қабылдауға қатысу",
            "құрылыс нормалары мен қағидаларының сақталуын қадағалау",
            "бюджеттік инвестициялық жобалардың іске асырылуын мониторингтеу",
        ],
        skill: &["ҚНжЕ", "сметалық іс", "AutoCAD", "техникалық қадағалау"],
        spec: &[
            "Құрылыс",
            "Өнеркәсіптік және азаматтық құрылыс",
            "Құрылыс материалдарын өндіру",
        ],
        inst: &[
            "Халықаралық білім беру корпорациясы (ҚазБСҚА)",
            "Л.Н. Гумилев атындағы Еуразия ұлттық университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "инженер-строитель",
            "инженер технического надзора",
            "прораб",
            "сметчик",
        ],
        unit: &[
            "строительства",
            "государственного архитектурно-строительного контроля",
            "капитального строительства",
        ],
        duty: &[
            "контроль качества строительно-монтажных работ",
            "рассмотрение проектно-сметной документации",
            "участие в приёмке объектов в эксплуатацию",
            "надзор за соблюдением строительных норм и правил",
            "мониторинг реализации бюджетных инвестиционных проектов",
        ],
        skill: &["СНиП", "сметное дело", "AutoCAD", "технический надзор"],
        spec: &[
            "Строительство",
            "Промышленное и гражданское строительство",
            "Производство строительных материалов",
        ],
        inst: &[
            "Международная образовательная корпорация (КазГАСА)",
            "Евразийский национальный университет имени Л.Н. Гумилева",
        ],
    },
    en: Texts {
        prof: &[
            "civil engineer",
            "construction supervision engineer",
            "site manager",
        ],
        unit: &[
            "construction",
            "state construction control",
            "capital construction",
        ],
        duty: &[
            "quality control of construction works",
            "reviewing design and cost estimates",
            "commissioning of completed buildings",
            "enforcing building codes",
            "monitoring budget investment projects",
        ],
        skill: &[
            "building codes",
            "cost estimating",
            "AutoCAD",
            "construction supervision",
        ],
        spec: &[
            "Civil Engineering",
            "Industrial and Civil Construction",
            "Building Materials",
        ],
        inst: &[
            "International Educational Corporation (KazGASA)",
            "L.N. Gumilyov Eurasian National University",
        ],
    },
};

static ECOLOGY: Family = Family {
    code: "ecology",
    related: &["agriculture", "sanitary", "emergency"],
    kk: Texts {
        prof: &[
            "эколог",
            "экологиялық инспектор",
            "табиғат пайдалану жөніндегі маман",
        ],
        unit: &[
            "экологиялық реттеу және бақылау",
            "табиғи ресурстар және табиғат пайдалануды реттеу",
            "қоршаған ортаны қорғау",
        ],
        duty: &[
            "табиғат пайдаланушыларды экологиялық тексеру",
            "эмиссияларға рұқсаттар беру",
            "қоршаған ортаның жай-күйін мониторингтеу",
            "экологиялық сараптама жүргізу",
            "қалдықтарды басқаруды бақылау",
        ],
        skill: &[
            "Экология кодексі",
            "экологиялық сараптама",
            "қоршаған орта мониторингі",
            "ГАЖ",
        ],
        spec: &["Экология", "Қоршаған ортаны қорғау", "Табиғатты пайдалану"],
        inst: &[
            "Әл-Фараби атындағы Қазақ ұлттық университеті",
            "Қазақ ұлттық аграрлық зерттеу университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "эколог",
            "государственный экологический инспектор",
            "инженер-эколог",
        ],
        unit: &[
            "экологического регулирования и контроля",
            "природных ресурсов и регулирования природопользования",
            "охраны окружающей среды",
        ],
        duty: &[
            "экологические проверки природопользователей",
            "выдача разрешений на эмиссии",
            "мониторинг состояния окружающей среды",
            "проведение экологической экспертизы",
            "контроль обращения с отходами",
        ],
        skill: &[
            "Экологический кодекс",
            "экологическая экспертиза",
            "мониторинг окружающей среды",
            "ГИС",
        ],
        spec: &["Экология", "Охрана окружающей среды", "Природопользование"],
        inst: &[
            "Казахский национальный университет имени аль-Фараби",
            "Казахский национальный аграрный исследовательский университет",
        ],
    },
    en: Texts {
        prof: &[
            "ecologist",
            "environmental inspector",
            "environmental engineer",
        ],
        unit: &[
            "environmental regulation and control",
            "natural resources",
            "environmental protection",
        ],
        duty: &[
            "environmental inspections of operators",
            "issuing emission permits",
            "environmental monitoring",
            "environmental impact assessment",
            "overseeing waste management",
        ],
        skill: &[
            "Environmental Code",
            "environmental impact assessment",
            "environmental monitoring",
            "GIS",
        ],
        spec: &[
            "Ecology",
            "Environmental Protection",
            "Natural Resource Management",
        ],
        inst: &[
            "Al-Farabi Kazakh National University",
            "Kazakh National Agrarian Research University",
        ],
    },
};

static TRANSLATION: Family = Family {
    code: "translation",
    related: &["press", "archives"],
    kk: Texts {
        prof: &["аудармашы", "ілеспе аудармашы", "тілдік сарапшы"],
        unit: &[
            "құжаттаманы басқару және аударма",
            "мемлекеттік тілді дамыту",
            "аударма",
        ],
        duty: &[
            "құжаттарды орыс тілінен мемлекеттік тілге аудару",
            "нормативтік құқықтық актілердің мәтіндерін салыстыру",
            "кездесулерде ілеспе аударма жасау",
            "мемлекеттік тілдегі іс қағаздарының сапасын бақылау",
            "терминологиялық жұмыс",
        ],
        skill: &[
            "жазбаша аударма",
            "ілеспе аударма",
            "заң терминологиясы",
            "редакциялау",
        ],
        spec: &["Аударма ісі", "Филология", "Шетел филологиясы"],
        inst: &[
            "Абылай хан атындағы Қазақ халықаралық қатынастар және әлем тілдері университеті",
            "Л.Н. Гумилев атындағы Еуразия ұлттық университеті",
        ],
    },
    ru: Texts {
        prof: &["переводчик", "синхронный переводчик", "лингвист-переводчик"],
        unit: &[
            "документационного обеспечения и перевода",
            "развития государственного языка",
            "переводов",
        ],
        duty: &[
            "перевод документов с русского языка на государственный",
            "сверка текстов нормативных правовых актов",
            "синхронный перевод на встречах",
            "контроль качества делопроизводства на государственном языке",
            "терминологическая работа",
        ],
        skill: &[
            "письменный перевод",
            "синхронный перевод",
            "юридическая терминология",
            "редактирование",
        ],
        spec: &["Переводческое дело", "Филология", "Иностранная филология"],
        inst: &[
            "Казахский университет международных отношений и мировых языков имени Абылай хана",
            "Евразийский национальный университет имени Л.Н. Гумилева",
        ],
    },
    en: Texts {
        prof: &["translator", "interpreter", "linguist"],
        unit: &[
            "document management and translation",
            "state language development",
            "translation",
        ],
        duty: &[
            "translating documents from Russian into Kazakh",
            "checking parallel texts of regulations",
            "simultaneous interpreting at meetings",
            "quality control of Kazakh-language paperwork",
            "terminology work",
        ],
        skill: &[
            "written translation",
            "simultaneous interpreting",
            "legal terminology",
            "editing",
        ],
        spec: &["Translation Studies", "Philology", "Foreign Philology"],
        inst: &[
            "Ablai Khan Kazakh University of International Relations and World Languages",
            "L.N. Gumilyov Eurasian National University",
        ],
    },
};

static AUDIT: Family = Family {
    code: "audit",
    related: &["accounting", "finance", "tax"],
    kk: Texts {
        prof: &[
            "аудитор",
            "мемлекеттік аудитор",
            "ішкі аудитор",
            "тексеруші-ревизор",
        ],
        unit: &["ішкі мемлекеттік аудит", "мемлекеттік аудит", "ішкі аудит"],
        duty: &[
            "бюджет қаражатының пайдаланылуына мемлекеттік аудит жүргізу",
            "аудиторлық есептер мен қорытындылар дайындау",
            "бұзушылықтарды жою жөніндегі ұсынымдардың орындалуын бақылау",
            "тәуекелдерді талдау және аудит жоспарын жасау",
            "камералдық бақылау",
        ],
        skill: &[
            "мемлекеттік аудит стандарттары",
            "қаржылық талдау",
            "Бюджет кодексі",
            "ХҚЕС",
        ],
        spec: &["Есеп және аудит", "Қаржы", "Мемлекеттік аудит"],
        inst: &["Қазақ экономика, қаржы және халықаралық сауда университеті"],
    },
    ru: Texts {
        prof: &[
            "аудитор",
            "государственный аудитор",
            "внутренний аудитор",
            "ревизор",
        ],
        unit: &[
            "внутреннего государственного аудита",
            "государственного аудита",
            "внутреннего аудита",
        ],
        duty: &[
            "проведение государственного аудита использования бюджетных средств",
            "подготовка аудиторских отчётов и заключений",
            "контроль исполнения рекомендаций по устранению нарушений",
            "анализ рисков и составление плана аудита",
            "камеральный контроль",
        ],
        skill: &[
            "стандарты государственного аудита",
            "финансовый анализ",
            "Бюджетный кодекс",
            "МСФО",
        ],
        spec: &["Учёт и аудит", "Финансы", "Государственный аудит"],
        inst: &["Казахский университет экономики, финансов и международной торговли"],
    },
    en: Texts {
        prof: &["auditor", "state auditor", "internal auditor"],
        unit: &["internal state audit", "state audit", "internal audit"],
        duty: &[
            "auditing the use of budget funds",
            "writing audit reports and findings",
            "following up audit recommendations",
            "risk analysis and audit planning",
            "desk audits",
        ],
        skill: &[
            "public-sector audit standards",
            "financial analysis",
            "Budget Code",
            "IFRS",
        ],
        spec: &["Accounting and Audit", "Finance", "State Audit"],
        inst: &["Kazakh University of Economics, Finance and International Trade"],
    },
};

static STATISTICS: Family = Family {
    code: "statistics",
    related: &["economy", "it"],
    kk: Texts {
        prof: &["статист", "деректер талдаушысы", "статистика жөніндегі маман"],
        unit: &["статистика", "әлеуметтік және демографиялық статистика", "деректерді талдау"],
        duty: &[
            "жалпымемлекеттік статистикалық байқауларды жүргізу",
            "статистикалық деректерді жинау және өңдеу",
            "респонденттермен жұмыс",
            "статистикалық бюллетеньдер дайындау",
            "деректердің сапасын бақылау",
        ],
        skill: &["статистикалық талдау", "SPSS", "Excel", "іріктемелі зерттеулер", "SQL"],
        spec: &["Статистика", "Математика", "Экономика"],
        inst: &["Әл-Фараби атындағы Қазақ ұлттық университеті, механика-математика факультеті"],
    },
    ru: Texts {
        prof: &["статистик", "аналитик данных", "специалист по статистике"],
        unit: &["статистики", "социальной и демографической статистики", "анализа данных"],
        duty: &[
            "проведение общегосударственных статистических наблюдений",
            "сбор и обработка статистических данных",
            "работа с респондентами",
            "подготовка статистических бюллетеней",
            "контроль качества данных",
        ],
        skill: &["статистический анализ", "SPSS", "Excel", "выборочные обследования", "SQL"],
        spec: &["Статистика", "Математика", "Экономика"],
        inst: &["Казахский национальный университет имени аль-Фараби, механико-математический факультет"],
    },
    en: Texts {
        prof: &["statistician", "data analyst", "statistics officer"],
        unit: &["statistics", "social and demographic statistics", "data analysis"],
        duty: &[
            "running national statistical surveys",
            "collecting and processing statistical data",
            "working with respondents",
            "preparing statistical bulletins",
            "data quality control",
        ],
        skill: &["statistical analysis", "SPSS", "Excel", "sample surveys", "SQL"],
        spec: &["Statistics", "Mathematics", "Economics"],
        inst: &["Al-Farabi Kazakh National University, Faculty of Mechanics and Mathematics"],
    },
};
