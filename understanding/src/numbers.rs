//! Parsing of written numbers with Arabic or Western digits and separators.

use crate::normalize::ascii_digit;

/// Error returned when a string is not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("empty number: expected digits such as 1500, 1,500 or 2.5")]
    Empty,
    #[error(
        "invalid number {input:?}: expected digits with optional , . ٬ ٫ separators, such as 1,500 or 2.5"
    )]
    Invalid { input: String },
}

/// Parses a number written with ASCII, Arabic-Indic or Persian digits.
///
/// Separators: `.` and `٫` may be decimal points, `,` and `٬` may group
/// thousands. When both kinds appear, the last one is the decimal point
/// ("1.234,5" and "1,234.5" both give 1234.5). When only one kind appears,
/// it groups thousands if every group after the first has exactly three
/// digits and the separator is a comma or appears more than once ("1,500"
/// is 1500, "1.500.000" is 1500000). Otherwise it is a decimal point
/// ("1.5", "2,5", "1.500").
///
/// Returns an error naming the input when it contains anything else,
/// starts or ends with a separator, or has two separators in a row.
pub fn parse_number(input: &str) -> Result<f64, NumberError> {
    let invalid = || NumberError::Invalid {
        input: input.to_string(),
    };
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }

    // Fold digits and separators to ASCII first.
    let mut folded = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        match (ascii_digit(c), c) {
            (Some(digit), _) => folded.push(digit),
            (None, '.' | '\u{066B}') => folded.push('.'),
            (None, ',' | '\u{066C}') => folded.push(','),
            _ => return Err(invalid()),
        }
    }

    let groups: Vec<&str> = folded.split(['.', ',']).collect();
    if groups.iter().any(|group| group.is_empty()) {
        return Err(invalid());
    }

    let decimal_point = decimal_point(&folded, &groups);
    let mut plain = String::with_capacity(folded.len());
    for c in folded.chars() {
        match c {
            '0'..='9' => plain.push(c),
            _ if Some(c) == decimal_point => plain.push('.'),
            _ => {}
        }
    }

    plain.parse::<f64>().map_err(|_| invalid())
}

/// Returns which separator is the decimal point, or None when all
/// separators group thousands.
fn decimal_point(folded: &str, groups: &[&str]) -> Option<char> {
    let dots = folded.matches('.').count();
    let commas = folded.matches(',').count();

    if dots > 0 && commas > 0 {
        return folded.chars().rev().find(|c| matches!(c, '.' | ','));
    }
    if dots + commas == 0 {
        return None;
    }

    let separator = if dots > 0 { '.' } else { ',' };
    let count = dots + commas;
    let grouped = groups[1..].iter().all(|group| group.len() == 3) && groups[0].len() <= 3;
    let thousands = grouped && (count > 1 || separator == ',');
    (!thousands).then_some(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_decimal() {
        assert_eq!(parse_number("2020"), Ok(2020.0));
        assert_eq!(parse_number("1.5"), Ok(1.5));
        assert_eq!(parse_number("2,5"), Ok(2.5));
        assert_eq!(parse_number("1.500"), Ok(1.5));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(parse_number("1,500"), Ok(1500.0));
        assert_eq!(parse_number("1,500,000"), Ok(1_500_000.0));
        assert_eq!(parse_number("1.500.000"), Ok(1_500_000.0));
        assert_eq!(parse_number("1,234.5"), Ok(1234.5));
        assert_eq!(parse_number("1.234,5"), Ok(1234.5));
    }

    #[test]
    fn arabic_indic_and_persian_digits() {
        assert_eq!(parse_number("٢٠٢٠"), Ok(2020.0));
        assert_eq!(parse_number("١٫٥"), Ok(1.5));
        assert_eq!(parse_number("٣٬٠٠٠"), Ok(3000.0));
        assert_eq!(parse_number("۱۲"), Ok(12.0));
    }

    #[test]
    fn rejects_malformed_input() {
        assert_eq!(parse_number(""), Err(NumberError::Empty));
        assert!(matches!(
            parse_number("1..5"),
            Err(NumberError::Invalid { .. })
        ));
        assert!(matches!(
            parse_number(",5"),
            Err(NumberError::Invalid { .. })
        ));
        assert!(matches!(
            parse_number("12a"),
            Err(NumberError::Invalid { .. })
        ));
        let message = parse_number("1x").unwrap_err().to_string();
        assert!(message.contains("\"1x\""), "{message}");
    }
}
