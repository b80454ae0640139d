//! The Hugging Face path of `--model-dir`: a folder with `config.json`,
//! `tokenizer.json` and `model.safetensors`, loaded by `Embedder::load_dir`.
//!
//! No such model is on the test machines and the hub is out of reach, so
//! `common::hf_export` writes one from the imported 4-bit model. It has the
//! same weights dequantized to f32 (or f16) and the same tokenizer rebuilt
//! with the `tokenizers` crate, so its vectors must match the 4-bit model's.
//!
//! Needs `GIP_MODEL_DIR` (see `common`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use candle_core::DType;
use common::{SENTENCES, cosine, excerpt, nearest_neighbour};
use gip_models::{Embedder, ModelLocator, Origin, TextEmbedder, TextKind};

/// Minimum cosine between a text's vector from the f32 export and from the
/// 4-bit model. Both use the same 4-bit weights, but the 4-bit model also
/// rounds every matmul input to 8 bits per 32 values and the export does
/// not. Measured: 0.99987 and up over the fixed sentences.
const MIN_COSINE_F32: f64 = 0.999;

/// Largest 4-bit cosine gap between the two candidates for which the f32
/// export may pick another nearest neighbour than the 4-bit model. A text
/// whose two best matches are this close has no clear neighbour, and the
/// activation rounding of the 4-bit model can decide between them.
const NEIGHBOUR_TIE: f64 = 0.002;

/// Minimum cosine between the f16 and the f32 export. f16 rounds each
/// dequantized weight to 11 significant bits. Measured: 1.0000000 to seven
/// digits over the fixed sentences.
const MIN_COSINE_F16: f64 = 0.9999;

/// A model loaded from an exported folder, once per test binary. The
/// folder itself is deleted once the model is loaded, because statics are
/// never dropped and the f32 export takes about 470 MB.
struct Export {
    dir: PathBuf,
    embedder: Embedder,
}

fn export(dtype: DType) -> Option<&'static Export> {
    static F32: OnceLock<Option<Export>> = OnceLock::new();
    static F16: OnceLock<Option<Export>> = OnceLock::new();
    let cell = match dtype {
        DType::F16 => &F16,
        _ => &F32,
    };
    cell.get_or_init(|| {
        let source = common::model_dir()?;
        let temp = tempfile::tempdir().expect("temp folder");
        let dir = temp.path().join("multilingual-e5-small-hf");
        common::hf_export::export(&source, &dir, dtype);
        let embedder = load_through_model_dir(&dir);
        drop(temp);
        Some(Export { dir, embedder })
    })
    .as_ref()
}

/// Loads `dir` the way `gip --model-dir DIR` does: locate, then load.
fn load_through_model_dir(dir: &Path) -> Embedder {
    let locator = ModelLocator::new(Some(dir.to_path_buf()), Some(dir.join("unused-home")));
    let (found, origin) = locator.locate().unwrap_or_else(|e| panic!("the export is not found: {e}"));
    assert_eq!(origin, Origin::ModelDir, "origin of the export");
    Embedder::load_dir(&found).unwrap_or_else(|e| panic!("{} does not load: {e}", found.display()))
}

fn embed_all(embedder: &Embedder, kind: TextKind) -> Vec<Vec<f32>> {
    embedder.embed(SENTENCES, kind).expect("fixed sentences embed")
}

#[test]
fn export_loads_as_safetensors() {
    let Some(export) = export(DType::F32) else { return };
    let four_bit = common::embedder().expect("export() found the model");

    let info = export.embedder.info();
    assert!(info.format.starts_with("safetensors"), "format of the export: {}", info.format);
    assert_eq!(info.dir, export.dir, "folder of the export");
    assert_eq!(info.dims, four_bit.info().dims, "dimensions");
    assert_eq!(info.layers, four_bit.info().layers, "layers");
    assert_eq!(info.vocab_size, four_bit.info().vocab_size, "vocabulary size");
    assert_eq!(export.embedder.dim(), four_bit.dim(), "vector length");
}

#[test]
fn export_tokenizes_like_gguf() {
    let Some(export) = export(DType::F32) else { return };
    let four_bit = common::embedder().expect("export() found the model");

    let mut mismatches = Vec::new();
    for kind in [TextKind::Query, TextKind::Passage] {
        for (index, text) in SENTENCES.iter().enumerate() {
            let ours = four_bit.tokenize(text, kind).expect("sentence tokenizes with the GGUF tokenizer");
            let theirs = export.embedder.tokenize(text, kind).expect("sentence tokenizes with tokenizer.json");
            if ours != theirs {
                mismatches.push(format!("{kind:?} #{index} {:?}: gguf {ours:?}, tokenizer.json {theirs:?}", excerpt(text)));
            }
        }
    }
    assert!(mismatches.is_empty(), "token ids differ:\n{}", mismatches.join("\n"));
}

#[test]
fn export_vectors_match_four_bit() {
    let Some(export) = export(DType::F32) else { return };
    let four_bit = common::embedder().expect("export() found the model");

    for kind in [TextKind::Query, TextKind::Passage] {
        let dense = embed_all(&export.embedder, kind);
        let quantized = embed_all(four_bit, kind);

        let similarities: Vec<f64> = dense.iter().zip(&quantized).map(|(a, b)| cosine(a, b)).collect();
        let min = similarities.iter().copied().fold(f64::INFINITY, f64::min);
        println!("{kind:?}: f32 export vs 4-bit cosine min {min:.6} over {} sentences", similarities.len());
        for (index, similarity) in similarities.iter().enumerate() {
            assert!(
                *similarity > MIN_COSINE_F32,
                "{kind:?} #{index} {:?}: f32 export vs 4-bit cosine {similarity:.6}",
                excerpt(SENTENCES[index])
            );
        }

        for index in 0..SENTENCES.len() {
            let dense_neighbour = nearest_neighbour(&dense, index);
            let quantized_neighbour = nearest_neighbour(&quantized, index);
            if dense_neighbour == quantized_neighbour {
                continue;
            }
            // A different neighbour is accepted only where the 4-bit model
            // itself ranks the two candidates as a near tie.
            let gap = cosine(&quantized[index], &quantized[quantized_neighbour])
                - cosine(&quantized[index], &quantized[dense_neighbour]);
            println!(
                "{kind:?} #{index} {:?}: nearest neighbour #{dense_neighbour} with f32, #{quantized_neighbour} with 4-bit, 4-bit cosine gap {gap:.5}",
                excerpt(SENTENCES[index])
            );
            assert!(
                gap < NEIGHBOUR_TIE,
                "{kind:?} #{index} {:?}: nearest neighbour {:?} with f32, {:?} with 4-bit (4-bit cosine gap {gap:.5})",
                excerpt(SENTENCES[index]),
                excerpt(SENTENCES[dense_neighbour]),
                excerpt(SENTENCES[quantized_neighbour])
            );
        }
    }
}

#[test]
fn f16_export_matches_f32_export() {
    let Some(half) = export(DType::F16) else { return };
    let Some(full) = export(DType::F32) else { return };

    let half_vectors = embed_all(&half.embedder, TextKind::Passage);
    let full_vectors = embed_all(&full.embedder, TextKind::Passage);
    let min = half_vectors.iter().zip(&full_vectors).map(|(a, b)| cosine(a, b)).fold(f64::INFINITY, f64::min);
    println!("f16 vs f32 export cosine min {min:.7} over {} sentences", SENTENCES.len());
    for (index, (a, b)) in half_vectors.iter().zip(&full_vectors).enumerate() {
        let similarity = cosine(a, b);
        assert!(
            similarity > MIN_COSINE_F16,
            "#{index} {:?}: f16 vs f32 export cosine {similarity:.7}",
            excerpt(SENTENCES[index])
        );
    }
}
