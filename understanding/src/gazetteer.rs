//! Countries, cities and industrial zones of the GCC with their Arabic and
//! English names and the aliases that questions use.
//!
//! Aliases are written in ordinary spelling and folded when the lexicon is
//! built, so hamza, tashkeel and case variants need no separate entries.
//! Arabic aliases also match with a leading و ف ب ل ك, with or without the
//! article, so "بالجبيل" and "جبيل" both match "الجبيل".

/// One of the six GCC states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: &'static str,
    /// Short English name.
    pub en: &'static str,
    /// Short Arabic name.
    pub ar: &'static str,
    /// Names, demonyms and abbreviations in either language.
    pub aliases: &'static [&'static str],
}

/// Whether a place is a city or an industrial zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceKind {
    City,
    Zone,
}

/// A city or an industrial zone inside one GCC state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// Canonical English name, the value stored in filters.
    pub name: &'static str,
    /// Arabic name.
    pub ar: &'static str,
    /// ISO alpha-2 code of the country that contains the place.
    pub country: &'static str,
    pub kind: PlaceKind,
    /// Spellings in either language, besides `name` and `ar`.
    pub aliases: &'static [&'static str],
}

/// Returns the six GCC states.
pub fn countries() -> &'static [Country] {
    COUNTRIES
}

/// Returns the country with the ISO alpha-2 `code`, ignoring case.
pub fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|country| country.code.eq_ignore_ascii_case(code))
}

/// Returns all known cities and zones.
pub fn places() -> &'static [Place] {
    PLACES
}

/// Returns the place with the canonical English `name`.
pub fn place(name: &str) -> Option<&'static Place> {
    PLACES.iter().find(|place| place.name == name)
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "SA",
        en: "Saudi Arabia",
        ar: "السعودية",
        aliases: &[
            "Saudi Arabia",
            "Saudi",
            "KSA",
            "Kingdom of Saudi Arabia",
            "السعودية",
            "سعودي",
            "سعوديين",
            "المملكة",
            "المملكة العربية السعودية",
        ],
    },
    Country {
        code: "AE",
        en: "United Arab Emirates",
        ar: "الإمارات",
        aliases: &[
            "United Arab Emirates",
            "UAE",
            "Emirates",
            "Emirati",
            "the Emirates",
            "الإمارات",
            "الامارات العربية المتحدة",
            "دولة الإمارات",
            "إماراتي",
            "إماراتية",
            "اماراتيه",
        ],
    },
    Country {
        code: "QA",
        en: "Qatar",
        ar: "قطر",
        aliases: &[
            "Qatar",
            "Qatari",
            "State of Qatar",
            "قطر",
            "قطري",
            "قطرية",
            "دولة قطر",
        ],
    },
    Country {
        code: "KW",
        en: "Kuwait",
        ar: "الكويت",
        aliases: &[
            "Kuwait",
            "Kuwaiti",
            "State of Kuwait",
            "الكويت",
            "كويتي",
            "كويتية",
            "دولة الكويت",
        ],
    },
    Country {
        code: "BH",
        en: "Bahrain",
        ar: "البحرين",
        aliases: &[
            "Bahrain",
            "Bahraini",
            "Kingdom of Bahrain",
            "البحرين",
            "بحريني",
            "بحرينية",
            "مملكة البحرين",
        ],
    },
    Country {
        code: "OM",
        en: "Oman",
        ar: "عُمان",
        // "عمان" alone is read as Oman. Amman (Jordan) shares the letters and
        // is distinguished only by a written shadda, which the parser checks.
        aliases: &[
            "Oman",
            "Omani",
            "Sultanate of Oman",
            "عمان",
            "عماني",
            "عمانية",
            "سلطنة عمان",
            "السلطنة",
        ],
    },
];

const PLACES: &[Place] = &[
    // Saudi Arabia: cities.
    city(
        "Jubail",
        "الجبيل",
        "SA",
        &["Jubail", "Al Jubail", "Al-Jubail", "Jubayl"],
    ),
    city("Yanbu", "ينبع", "SA", &["Yanbu", "Yanbu Al Bahr", "Yenbo"]),
    city("Rabigh", "رابغ", "SA", &["Rabigh"]),
    city(
        "Jazan",
        "جازان",
        "SA",
        &["Jazan", "Jizan", "Gizan", "جيزان"],
    ),
    city("Dammam", "الدمام", "SA", &["Dammam", "Ad Dammam"]),
    city("Riyadh", "الرياض", "SA", &["Riyadh", "Ar Riyadh"]),
    city("Jeddah", "جدة", "SA", &["Jeddah", "Jedda", "Jiddah"]),
    city(
        "Al Khobar",
        "الخبر",
        "SA",
        &["Khobar", "Al Khobar", "Al-Khobar"],
    ),
    city("Dhahran", "الظهران", "SA", &["Dhahran"]),
    city(
        "Ras Tanura",
        "رأس تنورة",
        "SA",
        &["Ras Tanura", "Ras Tannurah"],
    ),
    city("Khafji", "الخفجي", "SA", &["Khafji", "Al Khafji"]),
    city("Tabuk", "تبوك", "SA", &["Tabuk"]),
    city("Hail", "حائل", "SA", &["Hail", "Ha'il"]),
    city("Buraidah", "بريدة", "SA", &["Buraidah", "Buraydah"]),
    city("Al Kharj", "الخرج", "SA", &["Al Kharj", "Kharj"]),
    city(
        "Madinah",
        "المدينة المنورة",
        "SA",
        &["Madinah", "Medina", "Al Madinah"],
    ),
    city("Makkah", "مكة المكرمة", "SA", &["Makkah", "Mecca", "مكة"]),
    // Saudi Arabia: industrial cities and zones.
    zone(
        "Jubail Industrial City",
        "مدينة الجبيل الصناعية",
        "SA",
        &["Jubail Industrial City", "الجبيل الصناعية"],
    ),
    zone(
        "Yanbu Industrial City",
        "مدينة ينبع الصناعية",
        "SA",
        &["Yanbu Industrial City", "ينبع الصناعية"],
    ),
    zone(
        "Ras Al-Khair Industrial City",
        "مدينة رأس الخير الصناعية",
        "SA",
        &[
            "Ras Al-Khair",
            "Ras Al Khair",
            "Ras Alkhair",
            "Ras Al-Khair Industrial City",
            "رأس الخير",
        ],
    ),
    zone(
        "Sudair Industrial City",
        "مدينة سدير للصناعة والأعمال",
        "SA",
        &[
            "Sudair",
            "Sudair Industrial City",
            "سدير",
            "مدينة سدير الصناعية",
        ],
    ),
    zone(
        "King Abdullah Economic City",
        "مدينة الملك عبدالله الاقتصادية",
        "SA",
        &[
            "KAEC",
            "King Abdullah Economic City",
            "مدينة الملك عبد الله الاقتصادية",
            "كايك",
        ],
    ),
    zone("NEOM", "نيوم", "SA", &["NEOM"]),
    zone(
        "Oxagon",
        "أوكساجون",
        "SA",
        &["Oxagon", "اوكساغون", "أوكساجون"],
    ),
    zone(
        "Jazan City for Primary and Downstream Industries",
        "مدينة جازان للصناعات الأساسية والتحويلية",
        "SA",
        &["JCPDI", "Jazan Economic City", "مدينة جازان الاقتصادية"],
    ),
    zone(
        "Waad Al Shamal",
        "وعد الشمال",
        "SA",
        &["Waad Al Shamal", "Wa'ad Al Shamal", "مدينة وعد الشمال"],
    ),
    zone(
        "King Salman Energy Park",
        "مدينة الملك سلمان للطاقة",
        "SA",
        &["SPARK", "King Salman Energy Park", "سبارك"],
    ),
    // Qatar.
    city("Doha", "الدوحة", "QA", &["Doha"]),
    city("Dukhan", "دخان", "QA", &["Dukhan", "مدينة دخان"]),
    city("Lusail", "لوسيل", "QA", &["Lusail"]),
    city("Al Wakrah", "الوكرة", "QA", &["Al Wakrah", "Wakrah"]),
    zone(
        "Ras Laffan Industrial City",
        "مدينة راس لفان الصناعية",
        "QA",
        &[
            "Ras Laffan",
            "Ras Laffan Industrial City",
            "راس لفان",
            "رأس لفان",
        ],
    ),
    zone(
        "Mesaieed Industrial City",
        "مدينة مسيعيد الصناعية",
        "QA",
        &[
            "Mesaieed",
            "Mesaieed Industrial City",
            "Mesaied",
            "Umm Said",
            "مسيعيد",
            "أم سعيد",
        ],
    ),
    // United Arab Emirates.
    city(
        "Abu Dhabi",
        "أبوظبي",
        "AE",
        &["Abu Dhabi", "AbuDhabi", "أبو ظبي"],
    ),
    city("Dubai", "دبي", "AE", &["Dubai"]),
    city("Sharjah", "الشارقة", "AE", &["Sharjah"]),
    city("Fujairah", "الفجيرة", "AE", &["Fujairah"]),
    city(
        "Ras Al Khaimah",
        "رأس الخيمة",
        "AE",
        &["Ras Al Khaimah", "Ras Al-Khaimah", "RAK"],
    ),
    city("Ajman", "عجمان", "AE", &["Ajman"]),
    city(
        "Umm Al Quwain",
        "أم القيوين",
        "AE",
        &["Umm Al Quwain", "Umm Al-Quwain"],
    ),
    city("Al Ain", "العين", "AE", &["Al Ain"]),
    city("Ruwais", "الرويس", "AE", &["Ruwais", "Al Ruwais"]),
    zone(
        "Khalifa Industrial Zone Abu Dhabi",
        "منطقة خليفة الصناعية",
        "AE",
        &[
            "KIZAD",
            "Khalifa Industrial Zone",
            "كيزاد",
            "منطقة خليفة الصناعية بأبوظبي",
        ],
    ),
    zone(
        "Jebel Ali Free Zone",
        "المنطقة الحرة لجبل علي",
        "AE",
        &[
            "JAFZA",
            "Jebel Ali",
            "Jebel Ali Free Zone",
            "جبل علي",
            "جافزا",
        ],
    ),
    zone(
        "Musaffah",
        "مصفح",
        "AE",
        &["Musaffah", "Mussafah", "Mussafah Industrial Area", "المصفح"],
    ),
    zone(
        "Industrial City of Abu Dhabi",
        "مدينة أبوظبي الصناعية",
        "AE",
        &[
            "ICAD",
            "Industrial City of Abu Dhabi",
            "مدينة ابو ظبي الصناعية",
        ],
    ),
    zone(
        "Hamriyah Free Zone",
        "المنطقة الحرة بالحمرية",
        "AE",
        &["Hamriyah", "Hamriyah Free Zone", "الحمرية"],
    ),
    // Oman.
    city("Muscat", "مسقط", "OM", &["Muscat"]),
    city("Sohar", "صحار", "OM", &["Sohar", "Suhar"]),
    city("Duqm", "الدقم", "OM", &["Duqm", "Al Duqm"]),
    city("Salalah", "صلالة", "OM", &["Salalah"]),
    city("Sur", "صور", "OM", &["Sur"]),
    city("Nizwa", "نزوى", "OM", &["Nizwa"]),
    zone(
        "Special Economic Zone at Duqm",
        "المنطقة الاقتصادية الخاصة بالدقم",
        "OM",
        &[
            "SEZAD",
            "Duqm Special Economic Zone",
            "Special Economic Zone at Duqm",
            "منطقة الدقم الاقتصادية",
        ],
    ),
    zone(
        "Sohar Port and Freezone",
        "ميناء صحار والمنطقة الحرة",
        "OM",
        &[
            "Sohar Freezone",
            "Sohar Free Zone",
            "Sohar Port",
            "ميناء صحار",
            "المنطقة الحرة بصحار",
        ],
    ),
    zone(
        "Rusayl Industrial City",
        "مدينة الرسيل الصناعية",
        "OM",
        &["Rusayl", "Rusail", "Rusayl Industrial City", "الرسيل"],
    ),
    zone(
        "Salalah Free Zone",
        "المنطقة الحرة بصلالة",
        "OM",
        &["Salalah Free Zone", "Salalah Freezone"],
    ),
    zone(
        "Sur Industrial City",
        "مدينة صور الصناعية",
        "OM",
        &["Sur Industrial City", "صور الصناعية"],
    ),
    zone(
        "Khazaen Economic City",
        "مدينة خزائن الاقتصادية",
        "OM",
        &["Khazaen", "خزائن"],
    ),
    // Bahrain.
    city("Manama", "المنامة", "BH", &["Manama"]),
    city("Sitra", "سترة", "BH", &["Sitra"]),
    city("Hidd", "الحد", "BH", &["Hidd", "Al Hidd", "مدينة الحد"]),
    city("Muharraq", "المحرق", "BH", &["Muharraq"]),
    city("Askar", "عسكر", "BH", &["Askar"]),
    zone(
        "Salman Industrial City",
        "مدينة سلمان الصناعية",
        "BH",
        &["Salman Industrial City"],
    ),
    zone(
        "Bahrain International Investment Park",
        "مجمع البحرين الدولي للاستثمار",
        "BH",
        &["BIIP", "Bahrain International Investment Park"],
    ),
    // Kuwait.
    city("Kuwait City", "مدينة الكويت", "KW", &["Kuwait City"]),
    city(
        "Al-Zour",
        "الزور",
        "KW",
        &["Al-Zour", "Al Zour", "Zour", "Az-Zour"],
    ),
    city(
        "Mina Abdullah",
        "ميناء عبدالله",
        "KW",
        &["Mina Abdullah", "ميناء عبد الله"],
    ),
    city("Ahmadi", "الأحمدي", "KW", &["Ahmadi", "Al Ahmadi"]),
    city(
        "Mina Al Ahmadi",
        "ميناء الأحمدي",
        "KW",
        &["Mina Al Ahmadi", "Mina Al-Ahmadi"],
    ),
    city("Jahra", "الجهراء", "KW", &["Jahra", "Al Jahra"]),
    city("Subiya", "الصبية", "KW", &["Subiya", "Subiyah"]),
    zone(
        "Shuaiba Industrial Area",
        "منطقة الشعيبة الصناعية",
        "KW",
        &["Shuaiba", "Shuaibah", "Shuaiba Industrial Area", "الشعيبة"],
    ),
];

const fn city(
    name: &'static str,
    ar: &'static str,
    country: &'static str,
    aliases: &'static [&'static str],
) -> Place {
    Place {
        name,
        ar,
        country,
        kind: PlaceKind::City,
        aliases,
    }
}

const fn zone(
    name: &'static str,
    ar: &'static str,
    country: &'static str,
    aliases: &'static [&'static str],
) -> Place {
    Place {
        name,
        ar,
        country,
        kind: PlaceKind::Zone,
        aliases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_names_a_gcc_country() {
        for place in places() {
            assert!(
                country(place.country).is_some(),
                "{} has country {}",
                place.name,
                place.country
            );
        }
    }

    #[test]
    fn place_names_are_unique() {
        for (index, place) in places().iter().enumerate() {
            assert!(
                places()[index + 1..]
                    .iter()
                    .all(|other| other.name != place.name),
                "duplicate place {}",
                place.name
            );
        }
    }

    #[test]
    fn country_lookup_ignores_case() {
        assert_eq!(country("om").map(|c| c.en), Some("Oman"));
        assert_eq!(country("JO"), None);
    }
}
