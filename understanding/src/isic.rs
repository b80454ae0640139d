//! ISIC Rev.4 divisions with their English and Arabic titles.
//!
//! Sector filters hold ISIC Rev.4 codes: a 2-digit division, a 3-digit group
//! or a 4-digit class. A filter code matches a project whose code starts
//! with it, so "20" covers "2011" and "231" covers "2310".

/// One ISIC Rev.4 division.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Division {
    /// Two-digit division code, e.g. "20".
    pub code: &'static str,
    /// Official English title.
    pub en: &'static str,
    /// Arabic title.
    pub ar: &'static str,
}

/// Returns all 88 divisions of ISIC Rev.4, in code order.
pub fn divisions() -> &'static [Division] {
    DIVISIONS
}

/// Returns the division that a 2- to 4-digit ISIC code belongs to, or None
/// when the code is malformed or its first two digits name no division.
pub fn division_of(code: &str) -> Option<&'static Division> {
    let code = code.trim();
    if !(2..=4).contains(&code.len()) || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    DIVISIONS
        .iter()
        .find(|division| division.code == &code[..2])
}

// The English titles are the official ISIC Rev.4 titles. The Arabic titles
// follow the wording of the UN Arabic edition of ISIC Rev.4 as written from
// memory.
// NOTE: the Arabic titles were not checked against the published Arabic
// edition and may differ from it in wording.
const DIVISIONS: &[Division] = &[
    Division {
        code: "01",
        en: "Crop and animal production, hunting and related service activities",
        ar: "زراعة المحاصيل والإنتاج الحيواني والصيد والأنشطة الخدمية المتصلة بها",
    },
    Division {
        code: "02",
        en: "Forestry and logging",
        ar: "الحراجة وقطع الأخشاب",
    },
    Division {
        code: "03",
        en: "Fishing and aquaculture",
        ar: "صيد الأسماك وتربية الأحياء المائية",
    },
    Division {
        code: "05",
        en: "Mining of coal and lignite",
        ar: "تعدين الفحم والليغنيت",
    },
    Division {
        code: "06",
        en: "Extraction of crude petroleum and natural gas",
        ar: "استخراج النفط الخام والغاز الطبيعي",
    },
    Division {
        code: "07",
        en: "Mining of metal ores",
        ar: "تعدين ركازات الفلزات",
    },
    Division {
        code: "08",
        en: "Other mining and quarrying",
        ar: "أنشطة التعدين واستغلال المحاجر الأخرى",
    },
    Division {
        code: "09",
        en: "Mining support service activities",
        ar: "أنشطة خدمات دعم التعدين",
    },
    Division {
        code: "10",
        en: "Manufacture of food products",
        ar: "صنع المنتجات الغذائية",
    },
    Division {
        code: "11",
        en: "Manufacture of beverages",
        ar: "صنع المشروبات",
    },
    Division {
        code: "12",
        en: "Manufacture of tobacco products",
        ar: "صنع منتجات التبغ",
    },
    Division {
        code: "13",
        en: "Manufacture of textiles",
        ar: "صنع المنسوجات",
    },
    Division {
        code: "14",
        en: "Manufacture of wearing apparel",
        ar: "صنع الملبوسات",
    },
    Division {
        code: "15",
        en: "Manufacture of leather and related products",
        ar: "صنع الجلود والمنتجات ذات الصلة",
    },
    Division {
        code: "16",
        en: "Manufacture of wood and of products of wood and cork, except furniture; manufacture of articles of straw and plaiting materials",
        ar: "صنع الخشب ومنتجات الخشب والفلين، باستثناء الأثاث؛ صنع أصناف من القش ومواد الضفر",
    },
    Division {
        code: "17",
        en: "Manufacture of paper and paper products",
        ar: "صنع الورق ومنتجات الورق",
    },
    Division {
        code: "18",
        en: "Printing and reproduction of recorded media",
        ar: "الطباعة واستنساخ وسائط الإعلام المسجلة",
    },
    Division {
        code: "19",
        en: "Manufacture of coke and refined petroleum products",
        ar: "صنع فحم الكوك والمنتجات النفطية المكررة",
    },
    Division {
        code: "20",
        en: "Manufacture of chemicals and chemical products",
        ar: "صنع المواد الكيميائية والمنتجات الكيميائية",
    },
    Division {
        code: "21",
        en: "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
        ar: "صنع المنتجات الصيدلانية الأساسية والمستحضرات الصيدلانية",
    },
    Division {
        code: "22",
        en: "Manufacture of rubber and plastics products",
        ar: "صنع منتجات المطاط واللدائن",
    },
    Division {
        code: "23",
        en: "Manufacture of other non-metallic mineral products",
        ar: "صنع منتجات المعادن اللافلزية الأخرى",
    },
    Division {
        code: "24",
        en: "Manufacture of basic metals",
        ar: "صنع الفلزات القاعدية",
    },
    Division {
        code: "25",
        en: "Manufacture of fabricated metal products, except machinery and equipment",
        ar: "صنع منتجات المعادن المشكَّلة، باستثناء الآلات والمعدات",
    },
    Division {
        code: "26",
        en: "Manufacture of computer, electronic and optical products",
        ar: "صنع المنتجات الحاسوبية والإلكترونية والبصرية",
    },
    Division {
        code: "27",
        en: "Manufacture of electrical equipment",
        ar: "صنع المعدات الكهربائية",
    },
    Division {
        code: "28",
        en: "Manufacture of machinery and equipment n.e.c.",
        ar: "صنع الآلات والمعدات غير المصنفة في موضع آخر",
    },
    Division {
        code: "29",
        en: "Manufacture of motor vehicles, trailers and semi-trailers",
        ar: "صنع المركبات ذات المحركات والمركبات المقطورة ونصف المقطورة",
    },
    Division {
        code: "30",
        en: "Manufacture of other transport equipment",
        ar: "صنع معدات النقل الأخرى",
    },
    Division {
        code: "31",
        en: "Manufacture of furniture",
        ar: "صنع الأثاث",
    },
    Division {
        code: "32",
        en: "Other manufacturing",
        ar: "الصناعات التحويلية الأخرى",
    },
    Division {
        code: "33",
        en: "Repair and installation of machinery and equipment",
        ar: "إصلاح وتركيب الآلات والمعدات",
    },
    Division {
        code: "35",
        en: "Electricity, gas, steam and air conditioning supply",
        ar: "إمدادات الكهرباء والغاز والبخار وتكييف الهواء",
    },
    Division {
        code: "36",
        en: "Water collection, treatment and supply",
        ar: "تجميع المياه ومعالجتها وإمداداتها",
    },
    Division {
        code: "37",
        en: "Sewerage",
        ar: "الصرف الصحي",
    },
    Division {
        code: "38",
        en: "Waste collection, treatment and disposal activities; materials recovery",
        ar: "أنشطة جمع النفايات ومعالجتها وتصريفها؛ استرجاع المواد",
    },
    Division {
        code: "39",
        en: "Remediation activities and other waste management services",
        ar: "أنشطة المعالجة وخدمات إدارة النفايات الأخرى",
    },
    Division {
        code: "41",
        en: "Construction of buildings",
        ar: "تشييد المباني",
    },
    Division {
        code: "42",
        en: "Civil engineering",
        ar: "الهندسة المدنية",
    },
    Division {
        code: "43",
        en: "Specialized construction activities",
        ar: "أنشطة التشييد المتخصصة",
    },
    Division {
        code: "45",
        en: "Wholesale and retail trade and repair of motor vehicles and motorcycles",
        ar: "تجارة الجملة والتجزئة وإصلاح المركبات ذات المحركات والدراجات النارية",
    },
    Division {
        code: "46",
        en: "Wholesale trade, except of motor vehicles and motorcycles",
        ar: "تجارة الجملة، باستثناء المركبات ذات المحركات والدراجات النارية",
    },
    Division {
        code: "47",
        en: "Retail trade, except of motor vehicles and motorcycles",
        ar: "تجارة التجزئة، باستثناء المركبات ذات المحركات والدراجات النارية",
    },
    Division {
        code: "49",
        en: "Land transport and transport via pipelines",
        ar: "النقل البري والنقل عبر الأنابيب",
    },
    Division {
        code: "50",
        en: "Water transport",
        ar: "النقل المائي",
    },
    Division {
        code: "51",
        en: "Air transport",
        ar: "النقل الجوي",
    },
    Division {
        code: "52",
        en: "Warehousing and support activities for transportation",
        ar: "التخزين وأنشطة الدعم للنقل",
    },
    Division {
        code: "53",
        en: "Postal and courier activities",
        ar: "أنشطة البريد والتوصيل",
    },
    Division {
        code: "55",
        en: "Accommodation",
        ar: "أنشطة الإقامة",
    },
    Division {
        code: "56",
        en: "Food and beverage service activities",
        ar: "أنشطة خدمات الأطعمة والمشروبات",
    },
    Division {
        code: "58",
        en: "Publishing activities",
        ar: "أنشطة النشر",
    },
    Division {
        code: "59",
        en: "Motion picture, video and television programme production, sound recording and music publishing activities",
        ar: "أنشطة إنتاج الأفلام السينمائية وبرامج الفيديو والبرامج التلفزيونية وتسجيل الأصوات ونشر الموسيقى",
    },
    Division {
        code: "60",
        en: "Programming and broadcasting activities",
        ar: "أنشطة البرمجة والبث",
    },
    Division {
        code: "61",
        en: "Telecommunications",
        ar: "الاتصالات",
    },
    Division {
        code: "62",
        en: "Computer programming, consultancy and related activities",
        ar: "البرمجة الحاسوبية والخبرة الاستشارية والأنشطة المتصلة بها",
    },
    Division {
        code: "63",
        en: "Information service activities",
        ar: "أنشطة خدمات المعلومات",
    },
    Division {
        code: "64",
        en: "Financial service activities, except insurance and pension funding",
        ar: "أنشطة الخدمات المالية، باستثناء التأمين وتمويل المعاشات التقاعدية",
    },
    Division {
        code: "65",
        en: "Insurance, reinsurance and pension funding, except compulsory social security",
        ar: "التأمين وإعادة التأمين وتمويل المعاشات التقاعدية، باستثناء الضمان الاجتماعي الإلزامي",
    },
    Division {
        code: "66",
        en: "Activities auxiliary to financial service and insurance activities",
        ar: "الأنشطة المساعدة لأنشطة الخدمات المالية وأنشطة التأمين",
    },
    Division {
        code: "68",
        en: "Real estate activities",
        ar: "الأنشطة العقارية",
    },
    Division {
        code: "69",
        en: "Legal and accounting activities",
        ar: "الأنشطة القانونية وأنشطة المحاسبة",
    },
    Division {
        code: "70",
        en: "Activities of head offices; management consultancy activities",
        ar: "أنشطة المكاتب الرئيسية؛ أنشطة الخبرة الاستشارية في مجال الإدارة",
    },
    Division {
        code: "71",
        en: "Architectural and engineering activities; technical testing and analysis",
        ar: "الأنشطة المعمارية والهندسية؛ الاختبارات والتحاليل التقنية",
    },
    Division {
        code: "72",
        en: "Scientific research and development",
        ar: "البحث العلمي والتطوير",
    },
    Division {
        code: "73",
        en: "Advertising and market research",
        ar: "الإعلان وأبحاث السوق",
    },
    Division {
        code: "74",
        en: "Other professional, scientific and technical activities",
        ar: "الأنشطة المهنية والعلمية والتقنية الأخرى",
    },
    Division {
        code: "75",
        en: "Veterinary activities",
        ar: "الأنشطة البيطرية",
    },
    Division {
        code: "77",
        en: "Rental and leasing activities",
        ar: "أنشطة الاستئجار والتأجير",
    },
    Division {
        code: "78",
        en: "Employment activities",
        ar: "أنشطة التوظيف",
    },
    Division {
        code: "79",
        en: "Travel agency, tour operator, reservation service and related activities",
        ar: "أنشطة وكالات السفر ومشغلي الجولات السياحية وخدمات الحجز والأنشطة المتصلة بها",
    },
    Division {
        code: "80",
        en: "Security and investigation activities",
        ar: "أنشطة الأمن والتحقيقات",
    },
    Division {
        code: "81",
        en: "Services to buildings and landscape activities",
        ar: "أنشطة الخدمات المتعلقة بالمباني وتجميل المواقع",
    },
    Division {
        code: "82",
        en: "Office administrative, office support and other business support activities",
        ar: "الأنشطة الإدارية للمكاتب وأنشطة دعم المكاتب وغيرها من أنشطة دعم الأعمال",
    },
    Division {
        code: "84",
        en: "Public administration and defence; compulsory social security",
        ar: "الإدارة العامة والدفاع؛ الضمان الاجتماعي الإلزامي",
    },
    Division {
        code: "85",
        en: "Education",
        ar: "التعليم",
    },
    Division {
        code: "86",
        en: "Human health activities",
        ar: "أنشطة صحة الإنسان",
    },
    Division {
        code: "87",
        en: "Residential care activities",
        ar: "أنشطة الرعاية في مرافق الإقامة",
    },
    Division {
        code: "88",
        en: "Social work activities without accommodation",
        ar: "أنشطة العمل الاجتماعي دون إقامة",
    },
    Division {
        code: "90",
        en: "Creative, arts and entertainment activities",
        ar: "الأنشطة الإبداعية والفنون وأنشطة الترفيه",
    },
    Division {
        code: "91",
        en: "Libraries, archives, museums and other cultural activities",
        ar: "أنشطة المكتبات ودور المحفوظات والمتاحف والأنشطة الثقافية الأخرى",
    },
    Division {
        code: "92",
        en: "Gambling and betting activities",
        ar: "أنشطة المقامرة والمراهنة",
    },
    Division {
        code: "93",
        en: "Sports activities and amusement and recreation activities",
        ar: "الأنشطة الرياضية وأنشطة التسلية والترفيه",
    },
    Division {
        code: "94",
        en: "Activities of membership organizations",
        ar: "أنشطة المنظمات ذات العضوية",
    },
    Division {
        code: "95",
        en: "Repair of computers and personal and household goods",
        ar: "إصلاح الحواسيب والسلع الشخصية والمنزلية",
    },
    Division {
        code: "96",
        en: "Other personal service activities",
        ar: "أنشطة الخدمات الشخصية الأخرى",
    },
    Division {
        code: "97",
        en: "Activities of households as employers of domestic personnel",
        ar: "أنشطة الأسر المعيشية كصاحبة عمل لأفراد الخدمة المنزلية",
    },
    Division {
        code: "98",
        en: "Undifferentiated goods- and services-producing activities of private households for own use",
        ar: "أنشطة الأسر المعيشية الخاصة غير المميزة في إنتاج السلع والخدمات لاستعمالها الخاص",
    },
    Division {
        code: "99",
        en: "Activities of extraterritorial organizations and bodies",
        ar: "أنشطة المنظمات والهيئات الخارجة عن الولاية الإقليمية",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_all_divisions_in_order() {
        assert_eq!(divisions().len(), 88);
        for pair in divisions().windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for division in divisions() {
            assert_eq!(division.code.len(), 2);
            assert!(
                !division.en.is_empty(),
                "{} has no English title",
                division.code
            );
            assert!(
                !division.ar.is_empty(),
                "{} has no Arabic title",
                division.code
            );
        }
    }

    #[test]
    fn division_of_accepts_groups_and_classes() {
        assert_eq!(division_of("20").map(|d| d.code), Some("20"));
        assert_eq!(division_of("231").map(|d| d.code), Some("23"));
        assert_eq!(
            division_of("2410").map(|d| d.en),
            Some("Manufacture of basic metals")
        );
    }

    #[test]
    fn division_of_rejects_gaps_and_garbage() {
        assert_eq!(division_of("04"), None);
        assert_eq!(division_of("34"), None);
        assert_eq!(division_of("2"), None);
        assert_eq!(division_of("20111"), None);
        assert_eq!(division_of("2a"), None);
        assert_eq!(division_of("٢٠"), None);
    }
}
