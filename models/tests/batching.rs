//! Batching must not change vectors: a text embedded in a padded batch of
//! mixed lengths, or split into windows, gets the vector it gets alone.
//! Also checks the output contract: one unit vector per text, in input
//! order, and different vectors for the query and passage prefixes.
//!
//! Needs `GIP_MODEL_DIR` (see `common`).

mod common;

use common::{DIMS, cosine, excerpt, norm};
use gip_models::{Embedder, TextEmbedder, TextKind};

/// Minimum cosine between a text's vector in a batch and alone. Batches
/// are packed without padding and no step mixes the rows of two windows,
/// so the vectors are equal. Measured: 1.0000000 (2 shared x86_64 cores,
/// AVX2). The margin leaves room for a backend whose matmul sums in an
/// order that depends on the batch size.
const SAME_VECTOR_COSINE: f64 = 0.9999;

/// Maximum distance of a vector's length from 1.
const UNIT_TOLERANCE: f64 = 1e-4;

/// Windows per forward pass in the embedder; a batch above this takes
/// more than one pass.
const WINDOWS_PER_PASS: usize = 32;

/// Builds a text of about 700 tokens, which the embedder splits into two windows.
fn long_text() -> String {
    let sentence = "مدينة الجبيل الصناعية تضم مصانع البتروكيماويات والأسمدة والحديد والصلب، \
                    and Sohar port hosts an aluminium smelter and a steel mill.";
    (1..=20).map(|i| format!("{i}. {sentence}")).collect::<Vec<_>>().join(" ")
}

/// Texts of very different lengths, so the batch needs padding.
fn mixed_texts() -> Vec<String> {
    vec![
        "صحار".to_string(),
        "مصنع الأسمدة في الجبيل".to_string(),
        long_text(),
        "Desalination plant, Ras Al-Khair, 1,000,000 m3/day".to_string(),
        "مَصْنَعُ الحديدِ والصُّلب في مسيعيد، قطر، المرحلة الثانية بطاقة ٢٫٥ مليون طن".to_string(),
        "Aluminium".to_string(),
    ]
}

fn embed_one(embedder: &Embedder, text: &str, kind: TextKind) -> Vec<f32> {
    let mut vectors = embedder.embed(&[text], kind).expect("text embeds alone");
    assert_eq!(vectors.len(), 1, "one vector for one text");
    vectors.remove(0)
}

fn as_refs(texts: &[String]) -> Vec<&str> {
    texts.iter().map(String::as_str).collect()
}

#[test]
fn long_text_spans_two_windows() {
    let Some(embedder) = common::embedder() else { return };
    let tokens = embedder.tokenize(&long_text(), TextKind::Passage).expect("long text tokenizes").len();
    assert!(tokens > 600, "the long text has only {tokens} tokens");
    assert!(tokens < 1020, "the long text has {tokens} tokens, more than two windows");
}

#[test]
fn batch_matches_single_texts() {
    let Some(embedder) = common::embedder() else { return };
    let texts = mixed_texts();

    let batch = embedder.embed(&as_refs(&texts), TextKind::Passage).expect("batch embeds");
    assert_eq!(batch.len(), texts.len(), "one vector per text");

    let singles: Vec<Vec<f32>> = texts.iter().map(|t| embed_one(embedder, t, TextKind::Passage)).collect();
    for (index, text) in texts.iter().enumerate() {
        let similarity = cosine(&batch[index], &singles[index]);
        println!("#{index} {:?}: batch vs alone cosine {similarity:.7}", excerpt(text));
        assert!(
            similarity > SAME_VECTOR_COSINE,
            "#{index} {:?}: batch vs alone cosine {similarity:.7}",
            excerpt(text)
        );
    }

    // Order: each batch vector is closest to its own text's single vector.
    for (index, vector) in batch.iter().enumerate() {
        let closest = (0..singles.len())
            .max_by(|&a, &b| cosine(vector, &singles[a]).total_cmp(&cosine(vector, &singles[b])))
            .expect("singles are not empty");
        assert_eq!(closest, index, "batch vector #{index} is closest to single vector #{closest}");
    }
}

#[test]
fn reversed_batch_reverses_vectors() {
    let Some(embedder) = common::embedder() else { return };
    let texts = mixed_texts();
    let forward = embedder.embed(&as_refs(&texts), TextKind::Query).expect("batch embeds");

    let mut reversed_texts = texts.clone();
    reversed_texts.reverse();
    let reversed = embedder.embed(&as_refs(&reversed_texts), TextKind::Query).expect("reversed batch embeds");

    let count = texts.len();
    for index in 0..count {
        let similarity = cosine(&forward[index], &reversed[count - 1 - index]);
        assert!(
            similarity > SAME_VECTOR_COSINE,
            "#{index} {:?}: cosine {similarity:.7} between its vectors in forward and reversed batches",
            excerpt(&texts[index])
        );
    }
}

#[test]
fn batch_above_one_pass_keeps_order() {
    let Some(embedder) = common::embedder() else { return };
    let cities = ["الجبيل", "ينبع", "صحار", "الدقم", "مسيعيد", "رأس لفان", "الرويس", "جبل علي"];
    let products = ["الأسمدة", "الألمنيوم", "الحديد", "الإسمنت", "البلاستيك"];
    let texts: Vec<String> = (0..WINDOWS_PER_PASS + 8)
        .map(|i| format!("مصنع {} رقم {i} في {}", products[i % products.len()], cities[i % cities.len()]))
        .collect();

    let batch = embedder.embed(&as_refs(&texts), TextKind::Passage).expect("large batch embeds");
    assert_eq!(batch.len(), texts.len(), "one vector per text");

    for (index, text) in texts.iter().enumerate() {
        let single = embed_one(embedder, text, TextKind::Passage);
        let similarity = cosine(&batch[index], &single);
        assert!(
            similarity > SAME_VECTOR_COSINE,
            "#{index} {text:?}: batch vs alone cosine {similarity:.7}"
        );
    }
}

#[test]
fn duplicates_get_same_vector() {
    let Some(embedder) = common::embedder() else { return };
    let text = "Jubail Industrial City fertilizer plant";
    let vectors = embedder
        .embed(&[text, "مصنع الأسمدة", text, &long_text(), text], TextKind::Query)
        .expect("batch embeds");

    for index in [2, 4] {
        let similarity = cosine(&vectors[0], &vectors[index]);
        assert!(similarity > SAME_VECTOR_COSINE, "copy #{index} of the text: cosine {similarity:.7}");
    }
}

#[test]
fn surrounding_whitespace_is_ignored() {
    let Some(embedder) = common::embedder() else { return };
    let plain = embed_one(embedder, "مصنع الحديد والصلب", TextKind::Query);
    let padded = embed_one(embedder, " \t مصنع الحديد والصلب \n ", TextKind::Query);
    let similarity = cosine(&plain, &padded);
    assert!(similarity > SAME_VECTOR_COSINE, "cosine {similarity:.7} with surrounding whitespace");
}

#[test]
fn query_and_passage_differ() {
    let Some(embedder) = common::embedder() else { return };
    let texts = mixed_texts();
    let queries = embedder.embed(&as_refs(&texts), TextKind::Query).expect("queries embed");
    let passages = embedder.embed(&as_refs(&texts), TextKind::Passage).expect("passages embed");

    for (index, text) in texts.iter().enumerate() {
        let query_tokens = embedder.tokenize(text, TextKind::Query).expect("text tokenizes");
        let passage_tokens = embedder.tokenize(text, TextKind::Passage).expect("text tokenizes");
        assert_ne!(query_tokens, passage_tokens, "#{index}: the prefixes give the same tokens");

        let similarity = cosine(&queries[index], &passages[index]);
        println!("#{index} {:?}: query vs passage cosine {similarity:.5}", excerpt(text));
        assert!(
            similarity < SAME_VECTOR_COSINE,
            "#{index} {:?}: query and passage vectors are the same (cosine {similarity:.7})",
            excerpt(text)
        );

        // The same content under two prefixes stays close.
        assert!(similarity > 0.8, "#{index} {:?}: query vs passage cosine {similarity:.5}", excerpt(text));
    }
}

#[test]
fn vectors_are_unit_length() {
    let Some(embedder) = common::embedder() else { return };
    assert_eq!(embedder.dim(), DIMS, "model dimension");

    let texts = mixed_texts();
    for kind in [TextKind::Query, TextKind::Passage] {
        let vectors = embedder.embed(&as_refs(&texts), kind).expect("batch embeds");
        for (index, vector) in vectors.iter().enumerate() {
            assert_eq!(vector.len(), DIMS, "{kind:?} #{index}: vector length");
            assert!(vector.iter().all(|x| x.is_finite()), "{kind:?} #{index}: vector has NaN or infinity");
            let length = norm(vector);
            assert!(
                (length - 1.0).abs() < UNIT_TOLERANCE,
                "{kind:?} #{index} {:?}: norm {length:.7}",
                excerpt(&texts[index])
            );
        }
    }
}

#[test]
fn empty_batch_returns_no_vectors() {
    let Some(embedder) = common::embedder() else { return };
    let vectors = embedder.embed(&[], TextKind::Query).expect("an empty batch is not an error");
    assert!(vectors.is_empty(), "got {} vectors for no texts", vectors.len());
}
