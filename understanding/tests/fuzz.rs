//! Property tests: `parse` never panics, and every span slices the
//! original question, on arbitrary Unicode input.

use proptest::prelude::*;

/// Characters that stress the tokenizer: Arabic letters and marks, both
/// digit sets, separators, currency signs and multi-byte symbols.
const TRICKY: &[&str] = &[
    "مليار",
    "ريال",
    "عمّان",
    "ـ",
    "\u{0651}",
    "\u{064B}",
    "٫",
    "٬",
    "٢",
    "۲",
    ",",
    ".",
    "-",
    "$",
    "%",
    "بين",
    "و",
    "2020",
    "1bn",
    "İ",
    "ß",
    "🙂",
    "\u{200F}",
    " ",
    "أكثر من",
    "between",
    "and",
];

fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TRICKY), 0..24).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_never_panics_on_any_string(question in any::<String>()) {
        let parsed = gip_understanding::parse(&question);
        for span in &parsed.spans {
            prop_assert_eq!(question.get(span.start..span.end), Some(span.text.as_str()));
        }
    }

    #[test]
    fn parse_never_panics_on_tricky_mixes(question in tricky_text()) {
        let parsed = gip_understanding::parse(&question);
        for span in &parsed.spans {
            prop_assert_eq!(question.get(span.start..span.end), Some(span.text.as_str()));
        }
        let min = parsed.filters.investment_usd_min.unwrap_or(0.0);
        let max = parsed.filters.investment_usd_max.unwrap_or(f64::INFINITY);
        prop_assert!(min <= max, "min {} above max {}", min, max);
    }
}
