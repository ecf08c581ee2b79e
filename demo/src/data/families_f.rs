//! Occupation families, part 6: emergencies, archives and records, culture, veterinary.

use super::{Family, Texts};

pub(super) static FAMILIES: &[&Family] = &[&EMERGENCY, &ARCHIVES, &CULTURE, &VETERINARY];

static EMERGENCY: Family = Family {
    code: "emergency",
    related: &["ecology", "transport"],
    kk: Texts {
        prof: &[
            "төтенше жағдайлар жөніндегі маман",
            "құтқарушы",
            "азаматтық қорғау инспекторы",
        ],
        unit: &[
            "азаматтық қорғау",
            "төтенше жағдайлардың алдын алу",
            "өрт қауіпсіздігі",
        ],
        duty: &[
            "төтенше жағдайлардың алдын алу жоспарларын әзірлеу",
            "өрт қауіпсіздігі талаптарының сақталуын тексеру",
            "су тасқынына қарсы іс-шараларды үйлестіру",
            "халықты азаматтық қорғау мәселелеріне оқыту",
            "жедел ақпаратты жинау және талдау",
        ],
        skill: &[
            "азаматтық қорғау",
            "өрт қауіпсіздігі",
            "тәуекелдерді басқару",
            "дағдарыстық жағдайда шешім қабылдау",
        ],
        spec: &[
            "Төтенше жағдайларда қорғау",
            "Өрт қауіпсіздігі",
            "Тіршілік қауіпсіздігі және қоршаған ортаны қорғау",
        ],
        inst: &["Қазақстан Республикасы ТЖМ Көкшетау техникалық институты"],
    },
    ru: Texts {
        prof: &[
            "специалист по чрезвычайным ситуациям",
            "спасатель",
            "инспектор гражданской защиты",
        ],
        unit: &[
            "гражданской защиты",
            "предупреждения чрезвычайных ситуаций",
            "пожарной безопасности",
        ],
        duty: &[
            "разработка планов предупреждения чрезвычайных ситуаций",
            "проверка соблюдения требований пожарной безопасности",
            "координация противопаводковых мероприятий",
            "обучение населения по вопросам гражданской защиты",
            "сбор и анализ оперативной информации",
        ],
        skill: &[
            "гражданская защита",
            "пожарная безопасность",
            "управление рисками",
            "принятие решений в кризисной ситуации",
        ],
        spec: &[
            "Защита в чрезвычайных ситуациях",
            "Пожарная безопасность",
            "Безопасность жизнедеятельности и защита окружающей среды",
        ],
        inst: &["Кокшетауский технический институт МЧС Республики Казахстан"],
    },
    en: Texts {
        prof: &[
            "emergency management specialist",
            "rescuer",
            "civil protection inspector",
        ],
        unit: &["civil protection", "emergency prevention", "fire safety"],
        duty: &[
            "emergency prevention planning",
            "fire safety inspections",
            "coordinating flood response",
            "civil protection training for residents",
            "collecting and analysing incident reports",
        ],
        skill: &[
            "civil protection",
            "fire safety",
            "risk management",
            "crisis decision-making",
        ],
        spec: &[
            "Emergency Protection",
            "Fire Safety",
            "Life Safety and Environmental Protection",
        ],
        inst: &["Kokshetau Technical Institute of the Ministry of Emergency Situations"],
    },
};

static ARCHIVES: Family = Family {
    code: "archives",
    related: &["civil_registry", "hr", "translation"],
    kk: Texts {
        prof: &["архивист", "іс жүргізуші", "құжаттанушы"],
        unit: &[
            "құжаттамалық қамтамасыз ету",
            "іс қағаздарын жүргізу және мұрағат",
            "мұрағат ісі",
        ],
        duty: &[
            "кіріс және шығыс хат-хабарларды тіркеу",
            "құжаттардың орындалуын бақылау",
            "істер номенклатурасын жасау",
            "құжаттарды мемлекеттік мұрағатқа тапсыру",
            "«Е-өтініш» жүйесінде өтініштерді тіркеу",
        ],
        skill: &[
            "іс қағаздарын жүргізу",
            "электрондық құжат айналымы",
            "мұрағат ісі",
            "«Documentolog» жүйесі",
        ],
        spec: &[
            "Мұрағаттану, құжаттану және құжаттаманы қамтамасыз ету",
            "Тарих",
            "Филология",
        ],
        inst: &["Әл-Фараби атындағы Қазақ ұлттық университеті, тарих факультеті"],
    },
    ru: Texts {
        prof: &["архивист", "делопроизводитель", "документовед"],
        unit: &[
            "документационного обеспечения",
            "делопроизводства и архива",
            "архивного дела",
        ],
        duty: &[
            "регистрация входящей и исходящей корреспонденции",
            "контроль исполнения документов",
            "составление номенклатуры дел",
            "передача документов в государственный архив",
            "регистрация обращений в системе «Е-өтініш»",
        ],
        skill: &[
            "делопроизводство",
            "электронный документооборот",
            "архивное дело",
            "СЭД «Documentolog»",
        ],
        spec: &[
            "Архивоведение, документоведение и документационное обеспечение",
            "История",
            "Филология",
        ],
        inst: &["Казахский национальный университет имени аль-Фараби, исторический факультет"],
    },
    en: Texts {
        prof: &["archivist", "records clerk", "records manager"],
        unit: &[
            "records management",
            "document management and archives",
            "archives",
        ],
        duty: &[
            "registering incoming and outgoing correspondence",
            "tracking deadlines for document execution",
            "drawing up the file classification scheme",
            "transferring records to the state archive",
            "registering citizens' appeals in e-Otinish",
        ],
        skill: &[
            "records management",
            "electronic document management",
            "archival science",
            "Documentolog",
        ],
        spec: &[
            "Archival Science and Records Management",
            "History",
            "Philology",
        ],
        inst: &["Al-Farabi Kazakh National University, Faculty of History"],
    },
};

static CULTURE: Family = Family {
    code: "culture",
    related: &["tourism", "press", "education"],
    kk: Texts {
        prof: &[
            "мәдениет қызметкері",
            "мәдени-демалыс жұмысын ұйымдастырушы",
            "кітапханашы",
            "музей қызметкері",
        ],
        unit: &[
            "мәдениет",
            "мәдениет, тілдерді дамыту және мұрағат ісі",
            "тарихи-мәдени мұраны қорғау",
        ],
        duty: &[
            "мерекелік іс-шараларды ұйымдастыру",
            "мәдениет ұйымдарының қызметін үйлестіру",
            "тарихи-мәдени мұра объектілерін есепке алу",
            "шығармашылық ұжымдарды қолдау",
            "кітапханалар мен мұражайлардың жұмысын мониторингтеу",
        ],
        skill: &[
            "мәдени менеджмент",
            "іс-шараларды ұйымдастыру",
            "музей ісі",
            "жобаларды басқару",
        ],
        spec: &[
            "Мәдениеттану",
            "Музей ісі және ескерткіштерді қорғау",
            "Кітапхана ісі",
        ],
        inst: &[
            "Т. Жүргенов атындағы Қазақ ұлттық өнер академиясы",
            "Қазақ ұлттық өнер университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "работник культуры",
            "культорганизатор",
            "библиотекарь",
            "музейный сотрудник",
        ],
        unit: &[
            "культуры",
            "культуры, развития языков и архивного дела",
            "охраны историко-культурного наследия",
        ],
        duty: &[
            "организация праздничных мероприятий",
            "координация деятельности организаций культуры",
            "учёт объектов историко-культурного наследия",
            "поддержка творческих коллективов",
            "мониторинг работы библиотек и музеев",
        ],
        skill: &[
            "культурный менеджмент",
            "организация мероприятий",
            "музейное дело",
            "управление проектами",
        ],
        spec: &[
            "Культурология",
            "Музейное дело и охрана памятников",
            "Библиотечное дело",
        ],
        inst: &[
            "Казахская национальная академия искусств имени Т. Жургенова",
            "Казахский национальный университет искусств",
        ],
    },
    en: Texts {
        prof: &[
            "culture officer",
            "events organiser",
            "librarian",
            "museum curator",
        ],
        unit: &[
            "culture",
            "culture and languages",
            "cultural heritage protection",
        ],
        duty: &[
            "organising public holidays and festivals",
            "coordinating theatres, libraries and museums",
            "registering heritage sites",
            "supporting amateur arts groups",
            "monitoring libraries and museums",
        ],
        skill: &[
            "cultural management",
            "event management",
            "museum studies",
            "project management",
        ],
        spec: &[
            "Cultural Studies",
            "Museum Studies and Heritage Conservation",
            "Library Science",
        ],
        inst: &[
            "Zhurgenov Kazakh National Academy of Arts",
            "Kazakh National University of Arts",
        ],
    },
};

static VETERINARY: Family = Family {
    code: "veterinary",
    related: &["agriculture", "sanitary"],
    kk: Texts {
        prof: &[
            "ветеринариялық дәрігер",
            "ветеринариялық инспектор",
            "ветеринар",
        ],
        unit: &[
            "ветеринария",
            "ветеринариялық бақылау және қадағалау",
            "ветеринариялық қауіпсіздік",
        ],
        duty: &[
            "жануарларды бірдейлендіруді ұйымдастыру",
            "эпизоотиялық жағдайды мониторингтеу",
            "ветеринариялық-санитариялық бақылау жүргізу",
            "профилактикалық егулерді ұйымдастыру",
            "ветеринариялық құжаттар беру",
        ],
        skill: &[
            "ветеринария",
            "эпизоотология",
            "«Ветеринария туралы» Заң",
            "жануарларды бірдейлендіру",
        ],
        spec: &[
            "Ветеринариялық медицина",
            "Ветеринариялық санитария",
            "Зоотехния",
        ],
        inst: &[
            "Қазақ ұлттық аграрлық зерттеу университеті, ветеринария факультеті",
            "Жәңгір хан атындағы Батыс Қазақстан аграрлық-техникалық университеті",
        ],
    },
    ru: Texts {
        prof: &["ветеринарный врач", "ветеринарный инспектор", "ветврач"],
        unit: &[
            "ветеринарии",
            "ветеринарного контроля и надзора",
            "ветеринарной безопасности",
        ],
        duty: &[
            "организация идентификации животных",
            "мониторинг эпизоотической ситуации",
            "ветеринарно-санитарный контроль",
            "организация профилактических прививок",
            "выдача ветеринарных документов",
        ],
        skill: &[
            "ветеринария",
            "эпизоотология",
            "Закон «О ветеринарии»",
            "идентификация животных",
        ],
        spec: &[
            "Ветеринарная медицина",
            "Ветеринарная санитария",
            "Зоотехния",
        ],
        inst: &[
            "Казахский национальный аграрный исследовательский университет, факультет ветеринарии",
            "Западно-Казахстанский аграрно-технический университет имени Жангир хана",
        ],
    },
    en: Texts {
        prof: &["veterinarian", "veterinary inspector", "veterinary surgeon"],
        unit: &[
            "veterinary services",
            "veterinary control and supervision",
            "veterinary safety",
        ],
        duty: &[
            "organising livestock identification",
            "monitoring animal disease outbreaks",
            "veterinary and sanitary control",
            "organising preventive vaccinations",
            "issuing veterinary certificates",
        ],
        skill: &[
            "veterinary medicine",
            "epizootology",
            "veterinary law",
            "animal identification",
        ],
        spec: &[
            "Veterinary Medicine",
            "Veterinary Sanitation",
            "Animal Science",
        ],
        inst: &[
            "Kazakh National Agrarian Research University, Faculty of Veterinary Medicine",
            "Zhangir Khan West Kazakhstan Agrarian-Technical University",
        ],
    },
};
