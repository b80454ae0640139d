//! Term-id collisions on the vocabulary of the sample corpus.
//!
//! Term ids are 32-bit hashes, so two terms can share an id and then share
//! one sparse dimension. This test measures how often that happens on the
//! real sample records and fails if it grows beyond what a 32-bit hash
//! should give on a vocabulary of this size.

use std::collections::BTreeSet;

use gip_analysis::{Analyzer, AnalyzerConfig, Lang, collision_count};

/// Collects every JSON string of a line, keys and values (names, descriptions, products, places, owners).
fn strings(line: &str, out: &mut Vec<String>) {
    let mut in_string = false;
    let mut escaped = false;
    let mut current = String::new();
    for ch in line.chars() {
        if in_string {
            if escaped {
                current.push(ch);
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
                out.push(std::mem::take(&mut current));
            } else {
                current.push(ch);
            }
        } else if ch == '"' {
            in_string = true;
        }
    }
}

#[test]
fn sample_vocabulary_collisions() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/sample/projects.jsonl");
    let text = std::fs::read_to_string(path).expect("the sample corpus is in the repository");
    let analyzer = Analyzer::new(AnalyzerConfig::default());

    let mut vocabulary = BTreeSet::new();
    for line in text.lines() {
        let mut values = Vec::new();
        strings(line, &mut values);
        for value in values {
            for token in analyzer.analyze(&value, Lang::Auto) {
                vocabulary.insert(token.term);
            }
        }
    }

    let collisions = collision_count(vocabulary.iter().map(String::as_str));
    println!("sample corpus: {} distinct terms, {collisions} term-id collisions", vocabulary.len());

    assert!(vocabulary.len() > 2000, "vocabulary unexpectedly small: {}", vocabulary.len());
    // With n terms and 2^32 ids the expected number of colliding pairs is
    // n^2 / 2^33, far below one for a few thousand terms.
    assert!(collisions <= 1, "{collisions} collisions among {} terms", vocabulary.len());
}
