//! Light normalization and tokenization for matching, with byte offsets
//! into the original question.
//!
//! Folding rules: Arabic tashkeel (U+064B..U+065F, U+0670) and tatweel are
//! dropped, أ إ آ ٱ fold to ا, ى to ي, ة to ه, Persian ی ک to ي ك,
//! Arabic-Indic and Persian digits to ASCII, and Latin letters are
//! lowercased. This is deliberately lighter than the analysis crate's
//! pipeline: matching only needs spellings to meet, and every token must
//! keep exact byte offsets into the question so that spans slice cleanly.

/// The script of a word token, used to detect the question's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Script {
    Arabic,
    Latin,
    Other,
}

/// The kind of text in a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A run of letters in one script.
    Word(Script),
    /// A run of digits with inner decimal or thousands separators, folded to ASCII.
    Number,
    /// One symbol or punctuation character other than a word joiner.
    Symbol,
}

/// One token with its folded text and its byte range in the original question.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub norm: String,
    pub start: usize,
    pub end: usize,
    /// Whether the original token carried a shadda on a letter, which
    /// separates عمّان (Amman) from عمان (Oman).
    pub has_shadda: bool,
}

const TATWEEL: char = '\u{0640}';
const SHADDA: char = '\u{0651}';

/// Returns true for Arabic combining marks that are dropped before matching.
fn is_tashkeel(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Folds one Arabic letter, or returns it unchanged.
fn fold_arabic(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        _ => c,
    }
}

/// Returns the ASCII digit for an ASCII, Arabic-Indic or Persian digit.
pub(crate) fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
        _ => None,
    }
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06FA}'..='\u{06FF}')
        && ascii_digit(c).is_none()
}

/// Separators allowed inside a number when a digit follows: decimal points
/// (`.` and Arabic `٫`) and thousands separators (`,` and Arabic `٬`).
fn is_number_separator(c: char) -> bool {
    matches!(c, '.' | ',' | '\u{066B}' | '\u{066C}')
}

/// Folds a whole phrase the way tokens are folded and joins the words with
/// single spaces. Used to prepare lexicon entries.
pub(crate) fn fold_phrase(phrase: &str) -> Vec<String> {
    tokenize(phrase)
        .into_iter()
        .map(|token| token.norm)
        .collect()
}

/// Splits a question into word, number and symbol tokens.
///
/// Whitespace separates tokens and is dropped. Hyphens and apostrophes
/// between letters are dropped too, so "Al-Zour" gives the words `al` and
/// `zour`. Elsewhere a hyphen is a symbol token, which keeps ranges such as
/// "2018-2022" visible. A change of script or a switch
/// between letters and digits starts a new token ("1.5bn" gives `1.5`, `bn`;
/// "و2022" gives `و`, `2022`).
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut index = 0;

    while index < chars.len() {
        let (start, c) = chars[index];

        if c.is_whitespace() || c == TATWEEL || is_tashkeel(c) {
            index += 1;
            continue;
        }

        if ascii_digit(c).is_some() {
            index = read_number(text, &chars, index, &mut tokens);
            continue;
        }

        if let Some(script) = letter_script(c) {
            index = read_word(text, &chars, index, script, &mut tokens);
            continue;
        }

        let end = start + c.len_utf8();
        let is_joiner = matches!(c, '\'' | '’' | '-' | '\u{2010}' | '\u{2011}')
            && index > 0
            && letter_script(chars[index - 1].1).is_some()
            && chars
                .get(index + 1)
                .is_some_and(|&(_, next)| letter_script(next).is_some());
        if !is_joiner {
            tokens.push(Token {
                kind: TokenKind::Symbol,
                norm: c.to_lowercase().collect(),
                start,
                end,
                has_shadda: false,
            });
        }
        index += 1;
    }

    tokens
}

fn letter_script(c: char) -> Option<Script> {
    if is_arabic_letter(c) {
        Some(Script::Arabic)
    } else if c.is_ascii_alphabetic() || (c.is_alphabetic() && (c as u32) < 0x0250) {
        Some(Script::Latin)
    } else if c.is_alphabetic() {
        Some(Script::Other)
    } else {
        None
    }
}

/// Reads one number starting at `index` and returns the index after it.
fn read_number(
    text: &str,
    chars: &[(usize, char)],
    mut index: usize,
    tokens: &mut Vec<Token>,
) -> usize {
    let start = chars[index].0;
    let mut norm = String::new();

    while index < chars.len() {
        let c = chars[index].1;
        if let Some(digit) = ascii_digit(c) {
            norm.push(digit);
            index += 1;
        } else if is_number_separator(c)
            && chars
                .get(index + 1)
                .is_some_and(|&(_, next)| ascii_digit(next).is_some())
        {
            // Arabic separators are folded to their ASCII look-alikes; the
            // number parser decides which of `.` and `,` is the decimal point.
            norm.push(match c {
                '\u{066B}' => '.',
                '\u{066C}' => ',',
                other => other,
            });
            index += 1;
        } else {
            break;
        }
    }

    let end = chars.get(index).map_or(text.len(), |&(offset, _)| offset);
    tokens.push(Token {
        kind: TokenKind::Number,
        norm,
        start,
        end,
        has_shadda: false,
    });
    index
}

/// Reads one word of `script` starting at `index` and returns the index after it.
fn read_word(
    text: &str,
    chars: &[(usize, char)],
    mut index: usize,
    script: Script,
    tokens: &mut Vec<Token>,
) -> usize {
    let start = chars[index].0;
    let mut norm = String::new();
    let mut has_shadda = false;

    while index < chars.len() {
        let c = chars[index].1;
        if c == TATWEEL || is_tashkeel(c) {
            has_shadda |= c == SHADDA;
            index += 1;
            continue;
        }
        if letter_script(c) != Some(script) {
            break;
        }
        if script == Script::Arabic {
            norm.push(fold_arabic(c));
        } else {
            norm.extend(c.to_lowercase());
        }
        index += 1;
    }

    // Trailing marks belong to the word, so the span ends after them.
    let end = chars.get(index).map_or(text.len(), |&(offset, _)| offset);
    tokens.push(Token {
        kind: TokenKind::Word(script),
        norm,
        start,
        end,
        has_shadda,
    });
    index
}

/// Returns the forms a word may take once Arabic clitics are removed.
///
/// The word itself comes first. For Arabic words the conjunctions و and ف,
/// then the prepositions ب ل ك, then the article ال are stripped in that
/// order, and لل (ل plus ال) is read as the article. English words also
/// yield the form without a plural "s". Forms shorter than two letters are
/// not returned.
pub(crate) fn word_variants(word: &str, script: Script) -> Vec<String> {
    let mut variants = vec![word.to_string()];
    let push = |form: &str, variants: &mut Vec<String>| {
        if form.chars().count() >= 2 && !variants.iter().any(|known| known == form) {
            variants.push(form.to_string());
        }
    };

    match script {
        Script::Arabic => {
            for conjunction in ["", "و", "ف"] {
                let Some(after_conjunction) = word.strip_prefix(conjunction) else {
                    continue;
                };
                for preposition in ["", "ب", "ل", "ك"] {
                    let Some(stem) = after_conjunction.strip_prefix(preposition) else {
                        continue;
                    };
                    push(stem, &mut variants);
                    if preposition == "ل"
                        && let Some(rest) = stem.strip_prefix('ل')
                    {
                        push(rest, &mut variants);
                        push(&format!("ال{rest}"), &mut variants);
                    }
                    if let Some(rest) = stem.strip_prefix("ال")
                        && rest.chars().count() >= 2
                    {
                        push(rest, &mut variants);
                    }
                }
            }
        }
        Script::Latin => {
            if word.len() > 3
                && let Some(singular) = word.strip_suffix('s')
            {
                push(singular, &mut variants);
            }
        }
        Script::Other => {}
    }

    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_hamza_tashkeel_and_digits() {
        let tokens = tokenize("إسْتثمارات ـمُـدن ٢٠٢٠ مَرْسى");
        let norms: Vec<&str> = tokens.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(norms, ["استثمارات", "مدن", "2020", "مرسي"]);
    }

    #[test]
    fn spans_slice_original_text() {
        let question = "مشاريعُ في عُمان ۱٫۵ مليار";
        for token in tokenize(question) {
            assert!(question.get(token.start..token.end).is_some(), "{token:?}");
        }
    }

    #[test]
    fn splits_digits_from_letters() {
        let norms: Vec<String> = tokenize("1.5bn و2022 US$")
            .into_iter()
            .map(|t| t.norm)
            .collect();
        assert_eq!(norms, ["1.5", "bn", "و", "2022", "us", "$"]);
    }

    #[test]
    fn hyphen_joins_words_but_not_numbers() {
        let norms: Vec<String> = tokenize("Al-Zour 2018-2022")
            .into_iter()
            .map(|t| t.norm)
            .collect();
        assert_eq!(norms, ["al", "zour", "2018", "-", "2022"]);
    }

    #[test]
    fn shadda_is_recorded() {
        let tokens = tokenize("عمّان عمان");
        assert!(tokens[0].has_shadda);
        assert!(!tokens[1].has_shadda);
        assert_eq!(tokens[0].norm, tokens[1].norm);
    }

    #[test]
    fn variants_strip_clitics() {
        let variants = word_variants("وبالجبيل", Script::Arabic);
        assert!(variants.contains(&"الجبيل".to_string()));
        assert!(variants.contains(&"جبيل".to_string()));
        let variants = word_variants("للاسمده", Script::Arabic);
        assert!(variants.contains(&"اسمده".to_string()));
        assert!(variants.contains(&"الاسمده".to_string()));
    }
}
