//! The XLM-R sentencepiece tokenizer rebuilt from a vocabulary (pieces and
//! unigram scores) and a per-code-point normalization map, as stored in an
//! imported GGUF file.
//!
//! Pipeline, the same as sentencepiece's `nmt_nfkc` model used by XLM-R:
//! map each code point through the normalization map, collapse runs of
//! spaces, mark word starts with the metaspace U+2581 (one is prepended), and
//! segment with the unigram model's Viterbi search (from `tokenizers`).

use std::collections::HashMap;

use tokenizers::models::unigram::Unigram;
use tokenizers::Model as _;

use crate::error::{ModelError, Result};

const METASPACE: char = '\u{2581}';

pub struct SpmTokenizer {
    unigram: Unigram,
    normalization: HashMap<char, Vec<char>>,
    pub bos: u32,
    pub eos: u32,
    #[allow(dead_code)]
    pub pad: u32,
}

impl SpmTokenizer {
    pub fn new(
        pieces: Vec<(String, f64)>,
        unk: u32,
        bos: u32,
        eos: u32,
        pad: u32,
        normalization: &[(u32, Vec<u32>)],
    ) -> Result<Self> {
        let unigram = Unigram::from(pieces, Some(unk as usize), false)
            .map_err(|e| ModelError::Unsupported(format!("cannot build the unigram vocabulary: {e}")))?;
        let normalization = normalization
            .iter()
            .filter_map(|(from, to)| {
                let from = char::from_u32(*from)?;
                let to = to.iter().filter_map(|&c| char::from_u32(c)).collect();
                Some((from, to))
            })
            .collect();
        Ok(Self { unigram, normalization, bos, eos, pad })
    }

    /// Applies the normalization map and metaspace marking.
    pub fn normalize(&self, text: &str) -> String {
        let mut mapped = String::with_capacity(text.len() + 4);
        for ch in text.chars() {
            match self.normalization.get(&ch) {
                Some(replacement) => mapped.extend(replacement.iter()),
                None => mapped.push(ch),
            }
        }

        let mut out = String::with_capacity(mapped.len() + 8);
        if !mapped.starts_with(' ') {
            out.push(METASPACE);
        }
        let mut previous_space = false;
        for ch in mapped.chars() {
            if ch == ' ' {
                if !previous_space {
                    out.push(METASPACE);
                }
                previous_space = true;
            } else {
                out.push(ch);
                previous_space = false;
            }
        }
        out
    }

    /// Token ids of `text` without `<s>` and `</s>`.
    pub fn encode_content(&self, text: &str) -> Result<Vec<u32>> {
        let normalized = self.normalize(text);
        let tokens = self
            .unigram
            .tokenize(&normalized)
            .map_err(|e| ModelError::Tokenizer { index: 0, reason: e.to_string() })?;
        Ok(tokens.into_iter().map(|t| t.id).collect())
    }
}
