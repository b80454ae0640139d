//! Industry words in Arabic and English mapped to ISIC Rev.4 codes.
//!
//! A sector may map to several codes, which filter as alternatives: copper
//! is mined (0729) and smelted or refined (2420).

/// An industry that questions name, with the ISIC codes it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sector {
    /// Short English label used in summaries.
    pub en: &'static str,
    /// Short Arabic label used in summaries.
    pub ar: &'static str,
    /// ISIC Rev.4 division, group or class codes.
    pub codes: &'static [&'static str],
    /// Words and phrases in either language that name the sector.
    pub aliases: &'static [&'static str],
}

/// Returns all sectors known to the parser.
pub fn sectors() -> &'static [Sector] {
    SECTORS
}

/// Index of the energy sector. The lexicon reads "طاقة" as this sector
/// unless an amount with a unit follows, which makes it a production capacity.
pub(crate) const ENERGY: usize = 11;

const SECTORS: &[Sector] = &[
    sector(
        "petrochemicals",
        "البتروكيماويات",
        &["20"],
        &[
            "petrochemicals",
            "petrochemical",
            "chemicals",
            "chemical",
            "بتروكيماويات",
            "بتروكيماوية",
            "بتروكيماوي",
            "بتروكيميائية",
            "بتروكيميائيات",
            "كيماويات",
            "كيماوية",
            "كيميائية",
            "كيميائيات",
            "الصناعات الكيماوية",
        ],
    ),
    sector(
        "fertilizers",
        "الأسمدة",
        &["2012"],
        &[
            "fertilizers",
            "fertiliser",
            "fertilizer",
            "ammonia",
            "urea",
            "أسمدة",
            "سماد",
            "أمونيا",
            "يوريا",
        ],
    ),
    sector(
        "steel",
        "الحديد والصلب",
        &["2410"],
        &[
            "steel",
            "iron and steel",
            "iron",
            "حديد",
            "صلب",
            "فولاذ",
            "الحديد والصلب",
        ],
    ),
    sector(
        "aluminium",
        "الألمنيوم",
        &["2420"],
        &[
            "aluminium",
            "aluminum",
            "ألمنيوم",
            "ألومنيوم",
            "ألومونيوم",
            "المونيوم",
        ],
    ),
    sector(
        "cement",
        "الأسمنت",
        &["2394"],
        &["cement", "أسمنت", "إسمنت", "اسمنتية"],
    ),
    sector(
        "refining",
        "تكرير النفط",
        &["19"],
        &[
            "refinery",
            "refineries",
            "refining",
            "oil refinery",
            "مصفاة",
            "مصافي",
            "تكرير",
            "مصفاة نفط",
            "تكرير النفط",
            "مصافي النفط",
        ],
    ),
    sector(
        "food",
        "الأغذية",
        &["10"],
        &[
            "food",
            "food processing",
            "أغذية",
            "غذائية",
            "غذائي",
            "غذاء",
            "الصناعات الغذائية",
        ],
    ),
    sector("dairy", "الألبان", &["1050"], &["dairy", "ألبان", "حليب"]),
    sector(
        "pharmaceuticals",
        "الأدوية",
        &["21"],
        &[
            "pharmaceuticals",
            "pharmaceutical",
            "pharma",
            "medicines",
            "drugs",
            "أدوية",
            "دوائية",
            "دوائي",
            "صيدلانية",
            "الصناعات الدوائية",
        ],
    ),
    sector(
        "plastics",
        "البلاستيك",
        &["22"],
        &[
            "plastics",
            "plastic",
            "rubber",
            "بلاستيك",
            "بلاستيكية",
            "مطاط",
            "لدائن",
        ],
    ),
    sector("glass", "الزجاج", &["231"], &["glass", "زجاج"]),
    // ENERGY points here; keep the index in step when adding sectors above.
    sector(
        "energy",
        "الطاقة",
        &["35"],
        &[
            "energy",
            "power",
            "electricity",
            "power plant",
            "كهرباء",
            "كهربائية",
            "توليد الكهرباء",
            "محطات الكهرباء",
            "محطة كهرباء",
        ],
    ),
    sector(
        "solar power",
        "الطاقة الشمسية",
        &["35"],
        &[
            "solar",
            "solar power",
            "solar energy",
            "photovoltaic",
            "PV",
            "طاقة شمسية",
            "الطاقة الشمسية",
            "شمسية",
            "كهروضوئية",
        ],
    ),
    sector(
        "wind power",
        "طاقة الرياح",
        &["35"],
        &["wind", "wind power", "wind farm", "طاقة الرياح"],
    ),
    sector(
        "desalination",
        "تحلية المياه",
        &["36"],
        &[
            "desalination",
            "water desalination",
            "desal",
            "تحلية",
            "تحلية المياه",
            "تحليه",
        ],
    ),
    sector(
        "mining",
        "التعدين",
        &["07", "08"],
        &[
            "mining",
            "mines",
            "mine",
            "minerals",
            "تعدين",
            "مناجم",
            "منجم",
            "تعدينية",
        ],
    ),
    sector("copper", "النحاس", &["0729", "2420"], &["copper", "نحاس"]),
    sector("gold", "الذهب", &["0729", "2420"], &["gold", "ذهب"]),
    sector(
        "oil and gas",
        "النفط والغاز",
        &["06"],
        &["oil and gas", "upstream", "النفط والغاز", "نفط وغاز"],
    ),
    sector(
        "hydrogen",
        "الهيدروجين",
        &["2011"],
        &["hydrogen", "green hydrogen", "هيدروجين", "الهيدروجين الأخضر"],
    ),
    sector(
        "automotive",
        "السيارات",
        &["29"],
        &[
            "automotive",
            "cars",
            "car",
            "vehicles",
            "vehicle",
            "electric vehicles",
            "سيارات",
            "سيارة",
            "مركبات",
            "السيارات الكهربائية",
            "سيارات كهربائية",
            "electric cars",
        ],
    ),
    sector(
        "shipbuilding",
        "بناء السفن",
        &["30"],
        &[
            "shipbuilding",
            "shipyard",
            "shipyards",
            "ship repair",
            "ships",
            "سفن",
            "بناء السفن",
            "أحواض السفن",
            "حوض بناء السفن",
        ],
    ),
    sector(
        "logistics",
        "الخدمات اللوجستية",
        &["52"],
        &[
            "logistics",
            "warehousing",
            "لوجستية",
            "لوجستي",
            "لوجستيات",
            "الخدمات اللوجستية",
            "تخزين",
            "مستودعات",
        ],
    ),
    sector(
        "recycling",
        "إعادة التدوير",
        &["38"],
        &[
            "recycling",
            "waste",
            "waste management",
            "تدوير",
            "إعادة التدوير",
            "نفايات",
        ],
    ),
    sector(
        "textiles",
        "المنسوجات",
        &["13"],
        &["textiles", "textile", "منسوجات", "نسيج"],
    ),
    sector(
        "paper",
        "الورق",
        &["17"],
        &["paper", "pulp and paper", "ورق", "الورق والكرتون"],
    ),
    sector(
        "beverages",
        "المشروبات",
        &["11"],
        &["beverages", "beverage", "drinks", "مشروبات"],
    ),
    sector(
        "meat and poultry",
        "اللحوم والدواجن",
        &["1010"],
        &["poultry", "meat", "دواجن", "لحوم"],
    ),
    sector(
        "electronics",
        "الإلكترونيات",
        &["26"],
        &[
            "electronics",
            "semiconductors",
            "semiconductor",
            "إلكترونيات",
            "أشباه الموصلات",
        ],
    ),
    sector(
        "batteries",
        "البطاريات",
        &["2720"],
        &["batteries", "battery", "بطاريات", "بطارية"],
    ),
    sector(
        "tyres",
        "الإطارات",
        &["2211"],
        &["tyres", "tires", "tyre", "tire", "إطارات"],
    ),
    sector(
        "data centres",
        "مراكز البيانات",
        &["6311"],
        &[
            "data center",
            "data centers",
            "data centre",
            "data centres",
            "مراكز البيانات",
            "مركز بيانات",
            "مراكز بيانات",
        ],
    ),
    sector(
        "agriculture",
        "الزراعة",
        &["01"],
        &["agriculture", "farming", "زراعة", "زراعية"],
    ),
    sector(
        "machinery",
        "الآلات والمعدات",
        &["28"],
        &["machinery", "آلات", "معدات صناعية"],
    ),
    sector("furniture", "الأثاث", &["31"], &["furniture", "أثاث"]),
];

const fn sector(
    en: &'static str,
    ar: &'static str,
    codes: &'static [&'static str],
    aliases: &'static [&'static str],
) -> Sector {
    Sector {
        en,
        ar,
        codes,
        aliases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isic;

    #[test]
    fn sector_codes_are_valid_isic() {
        for sector in sectors() {
            for code in sector.codes {
                assert!(
                    isic::division_of(code).is_some(),
                    "{} has invalid code {code}",
                    sector.en
                );
            }
        }
    }

    #[test]
    fn energy_index_points_to_energy() {
        assert_eq!(sectors()[ENERGY].en, "energy");
    }
}
