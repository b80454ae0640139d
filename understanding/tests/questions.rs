//! Table tests: parse every question in a JSON Lines table and compare the
//! filters with the expected ones.
//!
//! `questions.jsonl` was written while the parser was developed.
//! `questions_unseen.jsonl` was written afterwards and first run with the
//! parser as it stood, so its accuracy is closer to that on new questions.
//! Each line contains `lang` ("ar", "en" or "mixed"), `question`, the expected
//! `filters` in their JSON form, and optionally `known_failure` with the
//! reason the parser still gets that row wrong. Run with
//! `cargo test -p gip-understanding --test questions -- --nocapture` to see
//! the accuracy per language.

use std::collections::BTreeMap;

use gip_understanding::{Filters, parse};
use serde::Deserialize;

#[derive(Deserialize)]
struct Row {
    lang: String,
    question: String,
    filters: Filters,
    #[serde(default)]
    known_failure: Option<String>,
}

fn load_rows(name: &str) -> Vec<Row> {
    let path = format!("{}/tests/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("failed to read {path}: {error}"));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("{path}:{}: invalid row: {error}", index + 1))
        })
        .collect()
}

/// Returns the filters with every list sorted, because list order carries
/// no meaning for filtering.
fn canonical(filters: &Filters) -> Filters {
    let mut filters = filters.clone();
    for list in [
        &mut filters.countries,
        &mut filters.cities,
        &mut filters.zones,
        &mut filters.isic,
        &mut filters.statuses,
    ] {
        list.sort();
    }
    filters
}

#[derive(Default)]
struct Tally {
    rows: usize,
    exact: usize,
    lang_correct: usize,
}

#[test]
fn question_table_accuracy() {
    let rows = load_rows("questions.jsonl");
    assert!(rows.len() >= 150, "the table has only {} rows", rows.len());
    check_table("questions.jsonl", &rows, 0.95);
}

#[test]
fn unseen_questions_accuracy() {
    let rows = load_rows("questions_unseen.jsonl");
    check_table("questions_unseen.jsonl", &rows, 0.80);
}

/// Parses every row, prints the accuracy per language, and fails when a
/// row not marked `known_failure` is wrong, when a marked row passes, or
/// when a language falls below `min_accuracy` (share of exact matches).
fn check_table(name: &str, rows: &[Row], min_accuracy: f64) {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unexpected_failures = Vec::new();
    let mut fixed_known_failures = Vec::new();

    for row in rows {
        let interpretation = parse(&row.question);
        let matches = canonical(&interpretation.filters) == canonical(&row.filters);

        let tally = tallies.entry(row.lang.clone()).or_default();
        tally.rows += 1;
        tally.exact += usize::from(matches);
        tally.lang_correct += usize::from(interpretation.lang == row.lang);

        match (&row.known_failure, matches) {
            (None, false) => unexpected_failures.push(format!(
                "{}\n  expected: {}\n  actual:   {}",
                row.question,
                serde_json::to_string(&row.filters).unwrap_or_default(),
                serde_json::to_string(&interpretation.filters).unwrap_or_default(),
            )),
            (Some(reason), false) => println!("known failure: {} ({reason})", row.question),
            (Some(_), true) => fixed_known_failures.push(row.question.clone()),
            (None, true) => {}
        }
    }

    println!("{name}");
    println!("language  rows  exact filters  accuracy  language detected");
    for (lang, tally) in &tallies {
        println!(
            "{lang:<8}  {:>4}  {:>13}  {:>7.1}%  {:>6}/{}",
            tally.rows,
            tally.exact,
            100.0 * tally.exact as f64 / tally.rows as f64,
            tally.lang_correct,
            tally.rows,
        );
    }

    assert!(
        unexpected_failures.is_empty(),
        "rows with wrong filters:\n{}",
        unexpected_failures.join("\n")
    );
    assert!(
        fixed_known_failures.is_empty(),
        "rows marked known_failure now pass; remove the mark:\n{}",
        fixed_known_failures.join("\n")
    );
    for (lang, tally) in &tallies {
        let accuracy = tally.exact as f64 / tally.rows as f64;
        assert!(
            accuracy >= min_accuracy,
            "{lang} accuracy {accuracy:.3} is below {min_accuracy}"
        );
        assert_eq!(
            tally.lang_correct, tally.rows,
            "language detection failed on some {lang} rows"
        );
    }
}
