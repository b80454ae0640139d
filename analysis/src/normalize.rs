//! Character-level stages: NFKC, format-character removal, Arabic folds, digit
//! folding and lowercasing.
//!
//! Each stage maps a sequence of [`MappedChar`]s to a new one. Every output
//! character keeps the byte span of the original text it came from, so tokens
//! found in normalized text can be highlighted in the original text.

use std::iter;

use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// One character of normalized text and the byte span `start..end` of the
/// original text it was derived from.
///
/// Spans are non-decreasing along a sequence. Characters that come from one
/// original character (a ligature) or one normalization segment (a letter and
/// its marks) share that span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MappedChar {
    pub ch: char,
    pub start: usize,
    pub end: usize,
}

/// Maps each character of `text` to its own byte span.
pub(crate) fn map_original(text: &str, output: &mut Vec<MappedChar>) {
    output.clear();
    output.reserve(text.len());
    output.extend(text.char_indices().map(|(start, ch)| MappedChar {
        ch,
        start,
        end: start + ch.len_utf8(),
    }));
}

/// Collects the characters into a string.
pub(crate) fn to_text(chars: &[MappedChar]) -> String {
    let mut text = String::with_capacity(chars.len());
    text.extend(chars.iter().map(|mapped| mapped.ch));
    text
}

/// Applies Unicode NFKC.
///
/// The input is cut into segments, each starting at a character that begins a
/// stable segment (see [`starts_stable_segment`]). NFKC of the whole text
/// equals the concatenation of NFKC of each segment, so every output character
/// takes the span of its segment. A ligature's letters share its span, and a
/// base letter keeps the span of the diacritics that a later stage removes.
pub(crate) fn nfkc(input: &[MappedChar], output: &mut Vec<MappedChar>) {
    output.clear();
    output.reserve(input.len());

    let mut segment_start = 0;
    for index in 1..=input.len() {
        if index == input.len() || starts_stable_segment(input[index].ch) {
            push_nfkc_segment(&input[segment_start..index], output);
            segment_start = index;
        }
    }
}

/// Returns whether NFKC can never combine `ch` with the text before it.
///
/// That holds when the first character of `ch`'s compatibility decomposition
/// has canonical combining class 0 and `NFKC_Quick_Check=Yes`, because such a
/// starter neither reorders with nor composes onto a preceding character
/// (UAX #15, "Stable Code Points"). Checking the decomposition, not `ch`
/// itself, makes a ligature or a no-break space start its own segment.
fn starts_stable_segment(ch: char) -> bool {
    if ch.is_ascii() {
        return true;
    }

    if canonical_combining_class(ch) != 0 {
        return false;
    }

    match is_nfkc_quick(iter::once(ch)) {
        IsNormalized::Yes => true,
        IsNormalized::Maybe => false,
        IsNormalized::No => {
            let mut first = None;
            decompose_compatible(ch, |part| {
                first.get_or_insert(part);
            });
            first.is_some_and(|part| {
                canonical_combining_class(part) == 0
                    && is_nfkc_quick(iter::once(part)) == IsNormalized::Yes
            })
        }
    }
}

fn push_nfkc_segment(segment: &[MappedChar], output: &mut Vec<MappedChar>) {
    let (Some(first), Some(last)) = (segment.first(), segment.last()) else {
        return;
    };

    // Fast path: a lone character that NFKC keeps.
    if segment.len() == 1 && is_nfkc_quick(iter::once(first.ch)) == IsNormalized::Yes {
        output.push(*first);
        return;
    }

    let (start, end) = (first.start, last.end);
    output.extend(
        segment
            .iter()
            .map(|mapped| mapped.ch)
            .nfkc()
            .map(|ch| MappedChar { ch, start, end }),
    );
}

/// Removes invisible format characters and maps non-ASCII spaces to U+0020.
///
/// The removed characters are:
/// - U+00AD soft hyphen, U+061C Arabic letter mark, U+180E Mongolian vowel separator;
/// - U+200B-U+200F zero-width space, non-joiner, joiner and the LRM and RLM marks;
/// - U+202A-U+202E bidi embeddings and overrides;
/// - U+2060-U+2064 word joiner and invisible operators;
/// - U+2066-U+206F bidi isolates and deprecated format controls;
/// - U+FEFF byte order mark.
///
/// They change rendering only. Copy-paste from right-to-left editors leaves
/// them inside words, where they would split or disguise the word.
pub(crate) fn strip_format(input: &[MappedChar], output: &mut Vec<MappedChar>) {
    map_each(input, output, |ch| {
        if is_format_char(ch) {
            None
        } else if !ch.is_ascii() && ch.is_whitespace() {
            Some(' ')
        } else {
            Some(ch)
        }
    });
}

fn is_format_char(ch: char) -> bool {
    matches!(
        ch,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    )
}

/// Removes Arabic diacritics and tatweel and folds letter variants that users
/// type interchangeably. Returns `None` for a removed character.
pub(crate) fn fold_arabic_char(ch: char) -> Option<char> {
    match ch {
        // Tashkeel: tanween, short vowels, shadda, sukun and the extended marks
        // U+0653-U+065F (madda above, hamza above and below, ...). Most text
        // omits them, so a vowelled document or query must match unvowelled
        // text. Removing them merges words that differ only in vowels, which
        // unvowelled text cannot tell apart anyway.
        '\u{064B}'..='\u{065F}' => None,

        // Superscript (dagger) alef, as in the Quranic spelling of هٰذا.
        '\u{0670}' => None,

        // Quranic annotation marks; they carry no letters.
        '\u{06D6}'..='\u{06ED}' => None,

        // Tatweel (kashida) only stretches a word for justification or style.
        '\u{0640}' => None,

        // Alef with hamza above or below, with madda, and alef wasla. Writers
        // drop the hamza constantly (اسمدة for أسمدة) and keyboards make
        // bare alef the easy key. Folding merges rare minimal pairs such as
        // أن and إن, which are stop words anyway.
        'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),

        // Alef maqsura and yeh are swapped at word ends, especially in Egyptian
        // and Gulf typing (مبنى vs مبني). The merge accepts pairs like على
        // (preposition) and علي (the name), which context must separate.
        'ى' => Some('ي'),

        // Teh marbuta and heh look alike at word ends and are often typed for
        // each other (مدينة vs مدينه). The merge accepts the clash between a
        // feminine ending and the pronoun suffix ه.
        'ة' => Some('ه'),

        // Hamza on waw: spellings of the same word vary (مسؤول, مسئول), so
        // the seat is dropped. Rare clashes with plain-waw words are accepted.
        'ؤ' => Some('و'),

        // Hamza on yeh: same reason (رئيس is also written ريس in casual text).
        'ئ' => Some('ي'),

        _ => Some(ch),
    }
}

/// Applies [`fold_arabic_char`] to every character.
pub(crate) fn fold_arabic(input: &[MappedChar], output: &mut Vec<MappedChar>) {
    map_each(input, output, fold_arabic_char);
}

/// The digit zero of each Unicode decimal-digit set (General_Category Nd) that
/// NFKC leaves unchanged, from the Unicode Character Database 14.0. Each set is
/// ten consecutive code points with values 0 to 9. Fullwidth and mathematical
/// digits are absent because NFKC already maps them to ASCII.
const DECIMAL_ZEROS: [u32; 58] = [
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1E140, 0x1E2F0, 0x1E950,
];

/// Maps a decimal digit of any script to its ASCII digit, and the Arabic
/// decimal and thousands separators U+066B and U+066C to `.` and `,`, so that
/// `٢٫٥` and `2.5` give the same token.
pub(crate) fn fold_digit_char(ch: char) -> char {
    match ch {
        '\u{066B}' => return '.',
        '\u{066C}' => return ',',
        _ if ch.is_ascii() => return ch,
        _ => {}
    }

    let code = u32::from(ch);

    // The table is sorted, so the candidate set is the last zero at or below
    // `code`.
    let candidate = match DECIMAL_ZEROS.binary_search(&code) {
        Ok(index) => Some(index),
        Err(0) => None,
        Err(index) => Some(index - 1),
    };

    match candidate.map(|index| code - DECIMAL_ZEROS[index]) {
        Some(value @ 0..=9) => char::from_digit(value, 10).unwrap_or(ch),
        _ => ch,
    }
}

/// Applies [`fold_digit_char`] to every character.
pub(crate) fn fold_digits(input: &[MappedChar], output: &mut Vec<MappedChar>) {
    map_each(input, output, |ch| Some(fold_digit_char(ch)));
}

/// Lowercases with `char::to_lowercase`, the Unicode default lowercase mapping.
///
/// Per-character mapping keeps each character's span, which `str::to_lowercase`
/// would lose. It differs from full case folding (CaseFolding.txt) in a few
/// letters: `ß` stays `ß` instead of `ss`, and final sigma `ς` stays apart from
/// `σ`. Neither occurs in this corpus's Arabic and English text, so a case
/// folding crate would add a dependency without changing any term here.
pub(crate) fn lowercase(input: &[MappedChar], output: &mut Vec<MappedChar>) {
    output.clear();
    output.reserve(input.len());

    for mapped in input {
        if mapped.ch.is_ascii() {
            output.push(MappedChar {
                ch: mapped.ch.to_ascii_lowercase(),
                ..*mapped
            });
            continue;
        }

        output.extend(
            mapped
                .ch
                .to_lowercase()
                .map(|ch| MappedChar { ch, ..*mapped }),
        );
    }
}

fn map_each(
    input: &[MappedChar],
    output: &mut Vec<MappedChar>,
    map: impl Fn(char) -> Option<char>,
) {
    output.clear();
    output.reserve(input.len());
    output.extend(
        input
            .iter()
            .filter_map(|mapped| map(mapped.ch).map(|ch| MappedChar { ch, ..*mapped })),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stage: fn(&[MappedChar], &mut Vec<MappedChar>), text: &str) -> String {
        let mut input = Vec::new();
        map_original(text, &mut input);
        let mut output = Vec::new();
        stage(&input, &mut output);
        to_text(&output)
    }

    fn spans(
        stage: fn(&[MappedChar], &mut Vec<MappedChar>),
        text: &str,
    ) -> Vec<(char, usize, usize)> {
        let mut input = Vec::new();
        map_original(text, &mut input);
        let mut output = Vec::new();
        stage(&input, &mut output);
        output.iter().map(|m| (m.ch, m.start, m.end)).collect()
    }

    #[test]
    fn nfkc_folds_arabic_presentation_forms() {
        // Isolated, final and initial forms from U+FE70-U+FEFF.
        assert_eq!(run(nfkc, "\u{FEE3}\u{FEBC}\u{FEE8}\u{FECA}"), "مصنع");
        // Lam-alef ligature from U+FEFB.
        assert_eq!(run(nfkc, "\u{FEFB}"), "لا");
        // Presentation forms-A block U+FB50-U+FDFF: the word Allah ligature.
        assert_eq!(run(nfkc, "\u{FDF2}"), "الله");
    }

    #[test]
    fn nfkc_maps_nbsp_and_fullwidth() {
        assert_eq!(run(nfkc, "a\u{00A0}b"), "a b");
        assert_eq!(run(nfkc, "ＩＳＯ９００１"), "ISO9001");
    }

    #[test]
    fn nfkc_composes_across_characters() {
        assert_eq!(run(nfkc, "e\u{0301}"), "é");
        // Alef followed by hamza above composes to alef with hamza above.
        assert_eq!(run(nfkc, "\u{0627}\u{0654}"), "\u{0623}");
    }

    #[test]
    fn nfkc_keeps_spans_of_segments() {
        // The ligature's two output letters both point at its 3 bytes.
        assert_eq!(
            spans(nfkc, "x\u{FEFB}"),
            vec![('x', 0, 1), ('ل', 1, 4), ('ا', 1, 4)]
        );
        // A letter and its diacritic form one segment.
        assert_eq!(spans(nfkc, "مَ"), vec![('م', 0, 4), ('\u{064E}', 0, 4)]);
    }

    #[test]
    fn nfkc_handles_leading_combining_marks() {
        assert_eq!(run(nfkc, "\u{0301}\u{0301}a"), "\u{0301}\u{0301}a");
        assert_eq!(run(nfkc, ""), "");
    }

    #[test]
    fn strip_format_removes_invisible_characters() {
        for invisible in [
            '\u{00AD}', '\u{061C}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}',
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{FEFF}',
        ] {
            let text = format!("مص{invisible}نع");
            assert_eq!(
                run(strip_format, &text),
                "مصنع",
                "U+{:04X}",
                u32::from(invisible)
            );
        }
    }

    #[test]
    fn strip_format_maps_unicode_spaces() {
        assert_eq!(
            run(strip_format, "a\u{00A0}b\u{2003}c\u{3000}d\u{2028}e"),
            "a b c d e"
        );
        assert_eq!(run(strip_format, "a\tb\nc"), "a\tb\nc");
    }

    #[test]
    fn fold_arabic_removes_tashkeel_and_tatweel() {
        assert_eq!(run(fold_arabic, "مَصْنَعُ"), "مصنع");
        assert_eq!(run(fold_arabic, "الألمنيـــوم"), "الالمنيوم");
        assert_eq!(run(fold_arabic, "هٰذا"), "هذا");
        assert_eq!(run(fold_arabic, "قال\u{06D6}"), "قال");
    }

    #[test]
    fn fold_arabic_folds_letter_variants() {
        assert_eq!(run(fold_arabic, "أإآٱ"), "اااا");
        assert_eq!(run(fold_arabic, "مبنى"), "مبني");
        assert_eq!(run(fold_arabic, "مدينة"), "مدينه");
        assert_eq!(run(fold_arabic, "مسؤول"), "مسوول");
        assert_eq!(run(fold_arabic, "رئيس"), "رييس");
    }

    #[test]
    fn fold_arabic_keeps_spans_of_kept_letters() {
        assert_eq!(spans(fold_arabic, "aـb"), vec![('a', 0, 1), ('b', 3, 4)]);
    }

    #[test]
    fn fold_digits_maps_all_digit_sets() {
        assert_eq!(run(fold_digits, "٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(run(fold_digits, "۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(run(fold_digits, "०१२३४५६७८९"), "0123456789");
        assert_eq!(run(fold_digits, "٢٫٥ و١٬٥٠٠"), "2.5 و1,500");
    }

    #[test]
    fn fold_digits_leaves_non_digits() {
        // Code points just past a digit set and below the first set.
        assert_eq!(fold_digit_char('\u{066A}'), '\u{066A}');
        assert_eq!(fold_digit_char('\u{065F}'), '\u{065F}');
        assert_eq!(fold_digit_char('م'), 'م');
        assert_eq!(fold_digit_char('\u{10FFFF}'), '\u{10FFFF}');
    }

    #[test]
    fn decimal_zeros_are_sorted_digit_zeros() {
        assert!(DECIMAL_ZEROS.windows(2).all(|pair| pair[0] + 10 <= pair[1]));
        for zero in DECIMAL_ZEROS {
            for value in 0..10 {
                let digit = char::from_u32(zero + value).unwrap();
                assert!(digit.is_numeric(), "U+{:04X}", zero + value);
            }
        }
    }

    #[test]
    fn lowercase_latin_and_special_cases() {
        assert_eq!(run(lowercase, "ALUMINIUM Plant"), "aluminium plant");
        assert_eq!(run(lowercase, "ÉTÉ"), "été");
        assert_eq!(run(lowercase, "مصنع"), "مصنع");
        // U+0130 lowercases to two characters that share its span.
        assert_eq!(spans(lowercase, "İ"), vec![('i', 0, 2), ('\u{0307}', 0, 2)]);
    }
}
