//! Arabic and English keyword analysis and BM25 sparse vectors for GIP Search.
//!
//! Keyword retrieval is the half of hybrid search that finds exact names,
//! codes and places. The [`Analyzer`] turns text into index terms in stages
//! that [`Analyzer::explain`] can show one by one:
//!
//! 1. Unicode NFKC, which also folds Arabic presentation forms and maps
//!    no-break spaces to spaces.
//! 2. Removal of bidi controls and zero-width characters.
//! 3. Arabic folds: diacritics and tatweel removed, alef forms, `ى`, `ة`,
//!    `ؤ` and `ئ` folded to one letter each.
//! 4. Decimal digits of every script to ASCII.
//! 5. Lowercasing, then NFKC once more to recompose.
//! 6. Word splitting by Unicode word boundaries (UAX #29).
//! 7. Arabic and English stop word removal.
//! 8. Arabic light stemming and English Snowball stemming.
//!
//! Each [`Token`] keeps byte offsets into the original text for highlighting.
//! [`Bm25`] turns tokens into [`SparseVector`]s for Qdrant, which applies IDF.
//!
//! ```
//! use gip_analysis::{Analyzer, Bm25, Lang};
//!
//! let analyzer = Analyzer::default();
//! let text = "والمصنعُ ينتج 1.5 طن من الأسمدة يومياً";
//! let tokens = analyzer.analyze(text, Lang::Auto);
//!
//! let terms: Vec<&str> = tokens.iter().map(|token| token.term.as_str()).collect();
//! assert_eq!(terms, ["مصنع", "ينتج", "1.5", "طن", "اسمد", "يوميا"]);
//!
//! // Offsets point into the original text, diacritics included.
//! assert_eq!(&text[tokens[0].start..tokens[0].end], "والمصنعُ");
//!
//! let bm25 = Bm25::default();
//! let length = Bm25::weighted_length(&[(&tokens, 1.0)]);
//! let document = bm25.document(&[(&tokens, 1.0)], length);
//! let query = bm25.query(&analyzer.analyze("مصنع أسمدة", Lang::Ar));
//! assert_eq!(query.len(), 2);
//! assert!(query.indices.iter().all(|id| document.indices.contains(id)));
//! ```

mod analyzer;
mod bm25;
mod error;
mod lang;
mod normalize;
mod stem;
mod stopwords;
mod tokenize;

pub use analyzer::{Analyzer, AnalyzerConfig, Stage, StageOutput, Token};
pub use bm25::{Bm25, SparseVector, collision_count, term_id};
pub use error::AnalysisError;
pub use lang::Lang;
pub use stem::stem_arabic;
