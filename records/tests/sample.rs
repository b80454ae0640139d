//! The shared sample corpus under `data/sample` must pass validation.
//! Each test prints a message and passes when its file is absent.

use std::path::{Path, PathBuf};
use std::time::Instant;

use gip_records::{InputFormat, Record, partition_results, read_file};

fn sample_path(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../data/sample")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        println!("skipped: {} does not exist", path.display());
        None
    }
}

fn read_accepted(path: &Path) -> Vec<Record> {
    let started = Instant::now();
    let results = read_file(path).unwrap();
    let elapsed = started.elapsed();

    let (records, rejected) = partition_results(results);
    println!(
        "{}: {} records accepted in {elapsed:?}",
        path.display(),
        records.len()
    );
    for rejection in &rejected {
        for problem in &rejection.problems {
            println!("{problem}");
        }
    }
    assert!(rejected.is_empty(), "{} records rejected", rejected.len());
    records
}

#[test]
fn sample_jsonl_all_accepted() {
    let Some(path) = sample_path("projects.jsonl") else {
        return;
    };
    assert_eq!(InputFormat::from_path(&path), Some(InputFormat::JsonLines));

    let records = read_accepted(&path);

    assert!(!records.is_empty());
}

#[test]
fn sample_csv_matches_jsonl() {
    let (Some(csv_path), Some(jsonl_path)) =
        (sample_path("projects.csv"), sample_path("projects.jsonl"))
    else {
        return;
    };

    let from_csv = read_accepted(&csv_path);
    let from_jsonl = read_accepted(&jsonl_path);

    assert!(!from_csv.is_empty());
    for csv_record in from_csv {
        let jsonl_record = from_jsonl
            .iter()
            .find(|record| record.id == csv_record.id)
            .unwrap();

        // CSV keeps one language per product name, so products are compared
        // by code and by that one name.
        assert_eq!(
            csv_record.products.len(),
            jsonl_record.products.len(),
            "id {}",
            csv_record.id
        );
        for (csv_product, jsonl_product) in csv_record.products.iter().zip(&jsonl_record.products) {
            assert_eq!(csv_product.hs, jsonl_product.hs, "id {}", csv_record.id);
            let csv_name = csv_product
                .name
                .ar
                .as_ref()
                .or(csv_product.name.en.as_ref());
            let matches = csv_name == jsonl_product.name.ar.as_ref()
                || csv_name == jsonl_product.name.en.as_ref();
            assert!(
                matches,
                "id {}: CSV product {csv_name:?} is not in {:?}",
                csv_record.id, jsonl_product.name
            );
        }

        let without_products = |record: &Record| Record {
            products: Vec::new(),
            ..record.clone()
        };
        assert_eq!(
            without_products(&csv_record),
            without_products(jsonl_record)
        );
    }
}
