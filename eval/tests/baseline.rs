//! Regression detection against a baseline report.

use std::collections::BTreeMap;

use gip_eval::{DEFAULT_TOLERANCE, EvalReport, GroupSummary, Metrics, ModeReport};

fn uniform(value: f64) -> Metrics {
    Metrics {
        ndcg_10: value,
        mrr_10: value,
        recall_10: value,
        recall_100: value,
        map_100: value,
        p_10: value,
    }
}

fn mode(name: &str, overall: Metrics, ar: Metrics, en: Metrics) -> ModeReport {
    let group = |metrics| GroupSummary {
        queries: 10,
        metrics,
    };
    ModeReport {
        mode: name.to_string(),
        overall: group(overall),
        by_lang: BTreeMap::from([("ar".to_string(), group(ar)), ("en".to_string(), group(en))]),
        by_kind: BTreeMap::new(),
        queries: Vec::new(),
        reordered_queries: 0,
    }
}

fn report(modes: Vec<ModeReport>) -> EvalReport {
    EvalReport {
        set_name: "gold".to_string(),
        k: 100,
        judged_queries: 20,
        unjudged_queries: 0,
        modes,
        significance: Vec::new(),
        runs: BTreeMap::new(),
    }
}

#[test]
fn unchanged_report_has_no_regression() {
    let base = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.5),
        uniform(0.7),
    )]);
    assert!(
        base.compare_to_baseline(&base, DEFAULT_TOLERANCE)
            .is_empty()
    );
}

#[test]
fn drop_beyond_tolerance_is_reported() {
    let base = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.5),
        uniform(0.7),
    )]);
    let mut worse_ndcg = uniform(0.6);
    worse_ndcg.ndcg_10 = 0.55;
    let current = report(vec![mode("hybrid", worse_ndcg, uniform(0.5), uniform(0.7))]);

    let regressions = current.compare_to_baseline(&base, DEFAULT_TOLERANCE);

    assert_eq!(regressions.len(), 1, "{regressions:?}");
    let regression = &regressions[0];
    assert_eq!(regression.mode, "hybrid");
    assert_eq!(regression.scope, "all");
    assert_eq!(regression.metric, "ndcg@10");
    assert_eq!(regression.baseline, 0.6);
    assert_eq!(regression.current, Some(0.55));
    assert!(
        regression.to_string().contains("0.6000 -> 0.5500"),
        "{regression}"
    );
}

#[test]
fn drop_within_tolerance_is_ignored() {
    let base = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.5),
        uniform(0.7),
    )]);
    let current = report(vec![mode(
        "hybrid",
        uniform(0.59),
        uniform(0.485),
        uniform(0.7),
    )]);
    assert!(current.compare_to_baseline(&base, 0.02).is_empty());

    // The same drop counts once the tolerance is tighter.
    assert_eq!(current.compare_to_baseline(&base, 0.005).len(), 12);
}

#[test]
fn exact_tolerance_drop_is_ignored() {
    // A drop of exactly the tolerance is allowed; only a larger one counts.
    let base = report(vec![mode(
        "hybrid",
        uniform(0.62),
        uniform(0.5),
        uniform(0.7),
    )]);
    let current = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.5),
        uniform(0.7),
    )]);
    assert!(current.compare_to_baseline(&base, 0.02).is_empty());
}

#[test]
fn rise_is_not_a_regression() {
    let base = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.5),
        uniform(0.7),
    )]);
    let current = report(vec![
        mode("hybrid", uniform(0.8), uniform(0.9), uniform(0.75)),
        mode("dense", uniform(0.1), uniform(0.1), uniform(0.1)),
    ]);
    assert!(
        current
            .compare_to_baseline(&base, DEFAULT_TOLERANCE)
            .is_empty()
    );
}

#[test]
fn language_drop_hidden_by_mean_is_reported() {
    // Arabic falls and English rises so the overall mean holds.
    let base = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.6),
        uniform(0.6),
    )]);
    let current = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.5),
        uniform(0.7),
    )]);

    let regressions = current.compare_to_baseline(&base, DEFAULT_TOLERANCE);

    assert_eq!(regressions.len(), 6);
    assert!(regressions.iter().all(|r| r.scope == "lang=ar"));
}

#[test]
fn missing_mode_or_language_is_reported() {
    let base = report(vec![
        mode("hybrid", uniform(0.6), uniform(0.5), uniform(0.7)),
        mode("bm25", uniform(0.4), uniform(0.3), uniform(0.5)),
    ]);
    let mut hybrid = mode("hybrid", uniform(0.6), uniform(0.5), uniform(0.7));
    hybrid.by_lang.remove("en");
    let current = report(vec![hybrid]);

    let regressions = current.compare_to_baseline(&base, DEFAULT_TOLERANCE);

    let missing_bm25 = regressions.iter().filter(|r| r.mode == "bm25").count();
    let missing_en = regressions
        .iter()
        .filter(|r| r.mode == "hybrid" && r.scope == "lang=en")
        .count();
    assert_eq!(missing_bm25, 3 * 6, "all, ar and en for every metric");
    assert_eq!(missing_en, 6);
    assert!(regressions.iter().all(|r| r.current.is_none()));
    assert!(regressions[0].to_string().contains("missing now"));
}

#[test]
fn negative_tolerance_counts_as_zero() {
    let base = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.5),
        uniform(0.7),
    )]);
    assert!(base.compare_to_baseline(&base, -1.0).is_empty());
    assert!(base.compare_to_baseline(&base, f64::NAN).is_empty());
}

#[test]
fn baseline_file_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.json");
    let base = report(vec![mode(
        "hybrid",
        uniform(0.6),
        uniform(0.5),
        uniform(0.7),
    )]);
    base.write_json(&path).unwrap();

    let current = report(vec![mode(
        "hybrid",
        uniform(0.5),
        uniform(0.5),
        uniform(0.7),
    )]);
    let regressions = current
        .compare_to_baseline_file(&path, DEFAULT_TOLERANCE)
        .unwrap();
    assert_eq!(regressions.len(), 6);

    std::fs::write(&path, "{not json").unwrap();
    let error = current
        .compare_to_baseline_file(&path, DEFAULT_TOLERANCE)
        .unwrap_err();
    assert!(error.to_string().contains("baseline.json"), "{error}");
}
