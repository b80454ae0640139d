//! BM25 sparse vectors: the formula, field weights, length normalization,
//! ordering and hash collisions.

use gip_analysis::{Analyzer, Bm25, Lang, SparseVector, Token, collision_count, term_id};

fn tokens(terms: &[&str]) -> Vec<Token> {
    terms
        .iter()
        .enumerate()
        .map(|(index, term)| Token {
            term: (*term).to_owned(),
            position: index as u32,
            start: 0,
            end: 0,
        })
        .collect()
}

fn assert_close(actual: f32, expected: f32) {
    assert!(
        (actual - expected).abs() < 1e-5,
        "expected {expected}, got {actual}"
    );
}

fn assert_well_formed(vector: &SparseVector) {
    assert_eq!(vector.indices.len(), vector.values.len());
    assert!(
        vector.indices.windows(2).all(|pair| pair[0] < pair[1]),
        "{vector:?}"
    );
}

#[test]
fn document_weights_follow_formula() {
    let bm25 = Bm25::default();
    let body = tokens(&["plant", "cement", "plant", "oman"]);
    let vector = bm25.document(&[(&body, 1.0)], 8.0);
    assert_well_formed(&vector);
    assert_eq!(vector.len(), 3);

    // len = 4, avg_len = 8: norm = 1.2 * (0.25 + 0.75 * 0.5) = 0.75.
    let norm = 1.2 * (1.0 - 0.75 + 0.75 * 4.0 / 8.0);
    assert_close(vector.get("plant").unwrap(), 2.0 * 2.2 / (2.0 + norm));
    assert_close(vector.get("cement").unwrap(), 1.0 * 2.2 / (1.0 + norm));
    assert_eq!(vector.get("steel"), None);
}

#[test]
fn field_weights_scale_frequency_and_length() {
    let bm25 = Bm25::default();
    let title = tokens(&["sabic"]);
    let body = tokens(&["sabic", "plant"]);
    let fields: [(&[Token], f32); 2] = [(&title, 3.0), (&body, 1.0)];

    assert_close(Bm25::weighted_length(&fields), 5.0);

    let vector = bm25.document(&fields, 5.0);
    let norm = 1.2 * (1.0 - 0.75 + 0.75);
    assert_close(vector.get("sabic").unwrap(), 4.0 * 2.2 / (4.0 + norm));
    assert_close(vector.get("plant").unwrap(), 1.0 * 2.2 / (1.0 + norm));
}

#[test]
fn longer_documents_weigh_terms_less() {
    let bm25 = Bm25::default();
    let short = tokens(&["refinery", "jubail"]);
    let long = tokens(&[
        "refinery",
        "jubail",
        "expansion",
        "crude",
        "capacity",
        "barrels",
    ]);
    let short_weight = bm25
        .document(&[(&short, 1.0)], 4.0)
        .get("refinery")
        .unwrap();
    let long_weight = bm25.document(&[(&long, 1.0)], 4.0).get("refinery").unwrap();
    assert!(
        short_weight > long_weight,
        "{short_weight} <= {long_weight}"
    );

    // b = 0 turns length normalization off.
    let flat = Bm25::new(1.2, 0.0).unwrap();
    assert_close(
        flat.document(&[(&short, 1.0)], 4.0)
            .get("refinery")
            .unwrap(),
        flat.document(&[(&long, 1.0)], 4.0).get("refinery").unwrap(),
    );
}

#[test]
fn invalid_average_and_weights_are_tolerated() {
    let bm25 = Bm25::default();
    let body = tokens(&["plant"]);
    for avg_len in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let vector = bm25.document(&[(&body, 1.0)], avg_len);
        assert_close(vector.get("plant").unwrap(), 2.2 / (1.0 + 1.2));
    }

    for weight in [0.0, -2.0, f32::NAN] {
        let vector = bm25.document(&[(&body, weight)], 1.0);
        assert!(vector.is_empty(), "weight {weight}");
    }
    assert!(bm25.document(&[], 1.0).is_empty());
}

#[test]
fn query_has_one_per_unique_term() {
    let query = Bm25::default().query(&tokens(&["plant", "oman", "plant"]));
    assert_well_formed(&query);
    assert_eq!(query.len(), 2);
    assert_eq!(query.values, [1.0, 1.0]);
    assert_eq!(query.get("plant"), Some(1.0));
}

#[test]
fn analyzed_query_hits_analyzed_document() {
    let analyzer = Analyzer::default();
    let bm25 = Bm25::default();
    let document = analyzer.analyze("مصنع أسمدة نيتروجينية في الجبيل", Lang::Auto);
    let document = bm25.document(&[(&document, 1.0)], 4.0);
    let query = bm25.query(&analyzer.analyze("اسمده الجبيل", Lang::Auto));
    assert_eq!(query.len(), 2);
    for id in &query.indices {
        assert!(
            document.indices.contains(id),
            "{id} missing from {document:?}"
        );
    }
}

#[test]
fn colliding_terms_merge_into_one_dimension() {
    // Two strings found by search with the same FNV-1a hash.
    assert_eq!(term_id("bgjpjidz"), term_id("yprixkjc"));
    assert_eq!(term_id("bgjpjidz"), 0x6367_220F);

    let vector = Bm25::default().document(&[(&tokens(&["bgjpjidz", "yprixkjc"]), 1.0)], 2.0);
    assert_eq!(vector.len(), 1);
    let norm = 1.2 * (1.0 - 0.75 + 0.75);
    assert_close(vector.values[0], 2.0 * 2.2 / (2.0 + norm));

    let query = Bm25::default().query(&tokens(&["bgjpjidz", "yprixkjc"]));
    assert_eq!(query.len(), 1);
}

#[test]
fn collision_count_counts_merged_terms() {
    assert_eq!(collision_count(["a", "b", "a"].into_iter()), 0);
    assert_eq!(
        collision_count(["bgjpjidz", "yprixkjc", "plant", "bgjpjidz"].into_iter()),
        1
    );
    assert_eq!(collision_count(std::iter::empty()), 0);
}

#[test]
fn collision_count_on_generated_vocabulary() {
    // 100,000 distinct terms: the birthday bound predicts about one collision.
    let vocabulary: Vec<String> = (0..100_000).map(|index| format!("term{index}")).collect();
    let collisions = collision_count(vocabulary.iter().map(String::as_str));
    assert!(collisions <= 10, "{collisions} collisions");
}
