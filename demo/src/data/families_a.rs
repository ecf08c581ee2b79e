//! Occupation families, part 1: law, accounting, economics, IT, HR, procurement.

use super::{Family, Texts};

pub(super) static FAMILIES: &[&Family] = &[&LAW, &ACCOUNTING, &ECONOMY, &IT, &HR, &PROCUREMENT];

static LAW: Family = Family {
    code: "law",
    related: &["civil_registry", "procurement", "hr"],
    kk: Texts {
        prof: &["заңгер", "заң кеңесшісі", "құқықтанушы"],
        unit: &["заң", "құқықтық қамтамасыз ету", "құқықтық жұмыс"],
        duty: &[
            "нормативтік құқықтық актілердің жобаларына құқықтық сараптама жүргізу",
            "сотта ұйымның мүддесін білдіру",
            "шарттарды заңдылыққа тексеру",
            "азаматтардың өтініштеріне құқықтық түсініктеме беру",
            "талап-арыз және сот құжаттарын дайындау",
            "бұйрықтардың Қазақстан Республикасының заңнамасына сәйкестігін тексеру",
        ],
        skill: &[
            "азаматтық құқық",
            "әкімшілік құқық",
            "сот ісін жүргізу",
            "нормативтік құқықтық актілермен жұмыс",
            "«Әділет» ақпараттық-құқықтық жүйесі",
        ],
        spec: &["Құқықтану", "Халықаралық құқық", "Құқық қорғау қызметі"],
        inst: &[
            "Қазақ гуманитарлық заң университеті",
            "Әл-Фараби атындағы Қазақ ұлттық университеті, заң факультеті",
        ],
    },
    ru: Texts {
        prof: &["юрист", "юрисконсульт", "правовед", "ведущий юрист"],
        unit: &[
            "правового обеспечения",
            "юридической службы",
            "правовой работы",
        ],
        duty: &[
            "проведение правовой экспертизы проектов нормативных правовых актов",
            "представление интересов организации в судах",
            "правовая экспертиза договоров",
            "подготовка исковых заявлений и отзывов",
            "консультирование сотрудников по правовым вопросам",
            "проверка приказов на соответствие законодательству Республики Казахстан",
        ],
        skill: &[
            "гражданское право",
            "административное право",
            "судебная практика",
            "нормотворческая деятельность",
            "ИПС «Әділет»",
        ],
        spec: &[
            "Юриспруденция",
            "Международное право",
            "Правоохранительная деятельность",
        ],
        inst: &[
            "Казахский гуманитарно-юридический университет",
            "Университет КАЗГЮУ имени М.С. Нарикбаева",
        ],
    },
    en: Texts {
        prof: &["lawyer", "legal counsel", "legal adviser"],
        unit: &["legal support", "legal affairs", "legal services"],
        duty: &[
            "legal review of draft regulations",
            "representing the organisation in court",
            "reviewing contracts for compliance with the law",
            "drafting statements of claim and court submissions",
            "advising staff on legal matters",
        ],
        skill: &[
            "civil law",
            "administrative law",
            "litigation",
            "legislative drafting",
            "legal research",
        ],
        spec: &["Law", "International Law", "Law Enforcement"],
        inst: &[
            "Maqsut Narikbayev University",
            "KIMEP University, School of Law",
        ],
    },
};

static ACCOUNTING: Family = Family {
    code: "accounting",
    related: &["finance", "audit", "tax"],
    kk: Texts {
        prof: &["бухгалтер", "бас бухгалтер", "есепші"],
        unit: &[
            "бухгалтерлік есеп және есептілік",
            "бухгалтерлік есеп",
            "қаржылық қамтамасыз ету және бухгалтерлік есеп",
        ],
        duty: &[
            "бухгалтерлік есепті жүргізу",
            "қаржылық есептілікті жасау және тапсыру",
            "жалақыны есептеу",
            "бастапқы құжаттарды өңдеу",
            "негізгі құралдарды түгендеу",
            "қазынашылық органдарымен салыстыру актілерін жасау",
        ],
        skill: &[
            "1С: Бухгалтерия",
            "ХҚЕС",
            "мемлекеттік сектордағы есеп",
            "салық заңнамасы",
            "Excel",
        ],
        spec: &["Есеп және аудит", "Қаржы", "Экономика"],
        inst: &[
            "Тұран университеті",
            "Қазақ экономика, қаржы және халықаралық сауда университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "бухгалтер",
            "главный бухгалтер",
            "бухгалтер-кассир",
            "бухгалтер по заработной плате",
        ],
        unit: &[
            "бухгалтерского учёта и отчётности",
            "бухгалтерского учета",
            "финансового обеспечения и бухгалтерского учёта",
        ],
        duty: &[
            "ведение бухгалтерского учёта",
            "составление и сдача финансовой отчётности",
            "начисление заработной платы",
            "обработка первичной документации",
            "инвентаризация основных средств",
            "сверка с органами казначейства",
        ],
        skill: &[
            "1С:Бухгалтерия",
            "МСФО",
            "МСФО ОС",
            "налоговое законодательство",
            "Excel",
        ],
        spec: &["Учёт и аудит", "Финансы", "Экономика"],
        inst: &[
            "Университет «Туран»",
            "Казахский университет экономики, финансов и международной торговли",
        ],
    },
    en: Texts {
        prof: &["accountant", "chief accountant", "payroll accountant"],
        unit: &[
            "accounting and reporting",
            "accounting",
            "finance and accounting",
        ],
        duty: &[
            "maintaining accounting records",
            "preparing and submitting financial statements",
            "payroll calculation",
            "processing source documents",
            "inventory of fixed assets",
            "reconciliations with the treasury",
        ],
        skill: &["1C Accounting", "IFRS", "IPSAS", "tax legislation", "Excel"],
        spec: &["Accounting and Audit", "Finance", "Economics"],
        inst: &[
            "Turan University",
            "Kazakh University of Economics, Finance and International Trade",
        ],
    },
};

static ECONOMY: Family = Family {
    code: "economy",
    related: &["finance", "statistics"],
    kk: Texts {
        prof: &["экономист", "бас экономист", "талдаушы-экономист"],
        unit: &[
            "экономикалық талдау және жоспарлау",
            "стратегиялық жоспарлау",
            "экономика",
        ],
        duty: &[
            "өңірдің әлеуметтік-экономикалық даму көрсеткіштерін талдау",
            "стратегиялық жоспарды әзірлеуге қатысу",
            "мемлекеттік бағдарламалардың іске асырылуын бағалау",
            "экономикалық болжамдар жасау",
            "талдамалық анықтамалар дайындау",
        ],
        skill: &[
            "экономикалық талдау",
            "болжау",
            "стратегиялық жоспарлау",
            "Excel",
            "мемлекеттік жоспарлау жүйесі",
        ],
        spec: &[
            "Экономика",
            "Мемлекеттік және жергілікті басқару",
            "Менеджмент",
        ],
        inst: &["Нархоз университеті", "Қазақ экономикалық университеті"],
    },
    ru: Texts {
        prof: &["экономист", "ведущий экономист", "аналитик-экономист"],
        unit: &[
            "экономического анализа и планирования",
            "стратегического планирования",
            "экономики",
        ],
        duty: &[
            "анализ показателей социально-экономического развития региона",
            "участие в разработке стратегического плана",
            "мониторинг реализации государственных программ",
            "подготовка экономических прогнозов",
            "подготовка аналитических справок",
        ],
        skill: &[
            "экономический анализ",
            "прогнозирование",
            "стратегическое планирование",
            "Excel",
            "система государственного планирования",
        ],
        spec: &[
            "Экономика",
            "Государственное и местное управление",
            "Менеджмент",
        ],
        inst: &[
            "Университет Нархоз",
            "Казахский экономический университет имени Т. Рыскулова",
        ],
    },
    en: Texts {
        prof: &["economist", "senior economist", "economic analyst"],
        unit: &[
            "economic analysis and planning",
            "strategic planning",
            "economic policy",
        ],
        duty: &[
            "analysing regional socio-economic indicators",
            "contributing to the strategic plan",
            "monitoring the implementation of state programmes",
            "preparing economic forecasts",
            "writing analytical briefs",
        ],
        skill: &[
            "economic analysis",
            "forecasting",
            "strategic planning",
            "Excel",
            "state planning system",
        ],
        spec: &["Economics", "Public Administration", "Management"],
        inst: &[
            "Narxoz University",
            "Academy of Public Administration under the President of Kazakhstan",
        ],
    },
};

static IT: Family = Family {
    code: "it",
    related: &["statistics", "archives"],
    kk: Texts {
        prof: &[
            "бағдарламашы",
            "жүйелік әкімші",
            "IT маманы",
            "ақпараттық жүйелер жөніндегі маман",
        ],
        unit: &[
            "ақпараттық технологиялар",
            "цифрландыру",
            "ақпараттық қауіпсіздік",
        ],
        duty: &[
            "ақпараттық жүйелердің жұмысын сүйемелдеу",
            "серверлер мен желілік жабдықты әкімшілендіру",
            "ақпараттық қауіпсіздікті қамтамасыз ету",
            "мемлекеттік қызметтерді цифрландыру жобаларына қатысу",
            "пайдаланушыларға техникалық қолдау көрсету",
        ],
        skill: &[
            "Linux",
            "SQL",
            "желілік технологиялар",
            "ақпараттық қауіпсіздік",
            "Python",
            "электрондық үкімет",
        ],
        spec: &[
            "Ақпараттық жүйелер",
            "Есептеу техникасы және бағдарламалық қамтамасыз ету",
            "Ақпараттық қауіпсіздік жүйелері",
        ],
        inst: &[
            "Халықаралық ақпараттық технологиялар университеті",
            "Астана IT университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "программист",
            "системный администратор",
            "IT-специалист",
            "инженер-программист",
        ],
        unit: &[
            "информационных технологий",
            "цифровизации",
            "информационной безопасности",
        ],
        duty: &[
            "сопровождение информационных систем",
            "администрирование серверов и сетевого оборудования",
            "обеспечение информационной безопасности",
            "участие в проектах по цифровизации государственных услуг",
            "техническая поддержка пользователей",
        ],
        skill: &[
            "Linux",
            "SQL",
            "сетевые технологии",
            "информационная безопасность",
            "Python",
            "электронное правительство",
        ],
        spec: &[
            "Информационные системы",
            "Вычислительная техника и программное обеспечение",
            "Системы информационной безопасности",
        ],
        inst: &[
            "Международный университет информационных технологий",
            "Astana IT University",
        ],
    },
    en: Texts {
        prof: &[
            "software developer",
            "system administrator",
            "IT specialist",
            "network engineer",
        ],
        unit: &[
            "information technology",
            "digitalisation",
            "information security",
        ],
        duty: &[
            "supporting information systems",
            "administering servers and network equipment",
            "ensuring information security",
            "digitalisation of public services",
            "user technical support",
        ],
        skill: &[
            "Linux",
            "SQL",
            "networking",
            "cybersecurity",
            "Python",
            "e-government",
        ],
        spec: &[
            "Information Systems",
            "Computer Engineering and Software",
            "Information Security Systems",
        ],
        inst: &["International IT University", "Astana IT University"],
    },
};

static HR: Family = Family {
    code: "hr",
    related: &["law", "archives"],
    kk: Texts {
        prof: &[
            "кадр жөніндегі инспектор",
            "HR маманы",
            "персоналды басқару жөніндегі маман",
        ],
        unit: &[
            "персоналды басқару",
            "кадр жұмысы",
            "персоналды басқару қызметі",
        ],
        duty: &[
            "конкурстық іріктеуді ұйымдастыру",
            "жеке істерді жүргізу",
            "мемлекеттік қызметшілерді бағалауды ұйымдастыру",
            "кадрлар бойынша бұйрықтардың жобаларын дайындау",
            "біліктілікті арттыруды жоспарлау",
        ],
        skill: &[
            "еңбек заңнамасы",
            "«Мемлекеттік қызмет туралы» Заң",
            "e-Qyzmet",
            "іс қағаздарын жүргізу",
            "тұлғааралық қарым-қатынас",
        ],
        spec: &[
            "Мемлекеттік және жергілікті басқару",
            "Құқықтану",
            "Психология",
        ],
        inst: &["Қазақстан Республикасы Президентінің жанындағы Мемлекеттік басқару академиясы"],
    },
    ru: Texts {
        prof: &[
            "инспектор по кадрам",
            "HR-менеджер",
            "специалист по управлению персоналом",
        ],
        unit: &[
            "управления персоналом",
            "кадровой работы",
            "службы управления персоналом",
        ],
        duty: &[
            "организация конкурсного отбора",
            "ведение личных дел",
            "организация оценки деятельности государственных служащих",
            "подготовка проектов приказов по личному составу",
            "планирование повышения квалификации",
        ],
        skill: &[
            "трудовое законодательство",
            "Закон «О государственной службе»",
            "e-Qyzmet",
            "кадровое делопроизводство",
            "коммуникабельность",
        ],
        spec: &[
            "Государственное и местное управление",
            "Юриспруденция",
            "Психология",
        ],
        inst: &["Академия государственного управления при Президенте Республики Казахстан"],
    },
    en: Texts {
        prof: &["HR officer", "HR specialist", "personnel manager"],
        unit: &["human resources", "personnel management", "HR service"],
        duty: &[
            "organising competitive selection",
            "maintaining personnel files",
            "organising performance appraisal of civil servants",
            "drafting personnel orders",
            "planning staff training",
        ],
        skill: &[
            "labour law",
            "civil service law",
            "e-Qyzmet",
            "HR records management",
            "interpersonal skills",
        ],
        spec: &["Public Administration", "Law", "Psychology"],
        inst: &["Academy of Public Administration under the President of Kazakhstan"],
    },
};

static PROCUREMENT: Family = Family {
    code: "procurement",
    related: &["law", "accounting", "finance"],
    kk: Texts {
        prof: &[
            "мемлекеттік сатып алу жөніндегі маман",
            "сатып алу менеджері",
        ],
        unit: &[
            "мемлекеттік сатып алу",
            "мемлекеттік сатып алуды ұйымдастыру",
        ],
        duty: &[
            "мемлекеттік сатып алуды ұйымдастыру және өткізу",
            "мемлекеттік сатып алудың жылдық жоспарын жасау",
            "техникалық ерекшеліктерді дайындау",
            "шарттардың орындалуын бақылау",
            "конкурстық құжаттаманы әзірлеу",
        ],
        skill: &[
            "«Мемлекеттік сатып алу туралы» Заң",
            "goszakup.gov.kz веб-порталы",
            "шарттық жұмыс",
            "Excel",
        ],
        spec: &["Экономика", "Құқықтану", "Логистика"],
        inst: &["Қазақ экономикалық университеті"],
    },
    ru: Texts {
        prof: &[
            "специалист по государственным закупкам",
            "менеджер по закупкам",
        ],
        unit: &[
            "государственных закупок",
            "организации государственных закупок",
        ],
        duty: &[
            "организация и проведение государственных закупок",
            "составление годового плана государственных закупок",
            "подготовка технических спецификаций",
            "контроль исполнения договоров",
            "разработка конкурсной документации",
        ],
        skill: &[
            "Закон «О государственных закупках»",
            "веб-портал госзакупок",
            "договорная работа",
            "Excel",
        ],
        spec: &["Экономика", "Юриспруденция", "Логистика"],
        inst: &["Казахский экономический университет имени Т. Рыскулова"],
    },
    en: Texts {
        prof: &[
            "procurement specialist",
            "procurement officer",
            "purchasing manager",
        ],
        unit: &["public procurement", "procurement"],
        duty: &[
            "organising public procurement procedures",
            "drawing up the annual procurement plan",
            "preparing technical specifications",
            "monitoring contract performance",
            "preparing tender documents",
        ],
        skill: &[
            "public procurement law",
            "e-procurement portal",
            "contract management",
            "Excel",
        ],
        spec: &["Economics", "Law", "Logistics"],
        inst: &["Kazakh Economic University"],
    },
};
