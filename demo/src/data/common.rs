//! Phrases shared by all occupations: post ranks, civil-service competencies, general
//! skills, universities, company names and sentence pieces.

/// Post ranks, from head of a unit to specialist, with the unit word they govern.
/// Central bodies have «управление/басқарма» and experts; local and territorial bodies
/// have «отдел/бөлім» and specialists, as in the real register of posts.
pub(crate) struct Rank {
    /// Russian: "{rank} {unit_word} {unit}", e.g. «Главный эксперт управления …».
    pub ru: &'static str,
    /// Kazakh: "{unit} {unit_word_gen} {rank}", e.g. «… бөлімінің бас маманы».
    pub kk: &'static str,
    /// English: "{rank}, {Unit} {Division}".
    pub en: &'static str,
}

/// Ranks in central bodies (ministries, agencies, committees): head, chief expert, expert.
pub(crate) static CENTRAL_RANKS: [Rank; 3] = [
    Rank {
        ru: "Руководитель",
        kk: "басшысы",
        en: "Head",
    },
    Rank {
        ru: "Главный эксперт",
        kk: "бас сарапшысы",
        en: "Chief Expert",
    },
    Rank {
        ru: "Эксперт",
        kk: "сарапшысы",
        en: "Expert",
    },
];

/// Ranks in local and territorial bodies: head, chief specialist, leading specialist.
pub(crate) static LOCAL_RANKS: [Rank; 3] = [
    Rank {
        ru: "Руководитель",
        kk: "басшысы",
        en: "Head",
    },
    Rank {
        ru: "Главный специалист",
        kk: "бас маманы",
        en: "Chief Specialist",
    },
    Rank {
        ru: "Ведущий специалист",
        kk: "жетекші маманы",
        en: "Leading Specialist",
    },
];

/// Behavioural competencies of the civil-service competency model (the same index
/// means the same competency in every language).
pub(crate) static COMPETENCIES_KK: &[&str] = &[
    "Стратегиялық ойлау",
    "Шешім қабылдау",
    "Қызмет тұтынушысына бағдарлану",
    "Ынтымақтастық",
    "Мемлекеттік органдармен өзара іс-қимыл",
    "Өзгерістерді басқару",
    "Жауапкершілік",
    "Бастамашылдық",
    "Күйзеліске төзімділік",
    "Адалдық",
    "Өзін-өзі дамыту",
];
pub(crate) static COMPETENCIES_RU: &[&str] = &[
    "Стратегическое мышление",
    "Принятие решений",
    "Ориентация на потребителя услуг",
    "Сотрудничество",
    "Взаимодействие с государственными органами",
    "Управление изменениями",
    "Ответственность",
    "Инициативность",
    "Стрессоустойчивость",
    "Добропорядочность",
    "Саморазвитие",
];
pub(crate) static COMPETENCIES_EN: &[&str] = &[
    "Strategic thinking",
    "Decision-making",
    "Service orientation",
    "Collaboration",
    "Working with other state bodies",
    "Managing change",
    "Accountability",
    "Initiative",
    "Stress resilience",
    "Integrity",
    "Self-development",
];

/// Skills nearly every office worker lists.
pub(crate) static GENERAL_SKILLS_KK: &[&str] = &[
    "MS Office",
    "құжаттармен жұмыс",
    "іскерлік хат жазу",
    "командада жұмыс істеу",
    "талдамалық ойлау",
];
pub(crate) static GENERAL_SKILLS_RU: &[&str] = &[
    "MS Office",
    "работа с документами",
    "деловая переписка",
    "работа в команде",
    "аналитическое мышление",
];
pub(crate) static GENERAL_SKILLS_EN: &[&str] = &[
    "MS Office",
    "document drafting",
    "business correspondence",
    "teamwork",
    "analytical thinking",
];

/// Universities that teach almost everything, for any family.
pub(crate) static UNIVERSITIES_KK: &[&str] = &[
    "Л.Н. Гумилев атындағы Еуразия ұлттық университеті",
    "Әл-Фараби атындағы Қазақ ұлттық университеті",
    "Е.А. Бөкетов атындағы Қарағанды университеті",
    "М. Әуезов атындағы Оңтүстік Қазақстан университеті",
    "Қ. Жұбанов атындағы Ақтөбе өңірлік университеті",
    "Ш. Уәлиханов атындағы Көкшетау университеті",
    "Шәкәрім университеті",
    "М. Қозыбаев атындағы Солтүстік Қазақстан университеті",
];
pub(crate) static UNIVERSITIES_RU: &[&str] = &[
    "Евразийский национальный университет имени Л.Н. Гумилева",
    "Казахский национальный университет имени аль-Фараби",
    "Карагандинский университет имени Е.А. Букетова",
    "Южно-Казахстанский университет имени М. Ауэзова",
    "Актюбинский региональный университет имени К. Жубанова",
    "Кокшетауский университет имени Ш. Уалиханова",
    "Университет имени Шакарима",
    "Северо-Казахстанский университет имени М. Козыбаева",
];
pub(crate) static UNIVERSITIES_EN: &[&str] = &[
    "L.N. Gumilyov Eurasian National University",
    "Al-Farabi Kazakh National University",
    "Buketov Karaganda University",
    "M. Auezov South Kazakhstan University",
    "K. Zhubanov Aktobe Regional University",
    "Sh. Ualikhanov Kokshetau University",
    "Shakarim University",
    "M. Kozybayev North Kazakhstan University",
];

/// Colleges for technical and vocational education (ТиПО).
pub(crate) static COLLEGES_KK: &[&str] = &[
    "Астана политехникалық колледжі",
    "Қарағанды экономикалық колледжі",
    "Шымкент жоғары аграрлық колледжі",
];
pub(crate) static COLLEGES_RU: &[&str] = &[
    "Астанинский политехнический колледж",
    "Карагандинский экономический колледж",
    "Шымкентский высший аграрный колледж",
];
pub(crate) static COLLEGES_EN: &[&str] = &[
    "Astana Polytechnic College",
    "Karaganda College of Economics",
    "Shymkent Higher Agrarian College",
];

/// Words for private employers: legal form and a name.
pub(crate) static COMPANY_FORMS_KK: &[&str] = &["ЖШС", "АҚ", "ЖК"];
pub(crate) static COMPANY_FORMS_RU: &[&str] = &["ТОО", "АО", "ИП"];
pub(crate) static COMPANY_FORMS_EN: &[&str] = &["LLP", "JSC"];
pub(crate) static COMPANY_NAMES: &[&str] = &[
    "Altyn Dala",
    "KazService",
    "Samruk Consulting",
    "Qazaq Build",
    "Steppe Logistics",
    "Nur Invest",
    "Ertis Group",
    "Asia Trade",
    "Baiterek Audit",
    "Digital Qazaqstan",
    "Tulpar Agro",
    "Kaspiy Energy",
    "Sary-Arka Media",
    "Zhetysu Tour",
];

/// Non-profit employers.
pub(crate) static NGOS_KK: &[&str] = &["«Жастар орталығы» ҚБ", "«Қамқор» қоғамдық қоры"];
pub(crate) static NGOS_RU: &[&str] = &["ОО «Молодёжный центр»", "Общественный фонд «Камкор»"];
pub(crate) static NGOS_EN: &[&str] = &["Youth Centre NGO", "Kamkor Public Foundation"];
