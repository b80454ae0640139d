//! Property tests: the analyzer accepts any string, normalization is
//! idempotent, and analyzing normalized text gives the same terms.

use gip_analysis::{Analyzer, AnalyzerConfig, Lang, StageOutput};
use proptest::prelude::*;

fn term_list(analyzer: &Analyzer, text: &str) -> Vec<String> {
    analyzer
        .analyze(text, Lang::Auto)
        .into_iter()
        .map(|token| token.term)
        .collect()
}

/// Strings drawn from the characters that the pipeline treats specially:
/// Arabic letters and marks, presentation forms, invisible characters, spaces,
/// digits of several scripts, Latin letters and combining marks.
fn tricky_text() -> impl Strategy<Value = String> {
    let tricky_char = prop_oneof![
        proptest::char::range('\u{0600}', '\u{06FF}'),
        proptest::char::range('\u{0750}', '\u{077F}'),
        proptest::char::range('\u{FB50}', '\u{FDFF}'),
        proptest::char::range('\u{FE70}', '\u{FEFF}'),
        proptest::char::range('\u{0300}', '\u{036F}'),
        proptest::char::range('\u{2000}', '\u{206F}'),
        proptest::char::range('\u{1100}', '\u{11FF}'),
        proptest::char::range('\u{0900}', '\u{097F}'),
        proptest::char::range('A', 'z'),
        Just(' '),
        Just('\u{00A0}'),
        Just('\u{00AD}'),
        Just('\u{0130}'),
        Just('-'),
        Just('.'),
    ];
    proptest::collection::vec(tricky_char, 0..64).prop_map(String::from_iter)
}

fn check_properties(analyzer: &Analyzer, text: &str) -> Result<(), TestCaseError> {
    let normalized = analyzer.normalize(text);
    prop_assert_eq!(analyzer.normalize(&normalized), normalized.clone());
    prop_assert_eq!(term_list(analyzer, &normalized), term_list(analyzer, text));

    for token in analyzer.analyze(text, Lang::Auto) {
        prop_assert!(token.start < token.end && token.end <= text.len());
        prop_assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
        prop_assert!(!token.term.is_empty());
    }

    // The last stage of explain is the output of analyze.
    let explained = analyzer.explain(text, Lang::Ar);
    let analyzed: Vec<String> = analyzer
        .analyze(text, Lang::Ar)
        .into_iter()
        .map(|token| token.term)
        .collect();
    match explained.last().map(|stage| &stage.output) {
        Some(StageOutput::Tokens(terms)) => prop_assert_eq!(terms, &analyzed),
        other => prop_assert!(false, "last stage is not a token stage: {:?}", other),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn properties_hold_for_any_string(text in any::<String>()) {
        check_properties(&Analyzer::default(), &text)?;
    }

    #[test]
    fn properties_hold_for_tricky_text(text in tricky_text()) {
        check_properties(&Analyzer::default(), &text)?;
    }

    #[test]
    fn properties_hold_without_arabic_stages(text in tricky_text()) {
        let analyzer = Analyzer::new(AnalyzerConfig { arabic: false, ..AnalyzerConfig::default() });
        check_properties(&analyzer, &text)?;
    }

    #[test]
    fn lang_hints_never_panic(text in any::<String>(), hint in prop_oneof![Just(Lang::Ar), Just(Lang::En), Just(Lang::Auto)]) {
        let analyzer = Analyzer::default();
        let _ = analyzer.analyze(&text, hint);
        let _ = analyzer.explain(&text, hint);
    }
}

#[test]
fn huge_text_is_analyzed() {
    let sentence = "مصنع أسمدة نيتروجينية في الجبيل، capacity 1.5 mtpa ٢٠٢٥ ";
    let text = sentence.repeat(20_000);
    let analyzer = Analyzer::default();

    let tokens = analyzer.analyze(&text, Lang::Auto);
    assert_eq!(tokens.len(), 8 * 20_000);
    let last = tokens.last().unwrap();
    assert_eq!(&text[last.start..last.end], "٢٠٢٥");
    assert_eq!(
        analyzer.normalize(&analyzer.normalize(&text)),
        analyzer.normalize(&text)
    );
}

#[test]
fn huge_word_and_lone_marks_are_analyzed() {
    let analyzer = Analyzer::default();

    let word = "ال".repeat(200_000) + "مصنع";
    assert_eq!(analyzer.analyze(&word, Lang::Auto).len(), 1);

    let marks = "\u{0301}".repeat(100_000);
    assert!(analyzer.analyze(&marks, Lang::Auto).is_empty());
    assert_eq!(
        analyzer.normalize(&analyzer.normalize(&marks)),
        analyzer.normalize(&marks)
    );

    let letter_with_marks = format!("a{}", "\u{0651}\u{0301}\u{0316}".repeat(50_000));
    let tokens = analyzer.analyze(&letter_with_marks, Lang::Auto);
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].end, letter_with_marks.len());
}
