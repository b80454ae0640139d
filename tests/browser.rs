//! The search page in headless Chromium, through `scripts/browser-check`.
//!
//! Runs when Chromium is on PATH; with `GIP_REQUIRE_BROWSER=1` a missing
//! Chromium fails the test instead of skipping it. The server indexes the
//! chemical (ISIC division 20) and basic-metal (division 24) records of the
//! sample corpus. They contain the expected hits of the script's default
//! queries and their nearest distractors, and index in a third of the time
//! of the whole corpus.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::{hit_ids, model_dir, repo_path, sample_records, start_server_over};
use serde_json::Value;

/// Default questions of `scripts/browser-check`.
const AR_QUERY: &str = "مصانع الأسمدة في الجبيل";
const EN_QUERY: &str = "aluminium smelter";

const CHROMIUM_NAMES: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

fn on_path(name: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else { return false };
    std::env::split_paths(&path).any(|dir| dir.join(name).is_file())
}

/// Whether the test should run: Chromium is installed, or required.
fn browser_available() -> bool {
    if CHROMIUM_NAMES.iter().any(|name| on_path(name)) {
        return true;
    }
    if std::env::var("GIP_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("GIP_REQUIRE_BROWSER=1 but none of {CHROMIUM_NAMES:?} is on PATH; install it, e.g. apt-get install -y chromium");
    }
    println!("skipped: chromium not installed");
    false
}

/// Parses the record ids after `ids LANG:` in the script's output.
fn page_ids(stdout: &str, lang: &str) -> Vec<String> {
    let prefix = format!("ids {lang}:");
    let line = stdout.lines().find(|line| line.starts_with(&prefix));
    let line = line.unwrap_or_else(|| panic!("no {prefix:?} line in the output:\n{stdout}"));
    line[prefix.len()..].split_whitespace().map(str::to_string).collect()
}

#[test]
fn search_page_renders_results_in_both_languages() {
    if !browser_available() {
        return;
    }
    let Some(model) = model_dir() else { return };

    let records: Vec<Value> = sample_records()
        .into_iter()
        .filter(|r| r["sector"]["isic"].as_str().is_some_and(|isic| isic.starts_with("20") || isic.starts_with("24")))
        .collect();
    let server = start_server_over(&model, &records);
    let outdir = tempfile::Builder::new().prefix("gip-browser-").tempdir().expect("temp dir");

    let output = Command::new(repo_path("scripts/browser-check"))
        .arg(&server.base_url)
        .arg(outdir.path())
        .output()
        .expect("failed to run scripts/browser-check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(output.status.success(), "browser-check exited with {}:\nstdout:\n{stdout}\nstderr:\n{stderr}", output.status);
    for file in ["ar.html", "ar.png", "en.html", "en.png"] {
        assert!(outdir.path().join(file).is_file(), "browser-check wrote no {file}");
    }

    // The page shows the API's hits in the API's order. It requests hybrid
    // mode and 10 hits. Hits with equal scores may come in either order.
    for (lang, query, expected) in [("ar", AR_QUERY, "SA-0029"), ("en", EN_QUERY, "OM-0035")] {
        let page_hit_ids = page_ids(&stdout, lang);
        let api = server.search(&[("q", query), ("lang", lang), ("mode", "hybrid"), ("limit", "10")]);
        let scores: HashMap<String, f64> = api["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|hit| (hit["id"].as_str().expect("id").to_string(), hit["score"].as_f64().expect("score")))
            .collect();
        let api_ids = hit_ids(&api);

        assert!(page_hit_ids.contains(&expected.to_string()), "{lang}: the page does not show {expected}: {page_hit_ids:?}");
        assert_eq!(page_hit_ids.len(), api_ids.len(), "{lang}: page {page_hit_ids:?}, API {api_ids:?}");
        for (position, (on_page, from_api)) in page_hit_ids.iter().zip(&api_ids).enumerate() {
            let page_score = scores.get(on_page).unwrap_or_else(|| panic!("{lang}: the page shows {on_page}, which the API did not return"));
            assert_eq!(*page_score, scores[from_api], "{lang}: position {position}: page {page_hit_ids:?}, API {api_ids:?}");
        }
    }
}
