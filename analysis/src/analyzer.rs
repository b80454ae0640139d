//! The analyzer pipeline: character stages, word splitting, stop words and
//! stemming.

use std::collections::HashSet;
use std::fmt;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Script};
use crate::normalize::{self, MappedChar};
use crate::stem::stem_arabic;
use crate::stopwords;
use crate::tokenize::{Word, split_words};

/// Switches for the analyzer's stages. `Default` turns every stage on.
///
/// Documents and queries must be analyzed with the same configuration, or
/// their terms will not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalyzerConfig {
    /// Unicode NFKC, and a second NFKC pass after the other character stages.
    pub nfkc: bool,
    /// Removal of bidi controls and zero-width characters, and mapping of
    /// Unicode spaces to U+0020.
    pub strip_format: bool,
    /// Arabic diacritic and tatweel removal, letter-variant folds and light
    /// stemming. Turning it off gives the naive baseline for evaluation.
    pub arabic: bool,
    /// Folding of decimal digits of every script to ASCII.
    pub digits: bool,
    /// Lowercasing.
    pub lowercase: bool,
    /// Removal of Arabic and English stop words.
    pub stop_words: bool,
    /// English Snowball stemming (and Arabic light stemming when `arabic` is on).
    pub stem: bool,
}

impl Default for AnalyzerConfig {
    fn default() -> Self {
        AnalyzerConfig {
            nfkc: true,
            strip_format: true,
            arabic: true,
            digits: true,
            lowercase: true,
            stop_words: true,
            stem: true,
        }
    }
}

/// One term of analyzed text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Token {
    /// The normalized, stemmed term that goes into the index.
    pub term: String,
    /// Index of the word in the text. Stop words count, so positions have gaps
    /// where stop words were removed.
    pub position: u32,
    /// Byte offset in the original text where the word starts.
    pub start: usize,
    /// Byte offset in the original text just past the word, including
    /// diacritics on its last letter. `&text[start..end]` is the word to
    /// highlight.
    pub end: usize,
}

/// Output of one pipeline stage, as [`Analyzer::explain`] reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Stage name: `nfkc`, `strip_format`, `arabic_fold`, `digits`,
    /// `lowercase`, `recompose`, `tokenize`, `stop_words` or `stem`.
    pub name: &'static str,
    /// The whole text after a character stage, or the terms after a token stage.
    pub output: StageOutput,
}

/// Text for character stages, terms for token stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StageOutput {
    /// Whole normalized text.
    Text(String),
    /// Terms in order.
    Tokens(Vec<String>),
}

/// Arabic and English keyword analyzer.
///
/// Build one per configuration and share it: construction normalizes the stop
/// word lists, and `analyze` takes `&self` and allocates only its output and
/// scratch buffers.
pub struct Analyzer {
    config: AnalyzerConfig,
    arabic_stop_words: HashSet<String>,
    english_stop_words: HashSet<String>,
    english_stemmer: Stemmer,
}

impl fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analyzer")
            .field("config", &self.config)
            .field("arabic_stop_words", &self.arabic_stop_words.len())
            .field("english_stop_words", &self.english_stop_words.len())
            .finish_non_exhaustive()
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(AnalyzerConfig::default())
    }
}

/// Character stage names with their functions, in pipeline order.
type CharStage = (&'static str, fn(&[MappedChar], &mut Vec<MappedChar>));

impl Analyzer {
    /// Builds an analyzer and normalizes its stop word lists with the
    /// configured character stages.
    pub fn new(config: AnalyzerConfig) -> Self {
        let mut analyzer = Analyzer {
            config,
            arabic_stop_words: HashSet::new(),
            english_stop_words: HashSet::new(),
            english_stemmer: Stemmer::create(Algorithm::English),
        };

        let arabic = stopwords::ARABIC
            .iter()
            .map(|word| analyzer.normalize(word))
            .collect();
        let english = stopwords::ENGLISH
            .iter()
            .map(|word| analyzer.normalize(word))
            .collect();
        analyzer.arabic_stop_words = arabic;
        analyzer.english_stop_words = english;

        analyzer
    }

    /// Returns the configuration.
    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// Analyzes text into index terms with positions and original byte spans.
    ///
    /// Never fails: any string, including empty text and text without letters,
    /// gives a possibly empty list.
    pub fn analyze(&self, text: &str, lang: Lang) -> Vec<Token> {
        self.run(text, lang, None)
    }

    /// Analyzes text and returns the output of every enabled stage, like
    /// Elasticsearch's `_analyze` API. The last stage's terms equal the terms
    /// of [`Analyzer::analyze`].
    pub fn explain(&self, text: &str, lang: Lang) -> Vec<Stage> {
        let mut stages = Vec::with_capacity(9);
        self.run(text, lang, Some(&mut stages));
        stages
    }

    /// Applies the character stages only and returns the normalized text.
    ///
    /// Idempotent: `normalize(normalize(x)) == normalize(x)`, and analyzing
    /// the normalized text gives the same terms as analyzing `x`.
    pub fn normalize(&self, text: &str) -> String {
        let chars = self.normalize_mapped(text, None);
        normalize::to_text(&chars)
    }

    fn char_stages(&self) -> Vec<CharStage> {
        let config = &self.config;
        let mut stages: Vec<CharStage> = Vec::with_capacity(6);

        if config.nfkc {
            stages.push(("nfkc", normalize::nfkc));
        }
        if config.strip_format {
            stages.push(("strip_format", normalize::strip_format));
        }
        if config.arabic {
            stages.push(("arabic_fold", normalize::fold_arabic));
        }
        if config.digits {
            stages.push(("digits", normalize::fold_digits));
        }
        if config.lowercase {
            stages.push(("lowercase", normalize::lowercase));
        }

        // Removing a character can bring a letter next to a combining mark it
        // composes with (`e`, U+200B, U+0301), so NFKC runs once more to keep
        // `normalize` idempotent.
        if config.nfkc {
            stages.push(("recompose", normalize::nfkc));
        }

        stages
    }

    fn normalize_mapped(&self, text: &str, mut trace: Option<&mut Vec<Stage>>) -> Vec<MappedChar> {
        let mut current = Vec::new();
        let mut next = Vec::new();
        normalize::map_original(text, &mut current);

        for (name, stage) in self.char_stages() {
            stage(&current, &mut next);
            std::mem::swap(&mut current, &mut next);

            if let Some(stages) = trace.as_deref_mut() {
                stages.push(Stage {
                    name,
                    output: StageOutput::Text(normalize::to_text(&current)),
                });
            }
        }

        current
    }

    fn run(&self, text: &str, lang: Lang, mut trace: Option<&mut Vec<Stage>>) -> Vec<Token> {
        let chars = self.normalize_mapped(text, trace.as_deref_mut());

        let words = split_words(&chars);
        record_words(&mut trace, "tokenize", &words);

        let words: Vec<(Word, Script)> = words
            .into_iter()
            .map(|word| {
                let script = Script::of(&word.text);
                (word, script)
            })
            .filter(|(word, script)| !self.is_stop_word(&word.text, *script, lang))
            .collect();
        if self.config.stop_words {
            record_words(&mut trace, "stop_words", words.iter().map(|(word, _)| word));
        }

        let tokens: Vec<Token> = words
            .into_iter()
            .map(|(word, script)| Token {
                term: self.stem(word.text, script, lang),
                position: word.position,
                start: word.start,
                end: word.end,
            })
            .collect();
        if let (true, Some(stages)) = (self.config.stem, trace) {
            stages.push(Stage {
                name: "stem",
                output: StageOutput::Tokens(
                    tokens.iter().map(|token| token.term.clone()).collect(),
                ),
            });
        }

        tokens
    }

    fn is_stop_word(&self, word: &str, script: Script, lang: Lang) -> bool {
        if !self.config.stop_words || !script.follows(lang) {
            return false;
        }

        match script {
            Script::Arabic => self.arabic_stop_words.contains(word),
            Script::Latin => self.english_stop_words.contains(word),
            Script::Other => false,
        }
    }

    fn stem(&self, word: String, script: Script, lang: Lang) -> String {
        if !self.config.stem || !script.follows(lang) {
            return word;
        }

        match script {
            Script::Arabic if self.config.arabic => {
                let stem = stem_arabic(&word);
                if stem.len() == word.len() {
                    word
                } else {
                    stem.to_owned()
                }
            }
            Script::Latin => self.english_stemmer.stem(&word).into_owned(),
            Script::Arabic | Script::Other => word,
        }
    }
}

fn record_words<'a>(
    trace: &mut Option<&mut Vec<Stage>>,
    name: &'static str,
    words: impl IntoIterator<Item = &'a Word>,
) {
    if let Some(stages) = trace.as_deref_mut() {
        stages.push(Stage {
            name,
            output: StageOutput::Tokens(words.into_iter().map(|word| word.text.clone()).collect()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &Analyzer, text: &str, lang: Lang) -> Vec<String> {
        analyzer
            .analyze(text, lang)
            .into_iter()
            .map(|token| token.term)
            .collect()
    }

    #[test]
    fn analyze_mixed_text() {
        let analyzer = Analyzer::default();
        assert_eq!(
            terms(
                &analyzer,
                "شركة سابك SABIC للبتروكيماويات plants",
                Lang::Auto
            ),
            ["شرك", "سابك", "sabic", "تروكيماوي", "plant"]
        );
    }

    #[test]
    fn analyze_hint_limits_stemming_to_its_language() {
        let analyzer = Analyzer::default();
        assert_eq!(
            terms(&analyzer, "المصانع the plants", Lang::Ar),
            ["مصانع", "the", "plants"]
        );
        assert_eq!(
            terms(&analyzer, "المصانع the plants", Lang::En),
            ["المصانع", "plant"]
        );
    }

    #[test]
    fn analyze_offsets_point_into_original() {
        let analyzer = Analyzer::default();
        let text = "مصهر الألمنيـــوم\u{00A0}في البحرين";
        let tokens = analyzer.analyze(text, Lang::Auto);
        let words: Vec<&str> = tokens
            .iter()
            .map(|token| &text[token.start..token.end])
            .collect();
        assert_eq!(words, ["مصهر", "الألمنيـــوم", "البحرين"]);
        let positions: Vec<u32> = tokens.iter().map(|token| token.position).collect();
        assert_eq!(positions, [0, 1, 3]);
    }

    #[test]
    fn analyze_offsets_include_diacritics() {
        let analyzer = Analyzer::default();
        let text = "مَصْنَعُ الحديدِ";
        let tokens = analyzer.analyze(text, Lang::Auto);
        assert_eq!(&text[tokens[0].start..tokens[0].end], "مَصْنَعُ");
        assert_eq!(&text[tokens[1].start..tokens[1].end], "الحديدِ");
    }

    #[test]
    fn explain_lists_every_stage() {
        let analyzer = Analyzer::default();
        let stages = analyzer.explain("والمصنعُ", Lang::Auto);
        let names: Vec<&str> = stages.iter().map(|stage| stage.name).collect();
        assert_eq!(
            names,
            [
                "nfkc",
                "strip_format",
                "arabic_fold",
                "digits",
                "lowercase",
                "recompose",
                "tokenize",
                "stop_words",
                "stem"
            ]
        );
        assert_eq!(stages[2].output, StageOutput::Text("والمصنع".into()));
        assert_eq!(stages[8].output, StageOutput::Tokens(vec!["مصنع".into()]));
    }

    #[test]
    fn explain_skips_disabled_stages() {
        let config = AnalyzerConfig {
            arabic: false,
            stop_words: false,
            ..AnalyzerConfig::default()
        };
        let stages = Analyzer::new(config).explain("x", Lang::Auto);
        let names: Vec<&str> = stages.iter().map(|stage| stage.name).collect();
        assert_eq!(
            names,
            [
                "nfkc",
                "strip_format",
                "digits",
                "lowercase",
                "recompose",
                "tokenize",
                "stem"
            ]
        );
    }

    #[test]
    fn arabic_off_keeps_variants_apart() {
        let analyzer = Analyzer::new(AnalyzerConfig {
            arabic: false,
            ..AnalyzerConfig::default()
        });
        assert_eq!(
            terms(&analyzer, "أسمدة والمصنع", Lang::Auto),
            ["أسمدة", "والمصنع"]
        );
    }

    #[test]
    fn stop_words_are_normalized() {
        let analyzer = Analyzer::default();
        assert!(analyzer.arabic_stop_words.contains("الي"));
        assert!(!analyzer.arabic_stop_words.contains("إلى"));
        assert!(terms(&analyzer, "إلى إلي الى The THE", Lang::Auto).is_empty());
    }
}
