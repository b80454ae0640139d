//! Bad input gives an error that names the bad value, never a panic:
//! empty texts, missing or empty model folders, truncated, random or
//! corrupted `model.gguf` files, and truncated or corrupted packed files.
//!
//! The text and `model.gguf` cases need `GIP_MODEL_DIR`, the packed-file
//! cases need the wheel under `$GIP_HOME/downloads` (see `common`).

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use gip_models::import::{self, GGUF_FILE_NAME};
use gip_models::{Embedder, ModelError, TextEmbedder, TextKind, packed};

/// Byte offset of the tensor count in version 1 of the packed format: the
/// magic, the version, seven i32 sizes, the f32 epsilon and the i32 block
/// size come first.
const PACKED_HEADER_BYTES: usize = 44;

/// Byte offset of the first metadata key's u64 length in a GGUF v2 or v3
/// file: magic, u32 version, u64 tensor count, u64 metadata count.
const GGUF_FIRST_KEY_LENGTH: usize = 24;

/// Deterministic pseudo-random bytes (xorshift64), so a failure reproduces.
fn pseudo_random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Creates `<temp>/model/model.gguf` with `bytes` and returns the folder.
fn model_folder_with_gguf(temp: &tempfile::TempDir, bytes: &[u8]) -> PathBuf {
    let dir = temp.path().join("model");
    std::fs::create_dir_all(&dir).expect("temp folder is writable");
    std::fs::write(dir.join(GGUF_FILE_NAME), bytes).expect("temp file is writable");
    dir
}

/// Loads `dir`, failing the test on success or on a panic, and returns the error.
fn load_error(dir: &Path, case: &str) -> ModelError {
    match catch_unwind(AssertUnwindSafe(|| Embedder::load_dir(dir))) {
        Ok(Ok(_)) => panic!("{case}: {} loaded", dir.display()),
        Ok(Err(error)) => error,
        Err(_) => panic!("{case}: loading {} panicked instead of returning an error", dir.display()),
    }
}

/// Asserts that `error` is about a bad file and its message names `path`.
fn assert_names_file(error: &ModelError, path: &Path, case: &str) {
    let message = error.to_string();
    assert!(
        matches!(error, ModelError::InvalidFile { .. } | ModelError::Io { .. }),
        "{case}: expected InvalidFile or Io, got {error:?}"
    );
    assert!(
        message.contains(&path.display().to_string()),
        "{case}: message does not name {}: {message}",
        path.display()
    );
}

fn real_gguf_bytes() -> Option<Vec<u8>> {
    let dir = common::model_dir()?;
    let path = dir.join(GGUF_FILE_NAME);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())))
}

fn real_packed_bytes() -> Option<&'static [u8]> {
    let wheel = common::wheel_path()?;
    Some(common::packed_bytes(&wheel))
}

/// Offset of the packed tensor directory (its i32 count). It follows the
/// vocabulary, whose size varies, so it is found by the first entry's name,
/// `emb.word` with its u16 length.
fn packed_directory_offset(bytes: &[u8]) -> usize {
    let first_entry = b"\x08\x00emb.word";
    let position = bytes
        .windows(first_entry.len())
        .position(|window| window == first_entry)
        .expect("the packed file has an emb.word tensor entry");
    position - 4
}

/// Parses `bytes` as a packed file, failing the test on success or a panic.
fn parse_error(bytes: &[u8], path: &Path, case: &str) -> ModelError {
    let data = bytes.to_vec();
    match catch_unwind(AssertUnwindSafe(|| packed::parse(path, data))) {
        Ok(Ok(_)) => panic!("{case}: parsed without an error"),
        Ok(Err(error)) => error,
        Err(_) => panic!("{case}: parse panicked instead of returning an error"),
    }
}

#[test]
fn empty_text_names_its_index() {
    let Some(embedder) = common::embedder() else { return };
    let cases: [(&[&str], usize); 5] = [
        (&[""], 0),
        (&["   "], 0),
        (&["مصنع الأسمدة", "Jubail", ""], 2),
        (&["مصنع الأسمدة", "Jubail", " \t\n\u{3000}\u{a0} "], 2),
        (&["", "Sohar", " "], 0),
    ];

    for kind in [TextKind::Query, TextKind::Passage] {
        for (texts, expected) in cases {
            let result = catch_unwind(AssertUnwindSafe(|| embedder.embed(texts, kind)));
            let error = match result {
                Ok(Ok(_)) => panic!("{kind:?} {texts:?}: embedded without an error"),
                Ok(Err(error)) => error,
                Err(_) => panic!("{kind:?} {texts:?}: embed panicked"),
            };
            assert!(
                matches!(error, ModelError::EmptyText { index } if index == expected),
                "{kind:?} {texts:?}: expected EmptyText {{ index: {expected} }}, got {error:?}"
            );
            let message = error.to_string();
            assert!(message.contains(&format!("#{expected}")), "message does not name text #{expected}: {message}");
        }
    }
}

#[test]
fn invisible_only_text_embeds() {
    let Some(embedder) = common::embedder() else { return };
    // Neither is whitespace to `str::trim`, so they pass the empty-text check
    // and must still give a finite unit vector.
    for text in ["\u{200b}\u{200b}", "ـــــ"] {
        let vectors = embedder.embed(&[text], TextKind::Query).expect("text embeds");
        let length = common::norm(&vectors[0]);
        assert!((length - 1.0).abs() < 1e-4, "{text:?}: norm {length}");
    }
}

#[test]
fn missing_model_dir_is_named() {
    let temp = tempfile::tempdir().expect("temp folder");
    let dir = temp.path().join("no-such-model");
    let error = load_error(&dir, "missing folder");
    assert_names_file(&error, &dir, "missing folder");
    assert!(error.to_string().contains("does not exist"), "message: {error}");
}

#[test]
fn empty_model_dir_lists_missing_files() {
    let temp = tempfile::tempdir().expect("temp folder");
    let error = load_error(temp.path(), "empty folder");
    assert_names_file(&error, temp.path(), "empty folder");

    let message = error.to_string();
    for expected in [GGUF_FILE_NAME, "config.json", "tokenizer.json", "safetensors"] {
        assert!(message.contains(expected), "message does not mention {expected}: {message}");
    }
}

#[test]
fn truncated_gguf_is_rejected() {
    let Some(bytes) = real_gguf_bytes() else { return };
    let cut_points = [0, 3, 4, 8, 24, 100, 4096, 1 << 20, bytes.len() / 2, bytes.len() - 1];

    for cut in cut_points {
        let temp = tempfile::tempdir().expect("temp folder");
        let dir = model_folder_with_gguf(&temp, &bytes[..cut]);
        let case = format!("model.gguf cut to {cut} of {} bytes", bytes.len());
        let error = load_error(&dir, &case);
        assert_names_file(&error, &dir.join(GGUF_FILE_NAME), &case);
    }
}

#[test]
fn random_bytes_gguf_is_rejected() {
    for (len, seed) in [(1, 1), (64, 2), (4096, 3), (1 << 20, 4)] {
        let temp = tempfile::tempdir().expect("temp folder");
        let dir = model_folder_with_gguf(&temp, &pseudo_random_bytes(len, seed));
        let case = format!("{len} random bytes");
        let error = load_error(&dir, &case);
        assert_names_file(&error, &dir.join(GGUF_FILE_NAME), &case);
    }
}

#[test]
fn gguf_with_bad_version_is_rejected() {
    let Some(mut bytes) = real_gguf_bytes() else { return };
    bytes.truncate(1 << 16);
    bytes[4..8].copy_from_slice(&99u32.to_le_bytes());

    let temp = tempfile::tempdir().expect("temp folder");
    let dir = model_folder_with_gguf(&temp, &bytes);
    let error = load_error(&dir, "GGUF version 99");
    assert_names_file(&error, &dir.join(GGUF_FILE_NAME), "GGUF version 99");
}

/// Returns the first 64 KiB of the real `model.gguf` with the first
/// metadata key's length set to 2^40 bytes.
fn gguf_with_huge_key_length() -> Option<Vec<u8>> {
    let mut bytes = real_gguf_bytes()?;
    bytes.truncate(1 << 16);
    bytes[GGUF_FIRST_KEY_LENGTH..GGUF_FIRST_KEY_LENGTH + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    Some(bytes)
}

/// Runs in a child process (see `corrupt_gguf_length_is_rejected`), because
/// an allocation failure aborts the process and would end every test.
#[test]
#[ignore = "run by corrupt_gguf_length_is_rejected in a child process"]
fn load_corrupt_gguf_in_child() {
    let Some(dir) = std::env::var_os("GIP_TEST_CORRUPT_GGUF_DIR") else { return };
    let dir = PathBuf::from(dir);
    let error = load_error(&dir, "GGUF key length 2^40");
    assert_names_file(&error, &dir.join(GGUF_FILE_NAME), "GGUF key length 2^40");
}

// candle-core 0.9.2's GGUF reader allocates every string and array length
// read from the file before reading it, so a corrupt length would abort the
// process ("memory allocation failed"); the loader checks the lengths first.
#[test]
fn corrupt_gguf_length_is_rejected() {
    let Some(bytes) = gguf_with_huge_key_length() else { return };
    let temp = tempfile::tempdir().expect("temp folder");
    let dir = model_folder_with_gguf(&temp, &bytes);

    let exe = std::env::current_exe().expect("the test binary has a path");
    let output = Command::new(exe)
        .args(["--exact", "load_corrupt_gguf_in_child", "--ignored", "--nocapture"])
        .env("GIP_TEST_CORRUPT_GGUF_DIR", &dir)
        .output()
        .expect("the test binary starts");
    assert!(
        output.status.success(),
        "loading a model.gguf whose first key claims 2^40 bytes ended the process ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn truncated_packed_file_is_rejected() {
    let Some(bytes) = real_packed_bytes() else { return };
    let directory = packed_directory_offset(bytes);
    let cut_points = [
        0,
        3,
        4,
        8,
        20,
        PACKED_HEADER_BYTES - 1,
        PACKED_HEADER_BYTES,
        PACKED_HEADER_BYTES + 30,
        4096,
        directory - 1,
        directory,
        directory + 5,
        directory + 1000,
        bytes.len() / 2,
        bytes.len() - 1,
    ];

    // `parse` reads no file, and uses the path only in its messages.
    let path = Path::new("/models/e5-small-q4.bin");
    for cut in cut_points {
        let case = format!("packed file cut to {cut} of {} bytes", bytes.len());
        let error = parse_error(&bytes[..cut], path, &case);
        assert_names_file(&error, path, &case);
    }
}

#[test]
fn truncated_packed_import_is_rejected() {
    let Some(bytes) = real_packed_bytes() else { return };
    let directory = packed_directory_offset(bytes);

    for cut in [PACKED_HEADER_BYTES + 30, directory + 5, bytes.len() - 1] {
        let temp = tempfile::tempdir().expect("temp folder");
        let source = temp.path().join("e5-small-q4.bin");
        std::fs::write(&source, &bytes[..cut]).expect("temp file is writable");
        let dest = temp.path().join("imported");

        let case = format!("import of a packed file cut to {cut} bytes");
        let result = catch_unwind(AssertUnwindSafe(|| import::import(&source, &dest, "truncated")));
        let error = match result {
            Ok(Ok(_)) => panic!("{case}: imported"),
            Ok(Err(error)) => error,
            Err(_) => panic!("{case}: import panicked"),
        };
        assert_names_file(&error, &source, &case);
        assert!(!dest.join(GGUF_FILE_NAME).exists(), "{case}: a model.gguf was written");
    }
}

#[test]
fn packed_bad_magic_is_rejected() {
    let Some(bytes) = real_packed_bytes() else { return };
    let mut corrupt = bytes[..1 << 16].to_vec();
    corrupt[..4].copy_from_slice(b"E5S0");

    let path = Path::new("/models/bad-magic.bin");
    let error = parse_error(&corrupt, path, "magic E5S0");
    assert_names_file(&error, path, "magic E5S0");
    assert!(error.to_string().contains("E5S1"), "message does not name the expected magic: {error}");

    let temp = tempfile::tempdir().expect("temp folder");
    let source = temp.path().join("bad-magic.bin");
    std::fs::write(&source, &corrupt).expect("temp file is writable");
    let error = import::import(&source, &temp.path().join("imported"), "bad").expect_err("bad magic imports");
    assert_names_file(&error, &source, "import of magic E5S0");
}

#[test]
fn packed_corrupt_fields_are_rejected() {
    let Some(bytes) = real_packed_bytes() else { return };
    let directory = packed_directory_offset(bytes);
    // The first directory entry: i32 count, u16 name length, 8 name bytes, then the u8 dtype.
    let first_dtype = directory + 4 + 2 + 8;
    let first_offset = first_dtype + 1 + 4;

    let cases: [(&str, usize, Vec<u8>, &str); 6] = [
        ("version 2", 4, 2u32.to_le_bytes().to_vec(), "version"),
        ("negative hidden size", 8, (-384i32).to_le_bytes().to_vec(), "hidden size"),
        ("block size 64", 40, 64i32.to_le_bytes().to_vec(), "block size"),
        ("piece count above the limit", PACKED_HEADER_BYTES, i32::MAX.to_le_bytes().to_vec(), "piece count"),
        ("unknown tensor dtype", first_dtype, vec![7], "dtype"),
        ("tensor offset past the end", first_offset, u64::MAX.to_le_bytes().to_vec(), "out of range"),
    ];

    let path = Path::new("/models/corrupt.bin");
    for (case, at, value, expected) in cases {
        let mut corrupt = bytes.to_vec();
        corrupt[at..at + value.len()].copy_from_slice(&value);
        let error = parse_error(&corrupt, path, case);
        assert_names_file(&error, path, case);
        assert!(error.to_string().contains(expected), "{case}: message does not mention {expected:?}: {error}");
    }
}

#[test]
fn packed_flipped_bytes_never_panic() {
    let Some(bytes) = real_packed_bytes() else { return };
    let directory = packed_directory_offset(bytes);

    // Header bytes and the first entries of the tensor directory, where a
    // flipped byte changes a size, count or offset.
    let positions: Vec<usize> = (4..PACKED_HEADER_BYTES + 24).chain(directory..directory + 64).collect();
    let flips = pseudo_random_bytes(positions.len(), 7);
    let path = Path::new("/models/flipped.bin");
    let mut corrupt = bytes.to_vec();

    for (&position, &flip) in positions.iter().zip(&flips) {
        let original = corrupt[position];
        corrupt[position] ^= flip | 1;
        let data = corrupt.clone();
        let result = catch_unwind(AssertUnwindSafe(|| packed::parse(path, data)));
        assert!(result.is_ok(), "parse panicked with byte {position} changed to {:#04x}", corrupt[position]);
        if let Ok(Err(error)) = result {
            assert_names_file(&error, path, &format!("byte {position} flipped"));
        }
        corrupt[position] = original;
    }
}
