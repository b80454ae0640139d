//! Arabic light stemming in the spirit of Larkey, Ballesteros and Connell's
//! light10 ("Light Stemming for Arabic Information Retrieval", 2007).
//!
//! Light stemming strips frequent clitics and inflection affixes without
//! finding roots, so `والمصنع`, `بالمصنع` and `مصنعها` all become `مصنع`. It
//! runs on text that [`crate::normalize::fold_arabic_char`] already folded,
//! so `ة` is `ه` and `ى` is `ي` here.

/// Article-like prefixes: the definite article alone and with a fused
/// conjunction or preposition, longest first. `لل` is `ل` + `ال` with the
/// alef dropped, as Arabic spelling requires.
const ARTICLE_PREFIXES: [&str; 6] = ["وال", "بال", "كال", "فال", "لل", "ال"];

/// Single-letter proclitics: and, so, with, like, for.
const PROCLITICS: [char; 5] = ['و', 'ف', 'ب', 'ك', 'ل'];

/// Suffixes, longest first: pronoun ها, dual ان, feminine plural ات, masculine
/// plurals ون and ين, nisba feminine يه (ية after folding), and the single
/// letters ه (pronoun or folded ة) and ي (nisba or folded ى).
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// Minimum letters left after removing an article prefix. Two keeps short
/// nouns such as الدم and lets `الات` (folded آلات) and `الالات` meet at `ات`.
const MIN_AFTER_ARTICLE: usize = 2;

/// Minimum letters left after removing a single-letter proclitic. Four keeps
/// four-letter words that merely begin with one of these letters (كبير, لجان,
/// بناء) intact, at the cost of leaving `بعلم` unstemmed.
const MIN_AFTER_PROCLITIC: usize = 4;

/// Minimum letters left after removing a suffix. Three keeps place names such
/// as عمان (Oman), which the dual suffix ان would otherwise cut to عم.
const MIN_AFTER_SUFFIX: usize = 3;

/// Maximum article prefixes removed from one word. Two handles an article
/// written before a loanword that itself starts with ال, so الالمنيوم (the
/// folded الألمنيوم) and المنيوم both become منيوم.
const MAX_ARTICLES: usize = 2;

/// Stems one normalized Arabic word and returns a slice of it.
///
/// Rules, in order:
/// 1. Remove up to two article prefixes (longest first), each only when at
///    least [`MIN_AFTER_ARTICLE`] letters remain.
/// 2. Remove one single-letter proclitic when at least
///    [`MIN_AFTER_PROCLITIC`] letters remain, and after it one more article
///    prefix (وبالمصنع, وللمصنع).
/// 3. Remove one suffix (longest first) when at least [`MIN_AFTER_SUFFIX`]
///    letters remain.
///
/// Removing the same prefixes from the word with and without its clitics is
/// what lets `مصنع` match `والمصنع`. Words of other scripts pass through
/// unchanged because no affix matches them.
pub fn stem_arabic(word: &str) -> &str {
    let mut stem = word;

    let mut articles = 0;
    while articles < MAX_ARTICLES {
        let Some(rest) = strip_article(stem) else {
            break;
        };
        stem = rest;
        articles += 1;
    }

    if let Some(rest) = strip_proclitic(stem) {
        stem = rest;
        if let Some(rest) = strip_article(stem) {
            stem = rest;
        }
    }

    strip_suffix(stem).unwrap_or(stem)
}

fn strip_article(word: &str) -> Option<&str> {
    ARTICLE_PREFIXES
        .iter()
        .filter_map(|prefix| word.strip_prefix(prefix))
        .find(|rest| has_at_least_chars(rest, MIN_AFTER_ARTICLE))
}

fn strip_proclitic(word: &str) -> Option<&str> {
    let rest = word.strip_prefix(PROCLITICS)?;
    has_at_least_chars(rest, MIN_AFTER_PROCLITIC).then_some(rest)
}

fn strip_suffix(word: &str) -> Option<&str> {
    SUFFIXES
        .iter()
        .filter_map(|suffix| word.strip_suffix(suffix))
        .find(|rest| has_at_least_chars(rest, MIN_AFTER_SUFFIX))
}

/// Counts at most `count` characters, so a check on a huge token stays cheap.
fn has_at_least_chars(text: &str, count: usize) -> bool {
    count == 0 || text.chars().nth(count - 1).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stem_removes_every_article_prefix() {
        for word in [
            "المصنع",
            "والمصنع",
            "بالمصنع",
            "كالمصنع",
            "فالمصنع",
            "للمصنع",
        ] {
            assert_eq!(stem_arabic(word), "مصنع", "{word}");
        }
    }

    #[test]
    fn stem_removes_every_proclitic() {
        for word in ["ومصنع", "فمصنع", "بمصنع", "كمصنع", "لمصنع"] {
            assert_eq!(stem_arabic(word), "مصنع", "{word}");
        }
    }

    #[test]
    fn stem_removes_proclitic_then_article() {
        assert_eq!(stem_arabic("وبالمصنع"), "مصنع");
        assert_eq!(stem_arabic("وللمصنع"), "مصنع");
    }

    #[test]
    fn stem_keeps_short_words_starting_with_proclitic_letters() {
        assert_eq!(stem_arabic("كبير"), "كبير");
        assert_eq!(stem_arabic("بناء"), "بناء");
        assert_eq!(stem_arabic("لجان"), "لجان");
    }

    #[test]
    fn stem_matches_word_with_and_without_article() {
        for (bare, with_article) in [
            ("بترول", "البترول"),
            ("وزاره", "الوزاره"),
            ("المنيوم", "الالمنيوم"),
            ("الات", "الالات"),
            ("بحرين", "البحرين"),
            ("كويت", "الكويت"),
        ] {
            assert_eq!(
                stem_arabic(bare),
                stem_arabic(with_article),
                "{bare} / {with_article}"
            );
        }
    }

    #[test]
    fn stem_removes_each_suffix() {
        for word in [
            "مصنعها",
            "مصنعان",
            "مصنعات",
            "مصنعون",
            "مصنعين",
            "مصنعيه",
            "مصنعه",
            "مصنعي",
        ] {
            assert_eq!(stem_arabic(word), "مصنع", "{word}");
        }
    }

    #[test]
    fn stem_keeps_minimum_stem_length() {
        assert_eq!(stem_arabic("عمان"), "عمان");
        assert_eq!(stem_arabic("اله"), "اله");
        assert_eq!(stem_arabic("ال"), "ال");
        assert_eq!(stem_arabic("و"), "و");
        assert_eq!(stem_arabic(""), "");
    }

    #[test]
    fn stem_combines_prefix_and_suffix() {
        assert_eq!(stem_arabic("الصناعيه"), "صناع");
        assert_eq!(stem_arabic("والمصانعها"), "مصانع");
    }

    #[test]
    fn stem_leaves_other_scripts() {
        assert_eq!(stem_arabic("sabic"), "sabic");
        assert_eq!(stem_arabic("2025"), "2025");
    }
}
