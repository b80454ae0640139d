//! Query understanding for GIP Search: turns an Arabic, English or mixed
//! question into exact filters plus the remaining search text.
//!
//! ```
//! let parsed = gip_understanding::parse("steel plants in Oman since 2020");
//! assert_eq!(parsed.filters.countries, ["OM"]);
//! assert_eq!(parsed.filters.isic, ["2410"]);
//! assert_eq!(parsed.filters.year_from, Some(2020));
//! assert_eq!(parsed.text, "steel plants");
//! ```
//!
//! Filter semantics for the caller: values inside one list are
//! alternatives (any of them matches), and the fields combine with AND. An
//! ISIC filter code matches every project code that starts with it. Years
//! apply to the project's start year: "since 2020" means a start year of
//! 2020 or later.
//!
//! The search text keeps the words that are not constraints, sector words
//! included, because they help ranking on top of the exact ISIC filter.
//! Country, city, zone, status, amount and year phrases are removed, and so
//! are question words, Gulf colloquial fillers and function words.

pub mod currency;
pub mod gazetteer;
pub mod isic;
mod lexicon;
mod normalize;
pub mod numbers;
mod quantity;
pub mod sectors;
mod summary;

use serde::{Deserialize, Serialize};

use crate::lexicon::{Item, Measure, Tag};
use crate::normalize::{Script, Token, TokenKind};
use crate::quantity::{Constraint, Found};

/// The result of parsing one question.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Interpretation {
    pub filters: Filters,
    /// The remaining search text, in the question's own spelling.
    pub text: String,
    /// "ar", "en" or "mixed", from the scripts of the words. A question with
    /// no letters is "en".
    pub lang: String,
    /// Every recognized phrase, in question order.
    pub spans: Vec<Span>,
    pub summary: Summary,
    pub warnings: Vec<Warning>,
}

/// Exact filters. Empty lists and missing bounds mean "no constraint" and
/// are left out of the JSON form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Filters {
    /// ISO 3166-1 alpha-2 codes among SA AE QA KW BH OM. A named city or
    /// zone adds its country.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Canonical English city names from the gazetteer, e.g. "Jubail".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cities: Vec<String>,
    /// Canonical English zone names, e.g. "Ras Laffan Industrial City".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// ISIC Rev.4 division (2 digits), group (3) or class (4 digits) codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub isic: Vec<String>,
    /// Among planned, under_construction, operational, suspended, cancelled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<String>,
    /// Minimum investment in whole US dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment_usd_min: Option<f64>,
    /// Maximum investment in whole US dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment_usd_max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_min: Option<Capacity>,
    /// First start year, inclusive: "since 2020" gives 2020, "after 2020" 2021.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_from: Option<i32>,
    /// Last start year, inclusive: "before 2015" gives 2014.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_to: Option<i32>,
}

/// A minimum production capacity.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Capacity {
    pub value: f64,
    /// "t/y" (tonnes per year, also for tonnes with no period), "t/d",
    /// "MW", "bbl/d" or "m3/d".
    pub unit: String,
}

/// One recognized phrase of the question.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Span {
    /// Byte offset of the phrase in the original question.
    pub start: usize,
    /// Byte offset one past the phrase; `&question[start..end] == text`.
    pub end: usize,
    pub text: String,
    /// "country", "city", "zone", "sector", "status", "investment",
    /// "capacity" or "year".
    pub kind: String,
    /// The meaning: "SA", "Jubail", "isic:20", "under_construction",
    /// ">= 1000000000 USD", ">= 2018 and <= 2022".
    pub value: String,
}

/// One-line descriptions of what was understood.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub ar: String,
    pub en: String,
}

/// Something the caller should show the user: a dropped contradiction, an
/// exclusion that filters cannot express, or an approximate rate.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Warning {
    /// Stable identifier: contradictory_investment, contradictory_years,
    /// capacity_max_not_supported, exclusion_not_supported,
    /// place_not_covered, place_country_mismatch, approximate_exchange_rate.
    pub code: String,
    /// English message.
    pub message: String,
    /// Arabic message.
    pub message_ar: String,
}

impl Warning {
    fn new(code: &str, message: String, message_ar: String) -> Self {
        Warning {
            code: code.to_string(),
            message,
            message_ar,
        }
    }
}

/// Parses a question into filters, search text, spans and a summary.
///
/// Accepts any string, including an empty one, and does not panic, which
/// the property tests in `tests/fuzz.rs` check. Words it cannot read stay in
/// the search text.
pub fn parse(question: &str) -> Interpretation {
    let tokens = normalize::tokenize(question);
    let items = lexicon::tag_tokens(&tokens);
    let mut consumed = vec![false; items.len()];
    let mut interpretation = Interpretation {
        lang: detect_language(&tokens).to_string(),
        ..Default::default()
    };

    let negated = find_negated(&items);
    let places = collect_places(&items, &negated, &tokens, question, &mut interpretation);
    let countries: Vec<&str> = interpretation
        .filters
        .countries
        .iter()
        .map(String::as_str)
        .collect();
    let found = quantity::find_quantities(&items, &countries, &mut consumed);
    apply_quantities(&found, &items, &tokens, question, &mut interpretation);
    collect_topics(
        &items,
        &negated,
        &consumed,
        &tokens,
        question,
        &mut interpretation,
    );

    check_place_countries(&places, &items, &negated, &mut interpretation);
    interpretation
        .spans
        .sort_by_key(|span| (span.start, span.end));
    interpretation.text = remaining_text(&items, &consumed, &tokens, question);
    interpretation.summary = summary::summarize(&interpretation);
    interpretation
}

/// Returns the byte range in the question of items `first..last`.
fn byte_range(items: &[Item], first: usize, last: usize, tokens: &[Token]) -> (usize, usize) {
    (
        tokens[items[first].first].start,
        tokens[items[last - 1].last - 1].end,
    )
}

fn push_span(
    interpretation: &mut Interpretation,
    question: &str,
    range: (usize, usize),
    kind: &str,
    value: String,
) {
    interpretation.spans.push(Span {
        start: range.0,
        end: range.1,
        text: question[range.0..range.1].to_string(),
        kind: kind.to_string(),
        value,
    });
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|known| known == value) {
        list.push(value.to_string());
    }
}

/// Returns, for each item, whether a negation word such as "not" or "غير"
/// precedes it, skipping at most one filler ("not in Oman").
fn find_negated(items: &[Item]) -> Vec<bool> {
    let mut negated = vec![false; items.len()];
    for index in 1..items.len() {
        let previous = items[index - 1].tag;
        let before_filler = index >= 2
            && previous == Some(Tag::Filler)
            && items[index - 2].tag == Some(Tag::Negation);
        negated[index] = previous == Some(Tag::Negation) || before_filler;
    }
    negated
}

/// Adds countries, cities and zones to the filters and returns the indices
/// of the places named.
fn collect_places(
    items: &[Item],
    negated: &[bool],
    tokens: &[Token],
    question: &str,
    interpretation: &mut Interpretation,
) -> Vec<usize> {
    let mut places = Vec::new();

    for (index, item) in items.iter().enumerate() {
        let range = byte_range(items, index, index + 1, tokens);
        let words = &question[range.0..range.1];
        match item.tag {
            Some(Tag::Country(_) | Tag::Place(_)) if negated[index] => {
                interpretation.warnings.push(exclusion_warning(words));
            }
            Some(Tag::Country(code)) => {
                push_unique(&mut interpretation.filters.countries, code);
                push_span(interpretation, question, range, "country", code.to_string());
            }
            Some(Tag::Place(place_index)) => {
                let place = &gazetteer::places()[place_index];
                let (list, kind) = match place.kind {
                    gazetteer::PlaceKind::City => (&mut interpretation.filters.cities, "city"),
                    gazetteer::PlaceKind::Zone => (&mut interpretation.filters.zones, "zone"),
                };
                push_unique(list, place.name);
                push_unique(&mut interpretation.filters.countries, place.country);
                push_span(
                    interpretation,
                    question,
                    range,
                    kind,
                    place.name.to_string(),
                );
                places.push(place_index);
            }
            Some(Tag::NotCovered(name)) => {
                interpretation.warnings.push(Warning::new(
                    "place_not_covered",
                    format!("\"{words}\" was read as {name}, which is outside the six GCC states that GIP covers; no place filter was applied."),
                    format!("فُهمت \"{words}\" على أنها {name}، وهي خارج دول الخليج الست التي يغطيها GIP؛ لم يُطبَّق مرشح مكان."),
                ));
            }
            _ => {}
        }
    }

    places
}

/// Adds sectors and statuses, and reads an unused "طاقة" as the energy sector.
fn collect_topics(
    items: &[Item],
    negated: &[bool],
    consumed: &[bool],
    tokens: &[Token],
    question: &str,
    interpretation: &mut Interpretation,
) {
    for (index, item) in items.iter().enumerate() {
        if consumed[index] {
            continue;
        }
        let range = byte_range(items, index, index + 1, tokens);
        let words = &question[range.0..range.1];
        let sector_index = match item.tag {
            Some(Tag::Sector(sector_index)) => Some(sector_index),
            Some(Tag::Context(Measure::CapacityOrEnergy)) => Some(sectors::ENERGY),
            _ => None,
        };

        if let Some(sector_index) = sector_index {
            if negated[index] {
                interpretation.warnings.push(exclusion_warning(words));
                continue;
            }
            let sector = &sectors::sectors()[sector_index];
            for code in sector.codes {
                push_unique(&mut interpretation.filters.isic, code);
            }
            push_span(
                interpretation,
                question,
                range,
                "sector",
                format!("isic:{}", sector.codes.join(",")),
            );
        }

        if let Some(Tag::Status(status)) = item.tag {
            if negated[index] {
                interpretation.warnings.push(exclusion_warning(words));
                continue;
            }
            push_unique(&mut interpretation.filters.statuses, status);
            push_span(
                interpretation,
                question,
                range,
                "status",
                status.to_string(),
            );
        }
    }
}

fn exclusion_warning(words: &str) -> Warning {
    Warning::new(
        "exclusion_not_supported",
        format!(
            "Excluding \"{words}\" is not supported by the filters, so it was ignored; rephrase the question with what to include."
        ),
        format!(
            "استبعاد \"{words}\" غير مدعوم في المرشحات، لذا تم تجاهله؛ أعد صياغة السؤال بذكر ما تريد تضمينه."
        ),
    )
}

/// Merges the amount, capacity and year phrases into the filters and drops
/// contradictory pairs with a warning.
fn apply_quantities(
    found: &[Found],
    items: &[Item],
    tokens: &[Token],
    question: &str,
    interpretation: &mut Interpretation,
) {
    let mut investment = Bounds::default();
    let mut years = Bounds::default();
    let mut capacity: Option<(f64, &str)> = None;

    for phrase in found {
        let range = byte_range(items, phrase.first, phrase.last, tokens);
        match &phrase.constraint {
            Constraint::Investment { min, max, currency } => {
                investment.add(*min, *max);
                push_span(
                    interpretation,
                    question,
                    range,
                    "investment",
                    describe_bounds(*min, *max, " USD"),
                );
                if !currency.is_pegged() {
                    interpretation.warnings.push(Warning::new(
                        "approximate_exchange_rate",
                        format!("{currency} was converted at the approximate rate of {} per USD because it is not pegged to the dollar.", currency.per_usd()),
                        format!("حُوّل {currency} بسعر تقريبي قدره {} لكل دولار لأنه غير مربوط بالدولار.", currency.per_usd()),
                    ));
                }
            }
            Constraint::Capacity { min, max, unit } => {
                push_span(
                    interpretation,
                    question,
                    range,
                    "capacity",
                    describe_bounds(*min, *max, &format!(" {unit}")),
                );
                if max.is_some() {
                    interpretation.warnings.push(Warning::new(
                        "capacity_max_not_supported",
                        format!("A maximum capacity (\"{}\") is not supported by the filters and was ignored.", &question[range.0..range.1]),
                        format!("الحد الأقصى للطاقة الإنتاجية (\"{}\") غير مدعوم في المرشحات وتم تجاهله.", &question[range.0..range.1]),
                    ));
                }
                if let Some(min) = min {
                    let keep = capacity
                        .is_none_or(|(known, known_unit)| known_unit == *unit && *min > known);
                    if keep {
                        capacity = Some((*min, unit));
                    }
                }
            }
            Constraint::Year { from, to } => {
                years.add(from.map(f64::from), to.map(f64::from));
                push_span(
                    interpretation,
                    question,
                    range,
                    "year",
                    describe_year(*from, *to),
                );
            }
        }
    }

    let filters = &mut interpretation.filters;
    if investment.is_contradictory() {
        interpretation.warnings.push(Warning::new(
            "contradictory_investment",
            format!(
                "The question asks for investments of at least {} USD and at most {} USD, which cannot both hold; both investment filters were dropped.",
                whole(investment.min), whole(investment.max)
            ),
            format!(
                "يطلب السؤال استثمارات لا تقل عن {} دولار ولا تزيد عن {} دولار، وهذا متناقض؛ أُلغي مرشحا الاستثمار كلاهما.",
                whole(investment.min), whole(investment.max)
            ),
        ));
    } else {
        filters.investment_usd_min = investment.min;
        filters.investment_usd_max = investment.max;
    }

    if years.is_contradictory() {
        interpretation.warnings.push(Warning::new(
            "contradictory_years",
            format!(
                "The question asks for a start year from {} and up to {}, which cannot both hold; both year filters were dropped.",
                whole(years.min), whole(years.max)
            ),
            format!(
                "يطلب السؤال سنة بدء من {} وحتى {}، وهذا متناقض؛ أُلغي مرشحا السنة كلاهما.",
                whole(years.min), whole(years.max)
            ),
        ));
    } else {
        filters.year_from = years.min.map(|year| year as i32);
        filters.year_to = years.max.map(|year| year as i32);
    }

    filters.capacity_min = capacity.map(|(value, unit)| Capacity {
        value,
        unit: unit.to_string(),
    });
}

/// Lower and upper bounds merged over several phrases: the highest minimum
/// and the lowest maximum win.
#[derive(Default)]
struct Bounds {
    min: Option<f64>,
    max: Option<f64>,
}

impl Bounds {
    fn add(&mut self, min: Option<f64>, max: Option<f64>) {
        if let Some(min) = min {
            self.min = Some(self.min.map_or(min, |known| known.max(min)));
        }
        if let Some(max) = max {
            self.max = Some(self.max.map_or(max, |known| known.min(max)));
        }
    }

    fn is_contradictory(&self) -> bool {
        matches!((self.min, self.max), (Some(min), Some(max)) if min > max)
    }
}

fn whole(value: Option<f64>) -> String {
    value.map_or_else(String::new, |value| format!("{value:.0}"))
}

fn describe_bounds(min: Option<f64>, max: Option<f64>, unit: &str) -> String {
    match (min, max) {
        (Some(min), Some(max)) => {
            format!(">= {} and <= {}{unit}", trim_number(min), trim_number(max))
        }
        (Some(min), None) => format!(">= {}{unit}", trim_number(min)),
        (None, Some(max)) => format!("<= {}{unit}", trim_number(max)),
        (None, None) => String::new(),
    }
}

fn describe_year(from: Option<i32>, to: Option<i32>) -> String {
    match (from, to) {
        (Some(from), Some(to)) if from == to => format!("= {from}"),
        (Some(from), Some(to)) => format!(">= {from} and <= {to}"),
        (Some(from), None) => format!(">= {from}"),
        (None, Some(to)) => format!("<= {to}"),
        (None, None) => String::new(),
    }
}

/// Formats a number without a trailing ".0" and without exponent notation.
pub(crate) fn trim_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e18 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Warns when a city or zone lies outside every country the question names
/// explicitly, as in "Jubail in Oman".
fn check_place_countries(
    places: &[usize],
    items: &[Item],
    negated: &[bool],
    interpretation: &mut Interpretation,
) {
    let named: Vec<&str> = items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| match item.tag {
            Some(Tag::Country(code)) if !negated[index] => Some(code),
            _ => None,
        })
        .collect();
    if named.is_empty() {
        return;
    }

    for &place_index in places {
        let place = &gazetteer::places()[place_index];
        if !named.contains(&place.country) {
            interpretation.warnings.push(Warning::new(
                "place_country_mismatch",
                format!("{} is in {}, not in the country named; both countries were kept as alternatives.", place.name, place.country),
                format!("{} تقع في {}، وليست في الدولة المذكورة؛ أُبقيت الدولتان كبديلين.", place.ar, place.country),
            ));
        }
    }
}

/// Joins the original spelling of the words that are neither constraints
/// nor fillers.
fn remaining_text(items: &[Item], consumed: &[bool], tokens: &[Token], question: &str) -> String {
    let mut words = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if consumed[index] {
            continue;
        }
        let keep = match item.tag {
            None => tokens[item.first].kind != TokenKind::Symbol,
            Some(Tag::Sector(_) | Tag::Context(_) | Tag::Unit { .. } | Tag::NotCovered(_)) => true,
            Some(_) => false,
        };
        if keep {
            let range = byte_range(items, index, index + 1, tokens);
            words.push(&question[range.0..range.1]);
        }
    }
    words.join(" ")
}

/// Returns "ar", "en" or "mixed" from the scripts of the word tokens.
fn detect_language(tokens: &[Token]) -> &'static str {
    let has = |script: Script| {
        tokens
            .iter()
            .any(|token| token.kind == TokenKind::Word(script))
    };
    match (has(Script::Arabic), has(Script::Latin)) {
        (true, true) => "mixed",
        (true, false) => "ar",
        _ => "en",
    }
}
