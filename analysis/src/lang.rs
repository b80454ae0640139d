//! Language hints and the script test that picks each token's analysis path.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::AnalysisError;

/// Language hint for a whole text.
///
/// `Auto` picks the path per token from its script: Arabic-script tokens get
/// Arabic stop words and light stemming, Latin-script tokens get English stop
/// words and Snowball stemming. `Ar` and `En` run only that language's stop
/// words and stemmer and leave tokens of the other script unstemmed. Analyze
/// documents and queries with the same hint (or `Auto` for both), or their
/// terms will not line up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Arabic.
    Ar,
    /// English.
    En,
    /// Per-token choice by script.
    #[default]
    Auto,
}

impl Lang {
    /// Returns the hint as it is written in requests: `ar`, `en` or `auto`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
            Lang::Auto => "auto",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = AnalysisError;

    /// Parses `ar`, `en` or `auto`, ignoring ASCII case and surrounding spaces.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "ar" => Ok(Lang::Ar),
            "en" => Ok(Lang::En),
            "auto" => Ok(Lang::Auto),
            _ => Err(AnalysisError::InvalidLang {
                value: value.to_owned(),
            }),
        }
    }
}

/// Script of a token, which decides its stop word list and stemmer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    Arabic,
    Latin,
    /// Digits, symbols and letters of other scripts: no stop words, no stemming.
    Other,
}

impl Script {
    /// Classifies a normalized token: Arabic if it contains any Arabic letter,
    /// else Latin if it contains any Latin letter, else `Other`.
    pub(crate) fn of(token: &str) -> Script {
        let mut has_latin = false;
        for ch in token.chars() {
            if is_arabic_letter(ch) {
                return Script::Arabic;
            }
            has_latin |= is_latin_letter(ch);
        }

        if has_latin {
            Script::Latin
        } else {
            Script::Other
        }
    }

    /// Returns whether a token of this script takes the stop words and stemmer
    /// of `lang`.
    pub(crate) fn follows(self, lang: Lang) -> bool {
        match (self, lang) {
            (Script::Other, _) => false,
            (_, Lang::Auto) => true,
            (Script::Arabic, Lang::Ar) | (Script::Latin, Lang::En) => true,
            _ => false,
        }
    }
}

/// Arabic letters of the Arabic, Arabic Supplement and Arabic Extended-A blocks.
/// Presentation forms are not listed because NFKC folds them to these blocks.
fn is_arabic_letter(ch: char) -> bool {
    matches!(ch, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}')
        && ch.is_alphabetic()
}

/// Latin letters of Basic Latin, Latin-1, Latin Extended-A/B and Latin Extended Additional.
fn is_latin_letter(ch: char) -> bool {
    ch.is_ascii_alphabetic()
        || (matches!(ch, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}') && ch.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_parses_known_hints() {
        assert_eq!("ar".parse::<Lang>(), Ok(Lang::Ar));
        assert_eq!(" EN ".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("Auto".parse::<Lang>(), Ok(Lang::Auto));
    }

    #[test]
    fn lang_rejects_unknown_hint() {
        let error = "fr".parse::<Lang>().unwrap_err();
        assert_eq!(error, AnalysisError::InvalidLang { value: "fr".into() });
        assert!(error.to_string().contains("\"fr\""));
        assert!(error.to_string().contains("\"auto\""));
    }

    #[test]
    fn script_of_tokens() {
        assert_eq!(Script::of("مصنع"), Script::Arabic);
        assert_eq!(Script::of("sabic"), Script::Latin);
        assert_eq!(Script::of("café"), Script::Latin);
        assert_eq!(Script::of("2025"), Script::Other);
        assert_eq!(Script::of("москва"), Script::Other);
        assert_eq!(Script::of("iso9001"), Script::Latin);
    }

    #[test]
    fn script_follows_hint() {
        assert!(Script::Arabic.follows(Lang::Auto));
        assert!(Script::Arabic.follows(Lang::Ar));
        assert!(!Script::Arabic.follows(Lang::En));
        assert!(Script::Latin.follows(Lang::En));
        assert!(!Script::Latin.follows(Lang::Ar));
        assert!(!Script::Other.follows(Lang::Auto));
    }
}
