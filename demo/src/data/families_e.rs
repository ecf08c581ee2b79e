//! Occupation families, part 5: education, sanitary inspection, social work,
//! healthcare administration.

use super::{Family, Texts};

pub(super) static FAMILIES: &[&Family] = &[&EDUCATION, &SANITARY, &SOCIAL, &HEALTH_ADMIN];

static EDUCATION: Family = Family {
    code: "education",
    related: &["social", "culture", "sport"],
    kk: Texts {
        prof: &[
            "мұғалім",
            "әдіскер",
            "білім беру бөлімінің әдіскері",
            "педагог",
        ],
        unit: &[
            "білім беру",
            "мектепке дейінгі және орта білім",
            "білім беру сапасын бағалау",
        ],
        duty: &[
            "білім беру ұйымдарының қызметін мониторингтеу",
            "мектептерге әдістемелік көмек көрсету",
            "ұлттық бірыңғай тестілеуді ұйымдастыру",
            "педагогтерді аттестаттауды өткізу",
            "оқулықтармен қамтамасыз етуді бақылау",
        ],
        skill: &[
            "педагогика",
            "білім беру менеджменті",
            "әдістемелік жұмыс",
            "«Білім туралы» Заң",
        ],
        spec: &[
            "Педагогика және психология",
            "Бастауыш оқытудың педагогикасы мен әдістемесі",
            "Математика",
        ],
        inst: &[
            "Абай атындағы Қазақ ұлттық педагогикалық университеті",
            "Қазақ ұлттық қыздар педагогикалық университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "учитель",
            "методист",
            "педагог",
            "методист отдела образования",
        ],
        unit: &[
            "образования",
            "дошкольного и среднего образования",
            "оценки качества образования",
        ],
        duty: &[
            "мониторинг деятельности организаций образования",
            "методическая помощь школам",
            "организация единого национального тестирования",
            "проведение аттестации педагогов",
            "контроль обеспечения учебниками",
        ],
        skill: &[
            "педагогика",
            "менеджмент в образовании",
            "методическая работа",
            "Закон «Об образовании»",
        ],
        spec: &[
            "Педагогика и психология",
            "Педагогика и методика начального обучения",
            "Математика",
        ],
        inst: &[
            "Казахский национальный педагогический университет имени Абая",
            "Павлодарский педагогический университет",
        ],
    },
    en: Texts {
        prof: &["teacher", "education methodologist", "school teacher"],
        unit: &[
            "education",
            "preschool and secondary education",
            "education quality assessment",
        ],
        duty: &[
            "monitoring schools and kindergartens",
            "methodological support to schools",
            "organising the Unified National Test",
            "teacher certification",
            "monitoring textbook supply",
        ],
        skill: &[
            "pedagogy",
            "education management",
            "curriculum development",
            "education law",
        ],
        spec: &[
            "Pedagogy and Psychology",
            "Primary Education",
            "Mathematics",
        ],
        inst: &[
            "Abai Kazakh National Pedagogical University",
            "Nazarbayev University Graduate School of Education",
        ],
    },
};

static SANITARY: Family = Family {
    code: "sanitary",
    related: &["health_admin", "veterinary", "ecology"],
    kk: Texts {
        prof: &[
            "санитариялық дәрігер",
            "эпидемиолог",
            "санитариялық-эпидемиологиялық бақылау инспекторы",
        ],
        unit: &[
            "санитариялық-эпидемиологиялық бақылау",
            "эпидемиологиялық қадағалау",
        ],
        duty: &[
            "объектілерді санитариялық-эпидемиологиялық тексеру",
            "жұқпалы аурулар ошақтарын эпидемиологиялық тексеру",
            "тағам өнімдерінің қауіпсіздігін бақылау",
            "әкімшілік құқық бұзушылық туралы хаттамалар жасау",
            "санитариялық қағидалардың сақталуын қадағалау",
        ],
        skill: &[
            "эпидемиология",
            "гигиена",
            "санитариялық қағидалар",
            "тәуекелдерді бағалау",
        ],
        spec: &[
            "Медициналық-профилактикалық іс",
            "Қоғамдық денсаулық сақтау",
            "Жалпы медицина",
        ],
        inst: &[
            "С.Ж. Асфендияров атындағы Қазақ ұлттық медицина университеті",
            "Қарағанды медицина университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "санитарный врач",
            "эпидемиолог",
            "главный специалист-санитарный инспектор",
        ],
        unit: &[
            "санитарно-эпидемиологического контроля",
            "эпидемиологического надзора",
        ],
        duty: &[
            "санитарно-эпидемиологические проверки объектов",
            "эпидемиологическое обследование очагов инфекционных заболеваний",
            "контроль безопасности пищевой продукции",
            "составление протоколов об административных правонарушениях",
            "надзор за соблюдением санитарных правил",
        ],
        skill: &[
            "эпидемиология",
            "гигиена",
            "санитарные правила",
            "оценка рисков",
        ],
        spec: &[
            "Медико-профилактическое дело",
            "Общественное здравоохранение",
            "Общая медицина",
        ],
        inst: &[
            "Казахский национальный медицинский университет имени С.Д. Асфендиярова",
            "Медицинский университет Караганды",
        ],
    },
    en: Texts {
        prof: &[
            "sanitary inspector",
            "epidemiologist",
            "public health inspector",
        ],
        unit: &[
            "sanitary and epidemiological control",
            "epidemiological surveillance",
        ],
        duty: &[
            "sanitary inspections of businesses and public facilities",
            "investigating outbreaks of infectious diseases",
            "food safety control",
            "drawing up administrative offence reports",
            "enforcing sanitary regulations",
        ],
        skill: &[
            "epidemiology",
            "hygiene",
            "sanitary regulations",
            "risk assessment",
        ],
        spec: &["Preventive Medicine", "Public Health", "General Medicine"],
        inst: &[
            "Asfendiyarov Kazakh National Medical University",
            "Karaganda Medical University",
        ],
    },
};

static SOCIAL: Family = Family {
    code: "social",
    related: &["education", "health_admin"],
    kk: Texts {
        prof: &[
            "әлеуметтік қызметкер",
            "әлеуметтік жұмыс жөніндегі маман",
            "жұмыспен қамту жөніндегі инспектор",
        ],
        unit: &[
            "жұмыспен қамту және әлеуметтік бағдарламалар",
            "әлеуметтік көмек",
            "халықты әлеуметтік қорғау",
        ],
        duty: &[
            "атаулы әлеуметтік көмек тағайындау",
            "аз қамтылған отбасыларды есепке алу",
            "мүгедектігі бар адамдарды оңалту бағдарламаларын іске асыру",
            "жұмыссыз азаматтарды жұмысқа орналастыруға жәрдемдесу",
            "үйде әлеуметтік қызмет көрсетуді ұйымдастыру",
        ],
        skill: &[
            "әлеуметтік жұмыс",
            "Әлеуметтік кодекс",
            "халықпен жұмыс",
            "жұмыспен қамту бағдарламалары",
        ],
        spec: &["Әлеуметтік жұмыс", "Психология", "Әлеуметтану"],
        inst: &[
            "Қорқыт Ата атындағы Қызылорда университеті",
            "Е.А. Бөкетов атындағы Қарағанды университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "социальный работник",
            "специалист по социальной работе",
            "инспектор по вопросам занятости",
        ],
        unit: &[
            "занятости и социальных программ",
            "социальной помощи",
            "социальной защиты населения",
        ],
        duty: &[
            "назначение адресной социальной помощи",
            "учёт малообеспеченных семей",
            "реализация программ реабилитации лиц с инвалидностью",
            "содействие трудоустройству безработных граждан",
            "организация социального обслуживания на дому",
        ],
        skill: &[
            "социальная работа",
            "Социальный кодекс",
            "работа с населением",
            "программы занятости",
        ],
        spec: &["Социальная работа", "Психология", "Социология"],
        inst: &[
            "Кызылординский университет имени Коркыт Ата",
            "Карагандинский университет имени Е.А. Букетова",
        ],
    },
    en: Texts {
        prof: &["social worker", "case manager", "employment officer"],
        unit: &[
            "employment and social programmes",
            "social assistance",
            "social protection",
        ],
        duty: &[
            "assessing eligibility for targeted social assistance",
            "registering low-income families",
            "rehabilitation programmes for persons with disabilities",
            "helping unemployed people find work",
            "organising home care services",
        ],
        skill: &[
            "social work",
            "Social Code",
            "community outreach",
            "employment programmes",
        ],
        spec: &["Social Work", "Psychology", "Sociology"],
        inst: &[
            "Korkyt Ata Kyzylorda University",
            "Buketov Karaganda University",
        ],
    },
};

static HEALTH_ADMIN: Family = Family {
    code: "health_admin",
    related: &["sanitary", "social"],
    kk: Texts {
        prof: &[
            "денсаулық сақтау менеджері",
            "дәрігер-әдіскер",
            "медициналық статистик",
        ],
        unit: &[
            "денсаулық сақтау",
            "медициналық көмекті ұйымдастыру",
            "медициналық көмектің сапасын бақылау",
        ],
        duty: &[
            "медициналық көмектің қолжетімділігі мен сапасын мониторингтеу",
            "медициналық ұйымдардың қызметін үйлестіру",
            "кепілдік берілген тегін медициналық көмек көлемін жоспарлау",
            "азаматтардың денсаулық сақтау мәселелері бойынша өтініштерін қарау",
            "медициналық статистиканы талдау",
        ],
        skill: &[
            "денсаулық сақтау менеджменті",
            "МӘМС",
            "медициналық статистика",
            "«Халық денсаулығы туралы» Кодекс",
        ],
        spec: &[
            "Қоғамдық денсаулық сақтау",
            "Жалпы медицина",
            "Денсаулық сақтаудағы менеджмент",
        ],
        inst: &[
            "Астана медицина университеті",
            "Қазақстан-Ресей медициналық университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "менеджер здравоохранения",
            "врач-методист",
            "медицинский статистик",
        ],
        unit: &[
            "здравоохранения",
            "организации медицинской помощи",
            "контроля качества медицинской помощи",
        ],
        duty: &[
            "мониторинг доступности и качества медицинской помощи",
            "координация деятельности медицинских организаций",
            "планирование объёмов гарантированной бесплатной медицинской помощи",
            "рассмотрение обращений граждан по вопросам здравоохранения",
            "анализ медицинской статистики",
        ],
        skill: &[
            "менеджмент здравоохранения",
            "ОСМС",
            "медицинская статистика",
            "Кодекс «О здоровье народа»",
        ],
        spec: &[
            "Общественное здравоохранение",
            "Общая медицина",
            "Менеджмент в здравоохранении",
        ],
        inst: &[
            "Медицинский университет Астана",
            "Казахстанско-Российский медицинский университет",
        ],
    },
    en: Texts {
        prof: &[
            "healthcare manager",
            "medical methodologist",
            "health statistician",
        ],
        unit: &[
            "healthcare",
            "medical care organisation",
            "quality of medical care",
        ],
        duty: &[
            "monitoring access to and quality of medical care",
            "coordinating hospitals and polyclinics",
            "planning the guaranteed free medical care package",
            "handling citizens' healthcare complaints",
            "analysing health statistics",
        ],
        skill: &[
            "healthcare management",
            "mandatory health insurance",
            "health statistics",
            "Health Code",
        ],
        spec: &["Public Health", "General Medicine", "Healthcare Management"],
        inst: &[
            "Astana Medical University",
            "Kazakh-Russian Medical University",
        ],
    },
};
