//! Personal names as Kazakh, Russian and English texts spell them.
//!
//! Each entry is `(Kazakh, Russian, Latin)`: Айгерім in a Kazakh CV is Айгерим in a
//! Russian one and Aigerim in an English one, as on real documents.

/// One name in the three spellings.
pub(crate) type Name = (&'static str, &'static str, &'static str);

pub(crate) static KAZAKH_MALE: &[Name] = &[
    ("Нұрлан", "Нурлан", "Nurlan"),
    ("Ерлан", "Ерлан", "Yerlan"),
    ("Асхат", "Асхат", "Askhat"),
    ("Бауыржан", "Бауыржан", "Bauyrzhan"),
    ("Дәурен", "Даурен", "Dauren"),
    ("Ержан", "Ержан", "Yerzhan"),
    ("Мұрат", "Мурат", "Murat"),
    ("Нұрсұлтан", "Нурсултан", "Nursultan"),
    ("Айдос", "Айдос", "Aidos"),
    ("Арман", "Арман", "Arman"),
    ("Бекзат", "Бекзат", "Bekzat"),
    ("Тимур", "Тимур", "Timur"),
    ("Қайрат", "Кайрат", "Kairat"),
    ("Серік", "Серик", "Serik"),
    ("Әлібек", "Алибек", "Alibek"),
    ("Ғалым", "Галым", "Galym"),
    ("Дамир", "Дамир", "Damir"),
    ("Жандос", "Жандос", "Zhandos"),
    ("Олжас", "Олжас", "Olzhas"),
    ("Рүстем", "Рустем", "Rustem"),
    ("Талғат", "Талгат", "Talgat"),
    ("Абылай", "Абылай", "Abylai"),
    ("Ақжол", "Акжол", "Akzhol"),
    ("Ерболат", "Ерболат", "Yerbolat"),
];

pub(crate) static KAZAKH_FEMALE: &[Name] = &[
    ("Айгерім", "Айгерим", "Aigerim"),
    ("Аружан", "Аружан", "Aruzhan"),
    ("Динара", "Динара", "Dinara"),
    ("Гүлнар", "Гульнар", "Gulnar"),
    ("Жансая", "Жансая", "Zhansaya"),
    ("Әсел", "Асель", "Assel"),
    ("Мөлдір", "Мольдир", "Moldir"),
    ("Ақмарал", "Акмарал", "Akmaral"),
    ("Сәуле", "Сауле", "Saule"),
    ("Назерке", "Назерке", "Nazerke"),
    ("Айжан", "Айжан", "Aizhan"),
    ("Гүлмира", "Гульмира", "Gulmira"),
    ("Балжан", "Балжан", "Balzhan"),
    ("Дана", "Дана", "Dana"),
    ("Жұлдыз", "Жулдыз", "Zhuldyz"),
    ("Камила", "Камила", "Kamila"),
    ("Ләззат", "Ляззат", "Lyazzat"),
    ("Мадина", "Мадина", "Madina"),
    ("Томирис", "Томирис", "Tomiris"),
    ("Салтанат", "Салтанат", "Saltanat"),
    ("Әйгерім", "Айгерим", "Aigerim"),
    ("Ботагөз", "Ботагоз", "Botagoz"),
];

/// Kazakh surname stems in the masculine form; the feminine adds «а»/“a”.
pub(crate) static KAZAKH_SURNAMES: &[Name] = &[
    ("Сапаров", "Сапаров", "Saparov"),
    ("Әбенов", "Абенов", "Abenov"),
    ("Жақсылықов", "Жаксылыков", "Zhaksylykov"),
    ("Нұрғалиев", "Нургалиев", "Nurgaliyev"),
    ("Байжанов", "Байжанов", "Baizhanov"),
    ("Омаров", "Омаров", "Omarov"),
    ("Қасымов", "Касымов", "Kassymov"),
    ("Серікбаев", "Серикбаев", "Serikbayev"),
    ("Төлеуов", "Толеуов", "Toleuov"),
    ("Ахметов", "Ахметов", "Akhmetov"),
    ("Мұхамеджанов", "Мухамеджанов", "Mukhamedzhanov"),
    ("Сейітов", "Сеитов", "Seitov"),
    ("Есенов", "Есенов", "Yessenov"),
    ("Жұмабаев", "Жумабаев", "Zhumabayev"),
    ("Искаков", "Искаков", "Iskakov"),
    ("Құдайбергенов", "Кудайбергенов", "Kudaibergenov"),
    ("Әлімжанов", "Алимжанов", "Alimzhanov"),
    ("Тұрсынов", "Турсунов", "Tursunov"),
    ("Бекмұхамбетов", "Бекмухамбетов", "Bekmukhambetov"),
    ("Дүйсенов", "Дюсенов", "Duisenov"),
    ("Мусин", "Мусин", "Mussin"),
    ("Ермеков", "Ермеков", "Yermekov"),
    ("Қабдолов", "Кабдолов", "Kabdolov"),
    ("Шәріпов", "Шарипов", "Sharipov"),
];

pub(crate) static RUSSIAN_MALE: &[Name] = &[
    ("Александр", "Александр", "Alexander"),
    ("Дмитрий", "Дмитрий", "Dmitry"),
    ("Сергей", "Сергей", "Sergey"),
    ("Андрей", "Андрей", "Andrey"),
    ("Максим", "Максим", "Maxim"),
    ("Владимир", "Владимир", "Vladimir"),
    ("Игорь", "Игорь", "Igor"),
    ("Евгений", "Евгений", "Evgeny"),
    ("Павел", "Павел", "Pavel"),
    ("Виктор", "Виктор", "Viktor"),
];

pub(crate) static RUSSIAN_FEMALE: &[Name] = &[
    ("Елена", "Елена", "Elena"),
    ("Ольга", "Ольга", "Olga"),
    ("Наталья", "Наталья", "Natalya"),
    ("Татьяна", "Татьяна", "Tatyana"),
    ("Анна", "Анна", "Anna"),
    ("Екатерина", "Екатерина", "Ekaterina"),
    ("Ирина", "Ирина", "Irina"),
    ("Юлия", "Юлия", "Yulia"),
    ("Светлана", "Светлана", "Svetlana"),
    ("Марина", "Марина", "Marina"),
];

/// Russian surname stems in the masculine form; the feminine adds «а»/“a”.
pub(crate) static RUSSIAN_SURNAMES: &[Name] = &[
    ("Иванов", "Иванов", "Ivanov"),
    ("Петров", "Петров", "Petrov"),
    ("Смирнов", "Смирнов", "Smirnov"),
    ("Кузнецов", "Кузнецов", "Kuznetsov"),
    ("Попов", "Попов", "Popov"),
    ("Васильев", "Васильев", "Vasilyev"),
    ("Новиков", "Новиков", "Novikov"),
    ("Федоров", "Федоров", "Fedorov"),
    ("Морозов", "Морозов", "Morozov"),
    ("Волков", "Волков", "Volkov"),
    ("Лебедев", "Лебедев", "Lebedev"),
    ("Ким", "Ким", "Kim"),
];

/// Fathers' names for patronymics. Kazakh form: name + ұлы/қызы; Russian form:
/// the stem + ович/овна, which is why only names ending in a consonant are listed.
pub(crate) static FATHERS: &[Name] = &[
    ("Ерлан", "Ерлан", "Yerlan"),
    ("Серік", "Серик", "Serik"),
    ("Болат", "Болат", "Bolat"),
    ("Нұрлан", "Нурлан", "Nurlan"),
    ("Марат", "Марат", "Marat"),
    ("Қайрат", "Кайрат", "Kairat"),
    ("Талғат", "Талгат", "Talgat"),
    ("Бақыт", "Бахыт", "Bakhyt"),
    ("Ғабит", "Габит", "Gabit"),
    ("Асқар", "Аскар", "Askar"),
    ("Мұхтар", "Мухтар", "Mukhtar"),
    ("Жомарт", "Жомарт", "Zhomart"),
];

pub(crate) static RUSSIAN_FATHERS: &[Name] = &[
    ("Виктор", "Виктор", "Viktor"),
    ("Владимир", "Владимир", "Vladimir"),
    ("Александр", "Александр", "Alexander"),
    ("Иван", "Иван", "Ivan"),
    ("Петр", "Петр", "Petr"),
    ("Олег", "Олег", "Oleg"),
];
