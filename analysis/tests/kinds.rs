//! Each normalization kind, beyond the single row of the case file: every
//! variant letter, prefix, digit set, mark and invisible character, and the
//! highlight offsets of the words they occur in.

use gip_analysis::{Analyzer, AnalyzerConfig, Lang, Token};

fn terms(text: &str) -> Vec<String> {
    Analyzer::default()
        .analyze(text, Lang::Auto)
        .into_iter()
        .map(|token| token.term)
        .collect()
}

fn single_term(text: &str) -> String {
    let terms = terms(text);
    assert_eq!(terms.len(), 1, "{text:?} gave {terms:?}");
    terms[0].clone()
}

/// Asserts that the only token of `text` spans the whole text.
fn assert_highlights_whole(text: &str) {
    let tokens: Vec<Token> = Analyzer::default().analyze(text, Lang::Auto);
    assert_eq!(tokens.len(), 1, "{text:?} gave {tokens:?}");
    assert_eq!(&text[tokens[0].start..tokens[0].end], text, "{text:?}");
}

#[test]
fn alef_forms_fold_anywhere() {
    let plain = single_term("اسمده");
    for alef in ['أ', 'إ', 'آ', 'ٱ'] {
        assert_eq!(single_term(&format!("{alef}سمدة")), plain, "initial {alef}");
    }

    let plain = single_term("سال");
    for alef in ['أ', 'إ', 'آ', 'ٱ'] {
        assert_eq!(single_term(&format!("س{alef}ل")), plain, "medial {alef}");
    }

    // Alef followed by a combining hamza or madda, which NFKC composes.
    for mark in ['\u{0654}', '\u{0655}', '\u{0653}'] {
        assert_eq!(
            single_term(&format!("ا{mark}سمدة")),
            single_term("اسمدة"),
            "U+{:04X}",
            u32::from(mark)
        );
    }
}

#[test]
fn other_letter_folds() {
    assert_eq!(single_term("مستشفى"), single_term("مستشفي"));
    assert_eq!(single_term("مسؤول"), single_term("مسوول"));
    assert_eq!(single_term("رئيس"), single_term("رييس"));
    assert_eq!(single_term("شركة"), single_term("شركه"));
}

#[test]
fn every_clitic_prefix_is_removed() {
    let prefixes = [
        "و", "ف", "ب", "ك", "ل", "ال", "وال", "بال", "كال", "فال", "لل",
    ];
    for word in ["مصنع", "مشروع", "ميناء"] {
        let bare = single_term(word);
        for prefix in prefixes {
            // لل replaces ل + ال, so it is written before the bare word.
            assert_eq!(
                single_term(&format!("{prefix}{word}")),
                bare,
                "{prefix}{word}"
            );
        }
    }
}

#[test]
fn every_digit_set_folds_to_ascii() {
    let digit_sets = [
        ("arabic-indic", "٢٠٢٥"),
        ("extended arabic-indic", "۲۰۲۵"),
        ("devanagari", "२०२५"),
        ("bengali", "২০২৫"),
        ("thai", "๒๐๒๕"),
        ("fullwidth", "２０２５"),
        ("mathematical bold", "\u{1D7D0}\u{1D7CE}\u{1D7D0}\u{1D7D3}"),
    ];
    for (name, digits) in digit_sets {
        assert_eq!(terms(digits), ["2025"], "{name}");
        assert_eq!(
            terms(&format!("عام {digits}")),
            ["عام", "2025"],
            "{name} after a word"
        );
    }

    assert_eq!(terms("١٫٥ مليار"), ["1.5", "مليار"]);
}

#[test]
fn every_tashkeel_mark_is_removed() {
    let plain = single_term("مصنع");
    let marks = ('\u{064B}'..='\u{065F}')
        .chain(['\u{0670}'])
        .chain('\u{06D6}'..='\u{06ED}');
    for mark in marks {
        let marked: String = "مصنع".chars().flat_map(|letter| [letter, mark]).collect();
        assert_eq!(single_term(&marked), plain, "U+{:04X}", u32::from(mark));

        // Combining marks belong to the letter before them, so the highlight
        // covers the final one. A few entries of U+06D6-U+06ED are spacing
        // letters or format characters (U+06DD end of ayah), which the
        // highlight may leave out at the end of a word.
        let tokens = Analyzer::default().analyze(&marked, Lang::Auto);
        let highlight = &marked[tokens[0].start..tokens[0].end];
        let without_last_mark = marked.strip_suffix(mark).unwrap_or(&marked);
        assert!(
            highlight == marked || highlight == without_last_mark,
            "U+{:04X}: highlight {highlight:?}",
            u32::from(mark)
        );
    }
}

#[test]
fn tatweel_anywhere_is_removed() {
    let word: Vec<char> = "الألمنيوم".chars().collect();
    let plain = single_term("الألمنيوم");
    for split in 1..word.len() {
        let (head, tail) = word.split_at(split);
        let stretched = format!("{}ـــ{}", String::from_iter(head), String::from_iter(tail));
        assert_eq!(single_term(&stretched), plain, "{stretched}");
        assert_highlights_whole(&stretched);
    }
}

#[test]
fn presentation_forms_fold_to_letters() {
    // مصنع in initial, medial and final forms; the lam-alef ligatures.
    assert_eq!(
        single_term("\u{FEE3}\u{FEBC}\u{FEE8}\u{FECA}"),
        single_term("مصنع")
    );
    assert_eq!(
        single_term("\u{FE8D}\u{FEDF}\u{FEE4}\u{FEBC}\u{FEE8}\u{FECA}"),
        single_term("المصنع")
    );
    assert_eq!(
        single_term("\u{FEF7}\u{FEE3}\u{FEEE}\u{FEE7}\u{FEF4}\u{FE8E}"),
        single_term("أمونيا")
    );
    for (ligature, letters) in [
        ('\u{FEFB}', "لا"),
        ('\u{FEF7}', "لأ"),
        ('\u{FEF9}', "لإ"),
        ('\u{FEF5}', "لآ"),
    ] {
        let word = format!("ف{ligature}ذ");
        assert_eq!(
            single_term(&word),
            single_term(&format!("ف{letters}ذ")),
            "U+{:04X}",
            u32::from(ligature)
        );
        assert_highlights_whole(&word);
    }
}

#[test]
fn invisible_characters_inside_words_are_removed() {
    let invisible = [
        '\u{00AD}', '\u{061C}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}',
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{FEFF}',
    ];
    for word in ["مصنع", "SABIC"] {
        let plain = single_term(word);
        let letters: Vec<char> = word.chars().collect();
        for ch in invisible {
            for split in 1..letters.len() {
                let (head, tail) = letters.split_at(split);
                let text = format!("{}{ch}{}", String::from_iter(head), String::from_iter(tail));
                assert_eq!(
                    single_term(&text),
                    plain,
                    "U+{:04X} in {word}",
                    u32::from(ch)
                );
                assert_highlights_whole(&text);
            }
        }
    }
}

#[test]
fn unicode_spaces_split_words() {
    for space in ['\u{00A0}', '\u{2002}', '\u{2009}', '\u{202F}', '\u{3000}'] {
        let text = format!("مجمع{space}البتروكيماويات");
        assert_eq!(
            terms(&text),
            terms("مجمع البتروكيماويات"),
            "U+{:04X}",
            u32::from(space)
        );
    }
}

#[test]
fn english_plural_and_case() {
    for (a, b) in [
        ("plants", "plant"),
        ("PLANTS", "Plant"),
        ("refineries", "refinery"),
        ("Smelters", "smelter"),
        ("factories", "FACTORY"),
        ("SABIC's", "sabic"),
    ] {
        assert_eq!(single_term(a), single_term(b), "{a} / {b}");
    }
}

#[test]
fn codes_stay_searchable() {
    assert_eq!(terms("ISO-9001"), ["iso", "9001"]);
    assert_eq!(terms("HS 310210"), ["hs", "310210"]);
    assert_eq!(terms("capacity 1.5 mtpa"), ["capac", "1.5", "mtpa"]);
}

#[test]
fn highlight_offsets_in_mixed_text() {
    let text = "توسعةُ المصنـعِ\u{00A0}في ٢٠٢٥ (SABIC)";
    let tokens = Analyzer::default().analyze(text, Lang::Auto);
    let highlighted: Vec<&str> = tokens
        .iter()
        .map(|token| &text[token.start..token.end])
        .collect();
    assert_eq!(highlighted, ["توسعةُ", "المصنـعِ", "٢٠٢٥", "SABIC"]);
}

#[test]
fn naive_analyzer_misses_arabic_variants() {
    // The same checks with the Arabic stages off must fail, or the cases above
    // would prove nothing about those stages.
    let naive = Analyzer::new(AnalyzerConfig {
        arabic: false,
        ..AnalyzerConfig::default()
    });
    let naive_terms = |text: &str| -> Vec<String> {
        naive
            .analyze(text, Lang::Auto)
            .into_iter()
            .map(|token| token.term)
            .collect()
    };
    assert_ne!(naive_terms("أسمدة"), naive_terms("اسمدة"));
    assert_ne!(naive_terms("والمصنع"), naive_terms("مصنع"));
    assert_ne!(naive_terms("مَصْنَعُ"), naive_terms("مصنع"));
}
