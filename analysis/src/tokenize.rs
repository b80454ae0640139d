//! Word splitting of normalized text by Unicode word boundaries (UAX #29).

use unicode_segmentation::UnicodeSegmentation;

use crate::normalize::MappedChar;

/// A word of normalized text with its position and original byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub text: String,
    /// Index among all words of the text, counting words that later stages drop.
    pub position: u32,
    pub start: usize,
    pub end: usize,
}

/// Splits normalized characters into words.
///
/// UAX #29 keeps `2025`, `1.5`, `1,500` and `iso9001` whole, and splits
/// `iso-9001` into `iso` and `9001` because a hyphen is no word-internal
/// punctuation. Segments without a letter or digit (spaces, punctuation) are
/// dropped. Positions saturate at `u32::MAX` on texts of over four billion
/// words.
pub(crate) fn split_words(chars: &[MappedChar]) -> Vec<Word> {
    let text: String = chars.iter().map(|mapped| mapped.ch).collect();
    let mut words = Vec::with_capacity(text.len() / 6 + 1);

    // Segments come in order, so one cursor walks `chars` alongside them.
    let mut char_index = 0usize;
    let mut position = 0u32;

    for segment in text.split_word_bounds() {
        let char_count = segment.chars().count();
        let first = char_index;
        char_index += char_count;

        if !segment.chars().any(char::is_alphanumeric) {
            continue;
        }

        let (Some(first_char), Some(last_char)) = (chars.get(first), chars.get(char_index - 1))
        else {
            continue;
        };

        words.push(Word {
            text: segment.to_owned(),
            position,
            start: first_char.start,
            end: last_char.end,
        });
        position = position.saturating_add(1);
    }

    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::map_original;

    fn words(text: &str) -> Vec<String> {
        let mut chars = Vec::new();
        map_original(text, &mut chars);
        split_words(&chars)
            .into_iter()
            .map(|word| word.text)
            .collect()
    }

    #[test]
    fn split_keeps_numbers_and_codes() {
        assert_eq!(words("in 2025, 1.5 mtpa"), ["in", "2025", "1.5", "mtpa"]);
        assert_eq!(words("1,500 tonnes"), ["1,500", "tonnes"]);
        assert_eq!(
            words("ISO-9001 / HS 310210"),
            ["ISO", "9001", "HS", "310210"]
        );
        assert_eq!(words("ISO9001"), ["ISO9001"]);
    }

    #[test]
    fn split_arabic_and_mixed_text() {
        assert_eq!(
            words("شركة سابك SABIC، للبتروكيماويات؟"),
            ["شركة", "سابك", "SABIC", "للبتروكيماويات"]
        );
    }

    #[test]
    fn split_records_positions_and_spans() {
        let mut chars = Vec::new();
        map_original("ab, cd", &mut chars);
        let split = split_words(&chars);
        assert_eq!(split.len(), 2);
        assert_eq!((split[0].position, split[0].start, split[0].end), (0, 0, 2));
        assert_eq!((split[1].position, split[1].start, split[1].end), (1, 4, 6));
    }

    #[test]
    fn split_drops_punctuation_only_input() {
        assert!(words(" ,.;!؟ ").is_empty());
        assert!(words("").is_empty());
    }
}
