//! `gip index` and `gip delete` on small fixtures, each test in its own
//! data folder: incremental runs, updates, deletions, rejected records,
//! CSV and standard input, and recovery after the process is killed.

mod common;

use std::collections::HashSet;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Server, gip, has_arabic, hit_ids, index_file, index_with, model_dir, repo_path, sample_records};
use serde_json::Value;
use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    repo_path("tests/fixtures").join(name)
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    text.lines().filter(|line| !line.trim().is_empty()).map(|line| serde_json::from_str(line).expect("fixture line is JSON")).collect()
}

fn write_jsonl(path: &Path, records: &[Value]) {
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    std::fs::write(path, lines.join("\n") + "\n").expect("failed to write records");
}

fn temp_dir() -> TempDir {
    tempfile::Builder::new().prefix("gip-indexing-").tempdir().expect("failed to create a temp dir")
}

fn start_server(model: &Path, dir: &TempDir) -> Server {
    Server::start(model, &dir.path().join("index"), &dir.path().join("serve.log"), None)
}

/// Stops `server` with SIGTERM and asserts a clean exit.
fn stop_gracefully(server: Server) {
    let log_before = server.log();
    let status = server.stop();
    assert!(status.success(), "gip serve exited with {status} after SIGTERM; log:\n{log_before}");
}

#[test]
fn second_run_reports_all_unchanged() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");

    let first = index_file(&model, &fixture("small.jsonl"), &index, &[]);
    let second = index_file(&model, &fixture("small.jsonl"), &index, &[]);

    assert_eq!(first.count("read"), 4);
    assert_eq!(first.count("indexed"), 4);
    assert_eq!(first.count("unchanged"), 0);
    assert_eq!(second.count("read"), 4);
    assert_eq!(second.count("indexed"), 0, "second run re-indexed records: {}", second.summary);
    assert_eq!(second.count("unchanged"), 4);
    assert_eq!(second.count("deleted"), 0);
}

#[test]
fn changed_record_is_reindexed_and_searchable() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");
    index_file(&model, &fixture("small.jsonl"), &index, &[]);

    let mut records = read_jsonl(&fixture("small.jsonl"));
    let changed = records.iter_mut().find(|r| r["id"] == "fx-0002").expect("fixture has fx-0002");
    assert!(changed["description"]["en"].as_str().unwrap_or_default().contains("producers"), "premise: old text");
    changed["description"]["en"] = "The plant makes borosilicate laboratory glassware.".into();
    let input = dir.path().join("changed.jsonl");
    write_jsonl(&input, &records);

    let run = index_file(&model, &input, &index, &[]);
    assert_eq!(run.count("indexed"), 1, "summary: {}", run.summary);
    assert_eq!(run.count("unchanged"), 3, "summary: {}", run.summary);

    let server = start_server(&model, &dir);
    let new_text = hit_ids(&server.search(&[("q", "borosilicate"), ("mode", "keyword"), ("understand", "false")]));
    let old_text = hit_ids(&server.search(&[("q", "producers"), ("mode", "keyword"), ("understand", "false")]));
    let stored = server.get("/v1/projects/fx-0002").json();
    stop_gracefully(server);

    assert_eq!(new_text, ["fx-0002"], "new text is not searchable");
    assert!(!old_text.contains(&"fx-0002".to_string()), "old text still matches fx-0002: {old_text:?}");
    assert_eq!(stored["project"]["record"]["description"]["en"], "The plant makes borosilicate laboratory glassware.");
}

#[test]
fn delete_missing_and_delete_command_remove_records() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");
    index_file(&model, &fixture("small.jsonl"), &index, &[]);

    let mut records = read_jsonl(&fixture("small.jsonl"));
    records.retain(|r| r["id"] != "fx-0004");
    let without_last = dir.path().join("without-fx-0004.jsonl");
    write_jsonl(&without_last, &records);

    let partial = index_file(&model, &without_last, &index, &["--delete-missing"]);
    assert_eq!(partial.count("deleted"), 1, "summary: {}", partial.summary);
    assert_eq!(partial.count("unchanged"), 3, "summary: {}", partial.summary);

    let delete = gip(&model).args(["delete", "fx-0001", "--data-dir"]).arg(&index).output().expect("failed to run gip delete");
    let delete_stdout = String::from_utf8_lossy(&delete.stdout);
    assert!(delete.status.success(), "gip delete failed: {}", String::from_utf8_lossy(&delete.stderr));
    assert!(delete_stdout.contains("deleted 1 of 1 ids"), "gip delete printed: {delete_stdout}");

    let server = start_server(&model, &dir);
    let statuses: Vec<(&str, u16)> =
        ["fx-0001", "fx-0002", "fx-0003", "fx-0004"].into_iter().map(|id| (id, server.get(&format!("/v1/projects/{id}")).status)).collect();
    let keyword = hit_ids(&server.search(&[("q", "zirconia"), ("mode", "keyword"), ("understand", "false")]));
    stop_gracefully(server);

    assert_eq!(statuses, [("fx-0001", 404), ("fx-0002", 200), ("fx-0003", 200), ("fx-0004", 404)]);
    assert!(keyword.is_empty(), "deleted fx-0001 is still found by keyword: {keyword:?}");

    // The full file brings both records back, and only them.
    let restore = index_file(&model, &fixture("small.jsonl"), &index, &[]);
    assert_eq!(restore.count("indexed"), 2, "summary: {}", restore.summary);
    assert_eq!(restore.count("unchanged"), 2, "summary: {}", restore.summary);
}

#[test]
fn bad_records_are_rejected_and_good_ones_kept() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");
    index_file(&model, &fixture("small.jsonl"), &index, &[]);

    let input = fixture("bad-records.jsonl");
    let run = index_with(&model, input.to_str().expect("UTF-8 path"), &index, &[], None);

    assert_eq!(run.status.code(), Some(3), "exit status with rejected records; stderr:\n{}", run.stderr);
    assert_eq!(run.count("read"), 6);
    assert_eq!(run.count("rejected"), 4);
    assert_eq!(run.count("indexed"), 2, "the two valid records (lines 1 and 5) are indexed");
    let lines: Vec<u64> =
        run.summary["rejected_records"].as_array().expect("rejected_records").iter().map(|r| r["line"].as_u64().expect("line")).collect();
    assert_eq!(lines, [2, 3, 4, 6]);

    // Each rejection is one stderr line: "line N: field: reason | Arabic reason".
    for line in [2, 3, 4, 6] {
        let prefix = format!("line {line}: ");
        let reported = run.stderr.lines().find(|l| l.starts_with(&prefix));
        let reported = reported.unwrap_or_else(|| panic!("no {prefix:?} on stderr:\n{}", run.stderr));
        let (_, arabic) = reported.split_once(" | ").unwrap_or_else(|| panic!("no Arabic reason in {reported:?}"));
        assert!(has_arabic(arabic), "reason for line {line} is not Arabic: {reported:?}");
    }
    assert!(run.stderr.contains("\"XX\""), "the bad country value is not named:\n{}", run.stderr);

    // Nothing stored before is lost, and the valid records stay stored.
    let small_again = index_file(&model, &fixture("small.jsonl"), &index, &[]);
    assert_eq!(small_again.count("unchanged"), 4, "summary: {}", small_again.summary);
    let bad_again = index_with(&model, input.to_str().expect("UTF-8 path"), &index, &[], None);
    assert_eq!(bad_again.count("unchanged"), 2, "summary: {}", bad_again.summary);
    assert_eq!(bad_again.count("indexed"), 0, "summary: {}", bad_again.summary);
}

#[test]
fn csv_input_indexes_same_records_as_jsonl() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");

    let csv = index_file(&model, &repo_path("data/sample/projects.csv"), &index, &[]);
    assert_eq!(csv.count("read"), 40);
    assert_eq!(csv.count("indexed"), 40);
    assert_eq!(csv.count("rejected"), 0);

    // The CSV contains the first 40 JSON Lines records, and equal records
    // have equal content hashes. A CSV product cell keeps one language of
    // each product name, so exactly the records with bilingual product
    // names differ and are indexed again.
    let first_40: Vec<Value> = sample_records().into_iter().take(40).collect();
    let bilingual_products = first_40
        .iter()
        .filter(|record| {
            let products = record["products"].as_array().map(Vec::as_slice).unwrap_or_default();
            products.iter().any(|product| product["name"].as_object().is_some_and(|name| name.len() > 1))
        })
        .count() as u64;
    let jsonl = dir.path().join("first-40.jsonl");
    write_jsonl(&jsonl, &first_40);

    let same = index_file(&model, &jsonl, &index, &[]);

    assert_eq!(same.count("indexed"), bilingual_products, "summary: {}", same.summary);
    assert_eq!(same.count("unchanged"), 40 - bilingual_products, "summary: {}", same.summary);
}

#[test]
fn stdin_input_indexes_jsonl_and_csv() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");

    let jsonl = std::fs::read(fixture("small.jsonl")).expect("fixture is readable");
    let from_jsonl = index_with(&model, "-", &index, &[], Some(&jsonl));
    assert!(from_jsonl.status.success(), "stderr:\n{}", from_jsonl.stderr);
    assert_eq!(from_jsonl.count("read"), 4);
    assert_eq!(from_jsonl.count("indexed"), 4);

    let csv = std::fs::read_to_string(repo_path("data/sample/projects.csv")).expect("sample CSV is readable");
    let header_and_three: String = csv.lines().take(4).map(|line| format!("{line}\n")).collect();
    let from_csv = index_with(&model, "-", &index, &[], Some(header_and_three.as_bytes()));
    assert!(from_csv.status.success(), "stderr:\n{}", from_csv.stderr);
    assert_eq!(from_csv.count("read"), 3, "summary: {}", from_csv.summary);
    assert_eq!(from_csv.count("indexed"), 3, "summary: {}", from_csv.summary);
}

/// How a `gip index` run is interrupted.
enum KillPoint {
    /// SIGKILL after a fixed delay.
    After(Duration),
    /// SIGKILL right after the n-th progress line ("indexed D/T changed
    /// records"), that is right after a batch was stored.
    AfterProgressLine(usize),
}

/// Starts `gip index EXTRA...` and kills it with SIGKILL at `point`.
/// Returns the last progress `(done, total)` seen, if any.
fn kill_index_run(model: &Path, input: &Path, index: &Path, extra: &[&str], point: &KillPoint) -> Option<(u64, u64)> {
    let mut child = gip(model)
        .args(["index", "--batch-size", "8", "--input"])
        .arg(input)
        .arg("--data-dir")
        .arg(index)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to start gip index");
    let stderr = child.stderr.take().expect("stderr is piped");

    let mut progress = None;
    match point {
        KillPoint::After(delay) => {
            std::thread::sleep(*delay);
            let _ = child.kill();
        }
        KillPoint::AfterProgressLine(wanted) => {
            let mut seen = 0;
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let Some(counts) = line.strip_prefix("indexed ").and_then(|rest| rest.strip_suffix(" changed records")) else {
                    continue;
                };
                let (done, total) = counts.split_once('/').expect("progress line has done/total");
                progress = Some((done.parse().expect("done count"), total.parse().expect("total count")));
                seen += 1;
                if seen == *wanted {
                    let _ = child.kill();
                    break;
                }
            }
        }
    }
    child.wait().expect("failed to wait for the killed gip index");
    progress
}

#[test]
fn killed_index_run_resumes_without_duplicates() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");

    // 64 sample records, all public so the anonymous API can count them.
    let mut records: Vec<Value> = sample_records().into_iter().take(64).collect();
    for record in &mut records {
        record["visibility"] = "public".into();
    }
    let expected: HashSet<String> = records.iter().map(|r| r["id"].as_str().expect("id").to_string()).collect();
    let input = dir.path().join("records.jsonl");
    write_jsonl(&input, &records);

    let started = Instant::now();
    kill_index_run(&model, &input, &index, &[], &KillPoint::After(Duration::from_secs(1)));
    let first_batch = kill_index_run(&model, &input, &index, &[], &KillPoint::AfterProgressLine(1));
    let second_batch = kill_index_run(&model, &input, &index, &[], &KillPoint::AfterProgressLine(2));
    for (name, progress) in [("first", first_batch), ("second", second_batch)] {
        let (done, total) = progress.unwrap_or_else(|| panic!("the run killed after its {name} batch printed no progress"));
        assert!(done < total, "the run killed after its {name} batch had already finished ({done}/{total})");
    }

    let complete = index_file(&model, &input, &index, &["--batch-size", "8"]);
    assert_eq!(complete.count("read"), 64);
    assert_eq!(complete.count("indexed") + complete.count("unchanged"), 64, "summary: {}", complete.summary);
    let again = index_file(&model, &input, &index, &[]);
    assert_eq!(again.count("unchanged"), 64, "summary: {}", again.summary);
    assert_eq!(again.count("indexed"), 0, "summary: {}", again.summary);

    let server = start_server(&model, &dir);
    let response = server.search(&[("q", "industrial project"), ("mode", "semantic"), ("understand", "false"), ("limit", "100")]);
    stop_gracefully(server);

    let ids = hit_ids(&response);
    let unique: HashSet<String> = ids.iter().cloned().collect();
    assert_eq!(response["total"].as_u64(), Some(64), "stored record count");
    assert_eq!(ids.len(), unique.len(), "a record is stored twice: {ids:?}");
    assert_eq!(unique, expected, "stored ids differ from the input ids");
    println!("killed three runs and finished the index in {:.1} s", started.elapsed().as_secs_f64());
}

/// The indexing pipeline documents that Qdrant's write-ahead log replays
/// acknowledged upserts, so batches reported as indexed before a crash
/// should still be stored. After SIGKILL the next run finds none of them
/// (the log folder has data, but the reopened store lists no records) and
/// embeds every record again. Nothing is duplicated or corrupted.
#[test]
fn killed_index_run_keeps_stored_batches() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");
    let records: Vec<Value> = sample_records().into_iter().take(32).collect();
    let input = dir.path().join("records.jsonl");
    write_jsonl(&input, &records);

    let progress = kill_index_run(&model, &input, &index, &[], &KillPoint::AfterProgressLine(2));
    let (done, total) = progress.expect("the killed run printed no progress");
    assert!(done < total, "the run finished ({done}/{total}) before it was killed");

    let rerun = index_file(&model, &input, &index, &["--batch-size", "8"]);
    assert!(rerun.count("unchanged") >= done, "{done} records were reported as indexed before the kill: {}", rerun.summary);
}

#[test]
fn index_rejects_folder_open_in_server() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");
    index_file(&model, &fixture("small.jsonl"), &index, &[]);
    let server = start_server(&model, &dir);

    let second = gip(&model).args(["index", "--input"]).arg(fixture("small.jsonl")).arg("--data-dir").arg(&index).output().expect("failed to run gip index");
    let stderr = String::from_utf8_lossy(&second.stderr);
    stop_gracefully(server);

    assert!(!second.status.success(), "gip index on a served folder succeeded; stderr: {stderr}");
    assert!(stderr.contains("open in another gip process"), "unexpected error: {stderr}");
}

/// Names of the shard folders in the data folder `index`.
fn shard_folders(index: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(index).unwrap_or_else(|error| panic!("cannot list {}: {error}", index.display()));
    let mut names: Vec<String> = entries
        .map(|entry| entry.expect("readable folder entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name == "shard" || name.starts_with("shard-"))
        .collect();
    names.sort();
    names
}

/// Returns the shard folder that the manifest of `index` points to.
fn live_shard(index: &Path) -> String {
    let manifest: Value = serde_json::from_slice(&std::fs::read(index.join("gip-store.json")).expect("manifest is readable"))
        .expect("manifest is JSON");
    manifest["shard"].as_str().unwrap_or("shard").to_string()
}

#[test]
fn rebuild_replaces_index_and_drops_missing_records() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");
    index_file(&model, &fixture("small.jsonl"), &index, &[]);
    assert_eq!(shard_folders(&index), ["shard"], "premise: a new index has one shard folder");

    let mut records = read_jsonl(&fixture("small.jsonl"));
    records.retain(|r| r["id"] != "fx-0004");
    let changed = records.iter_mut().find(|r| r["id"] == "fx-0002").expect("fixture has fx-0002");
    changed["description"]["en"] = "The plant makes borosilicate laboratory glassware.".into();
    let input = dir.path().join("rebuild.jsonl");
    write_jsonl(&input, &records);

    let rebuild = index_file(&model, &input, &index, &["--rebuild"]);
    assert_eq!(rebuild.count("read"), 3);
    assert_eq!(rebuild.count("indexed"), 3, "a rebuild embeds every record: {}", rebuild.summary);
    assert_eq!(rebuild.count("unchanged"), 0, "summary: {}", rebuild.summary);
    let live = live_shard(&index);
    assert!(live.starts_with("shard-"), "the manifest still points to {live:?}");
    assert_eq!(shard_folders(&index), [live.clone()], "the replaced shard folder was not deleted");

    let server = start_server(&model, &dir);
    let statuses: Vec<(&str, u16)> =
        ["fx-0001", "fx-0002", "fx-0003", "fx-0004"].into_iter().map(|id| (id, server.get(&format!("/v1/projects/{id}")).status)).collect();
    let new_text = hit_ids(&server.search(&[("q", "borosilicate"), ("mode", "keyword"), ("understand", "false")]));
    stop_gracefully(server);

    assert_eq!(statuses, [("fx-0001", 200), ("fx-0002", 200), ("fx-0003", 200), ("fx-0004", 404)]);
    assert_eq!(new_text, ["fx-0002"], "the rebuilt text is not searchable");

    // Incremental runs continue on the rebuilt index.
    let again = index_file(&model, &input, &index, &[]);
    assert_eq!(again.count("unchanged"), 3, "summary: {}", again.summary);
}

#[test]
fn rebuild_with_rejected_records_keeps_old_index() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");
    index_file(&model, &fixture("small.jsonl"), &index, &[]);

    let input = fixture("bad-records.jsonl");
    let run = index_with(&model, input.to_str().expect("UTF-8 path"), &index, &["--rebuild"], None);

    assert_eq!(run.status.code(), Some(3), "exit status with rejected records; stderr:\n{}", run.stderr);
    assert_eq!(run.count("rejected"), 4, "summary: {}", run.summary);
    assert!(run.stderr.contains("rebuild cancelled"), "no cancellation message on stderr:\n{}", run.stderr);
    assert_eq!(shard_folders(&index), ["shard"], "the cancelled rebuild left a shard folder");

    let check = index_file(&model, &fixture("small.jsonl"), &index, &["--delete-missing"]);
    assert_eq!(check.count("unchanged"), 4, "the old index lost records: {}", check.summary);
    assert_eq!(check.count("indexed"), 0, "summary: {}", check.summary);
    assert_eq!(check.count("deleted"), 0, "records of the cancelled rebuild are live: {}", check.summary);
}

#[test]
fn killed_rebuild_keeps_old_index() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();
    let index = dir.path().join("index");
    index_file(&model, &fixture("small.jsonl"), &index, &[]);

    let records: Vec<Value> = sample_records().into_iter().take(32).collect();
    let input = dir.path().join("records.jsonl");
    write_jsonl(&input, &records);
    let progress = kill_index_run(&model, &input, &index, &["--rebuild"], &KillPoint::AfterProgressLine(2));
    let (done, total) = progress.expect("the killed rebuild printed no progress");
    assert!(done < total, "the rebuild finished ({done}/{total}) before it was killed");
    assert_eq!(shard_folders(&index).len(), 2, "premise: the killed rebuild left its shard folder");
    assert_eq!(live_shard(&index), "shard", "the killed rebuild switched the manifest");

    // The old index is whole: the same four records, nothing from the rebuild.
    let check = index_file(&model, &fixture("small.jsonl"), &index, &["--delete-missing"]);
    assert_eq!(check.count("unchanged"), 4, "the old index lost records: {}", check.summary);
    assert_eq!(check.count("deleted"), 0, "records of the killed rebuild are live: {}", check.summary);
    assert_eq!(shard_folders(&index), ["shard"], "the folder of the killed rebuild was not cleaned up");
}

#[test]
fn unreachable_qdrant_server_is_named() {
    let Some(model) = model_dir() else { return };
    let dir = temp_dir();

    // Nothing listens on loopback port 1, so the connection is refused.
    let output = gip(&model)
        .args(["index", "--qdrant-url", "http://127.0.0.1:1", "--input"])
        .arg(fixture("small.jsonl"))
        .arg("--data-dir")
        .arg(dir.path().join("index"))
        .output()
        .expect("failed to run gip index");
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(!output.status.success(), "gip index without a server succeeded; stderr: {stderr}");
    assert!(stderr.contains("cannot reach the Qdrant server at http://127.0.0.1:1"), "unexpected error: {stderr}");
    assert!(!dir.path().join("index").exists(), "the embedded data folder was created although --qdrant-url was set");
}
