//! Occupation families, part 3: tax, customs, land relations, architecture, transport,
//! energy.

use super::{Family, Texts};

pub(super) static FAMILIES: &[&Family] =
    &[&TAX, &CUSTOMS, &LAND, &ARCHITECTURE, &TRANSPORT, &ENERGY];

static TAX: Family = Family {
    code: "tax",
    related: &["customs", "accounting", "audit"],
    kk: Texts {
        prof: &[
            "салық инспекторы",
            "салық кеңесшісі",
            "салық әкімшілендіру жөніндегі маман",
        ],
        unit: &[
            "салықтық әкімшілендіру",
            "салық төлеушілермен жұмыс",
            "камералдық бақылау",
        ],
        duty: &[
            "салық есептілігіне камералдық бақылау жүргізу",
            "салық төлеушілерді тіркеу есебіне қою",
            "салықтық берешекті өндіріп алу",
            "салық тексерулерін жүргізу",
            "салық төлеушілерге салық заңнамасы бойынша түсініктеме беру",
        ],
        skill: &[
            "Салық кодексі",
            "салықтық әкімшілендіру",
            "«Салық төлеушінің кабинеті»",
            "бухгалтерлік есеп",
        ],
        spec: &["Қаржы", "Есеп және аудит", "Салық және салық салу"],
        inst: &[
            "Қазақ экономика, қаржы және халықаралық сауда университеті",
            "Нархоз университеті",
        ],
    },
    ru: Texts {
        prof: &[
            "налоговый инспектор",
            "налоговый консультант",
            "специалист по налоговому администрированию",
        ],
        unit: &[
            "налогового администрирования",
            "работы с налогоплательщиками",
            "камерального контроля",
        ],
        duty: &[
            "камеральный контроль налоговой отчётности",
            "постановка налогоплательщиков на регистрационный учёт",
            "взыскание налоговой задолженности",
            "проведение налоговых проверок",
            "разъяснение налогового законодательства налогоплательщикам",
        ],
        skill: &[
            "Налоговый кодекс",
            "налоговое администрирование",
            "кабинет налогоплательщика",
            "бухгалтерский учёт",
        ],
        spec: &["Финансы", "Учёт и аудит", "Налоги и налогообложение"],
        inst: &[
            "Казахский университет экономики, финансов и международной торговли",
            "Университет Нархоз",
        ],
    },
    en: Texts {
        prof: &[
            "tax inspector",
            "tax consultant",
            "tax administration officer",
        ],
        unit: &["tax administration", "taxpayer services", "desk audit"],
        duty: &[
            "desk audits of tax returns",
            "registering taxpayers",
            "collecting tax arrears",
            "conducting tax audits",
            "explaining tax law to taxpayers",
        ],
        skill: &[
            "Tax Code",
            "tax administration",
            "taxpayer online account",
            "bookkeeping",
        ],
        spec: &["Finance", "Accounting and Audit", "Taxation"],
        inst: &[
            "Kazakh University of Economics, Finance and International Trade",
            "Narxoz University",
        ],
    },
};

static CUSTOMS: Family = Family {
    code: "customs",
    related: &["tax"],
    kk: Texts {
        prof: &["кеден инспекторы", "декларант", "кеден ісі жөніндегі маман"],
        unit: &[
            "кедендік бақылау",
            "кедендік әкімшілендіру",
            "кедендік ресімдеу",
        ],
        duty: &[
            "тауарларды кедендік ресімдеу",
            "кедендік декларацияларды тексеру",
            "кедендік төлемдердің толық төленуін бақылау",
            "тауарлардың шығу тегін растау",
            "кедендік тексерулер жүргізу",
        ],
        skill: &[
            "ЕАЭО Кеден кодексі",
            "СЭҚ ТН",
            "«Астана-1» ақпараттық жүйесі",
            "кедендік құн",
        ],
        spec: &["Кеден ісі", "Халықаралық қатынастар", "Құқықтану"],
        inst: &["Қазақ экономика, қаржы және халықаралық сауда университеті"],
    },
    ru: Texts {
        prof: &[
            "таможенный инспектор",
            "декларант",
            "специалист по таможенному делу",
        ],
        unit: &[
            "таможенного контроля",
            "таможенного администрирования",
            "таможенного оформления",
        ],
        duty: &[
            "таможенное оформление товаров",
            "проверка таможенных деклараций",
            "контроль полноты уплаты таможенных платежей",
            "подтверждение происхождения товаров",
            "проведение таможенных проверок",
        ],
        skill: &[
            "Таможенный кодекс ЕАЭС",
            "ТН ВЭД",
            "ИС «Астана-1»",
            "таможенная стоимость",
        ],
        spec: &[
            "Таможенное дело",
            "Международные отношения",
            "Юриспруденция",
        ],
        inst: &["Казахский университет экономики, финансов и международной торговли"],
    },
    en: Texts {
        prof: &["customs inspector", "customs broker", "customs officer"],
        unit: &[
            "customs control",
            "customs administration",
            "customs clearance",
        ],
        duty: &[
            "customs clearance of goods",
            "checking customs declarations",
            "monitoring payment of customs duties",
            "verifying the origin of goods",
            "post-clearance audits",
        ],
        skill: &[
            "EAEU Customs Code",
            "HS commodity classification",
            "Astana-1 system",
            "customs valuation",
        ],
        spec: &["Customs Affairs", "International Relations", "Law"],
        inst: &["Kazakh University of Economics, Finance and International Trade"],
    },
};

static LAND: Family = Family {
    code: "land",
    related: &["architecture", "agriculture"],
    kk: Texts {
        prof: &["жерге орналастырушы", "жер қатынастары жөніндегі маман", "кадастр инженері"],
        unit: &["жер қатынастары", "жер ресурстарын басқару", "жерді пайдалану мен қорғауды бақылау"],
        duty: &[
            "жер учаскелерін беру жөніндегі материалдарды дайындау",
            "жерді пайдалануды бақылау",
            "жер-кадастрлық істерді жүргізу",
            "пайдаланылмай жатқан ауыл шаруашылығы жерлерін анықтау",
            "жер телімдерінің шекараларын белгілеу",
        ],
        skill: &["Жер кодексі", "жер кадастры", "ГАЖ", "геодезия"],
        spec: &["Жерге орналастыру", "Кадастр", "Геодезия және картография"],
        inst: &["Қазақ ұлттық аграрлық зерттеу университеті, жерге орналастыру факультеті"],
    },
    ru: Texts {
        prof: &["землеустроитель", "специалист по земельным отношениям", "кадастровый инженер"],
        unit: &["земельных отношений", "управления земельными ресурсами", "контроля за использованием и охраной земель"],
        duty: &[
            "подготовка материалов по предоставлению земельных участков",
            "контроль за использованием земель",
            "ведение земельно-кадастровых дел",
            "выявление неиспользуемых земель сельскохозяйственного назначения",
            "установление границ земельных участков",
        ],
        skill: &["Земельный кодекс", "земельный кадастр", "ГИС", "геодезия"],
        spec: &["Землеустройство", "Кадастр", "Геодезия и картография"],
        inst: &["Казахский национальный аграрный исследовательский университет, факультет землеустройства"],
    },
    en: Texts {
        prof: &["land surveyor", "land relations specialist", "cadastral engineer"],
        unit: &["land relations", "land resources management", "land use control"],
        duty: &[
            "preparing land allocation files",
            "land use control",
            "maintaining cadastral records",
            "identifying unused farmland",
            "setting land plot boundaries",
        ],
        skill: &["Land Code", "land cadastre", "GIS", "surveying"],
        spec: &["Land Management", "Cadastre", "Geodesy and Cartography"],
        inst: &["Kazakh National Agrarian Research University"],
    },
};

static ARCHITECTURE: Family = Family {
    code: "architecture",
    related: &["construction", "land"],
    kk: Texts {
        prof: &["сәулетші", "қала құрылысшы", "сәулетші-жобалаушы"],
        unit: &["сәулет және қала құрылысы", "қала құрылысы", "сәулет"],
        duty: &[
            "сәулет-жоспарлау тапсырмаларын беру",
            "бас жоспарды іске асыруды бақылау",
            "эскиздік жобаларды келісу",
            "қала құрылысы кадастрын жүргізу",
            "елді мекендердің егжей-тегжейлі жоспарлау жобаларын қарау",
        ],
        skill: &["қала құрылысы", "AutoCAD", "ArchiCAD", "бас жоспар"],
        spec: &["Сәулет", "Дизайн", "Құрылыс"],
        inst: &["Халықаралық білім беру корпорациясы (ҚазБСҚА), сәулет факультеті"],
    },
    ru: Texts {
        prof: &["архитектор", "градостроитель", "архитектор-проектировщик"],
        unit: &[
            "архитектуры и градостроительства",
            "градостроительства",
            "архитектуры",
        ],
        duty: &[
            "выдача архитектурно-планировочных заданий",
            "контроль реализации генерального плана",
            "согласование эскизных проектов",
            "ведение градостроительного кадастра",
            "рассмотрение проектов детальной планировки",
        ],
        skill: &[
            "градостроительство",
            "AutoCAD",
            "ArchiCAD",
            "генеральный план",
        ],
        spec: &["Архитектура", "Дизайн", "Строительство"],
        inst: &["Международная образовательная корпорация (КазГАСА), факультет архитектуры"],
    },
    en: Texts {
        prof: &["architect", "urban planner", "design architect"],
        unit: &[
            "architecture and urban planning",
            "urban planning",
            "architecture",
        ],
        duty: &[
            "issuing planning briefs",
            "overseeing the city master plan",
            "approving concept designs",
            "maintaining the urban planning cadastre",
            "reviewing detailed zoning plans",
        ],
        skill: &["urban planning", "AutoCAD", "ArchiCAD", "master planning"],
        spec: &["Architecture", "Design", "Civil Engineering"],
        inst: &["International Educational Corporation, Faculty of Architecture"],
    },
};

static TRANSPORT: Family = Family {
    code: "transport",
    related: &["construction", "energy"],
    kk: Texts {
        prof: &[
            "көлік инженері",
            "логист",
            "жол қозғалысын ұйымдастыру жөніндегі маман",
        ],
        unit: &[
            "жолаушылар көлігі және автомобиль жолдары",
            "көлік",
            "көліктік бақылау",
        ],
        duty: &[
            "қалалық жолаушылар тасымалын ұйымдастыру",
            "автомобиль жолдарын жөндеуді бақылау",
            "тасымалдаушылардың қызметін мониторингтеу",
            "маршруттық желіні оңтайландыру",
            "жол қозғалысы қауіпсіздігін қамтамасыз ету шараларын әзірлеу",
        ],
        skill: &[
            "жолаушылар тасымалы",
            "жол шаруашылығы",
            "логистика",
            "«Автомобиль көлігі туралы» Заң",
        ],
        spec: &[
            "Көлік, көліктік техника және технологиялар",
            "Тасымалдауды ұйымдастыру және көлікті басқару",
            "Логистика",
        ],
        inst: &["М. Тынышбаев атындағы Қазақ көлік және коммуникациялар академиясы"],
    },
    ru: Texts {
        prof: &[
            "инженер по транспорту",
            "логист",
            "специалист по организации дорожного движения",
        ],
        unit: &[
            "пассажирского транспорта и автомобильных дорог",
            "транспорта",
            "транспортного контроля",
        ],
        duty: &[
            "организация городских пассажирских перевозок",
            "контроль ремонта автомобильных дорог",
            "мониторинг деятельности перевозчиков",
            "оптимизация маршрутной сети",
            "разработка мер по безопасности дорожного движения",
        ],
        skill: &[
            "пассажирские перевозки",
            "дорожное хозяйство",
            "логистика",
            "Закон «Об автомобильном транспорте»",
        ],
        spec: &[
            "Транспорт, транспортная техника и технологии",
            "Организация перевозок и управление на транспорте",
            "Логистика",
        ],
        inst: &["Казахская академия транспорта и коммуникаций имени М. Тынышпаева"],
    },
    en: Texts {
        prof: &[
            "transport engineer",
            "logistics specialist",
            "traffic engineer",
        ],
        unit: &[
            "public transport and roads",
            "transport",
            "transport control",
        ],
        duty: &[
            "organising urban public transport",
            "supervising road repairs",
            "monitoring bus operators",
            "optimising the route network",
            "road safety planning",
        ],
        skill: &[
            "public transport planning",
            "road maintenance",
            "logistics",
            "road transport law",
        ],
        spec: &[
            "Transport Engineering",
            "Transport Operations Management",
            "Logistics",
        ],
        inst: &["Tynyshpayev Kazakh Academy of Transport and Communications"],
    },
};

static ENERGY: Family = Family {
    code: "energy",
    related: &["housing", "construction"],
    kk: Texts {
        prof: &["энергетик", "электр инженері", "жылу энергетигі"],
        unit: &[
            "энергетика",
            "энергетика және тұрғын үй-коммуналдық шаруашылық",
            "энергия үнемдеу",
        ],
        duty: &[
            "жылыту маусымына дайындықты бақылау",
            "энергия үнемдеу бағдарламаларын іске асыру",
            "электр және жылу желілерін жаңғырту жобаларын мониторингтеу",
            "энергия өндіруші ұйымдармен өзара іс-қимыл",
            "газбен жабдықтау жобаларын үйлестіру",
        ],
        skill: &[
            "электр энергетикасы",
            "жылумен жабдықтау",
            "энергия аудиті",
            "газбен жабдықтау",
        ],
        spec: &[
            "Электр энергетикасы",
            "Жылу энергетикасы",
            "Электр жетегі және автоматтандыру",
        ],
        inst: &[
            "Ғұмарбек Дәукеев атындағы Алматы энергетика және байланыс университеті",
            "Торайғыров университеті",
        ],
    },
    ru: Texts {
        prof: &["энергетик", "инженер-электрик", "теплоэнергетик"],
        unit: &[
            "энергетики",
            "энергетики и жилищно-коммунального хозяйства",
            "энергосбережения",
        ],
        duty: &[
            "контроль подготовки к отопительному сезону",
            "реализация программ энергосбережения",
            "мониторинг проектов модернизации электрических и тепловых сетей",
            "взаимодействие с энергопроизводящими организациями",
            "координация проектов газоснабжения",
        ],
        skill: &[
            "электроэнергетика",
            "теплоснабжение",
            "энергоаудит",
            "газоснабжение",
        ],
        spec: &[
            "Электроэнергетика",
            "Теплоэнергетика",
            "Электропривод и автоматизация",
        ],
        inst: &[
            "Алматинский университет энергетики и связи имени Гумарбека Даукеева",
            "Торайгыров университет",
        ],
    },
    en: Texts {
        prof: &["power engineer", "electrical engineer", "heating engineer"],
        unit: &["energy", "energy and utilities", "energy efficiency"],
        duty: &[
            "overseeing preparation for the heating season",
            "energy efficiency programmes",
            "monitoring grid modernisation projects",
            "liaising with power producers",
            "coordinating gas supply projects",
        ],
        skill: &[
            "power engineering",
            "district heating",
            "energy audit",
            "gas supply",
        ],
        spec: &[
            "Electrical Power Engineering",
            "Thermal Power Engineering",
            "Electric Drives and Automation",
        ],
        inst: &[
            "Almaty University of Power Engineering and Telecommunications",
            "Toraighyrov University",
        ],
    },
};
