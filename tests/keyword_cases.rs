//! Arabic and English keyword normalization, checked through the real
//! index: each case's document becomes the name of one record, the records
//! are indexed with `gip index`, and the case's query runs in keyword mode
//! without question understanding. A `match` case must return its record
//! and a `no-match` case must not.
//!
//! The cases are written inline so the test needs no file outside the
//! repository. When the shared copy of the table exists next to the
//! repository, the test also checks that the inline rows still equal it.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use common::{GIP, has_arabic, hit_ids, model_dir, start_server_over};
use serde_json::{Value, json};

/// (kind, query, document, whether the query must match the document)
const CASES: [(&str, &str, &str, bool); 23] = [
    ("hamza-on-alef", "أسمدة", "مصنع اسمدة نيتروجينية في الجبيل", true),
    ("hamza-on-alef", "اسمدة", "مصنع أسمدة نيتروجينية في الجبيل", true),
    ("hamza-below-alef", "إنتاج الألمنيوم", "مشروع انتاج الالمنيوم الاولي", true),
    ("madda", "آلات", "مصنع الات زراعية", true),
    ("definite-article", "مصنع", "توسعة المصنع الرئيسي", true),
    ("definite-article", "المصفاة", "مصفاة جديدة بطاقة 400 ألف برميل", true),
    ("clitic-prefix", "مصنع", "والمصنع يقع في صحار", true),
    ("clitic-prefix", "مصنع", "بالمصنع خطان للإنتاج", true),
    ("clitic-prefix", "مصنع", "للمصنع طاقة تصميمية", true),
    ("teh-marbuta", "مدينة الجبيل الصناعية", "مشروع في مدينه الجبيل الصناعيه", true),
    ("alef-maqsura", "مبنى", "تشييد مبني إداري للمجمع", true),
    ("shadda", "مصانع البتروكيماويات", "مصانع البتروكيماويّات في ينبع", true),
    ("diacritics", "مصنع", "مَصْنَعُ الحديدِ والصُّلب", true),
    ("tatweel", "الألمنيوم", "مصهر الألمنيـــوم في البحرين", true),
    ("arabic-indic-digits", "2025", "يبدأ التشغيل في عام ٢٠٢٥", true),
    ("arabic-indic-digits", "٢٠٢٥", "operation starts in 2025", true),
    ("nbsp-between-words", "البتروكيماويات", "مجمع\u{a0}البتروكيماويات المتكامل", true),
    ("mixed-script", "SABIC", "شركة سابك SABIC للبتروكيماويات", true),
    ("english-plural", "plants", "a desalination plant in Ras Al Khair", true),
    ("english-plural", "plant", "three new cement plants in Oman", true),
    ("english-case", "ALUMINIUM", "primary aluminium smelter", true),
    ("stopword-only", "في من على", "مصنع في الدمام", false),
    ("unrelated", "حديد", "مصنع ألبان في الخرج", false),
];

/// Names of records that share no analysed term with any case query, so
/// the index has more than one record per term, as a real one does.
const FILLER_NAMES: [&str; 8] = [
    "Duqm Clinker Grinding Unit",
    "Salalah Fish Canning Line",
    "Kuwait Paper Tissue Mill",
    "Doha Office Furniture Workshop",
    "مخبز الرياض المركزي",
    "ورشة صيانة القوارب في المنامة",
    "مطحنة الدقيق في الكويت",
    "مستودع التبريد في دبي",
];

const SHARED_TABLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/cases/keyword-normalization.tsv");

fn case_id(index: usize) -> String {
    format!("case-{index:02}")
}

/// Builds a minimal valid schema v1 record named `name`.
fn record(id: &str, name: &str) -> Value {
    let lang = if has_arabic(name) { "ar" } else { "en" };
    json!({
        "id": id,
        "country": "SA",
        "name": {lang: name},
        "sector": {"isic": "2011"},
        "status": "operational",
        "visibility": "public",
        "source": "keyword normalization test",
    })
}

#[test]
fn inline_cases_equal_shared_table() {
    let path = Path::new(SHARED_TABLE);
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipped: {} is not present; the inline cases are used alone", path.display());
        return;
    };

    let rows: Vec<Vec<&str>> = text.lines().skip(1).filter(|line| !line.trim().is_empty()).map(|line| line.split('\t').collect()).collect();
    assert_eq!(rows.len(), CASES.len(), "the shared table has {} rows, the inline copy {}", rows.len(), CASES.len());

    for (row, (kind, query, document, matches)) in rows.iter().zip(CASES) {
        let expected = if matches { "match" } else { "no-match" };
        assert_eq!(row.as_slice(), [kind, query, document, expected], "inline case differs from the shared table");
    }
}

/// Runs `gip analyze --json TEXT` and returns the analysed terms.
fn analyzed_terms(text: &str) -> HashSet<String> {
    let output = Command::new(GIP).args(["analyze", "--json", text]).output().expect("failed to run gip analyze");
    assert!(output.status.success(), "gip analyze {text:?} failed: {}", String::from_utf8_lossy(&output.stderr));

    let analysis: Value = serde_json::from_slice(&output.stdout).expect("gip analyze --json prints JSON");
    analysis["terms"]
        .as_array()
        .expect("analysis has terms")
        .iter()
        .map(|term| term["term"].as_str().expect("term is a string").to_string())
        .collect()
}

/// The analyzer alone, through `gip analyze`: a `match` case shares a term
/// between query and document, and a `no-match` case shares none. Needs no
/// model, so it also runs where `GIP_MODEL_DIR` is unset.
#[test]
fn keyword_cases_through_analyze_command() {
    let mut failures = Vec::new();
    for (kind, query, document, matches) in CASES {
        let query_terms = analyzed_terms(query);
        let document_terms = analyzed_terms(document);
        let shared: Vec<&String> = query_terms.intersection(&document_terms).collect();
        if shared.is_empty() == matches {
            failures.push(format!("{kind}: query terms {query_terms:?}, document terms {document_terms:?}"));
        }
    }

    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn keyword_cases_through_real_index() {
    let Some(model) = model_dir() else { return };

    let mut records: Vec<Value> = CASES.iter().enumerate().map(|(index, case)| record(&case_id(index), case.2)).collect();
    records.extend(FILLER_NAMES.iter().enumerate().map(|(index, name)| record(&format!("filler-{index:02}"), name)));
    let server = start_server_over(&model, &records);

    let mut failures = Vec::new();
    for (index, (kind, query, document, matches)) in CASES.iter().enumerate() {
        let response = server.search(&[("q", query), ("mode", "keyword"), ("understand", "false"), ("limit", "100")]);
        let ids = hit_ids(&response);
        let found = ids.contains(&case_id(index));
        if found != *matches {
            let expected = if *matches { "match" } else { "no match" };
            failures.push(format!("{kind}: query {query:?} against {document:?}: expected {expected}, hits {ids:?}"));
        }
    }

    // Every case runs before the assert, so one failure lists all broken cases.
    assert!(failures.is_empty(), "{} of {} keyword cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}
