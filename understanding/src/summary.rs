//! One-line Arabic and English descriptions of an interpretation.

use crate::{Interpretation, Summary, gazetteer, isic, sectors, trim_number};

/// Builds the summary from the filters and the search text.
pub(crate) fn summarize(interpretation: &Interpretation) -> Summary {
    let filters = &interpretation.filters;
    let mut en = Vec::new();
    let mut ar = Vec::new();

    if !filters.countries.is_empty() {
        let names = |arabic: bool| {
            filters
                .countries
                .iter()
                .map(|code| match gazetteer::country(code) {
                    Some(country) if arabic => country.ar,
                    Some(country) => country.en,
                    None => code.as_str(),
                })
                .collect::<Vec<_>>()
        };
        en.push(format!("country: {}", names(false).join(" or ")));
        ar.push(format!("الدولة: {}", names(true).join(" أو ")));
    }

    let places: Vec<&gazetteer::Place> = filters
        .cities
        .iter()
        .chain(&filters.zones)
        .filter_map(|name| gazetteer::place(name))
        .collect();
    if !places.is_empty() {
        en.push(format!(
            "place: {}",
            places
                .iter()
                .map(|place| place.name)
                .collect::<Vec<_>>()
                .join(" or ")
        ));
        ar.push(format!(
            "الموقع: {}",
            places
                .iter()
                .map(|place| place.ar)
                .collect::<Vec<_>>()
                .join(" أو ")
        ));
    }

    if !filters.isic.is_empty() {
        let (names_en, names_ar) = sector_names(interpretation);
        en.push(format!(
            "sector: {} (ISIC {})",
            names_en.join(" or "),
            filters.isic.join(", ")
        ));
        ar.push(format!(
            "القطاع: {} (ISIC {})",
            names_ar.join(" أو "),
            filters.isic.join("، ")
        ));
    }

    if !filters.statuses.is_empty() {
        en.push(format!(
            "status: {}",
            filters
                .statuses
                .iter()
                .map(|status| status.replace('_', " "))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
        ar.push(format!(
            "الحالة: {}",
            filters
                .statuses
                .iter()
                .map(|status| status_ar(status))
                .collect::<Vec<_>>()
                .join(" أو ")
        ));
    }

    match (filters.investment_usd_min, filters.investment_usd_max) {
        (None, None) => {}
        (min, max) => {
            en.push(format!("investment: {}", range_en(min, max, " USD")));
            ar.push(format!("الاستثمار: {}", range_ar(min, max, " دولار")));
        }
    }

    if let Some(capacity) = &filters.capacity_min {
        en.push(format!(
            "capacity: at least {} {}",
            trim_number(capacity.value),
            capacity.unit
        ));
        ar.push(format!(
            "الطاقة الإنتاجية: {} {} على الأقل",
            trim_number(capacity.value),
            capacity.unit
        ));
    }

    match (filters.year_from, filters.year_to) {
        (None, None) => {}
        (Some(from), Some(to)) if from == to => {
            en.push(format!("start year: {from}"));
            ar.push(format!("سنة البدء: {from}"));
        }
        (Some(from), Some(to)) => {
            en.push(format!("start year: {from} to {to}"));
            ar.push(format!("سنة البدء: من {from} إلى {to}"));
        }
        (Some(from), None) => {
            en.push(format!("start year: {from} or later"));
            ar.push(format!("سنة البدء: {from} فما بعد"));
        }
        (None, Some(to)) => {
            en.push(format!("start year: {to} or earlier"));
            ar.push(format!("سنة البدء: {to} فما قبل"));
        }
    }

    let text = interpretation.text.as_str();
    if en.is_empty() {
        return Summary {
            en: format!("No filters recognized; full-text search for \"{text}\"."),
            ar: format!("لم يُتعرّف على أي مرشح؛ بحث نصي عن \"{text}\"."),
        };
    }
    let text_en = if text.is_empty() {
        String::new()
    } else {
        format!("; search text: \"{text}\"")
    };
    let text_ar = if text.is_empty() {
        String::new()
    } else {
        format!("؛ نص البحث: \"{text}\"")
    };
    Summary {
        en: format!("{}{text_en}.", en.join("; ")),
        ar: format!("{}{text_ar}.", ar.join("؛ ")),
    }
}

/// Returns the English and Arabic labels of the sectors named, falling back
/// to ISIC division titles.
fn sector_names(interpretation: &Interpretation) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut en = Vec::new();
    let mut ar = Vec::new();
    for span in interpretation
        .spans
        .iter()
        .filter(|span| span.kind == "sector")
    {
        let codes = span.value.trim_start_matches("isic:");
        let sector = sectors::sectors()
            .iter()
            .find(|sector| sector.codes.join(",") == codes);
        let (label_en, label_ar) = match sector {
            Some(sector) => (sector.en, sector.ar),
            None => match isic::division_of(codes) {
                Some(division) => (division.en, division.ar),
                None => continue,
            },
        };
        if !en.contains(&label_en) {
            en.push(label_en);
            ar.push(label_ar);
        }
    }
    (en, ar)
}

fn status_ar(status: &str) -> &'static str {
    match status {
        "planned" => "مخطط",
        "under_construction" => "قيد الإنشاء",
        "operational" => "قائم",
        "suspended" => "متوقف",
        "cancelled" => "ملغى",
        _ => "غير معروفة",
    }
}

fn range_en(min: Option<f64>, max: Option<f64>, unit: &str) -> String {
    match (min, max) {
        (Some(min), Some(max)) if min == max => format!("{}{unit}", grouped(min)),
        (Some(min), Some(max)) => format!("{} to {}{unit}", grouped(min), grouped(max)),
        (Some(min), None) => format!("at least {}{unit}", grouped(min)),
        (None, Some(max)) => format!("at most {}{unit}", grouped(max)),
        (None, None) => String::new(),
    }
}

fn range_ar(min: Option<f64>, max: Option<f64>, unit: &str) -> String {
    match (min, max) {
        (Some(min), Some(max)) if min == max => format!("{}{unit}", grouped(min)),
        (Some(min), Some(max)) => format!("من {} إلى {}{unit}", grouped(min), grouped(max)),
        (Some(min), None) => format!("{}{unit} على الأقل", grouped(min)),
        (None, Some(max)) => format!("{}{unit} على الأكثر", grouped(max)),
        (None, None) => String::new(),
    }
}

/// Formats a whole number with comma thousands separators. Numbers below
/// 10000 and fractions are written without separators.
fn grouped(value: f64) -> String {
    let digits = trim_number(value);
    if value.abs() < 10_000.0 || value.fract() != 0.0 {
        return digits;
    }
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
