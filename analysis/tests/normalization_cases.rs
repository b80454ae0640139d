//! Keyword normalization cases: a `match` query must share terms with its
//! document and find every one of its terms there, and a `no-match` query must
//! share none.
//!
//! Each case is embedded below as its own test. `case_file_rows` also runs every
//! row of the workspace's shared case file when that file is present, and fails
//! when a row there is missing from the embedded cases.

use std::collections::HashSet;
use std::path::Path;

use gip_analysis::{Analyzer, Lang};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expected {
    Match,
    NoMatch,
}

fn term_set(analyzer: &Analyzer, text: &str) -> HashSet<String> {
    analyzer
        .analyze(text, Lang::Auto)
        .into_iter()
        .map(|token| token.term)
        .collect()
}

/// Returns why the case fails, or `None` when it holds.
fn check_case(query: &str, document: &str, expected: Expected) -> Option<String> {
    let analyzer = Analyzer::default();
    let query_terms = term_set(&analyzer, query);
    let document_terms = term_set(&analyzer, document);
    let shared: Vec<&String> = query_terms.intersection(&document_terms).collect();
    let missing: Vec<&String> = query_terms.difference(&document_terms).collect();

    let failure = match expected {
        Expected::Match if shared.is_empty() => Some("no shared term"),
        Expected::Match if !missing.is_empty() => Some("query terms missing from document"),
        Expected::NoMatch if !shared.is_empty() => Some("unexpected shared terms"),
        _ => None,
    }?;

    Some(format!(
        "{failure}: query {query:?} -> {query_terms:?}, document {document:?} -> {document_terms:?}, \
         shared {shared:?}, missing {missing:?}"
    ))
}

macro_rules! cases {
    ($($name:ident: $kind:literal, $query:literal, $document:literal, $expected:ident;)*) => {
        const EMBEDDED: &[(&str, &str, &str, Expected)] =
            &[$(($kind, $query, $document, Expected::$expected)),*];

        $(
            #[test]
            fn $name() {
                if let Some(failure) = check_case($query, $document, Expected::$expected) {
                    panic!("{}: {failure}", $kind);
                }
            }
        )*
    };
}

cases! {
    hamza_on_alef_in_query: "hamza-on-alef", "أسمدة", "مصنع اسمدة نيتروجينية في الجبيل", Match;
    hamza_on_alef_in_document: "hamza-on-alef", "اسمدة", "مصنع أسمدة نيتروجينية في الجبيل", Match;
    hamza_below_alef: "hamza-below-alef", "إنتاج الألمنيوم", "مشروع انتاج الالمنيوم الاولي", Match;
    madda: "madda", "آلات", "مصنع الات زراعية", Match;
    definite_article_in_document: "definite-article", "مصنع", "توسعة المصنع الرئيسي", Match;
    definite_article_in_query: "definite-article", "المصفاة", "مصفاة جديدة بطاقة 400 ألف برميل", Match;
    clitic_prefix_wal: "clitic-prefix", "مصنع", "والمصنع يقع في صحار", Match;
    clitic_prefix_bal: "clitic-prefix", "مصنع", "بالمصنع خطان للإنتاج", Match;
    clitic_prefix_lil: "clitic-prefix", "مصنع", "للمصنع طاقة تصميمية", Match;
    teh_marbuta: "teh-marbuta", "مدينة الجبيل الصناعية", "مشروع في مدينه الجبيل الصناعيه", Match;
    alef_maqsura: "alef-maqsura", "مبنى", "تشييد مبني إداري للمجمع", Match;
    shadda: "shadda", "مصانع البتروكيماويات", "مصانع البتروكيماويّات في ينبع", Match;
    diacritics: "diacritics", "مصنع", "مَصْنَعُ الحديدِ والصُّلب", Match;
    tatweel: "tatweel", "الألمنيوم", "مصهر الألمنيـــوم في البحرين", Match;
    arabic_indic_digits_in_document: "arabic-indic-digits", "2025", "يبدأ التشغيل في عام ٢٠٢٥", Match;
    arabic_indic_digits_in_query: "arabic-indic-digits", "٢٠٢٥", "operation starts in 2025", Match;
    nbsp_between_words: "nbsp-between-words", "البتروكيماويات", "مجمع\u{a0}البتروكيماويات المتكامل", Match;
    mixed_script: "mixed-script", "SABIC", "شركة سابك SABIC للبتروكيماويات", Match;
    english_plural_in_query: "english-plural", "plants", "a desalination plant in Ras Al Khair", Match;
    english_plural_in_document: "english-plural", "plant", "three new cement plants in Oman", Match;
    english_case: "english-case", "ALUMINIUM", "primary aluminium smelter", Match;
    stopword_only: "stopword-only", "في من على", "مصنع في الدمام", NoMatch;
    unrelated: "unrelated", "حديد", "مصنع ألبان في الخرج", NoMatch;
}

fn parse_expected(value: &str) -> Option<Expected> {
    match value {
        "match" => Some(Expected::Match),
        "no-match" => Some(Expected::NoMatch),
        _ => None,
    }
}

#[test]
fn case_file_rows() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/cases/keyword-normalization.tsv");
    let Ok(content) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: case file {} not found; the embedded cases still run",
            path.display()
        );
        return;
    };

    let mut failures = Vec::new();
    let mut rows = 0;
    for (line_number, line) in content.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        rows += 1;

        let columns: Vec<&str> = line.split('\t').collect();
        let [kind, query, document, expected] = columns[..] else {
            failures.push(format!(
                "line {}: expected 4 tab-separated columns, found {}",
                line_number + 1,
                columns.len()
            ));
            continue;
        };
        let Some(expected) = parse_expected(expected) else {
            failures.push(format!(
                "line {}: invalid expected value {expected:?}",
                line_number + 1
            ));
            continue;
        };

        if !EMBEDDED.contains(&(kind, query, document, expected)) {
            failures.push(format!(
                "line {}: row is not embedded in this test file: {line:?}",
                line_number + 1
            ));
        }
        if let Some(failure) = check_case(query, document, expected) {
            failures.push(format!("line {} ({kind}): {failure}", line_number + 1));
        }
    }

    assert!(rows > 0, "case file {} has no rows", path.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
