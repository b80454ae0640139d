//! Behaviour tests of `parse`: gazetteer aliases, spans, search text,
//! warnings, language and summary.

use gip_understanding::gazetteer::{self, PlaceKind};
use gip_understanding::{Interpretation, parse};

fn warning_codes(interpretation: &Interpretation) -> Vec<&str> {
    interpretation
        .warnings
        .iter()
        .map(|warning| warning.code.as_str())
        .collect()
}

#[test]
fn every_country_alias_resolves() {
    for country in gazetteer::countries() {
        for alias in country.aliases.iter().chain([&country.en, &country.ar]) {
            let parsed = parse(&format!("projects {alias}"));
            assert_eq!(parsed.filters.countries, [country.code], "alias {alias:?}");
        }
    }
}

#[test]
fn every_place_alias_resolves() {
    for place in gazetteer::places() {
        for alias in place.aliases.iter().chain([&place.name, &place.ar]) {
            let parsed = parse(&format!("مشاريع {alias}"));
            let list = match place.kind {
                PlaceKind::City => &parsed.filters.cities,
                PlaceKind::Zone => &parsed.filters.zones,
            };
            assert_eq!(list, &[place.name], "alias {alias:?}");
            assert_eq!(
                parsed.filters.countries,
                [place.country],
                "alias {alias:?} implies its country"
            );
        }
    }
}

#[test]
fn arabic_clitics_and_article_are_stripped() {
    for question in [
        "مشاريع بالجبيل",
        "مشاريع والجبيل",
        "مشاريع جبيل",
        "مشاريع للجبيل",
    ] {
        assert_eq!(parse(question).filters.cities, ["Jubail"], "{question}");
    }
}

#[test]
fn spans_slice_original_question() {
    let question = "ما مشاريعُ البتروكيماويات قيد الإنشاء في السّعودية التي تتجاوز استثماراتها ١٫٥ مليار دولار منذ ٢٠٢٠؟";
    let parsed = parse(question);
    let kinds: Vec<&str> = parsed.spans.iter().map(|span| span.kind.as_str()).collect();
    assert_eq!(kinds, ["sector", "status", "country", "investment", "year"]);
    for span in &parsed.spans {
        assert_eq!(&question[span.start..span.end], span.text, "{span:?}");
    }
    assert_eq!(parsed.spans[2].text, "السّعودية");
    assert_eq!(parsed.spans[3].text, "تتجاوز استثماراتها ١٫٥ مليار دولار");
    assert_eq!(parsed.spans[3].value, ">= 1500000000 USD");
    assert_eq!(parsed.spans[4].value, ">= 2020");
}

#[test]
fn span_values_name_meaning() {
    let parsed = parse("fertilizer plants in Jubail between 2018 and 2022 under $2bn");
    let values: Vec<(&str, &str)> = parsed
        .spans
        .iter()
        .map(|span| (span.kind.as_str(), span.value.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("sector", "isic:2012"),
            ("city", "Jubail"),
            ("year", ">= 2018 and <= 2022"),
            ("investment", "<= 2000000000 USD"),
        ]
    );
}

#[test]
fn text_keeps_sector_words_and_drops_constraints() {
    let parsed = parse(
        "ما مشاريع البتروكيماويات قيد الإنشاء في السعودية التي تتجاوز استثماراتها مليار دولار؟",
    );
    assert_eq!(parsed.text, "البتروكيماويات");

    let parsed = parse("show me new steel rolling mills in Oman since 2020");
    assert_eq!(parsed.text, "new steel rolling mills");

    let parsed = parse("وش ابي مشاريع الحديد بعمان");
    assert_eq!(parsed.text, "الحديد");
}

#[test]
fn unmatched_numbers_stay_in_text() {
    let parsed = parse("Line 2 expansion at Jubail");
    assert_eq!(parsed.text, "Line 2 expansion");
    assert_eq!(parsed.filters.investment_usd_min, None);
}

#[test]
fn contradictory_investment_is_dropped_with_warning() {
    let parsed = parse("مشاريع تتجاوز مليار دولار وأقل من مليون دولار");
    assert_eq!(parsed.filters.investment_usd_min, None);
    assert_eq!(parsed.filters.investment_usd_max, None);
    assert_eq!(warning_codes(&parsed), ["contradictory_investment"]);
    assert!(
        parsed.warnings[0].message.contains("1000000000"),
        "{}",
        parsed.warnings[0].message
    );
    assert!(!parsed.warnings[0].message_ar.is_empty());
}

#[test]
fn contradictory_years_are_dropped_with_warning() {
    let parsed = parse("projects since 2025 before 2010");
    assert_eq!(parsed.filters.year_from, None);
    assert_eq!(parsed.filters.year_to, None);
    assert_eq!(warning_codes(&parsed), ["contradictory_years"]);
}

#[test]
fn exclusion_is_ignored_with_warning() {
    let parsed = parse("مشاريع غير السعودية");
    assert!(parsed.filters.countries.is_empty());
    assert_eq!(warning_codes(&parsed), ["exclusion_not_supported"]);
}

#[test]
fn amman_is_not_oman() {
    let parsed = parse("مشاريع في عمّان");
    assert!(parsed.filters.countries.is_empty());
    assert_eq!(warning_codes(&parsed), ["place_not_covered"]);

    let parsed = parse("مشاريع في عمان");
    assert_eq!(parsed.filters.countries, ["OM"]);
}

#[test]
fn riyal_follows_named_country() {
    let qatar = parse("مشاريع في قطر بقيمة 364 مليون ريال")
        .filters
        .investment_usd_min;
    let oman = parse("مشاريع في عمان بقيمة 38.45 مليون ريال")
        .filters
        .investment_usd_min;
    let saudi = parse("مشاريع بقيمة 375 مليون ريال")
        .filters
        .investment_usd_min;
    assert_eq!(qatar, Some(100e6));
    assert_eq!(oman, Some(100e6));
    assert_eq!(saudi, Some(100e6));
}

#[test]
fn kuwaiti_dinar_warns_about_rate() {
    let parsed = parse("projects over 1 million KWD");
    assert!(parsed.filters.investment_usd_min.is_some());
    assert_eq!(warning_codes(&parsed), ["approximate_exchange_rate"]);
}

#[test]
fn place_outside_named_country_warns() {
    let parsed = parse("projects in Jubail in Oman");
    assert_eq!(parsed.filters.countries, ["SA", "OM"]);
    assert_eq!(warning_codes(&parsed), ["place_country_mismatch"]);
}

#[test]
fn capacity_maximum_warns() {
    let parsed = parse("cement plants under 1 million tonnes");
    assert_eq!(parsed.filters.capacity_min, None);
    assert_eq!(warning_codes(&parsed), ["capacity_max_not_supported"]);
}

#[test]
fn year_words_set_inclusive_bounds() {
    let cases = [
        ("since 2020", Some(2020), None),
        ("after 2020", Some(2021), None),
        ("before 2015", None, Some(2014)),
        ("until 2025", None, Some(2025)),
        ("in 2020", Some(2020), Some(2020)),
        ("2018-2022", Some(2018), Some(2022)),
        ("2020 onwards", Some(2020), None),
        ("منذ عام ٢٠٢٠", Some(2020), None),
        ("بعد 2020", Some(2021), None),
        ("قبل 2015", None, Some(2014)),
        ("حتى 2025", None, Some(2025)),
        ("من 2018 الى 2022", Some(2018), Some(2022)),
        ("بين 2018 و2022", Some(2018), Some(2022)),
    ];
    for (question, from, to) in cases {
        let filters = parse(question).filters;
        assert_eq!(
            (filters.year_from, filters.year_to),
            (from, to),
            "{question}"
        );
    }
}

#[test]
fn numbers_outside_year_range_are_not_years() {
    for question in ["projects 1949", "projects 2101", "projects 12345"] {
        let filters = parse(question).filters;
        assert_eq!(
            (filters.year_from, filters.year_to),
            (None, None),
            "{question}"
        );
    }
}

#[test]
fn amount_forms_convert_to_usd() {
    let cases = [
        ("over 1.5bn", 1.5e9),
        ("more than $2 billion", 2e9),
        ("above 500k USD", 5e5),
        ("over 1,500 million dollars", 1.5e9),
        ("أكثر من ٢ مليار ريال", 2e9 / 3.75),
        ("أكثر من ٢٬٥٠٠ مليون دولار", 2.5e9),
        ("أكثر من ملياري دولار", 2e9),
        ("أكثر من مليارين", 2e9),
        ("فوق خمسمائة مليون دولار", 5e8),
        ("أكثر من نصف مليار", 5e8),
        ("over 500 million dirhams", (500e6 / 3.6725_f64).round()),
        ("SAR 3bn", 8e8),
        ("3 بليون دولار", 3e9),
        ("ألفين مليون دولار", 2e9),
        ("ألف مليون", 1e9),
    ];
    for (question, expected) in cases {
        let filters = parse(question).filters;
        assert_eq!(
            filters.investment_usd_min,
            Some(expected.round()),
            "{question}"
        );
    }
}

#[test]
fn language_is_detected() {
    assert_eq!(parse("مشاريع الحديد").lang, "ar");
    assert_eq!(parse("steel projects").lang, "en");
    assert_eq!(parse("مشاريع steel").lang, "mixed");
    assert_eq!(parse("2020").lang, "en");
}

#[test]
fn summary_describes_filters_in_both_languages() {
    let parsed = parse("steel plants in Oman since 2020 over $1bn");
    assert!(parsed.summary.en.contains("Oman"), "{}", parsed.summary.en);
    assert!(
        parsed.summary.en.contains("ISIC 2410"),
        "{}",
        parsed.summary.en
    );
    assert!(
        parsed.summary.en.contains("1,000,000,000 USD"),
        "{}",
        parsed.summary.en
    );
    assert!(parsed.summary.ar.contains("عُمان"), "{}", parsed.summary.ar);
    assert!(parsed.summary.ar.contains("2020"), "{}", parsed.summary.ar);

    let parsed = parse("rolling mills");
    assert!(
        parsed.summary.en.starts_with("No filters recognized"),
        "{}",
        parsed.summary.en
    );
}

#[test]
fn empty_filters_serialize_to_empty_object() {
    let parsed = parse("hello");
    let json = serde_json::to_value(&parsed.filters).expect("filters serialize");
    assert_eq!(json, serde_json::json!({}));

    let parsed = parse("steel in Oman");
    let json = serde_json::to_value(&parsed.filters).expect("filters serialize");
    assert_eq!(
        json,
        serde_json::json!({"countries": ["OM"], "isic": ["2410"]})
    );
}
