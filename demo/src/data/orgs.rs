//! The state bodies that publish vacancies, and which occupation families each hires.
//!
//! Regional bodies are written as templates: `{ru_gen}` is the region in the Russian
//! genitive («Карагандинской области», «города Астаны»), `{ru_dat}` after «по»
//! («по Карагандинской области», «по городу Астане»), `{kk_gen}` the Kazakh genitive
//! («Қарағанды облысының»), `{kk_nom}` the Kazakh nominative («Астана қаласы»),
//! `{en}` the English name. `catalog.rs` fills them per region.

use qabilet_domain::OrganisationKind;
use qabilet_domain::Region;

/// A central state body.
pub(crate) struct CentralBody {
    pub code: &'static str,
    pub kind: OrganisationKind,
    pub kk: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
    pub parent: Option<&'static str>,
    /// Families the body mostly hires, besides the general ones every body has.
    pub families: &'static [&'static str],
}

macro_rules! body {
    ($code:literal, $kind:ident, $parent:expr, $kk:literal, $ru:literal, $en:literal, [$($f:literal),*]) => {
        CentralBody {
            code: $code,
            kind: OrganisationKind::$kind,
            kk: $kk,
            ru: $ru,
            en: $en,
            parent: $parent,
            families: &[$($f),*],
        }
    };
}

pub(crate) static CENTRAL_BODIES: &[CentralBody] = &[
    body!("MF", Ministry, None, "Қазақстан Республикасы Қаржы министрлігі", "Министерство финансов Республики Казахстан", "Ministry of Finance of the Republic of Kazakhstan", ["accounting", "finance", "audit", "procurement"]),
    body!("MJ", Ministry, None, "Қазақстан Республикасы Әділет министрлігі", "Министерство юстиции Республики Казахстан", "Ministry of Justice of the Republic of Kazakhstan", ["law", "civil_registry", "translation"]),
    body!("MNE", Ministry, None, "Қазақстан Республикасы Ұлттық экономика министрлігі", "Министерство национальной экономики Республики Казахстан", "Ministry of National Economy of the Republic of Kazakhstan", ["economy", "finance", "statistics"]),
    body!("MH", Ministry, None, "Қазақстан Республикасы Денсаулық сақтау министрлігі", "Министерство здравоохранения Республики Казахстан", "Ministry of Healthcare of the Republic of Kazakhstan", ["health_admin", "sanitary", "economy"]),
    body!("ME", Ministry, None, "Қазақстан Республикасы Оқу-ағарту министрлігі", "Министерство просвещения Республики Казахстан", "Ministry of Education of the Republic of Kazakhstan", ["education", "social"]),
    body!("MLSP", Ministry, None, "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігі", "Министерство труда и социальной защиты населения Республики Казахстан", "Ministry of Labour and Social Protection of the Population of the Republic of Kazakhstan", ["social", "economy", "statistics"]),
    body!("MA", Ministry, None, "Қазақстан Республикасы Ауыл шаруашылығы министрлігі", "Министерство сельского хозяйства Республики Казахстан", "Ministry of Agriculture of the Republic of Kazakhstan", ["agriculture", "veterinary", "land"]),
    body!("MENR", Ministry, None, "Қазақстан Республикасы Экология және табиғи ресурстар министрлігі", "Министерство экологии и природных ресурсов Республики Казахстан", "Ministry of Ecology and Natural Resources of the Republic of Kazakhstan", ["ecology", "economy"]),
    body!("MEN", Ministry, None, "Қазақстан Республикасы Энергетика министрлігі", "Министерство энергетики Республики Казахстан", "Ministry of Energy of the Republic of Kazakhstan", ["energy", "ecology"]),
    body!("MT", Ministry, None, "Қазақстан Республикасы Көлік министрлігі", "Министерство транспорта Республики Казахстан", "Ministry of Transport of the Republic of Kazakhstan", ["transport", "construction", "economy"]),
    body!("MDD", Ministry, None, "Қазақстан Республикасы Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі", "Министерство цифрового развития, инноваций и аэрокосмической промышленности Республики Казахстан", "Ministry of Digital Development, Innovations and Aerospace Industry of the Republic of Kazakhstan", ["it", "statistics"]),
    body!("MES", Ministry, None, "Қазақстан Республикасы Төтенше жағдайлар министрлігі", "Министерство по чрезвычайным ситуациям Республики Казахстан", "Ministry of Emergency Situations of the Republic of Kazakhstan", ["emergency"]),
    body!("MCI", Ministry, None, "Қазақстан Республикасы Мәдениет және ақпарат министрлігі", "Министерство культуры и информации Республики Казахстан", "Ministry of Culture and Information of the Republic of Kazakhstan", ["culture", "press", "archives"]),
    body!("MTS", Ministry, None, "Қазақстан Республикасы Туризм және спорт министрлігі", "Министерство туризма и спорта Республики Казахстан", "Ministry of Tourism and Sports of the Republic of Kazakhstan", ["tourism", "sport"]),
    body!("MIC", Ministry, None, "Қазақстан Республикасы Өнеркәсіп және құрылыс министрлігі", "Министерство промышленности и строительства Республики Казахстан", "Ministry of Industry and Construction of the Republic of Kazakhstan", ["construction", "architecture", "housing"]),
    body!("ACSA", Agency, None, "Қазақстан Республикасы Мемлекеттік қызмет істері агенттігі", "Агентство Республики Казахстан по делам государственной службы", "Civil Service Affairs Agency of the Republic of Kazakhstan", ["hr", "law", "press"]),
    body!("ACA", Agency, None, "Қазақстан Республикасы Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігі", "Агентство Республики Казахстан по противодействию коррупции", "Anti-Corruption Agency of the Republic of Kazakhstan", ["law", "audit"]),
    body!("BNS", Agency, None, "Қазақстан Республикасы Стратегиялық жоспарлау және реформалар агенттігінің Ұлттық статистика бюросы", "Бюро национальной статистики Агентства по стратегическому планированию и реформам Республики Казахстан", "Bureau of National Statistics of the Agency for Strategic Planning and Reforms", ["statistics", "it", "economy"]),
    body!("SRC", Committee, Some("MF"), "ҚР Қаржы министрлігінің Мемлекеттік кірістер комитеті", "Комитет государственных доходов Министерства финансов РК", "State Revenue Committee of the Ministry of Finance", ["tax", "customs"]),
    body!("TRC", Committee, Some("MF"), "ҚР Қаржы министрлігінің Қазынашылық комитеті", "Комитет казначейства Министерства финансов РК", "Treasury Committee of the Ministry of Finance", ["accounting", "finance"]),
    body!("IAC", Committee, Some("MF"), "ҚР Қаржы министрлігінің Ішкі мемлекеттік аудит комитеті", "Комитет внутреннего государственного аудита Министерства финансов РК", "Internal State Audit Committee of the Ministry of Finance", ["audit", "accounting"]),
    body!("SECC", Committee, Some("MH"), "ҚР Денсаулық сақтау министрлігінің Санитариялық-эпидемиологиялық бақылау комитеті", "Комитет санитарно-эпидемиологического контроля Министерства здравоохранения РК", "Sanitary and Epidemiological Control Committee of the Ministry of Healthcare", ["sanitary"]),
    body!("VCC", Committee, Some("MA"), "ҚР Ауыл шаруашылығы министрлігінің Ветеринариялық бақылау және қадағалау комитеті", "Комитет ветеринарного контроля и надзора Министерства сельского хозяйства РК", "Veterinary Control and Supervision Committee of the Ministry of Agriculture", ["veterinary"]),
    body!("LRC", Committee, Some("MA"), "ҚР Ауыл шаруашылығы министрлігінің Жер ресурстарын басқару комитеті", "Комитет по управлению земельными ресурсами Министерства сельского хозяйства РК", "Land Management Committee of the Ministry of Agriculture", ["land"]),
    body!("ERCC", Committee, Some("MENR"), "ҚР Экология және табиғи ресурстар министрлігінің Экологиялық реттеу және бақылау комитеті", "Комитет экологического регулирования и контроля Министерства экологии и природных ресурсов РК", "Committee for Environmental Regulation and Control", ["ecology"]),
    body!("RSC", Committee, Some("MJ"), "ҚР Әділет министрлігінің Тіркеу қызметі комитеті", "Комитет регистрационной службы Министерства юстиции РК", "Registration Service Committee of the Ministry of Justice", ["civil_registry", "law"]),
    body!("CHC", Committee, Some("MIC"), "ҚР Өнеркәсіп және құрылыс министрлігінің Құрылыс және тұрғын үй-коммуналдық шаруашылық істері комитеті", "Комитет по делам строительства и жилищно-коммунального хозяйства Министерства промышленности и строительства РК", "Committee for Construction, Housing and Utilities", ["construction", "housing", "architecture"]),
    body!("TC", Committee, Some("MT"), "ҚР Көлік министрлігінің Көлік комитеті", "Комитет транспорта Министерства транспорта РК", "Transport Committee of the Ministry of Transport", ["transport"]),
    body!("AC", Committee, Some("MCI"), "ҚР Мәдениет және ақпарат министрлігінің Архив, құжаттама және кітап ісі комитеті", "Комитет архивов, документации и книжного дела Министерства культуры и информации РК", "Committee for Archives, Documentation and Publishing", ["archives", "culture"]),
];

/// A kind of regional body, instantiated once per region.
pub(crate) struct RegionalBody {
    /// Short code; the organisation id is `{code}-{REGION}`.
    pub code: &'static str,
    pub kind: OrganisationKind,
    /// The parent: a central body's code, or `None` for the region's akimat.
    pub parent: Option<&'static str>,
    pub kk: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
    pub families: &'static [&'static str],
    /// Territorial departments of committees use categories C-O; akimat departments D-O.
    pub territorial: bool,
}

macro_rules! regional {
    ($code:literal, $kind:ident, $parent:expr, $terr:literal, $kk:literal, $ru:literal, $en:literal, [$($f:literal),*]) => {
        RegionalBody {
            code: $code,
            kind: OrganisationKind::$kind,
            parent: $parent,
            territorial: $terr,
            kk: $kk,
            ru: $ru,
            en: $en,
            families: &[$($f),*],
        }
    };
}

/// Departments of the region's akimat (parent: the akimat) and territorial departments
/// of committees (parent: the committee).
pub(crate) static REGIONAL_BODIES: &[RegionalBody] = &[
    regional!(
        "EDU",
        Other,
        None,
        false,
        "{kk_gen} білім басқармасы",
        "Управление образования {ru_gen}",
        "Education Department of {en}",
        ["education"]
    ),
    regional!(
        "HLT",
        Other,
        None,
        false,
        "{kk_gen} денсаулық сақтау басқармасы",
        "Управление здравоохранения {ru_gen}",
        "Healthcare Department of {en}",
        ["health_admin"]
    ),
    regional!(
        "AGR",
        Other,
        None,
        false,
        "{kk_gen} ауыл шаруашылығы басқармасы",
        "Управление сельского хозяйства {ru_gen}",
        "Agriculture Department of {en}",
        ["agriculture", "veterinary"]
    ),
    regional!(
        "CNS",
        Other,
        None,
        false,
        "{kk_gen} құрылыс басқармасы",
        "Управление строительства {ru_gen}",
        "Construction Department of {en}",
        ["construction"]
    ),
    regional!(
        "ARC",
        Other,
        None,
        false,
        "{kk_gen} сәулет және қала құрылысы басқармасы",
        "Управление архитектуры и градостроительства {ru_gen}",
        "Architecture and Urban Planning Department of {en}",
        ["architecture", "land"]
    ),
    regional!(
        "NRM",
        Other,
        None,
        false,
        "{kk_gen} табиғи ресурстар және табиғат пайдалануды реттеу басқармасы",
        "Управление природных ресурсов и регулирования природопользования {ru_gen}",
        "Natural Resources Department of {en}",
        ["ecology"]
    ),
    regional!(
        "EMP",
        Other,
        None,
        false,
        "{kk_gen} жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар басқармасы",
        "Управление координации занятости и социальных программ {ru_gen}",
        "Employment and Social Programmes Department of {en}",
        ["social"]
    ),
    regional!(
        "ENH",
        Other,
        None,
        false,
        "{kk_gen} энергетика және тұрғын үй-коммуналдық шаруашылық басқармасы",
        "Управление энергетики и жилищно-коммунального хозяйства {ru_gen}",
        "Energy, Housing and Utilities Department of {en}",
        ["energy", "housing"]
    ),
    regional!(
        "TRN",
        Other,
        None,
        false,
        "{kk_gen} жолаушылар көлігі және автомобиль жолдары басқармасы",
        "Управление пассажирского транспорта и автомобильных дорог {ru_gen}",
        "Public Transport and Roads Department of {en}",
        ["transport"]
    ),
    regional!(
        "CUL",
        Other,
        None,
        false,
        "{kk_gen} мәдениет, архивтер және құжаттама басқармасы",
        "Управление культуры, архивов и документации {ru_gen}",
        "Culture, Archives and Documentation Department of {en}",
        ["culture", "archives"]
    ),
    regional!(
        "SPT",
        Other,
        None,
        false,
        "{kk_gen} дене шынықтыру және спорт басқармасы",
        "Управление физической культуры и спорта {ru_gen}",
        "Physical Culture and Sports Department of {en}",
        ["sport", "tourism"]
    ),
    regional!(
        "FIN",
        Other,
        None,
        false,
        "{kk_gen} экономика және бюджеттік жоспарлау басқармасы",
        "Управление экономики и бюджетного планирования {ru_gen}",
        "Economy and Budget Planning Department of {en}",
        ["economy", "finance"]
    ),
    regional!(
        "POL",
        Other,
        None,
        false,
        "{kk_gen} ішкі саясат басқармасы",
        "Управление внутренней политики {ru_gen}",
        "Internal Policy Department of {en}",
        ["press", "translation"]
    ),
    regional!(
        "SRD",
        Committee,
        Some("SRC"),
        true,
        "{kk_nom} бойынша Мемлекеттік кірістер департаменті",
        "Департамент государственных доходов по {ru_dat}",
        "State Revenue Department for {en}",
        ["tax", "customs"]
    ),
    regional!(
        "SED",
        Committee,
        Some("SECC"),
        true,
        "{kk_gen} санитариялық-эпидемиологиялық бақылау департаменті",
        "Департамент санитарно-эпидемиологического контроля {ru_gen}",
        "Sanitary and Epidemiological Control Department of {en}",
        ["sanitary"]
    ),
    regional!(
        "IAD",
        Committee,
        Some("IAC"),
        true,
        "{kk_nom} бойынша ішкі мемлекеттік аудит департаменті",
        "Департамент внутреннего государственного аудита по {ru_dat}",
        "Internal State Audit Department for {en}",
        ["audit"]
    ),
    regional!(
        "ECD",
        Committee,
        Some("ERCC"),
        true,
        "{kk_nom} бойынша экология департаменті",
        "Департамент экологии по {ru_dat}",
        "Ecology Department for {en}",
        ["ecology"]
    ),
    regional!(
        "JUD",
        Committee,
        Some("MJ"),
        true,
        "{kk_gen} әділет департаменті",
        "Департамент юстиции {ru_gen}",
        "Justice Department of {en}",
        ["civil_registry", "law"]
    ),
    regional!(
        "ESD",
        Committee,
        Some("MES"),
        true,
        "{kk_gen} төтенше жағдайлар департаменті",
        "Департамент по чрезвычайным ситуациям {ru_gen}",
        "Emergency Situations Department of {en}",
        ["emergency"]
    ),
];

/// District and city akimats below the regional level (categories E).
pub(crate) struct LocalAkimat {
    pub code: &'static str,
    pub region: Region,
    pub kk: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
}

macro_rules! local {
    ($code:literal, $region:ident, $kk:literal, $ru:literal, $en:literal) => {
        LocalAkimat {
            code: $code,
            region: Region::$region,
            kk: $kk,
            ru: $ru,
            en: $en,
        }
    };
}

pub(crate) static LOCAL_AKIMATS: &[LocalAkimat] = &[
    local!(
        "BURABAY",
        Akmola,
        "Бурабай ауданының әкімдігі",
        "Акимат Бурабайского района",
        "Akimat of Burabay District"
    ),
    local!(
        "KARASAI",
        AlmatyRegion,
        "Қарасай ауданының әкімдігі",
        "Акимат Карасайского района",
        "Akimat of Karasai District"
    ),
    local!(
        "SAIRAM",
        Turkistan,
        "Сайрам ауданының әкімдігі",
        "Акимат Сайрамского района",
        "Akimat of Sairam District"
    ),
    local!(
        "BUKHAR",
        Karaganda,
        "Бұқар жырау ауданының әкімдігі",
        "Акимат Бухар-Жырауского района",
        "Akimat of Bukhar-Zhyrau District"
    ),
    local!(
        "BAIZAK",
        Jambyl,
        "Байзақ ауданының әкімдігі",
        "Акимат Байзакского района",
        "Akimat of Baizak District"
    ),
    local!(
        "KARMAKSHY",
        Kyzylorda,
        "Қармақшы ауданының әкімдігі",
        "Акимат Кармакшинского района",
        "Akimat of Karmakshy District"
    ),
    local!(
        "AKTOBE-CITY",
        Aktobe,
        "Ақтөбе қаласының әкімдігі",
        "Акимат города Актобе",
        "Akimat of Aktobe City"
    ),
    local!(
        "TEMIRTAU",
        Karaganda,
        "Теміртау қаласының әкімдігі",
        "Акимат города Темиртау",
        "Akimat of Temirtau City"
    ),
    local!(
        "EKIBASTUZ",
        Pavlodar,
        "Екібастұз қаласының әкімдігі",
        "Акимат города Экибастуза",
        "Akimat of Ekibastuz City"
    ),
    local!(
        "AKTAU",
        Mangystau,
        "Ақтау қаласының әкімдігі",
        "Акимат города Актау",
        "Akimat of Aktau City"
    ),
    local!(
        "ATYRAU-CITY",
        Atyrau,
        "Атырау қаласының әкімдігі",
        "Акимат города Атырау",
        "Akimat of Atyrau City"
    ),
    local!(
        "PETROPAVL",
        NorthKazakhstan,
        "Петропавл қаласының әкімдігі",
        "Акимат города Петропавловска",
        "Akimat of Petropavl City"
    ),
];

/// Families every body hires for (its own lawyers, accountants, HR, IT, records).
pub(crate) static GENERAL_FAMILIES: &[&str] = &[
    "law",
    "accounting",
    "hr",
    "it",
    "procurement",
    "archives",
    "press",
    "translation",
];
