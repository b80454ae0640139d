//! Recognition of investment amounts, production capacities and years in
//! a tagged question.
//!
//! An amount is read as: an optional currency, a number or number word, an
//! optional scale word, an optional currency, and an optional unit with its
//! period ("$2 billion", "٢ مليار ريال", "1.5 million tonnes per year",
//! "مليار دولار"). A comparison word before it, or a bound word after it,
//! makes it a minimum or a maximum; "between … and …" and "from … to …"
//! make a range.
//!
//! Classification goes in this order:
//! - an amount with a unit is a capacity;
//! - an amount with a currency is an investment;
//! - a plain 4-digit number from 1950 to 2100 with no investment word
//!   nearby is a year;
//! - an amount with a scale word (million, مليار) or an investment word
//!   nearby is an investment in US dollars.
//!
//! Anything else is left in the search text.

use crate::currency::Currency;
use crate::lexicon::{CurrencyWord, Item, Marker, Measure, PostBound, Tag};

/// First and last year that a plain 4-digit number may stand for.
const YEARS: std::ops::RangeInclusive<i32> = 1950..=2100;

/// The constraint that one recognized phrase sets.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Constraint {
    /// Bounds in whole US dollars.
    Investment {
        min: Option<f64>,
        max: Option<f64>,
        currency: Currency,
    },
    /// Bounds in `unit`.
    Capacity {
        min: Option<f64>,
        max: Option<f64>,
        unit: &'static str,
    },
    /// Inclusive bounds on the start year.
    Year { from: Option<i32>, to: Option<i32> },
}

/// A recognized phrase covering items `first..last`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Found {
    pub first: usize,
    pub last: usize,
    pub constraint: Constraint,
}

/// One amount before classification.
#[derive(Clone, Copy, Debug)]
struct Amount {
    first: usize,
    last: usize,
    /// The number as written, or the count a scale word stands for alone.
    count: f64,
    /// Scale factor times unit factor.
    multiplier: f64,
    has_scale: bool,
    currency: Option<CurrencyWord>,
    unit: Option<&'static str>,
    year: Option<i32>,
}

/// Finds every amount, capacity and year phrase in `items`.
///
/// `countries` are the countries the question names, used to tell which
/// riyal or dinar is meant. `consumed` marks items already used by a
/// phrase; found phrases mark their items too.
pub(crate) fn find_quantities(
    items: &[Item],
    countries: &[&str],
    consumed: &mut [bool],
) -> Vec<Found> {
    let mut found = Vec::new();
    let mut index = 0;

    while index < items.len() {
        if consumed[index] {
            index += 1;
            continue;
        }
        let Some(amount) = read_amount(items, index) else {
            index += 1;
            continue;
        };

        if items
            .get(amount.last)
            .is_some_and(|item| item.tag == Some(Tag::Percent))
        {
            index = amount.last + 1;
            continue;
        }

        let before = look_back(items, amount.first, consumed);
        let second = read_range_end(items, &amount, before.marker);
        let mut last = second.map_or(amount.last, |end| end.last);

        // A bound word followed by another amount belongs to that amount:
        // "over $1 billion and under $1 million".
        let mut post = None;
        if let Some(Tag::PostBound(bound) | Tag::EitherBound(bound)) =
            items.get(last).and_then(|item| item.tag)
            && read_amount(items, last + 1).is_none()
        {
            post = Some(bound);
            last += 1;
        }
        // A context word after the amount ("$1bn investment", "500 MW
        // capacity") counts only for an amount with a scale, currency or
        // unit, so "since 2018 worth at least $1bn" keeps its year.
        let mut context = before.context;
        let is_measured = amount.has_scale || amount.currency.is_some() || amount.unit.is_some();
        if let (true, Some(Tag::Context(measure))) =
            (is_measured, items.get(last).and_then(|item| item.tag))
        {
            context = context.or(Some(measure));
            last += 1;
        }

        let phrase = Phrase {
            amount,
            second,
            marker: before.marker,
            post,
            context,
        };
        match classify(&phrase, countries) {
            Some(constraint) => {
                let first = before.first.min(amount.first);
                consumed[first..last]
                    .iter_mut()
                    .for_each(|flag| *flag = true);
                found.push(Found {
                    first,
                    last,
                    constraint,
                });
                index = last;
            }
            None => index = amount.last,
        }
    }

    found
}

/// Reads an amount starting at item `start`, or returns None when no number,
/// number word or scale word starts there.
fn read_amount(items: &[Item], start: usize) -> Option<Amount> {
    let tag_at = |index: usize| items.get(index).and_then(|item| item.tag);
    let starts_number = |index: usize| {
        items.get(index).is_some_and(|item| item.number.is_some())
            || matches!(tag_at(index), Some(Tag::NumberWord(_) | Tag::Scale { .. }))
    };

    let mut index = start;
    let mut currency = None;
    if let Some(Tag::Currency(word)) = tag_at(index) {
        if !starts_number(index + 1) {
            return None;
        }
        currency = Some(word);
        index += 1;
    }

    let mut number = None;
    let mut plain_digits = false;
    if let Some(value) = items.get(index).and_then(|item| item.number) {
        number = Some(value);
        plain_digits = items[index].plain_digits;
        index += 1;
    } else if let Some(Tag::NumberWord(value)) = tag_at(index) {
        number = Some(value);
        index += 1;
    }

    let mut scale = None;
    if let Some(Tag::Scale { factor, count }) = tag_at(index) {
        scale = Some((factor, count));
        index += 1;

        // A smaller scale before a larger one multiplies: "ألفين مليون" is
        // two thousand million.
        if let Some(Tag::Scale { factor: larger, .. }) = tag_at(index)
            && larger > factor
        {
            number = Some(number.unwrap_or(count) * factor);
            scale = Some((larger, 1.0));
            index += 1;
        }
    }

    if currency.is_none()
        && let Some(Tag::Currency(word)) = tag_at(index)
    {
        currency = Some(word);
        index += 1;
    }

    let mut unit = None;
    if let Some(Tag::Unit { unit: name, factor }) = tag_at(index) {
        unit = Some((name, factor));
        index += 1;
        if tag_at(index) == Some(Tag::Period) {
            index += 1;
        }
    }

    // A unit such as "مليون طن" carries its own scale and needs no number.
    let has_amount =
        number.is_some() || scale.is_some() || unit.is_some_and(|(_, factor)| factor > 1.0);
    if !has_amount {
        return None;
    }

    let count = number.or(scale.map(|(_, count)| count)).unwrap_or(1.0);
    let multiplier =
        scale.map_or(1.0, |(factor, _)| factor) * unit.map_or(1.0, |(_, factor)| factor);
    let is_bare = scale.is_none() && currency.is_none() && unit.is_none();
    let year = number
        .filter(|_| plain_digits && is_bare)
        .map(|value| value as i32)
        .filter(|year| YEARS.contains(year));

    Some(Amount {
        first: start,
        last: index,
        count,
        multiplier,
        has_scale: scale.is_some(),
        currency,
        unit: unit.map(|(name, _)| name),
        year,
    })
}

/// The comparison word and context words found before an amount.
struct Before {
    first: usize,
    marker: Option<Tag>,
    context: Option<Measure>,
}

/// Looks back from item `start` over fillers, year nouns and context words
/// for a comparison word, then over fillers for further context words.
fn look_back(items: &[Item], start: usize, consumed: &[bool]) -> Before {
    let mut before = Before {
        first: start,
        marker: None,
        context: None,
    };
    let mut index = start;
    let mut skipped = 0;

    while index > 0 && skipped <= 3 {
        let previous = index - 1;
        if consumed[previous] {
            break;
        }
        match items[previous].tag {
            Some(Tag::Filler) => {}
            Some(Tag::YearNoun) => before.first = previous,
            Some(Tag::Context(measure)) => {
                before.context = before.context.or(Some(measure));
                before.first = previous;
            }
            Some(tag @ (Tag::Marker(_) | Tag::EitherBound(_) | Tag::PostBound(_))) => {
                before.marker = Some(tag);
                before.first = previous;
                index = previous;
                break;
            }
            _ => break,
        }
        index = previous;
        skipped += 1;
    }

    // "investments of over $1bn": the context word sits before the marker.
    if before.marker.is_some() {
        let mut scan = index;
        for _ in 0..3 {
            if scan == 0 || consumed[scan - 1] {
                break;
            }
            match items[scan - 1].tag {
                Some(Tag::Filler) => scan -= 1,
                Some(Tag::Context(measure)) => {
                    before.context = before.context.or(Some(measure));
                    before.first = scan - 1;
                    scan -= 1;
                }
                _ => break,
            }
        }
    }

    before
}

/// Reads the second end of a range after `amount`, if the words around it
/// make one: "between A and B", "from A to B", "A-B", "A to B".
fn read_range_end(items: &[Item], amount: &Amount, marker: Option<Tag>) -> Option<Amount> {
    let joiner = items.get(amount.last).and_then(|item| item.tag);
    let (start, allowed) = match (marker, joiner) {
        (Some(Tag::Marker(Marker::Between)), Some(Tag::Marker(Marker::And | Marker::To))) => {
            (amount.last + 1, true)
        }
        // "بين مليار وملياري": the و is a clitic of the second amount.
        (Some(Tag::Marker(Marker::Between)), _) => (amount.last, true),
        (_, Some(Tag::Marker(Marker::To))) => (amount.last + 1, true),
        _ => (amount.last, false),
    };
    if !allowed {
        return None;
    }

    let second = read_amount(items, start)?;
    let both_years = amount.year.is_some() && second.year.is_some();
    let second_is_amount = second.has_scale || second.currency.is_some() || second.unit.is_some();
    let first_is_amount = amount.has_scale || amount.currency.is_some() || amount.unit.is_some();
    let units_agree = amount.unit.is_none() || second.unit.is_none() || amount.unit == second.unit;
    let compatible = both_years
        || ((second_is_amount || first_is_amount) && units_agree && second.year.is_none());
    compatible.then_some(second)
}

/// The parts of one phrase around its amount or amounts.
struct Phrase {
    amount: Amount,
    second: Option<Amount>,
    marker: Option<Tag>,
    post: Option<PostBound>,
    context: Option<Measure>,
}

/// Decides what a phrase constrains, or returns None when it is a plain
/// number that should stay in the search text.
fn classify(phrase: &Phrase, countries: &[&str]) -> Option<Constraint> {
    let first = phrase.amount;
    let unit = first.unit.or(phrase.second.and_then(|second| second.unit));
    let currency = first
        .currency
        .or(phrase.second.and_then(|second| second.currency));
    let has_scale = first.has_scale || phrase.second.is_some_and(|second| second.has_scale);

    let low = first_value(phrase);
    let high = phrase.second.map(|second| second.count * second.multiplier);
    let is_year_range = phrase.second.is_none_or(|second| second.year.is_some());
    let investment_context = phrase.context == Some(Measure::Investment);

    if let Some(unit) = unit {
        let (min, max) = bounds(phrase, low, high);
        return Some(Constraint::Capacity { min, max, unit });
    }
    if let Some(word) = currency {
        let currency = resolve_currency(word, countries);
        let (min, max) = bounds(phrase, low, high);
        return Some(Constraint::Investment {
            min: min.map(|value| currency.to_usd(value)),
            max: max.map(|value| currency.to_usd(value)),
            currency,
        });
    }
    if let (Some(year), true, false) = (first.year, is_year_range, investment_context) {
        let second_year = phrase.second.and_then(|second| second.year);
        return year_bounds(phrase, year, second_year)
            .map(|(from, to)| Constraint::Year { from, to });
    }
    if has_scale || investment_context {
        let (min, max) = bounds(phrase, low, high);
        return Some(Constraint::Investment {
            min: min.map(|value| Currency::Usd.to_usd(value)),
            max: max.map(|value| Currency::Usd.to_usd(value)),
            currency: Currency::Usd,
        });
    }
    None
}

/// Returns the first end of the phrase, scaled like the second end when
/// only the second carries a scale or unit ("between 1 and 2 billion").
fn first_value(phrase: &Phrase) -> f64 {
    let first = phrase.amount;
    match phrase.second {
        Some(second)
            if !first.has_scale
                && first.unit.is_none()
                && (second.has_scale || second.unit.is_some()) =>
        {
            first.count * second.multiplier
        }
        _ => first.count * first.multiplier,
    }
}

/// Returns (min, max) in the amount's own currency or unit.
///
/// A bare amount with no comparison word is a minimum. A user who writes
/// "مشاريع بمليار دولار" wants projects of about that size or larger, and a
/// minimum keeps the project they have in mind.
fn bounds(phrase: &Phrase, low: f64, high: Option<f64>) -> (Option<f64>, Option<f64>) {
    if let Some(high) = high {
        return (Some(low.min(high)), Some(low.max(high)));
    }

    let is_max = match phrase.post {
        Some(bound) => bound == PostBound::Max,
        None => matches!(
            phrase.marker,
            Some(
                Tag::Marker(Marker::Max | Marker::Until | Marker::Before)
                    | Tag::EitherBound(PostBound::Max)
                    | Tag::PostBound(PostBound::Max)
            )
        ),
    };
    if is_max {
        (None, Some(low))
    } else {
        (Some(low), None)
    }
}

/// Returns (from, to) start years, or None when a comparison word such as
/// "more than" makes the number a count rather than a year.
fn year_bounds(
    phrase: &Phrase,
    year: i32,
    second: Option<i32>,
) -> Option<(Option<i32>, Option<i32>)> {
    if let Some(second) = second {
        return Some((Some(year.min(second)), Some(year.max(second))));
    }
    if let Some(post) = phrase.post {
        return Some(match post {
            PostBound::Min => (Some(year), None),
            PostBound::Max => (None, Some(year)),
        });
    }

    match phrase.marker {
        None | Some(Tag::Marker(Marker::During | Marker::Between)) => {
            Some((Some(year), Some(year)))
        }
        Some(Tag::Marker(Marker::Since | Marker::From)) => Some((Some(year), None)),
        Some(Tag::Marker(Marker::After)) => Some((Some(year + 1), None)),
        Some(Tag::Marker(Marker::Before)) => Some((None, Some(year - 1))),
        Some(Tag::Marker(Marker::Until | Marker::To) | Tag::PostBound(PostBound::Max)) => {
            Some((None, Some(year)))
        }
        Some(Tag::PostBound(PostBound::Min)) => Some((Some(year), None)),
        _ => None,
    }
}

/// Picks the currency that a riyal or dinar without a country means: the
/// currency of the one country named, else the Saudi riyal or Kuwaiti dinar.
fn resolve_currency(word: CurrencyWord, countries: &[&str]) -> Currency {
    let only = |code: &str| countries.len() == 1 && countries[0] == code;
    match word {
        CurrencyWord::Fixed(currency) => currency,
        CurrencyWord::Riyal if only("QA") => Currency::Qar,
        CurrencyWord::Riyal if only("OM") => Currency::Omr,
        CurrencyWord::Riyal => Currency::Sar,
        CurrencyWord::Dinar if only("BH") => Currency::Bhd,
        CurrencyWord::Dinar => Currency::Kwd,
    }
}
