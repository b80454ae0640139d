//! Exports an imported model (`model.gguf`) as a Hugging Face folder, so the
//! `--model-dir` safetensors path can be tested without the hub.
//!
//! The folder has what `Embedder::load_dir` reads from a hub download:
//! - `model.safetensors`: every tensor under its BERT name, the Q4_0 ones
//!   dequantized, stored as f32 or f16.
//! - `config.json`: a BERT config (`model_type` `bert`, positions from 0,
//!   `gelu`), as multilingual-e5-small's own config on the hub.
//! - `tokenizer.json`: the same unigram pieces and scores, built with the
//!   `tokenizers` crate.
//!
//! Where the tokenizer differs from the hub's XLM-R `tokenizer.json`: the hub
//! normalizes with sentencepiece's precompiled `nmt_nfkc` charsmap, which
//! the GGUF file does not carry. Here the GGUF's per-code-point map becomes
//! one literal `Replace` per mapped code point (4837 of them for this model;
//! no replacement contains a mapped code point, so their order does not
//! matter), followed by the collapse of space runs. A charsmap can also
//! rewrite multi-code-point sequences, which a per-code-point map cannot.
//! `<s>`, `</s>`, `<pad>` and `<unk>` are added as special tokens, as on the
//! hub, so a text containing a literal `<s>` tokenizes differently from the
//! GGUF path.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use candle_core::quantized::gguf_file::{self, Value};
use candle_core::{DType, Device, Tensor};
use tokenizers::models::unigram::Unigram;
use tokenizers::normalizers::{NormalizerWrapper, Replace, Sequence};
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::{AddedToken, Tokenizer};

/// Metaspace, the sentencepiece word-start marker.
const METASPACE: char = '\u{2581}';

/// Writes `model.safetensors` (tensors in `dtype`), `config.json` and
/// `tokenizer.json` for the model in `gguf_dir` into `out_dir`.
///
/// # Panics
/// When the GGUF file cannot be read or the files cannot be written.
pub fn export(gguf_dir: &Path, out_dir: &Path, dtype: DType) {
    let path = gguf_dir.join(gip_models::import::GGUF_FILE_NAME);
    let mut file = File::open(&path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let content = gguf_file::Content::read(&mut file).unwrap_or_else(|e| panic!("{} is not GGUF: {e}", path.display()));
    std::fs::create_dir_all(out_dir).expect("export folder is writable");

    write_safetensors(&content, &mut file, &out_dir.join("model.safetensors"), dtype);
    write_config(&content, &out_dir.join("config.json"));
    write_tokenizer(&content, &out_dir.join("tokenizer.json"));
}

fn write_safetensors(content: &gguf_file::Content, file: &mut File, path: &Path, dtype: DType) {
    let mut tensors: HashMap<String, Tensor> = HashMap::new();
    for name in content.tensor_infos.keys() {
        let tensor = content
            .tensor(file, name, &Device::Cpu)
            .and_then(|q| q.dequantize(&Device::Cpu))
            .and_then(|t| t.to_dtype(dtype))
            .unwrap_or_else(|e| panic!("tensor {name} does not dequantize: {e}"));
        tensors.insert(name.clone(), tensor);
    }
    candle_core::safetensors::save(&tensors, path).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn metadata_u32(content: &gguf_file::Content, key: &str) -> u32 {
    content
        .metadata
        .get(key)
        .and_then(|v| v.to_u32().ok())
        .unwrap_or_else(|| panic!("GGUF metadata {key} is missing or not u32"))
}

fn metadata_array<'a>(content: &'a gguf_file::Content, key: &str) -> &'a [Value] {
    content
        .metadata
        .get(key)
        .and_then(|v| v.to_vec().ok())
        .unwrap_or_else(|| panic!("GGUF metadata {key} is missing or not an array"))
}

fn write_config(content: &gguf_file::Content, path: &Path) {
    let rows = |name: &str| content.tensor_infos[name].shape.dims()[0];
    let eps = content
        .metadata
        .get("bert.attention.layer_norm_epsilon")
        .and_then(|v| v.to_f32().ok())
        .expect("GGUF metadata bert.attention.layer_norm_epsilon is f32");
    let config = serde_json::json!({
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_act": "gelu",
        "hidden_size": metadata_u32(content, "bert.embedding_length"),
        "num_hidden_layers": metadata_u32(content, "bert.block_count"),
        "num_attention_heads": metadata_u32(content, "bert.attention.head_count"),
        "intermediate_size": metadata_u32(content, "bert.feed_forward_length"),
        "max_position_embeddings": metadata_u32(content, "bert.context_length"),
        "vocab_size": rows("embeddings.word_embeddings.weight"),
        "type_vocab_size": rows("embeddings.token_type_embeddings.weight"),
        "layer_norm_eps": eps,
        "pad_token_id": metadata_u32(content, "tokenizer.ggml.padding_token_id"),
        "tokenizer_class": "XLMRobertaTokenizer",
    });
    std::fs::write(path, serde_json::to_vec_pretty(&config).expect("config serializes"))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn write_tokenizer(content: &gguf_file::Content, path: &Path) {
    let tokens = metadata_array(content, "tokenizer.ggml.tokens");
    let scores = metadata_array(content, "tokenizer.ggml.scores");
    let vocab: Vec<(String, f64)> = tokens
        .iter()
        .zip(scores)
        .map(|(token, score)| {
            let piece = token.to_string().expect("token is a string").clone();
            (piece, f64::from(score.to_f32().expect("score is f32")))
        })
        .collect();
    let unk = metadata_u32(content, "tokenizer.ggml.unknown_token_id") as usize;
    let specials: Vec<AddedToken> = ["bos", "eos", "padding", "unknown"]
        .iter()
        .map(|kind| metadata_u32(content, &format!("tokenizer.ggml.{kind}_token_id")) as usize)
        .map(|id| AddedToken::from(vocab[id].0.clone(), true))
        .collect();
    let unigram = Unigram::from(vocab, Some(unk), false).expect("unigram vocabulary builds");

    let mut tokenizer = Tokenizer::new(unigram);
    tokenizer.with_normalizer(Some(Sequence::new(normalizers(content))));
    tokenizer.with_pre_tokenizer(Some(Metaspace::new(METASPACE, PrependScheme::Always, true)));
    tokenizer.with_decoder(Some(Metaspace::new(METASPACE, PrependScheme::Always, true)));
    tokenizer.add_special_tokens(&specials);
    tokenizer.save(path, false).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Builds one literal `Replace` per entry of the GGUF normalization map,
/// then one that collapses runs of spaces, as the GGUF tokenizer does.
fn normalizers(content: &gguf_file::Content) -> Vec<NormalizerWrapper> {
    let flat: Vec<u32> = metadata_array(content, "gip.tokenizer.normalization_map")
        .iter()
        .map(|v| v.to_u32().expect("normalization map entry is u32"))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < flat.len() {
        let (from, count) = (flat[i], flat[i + 1] as usize);
        let to: String = flat[i + 2..i + 2 + count].iter().filter_map(|&c| char::from_u32(c)).collect();
        i += 2 + count;
        let Some(from) = char::from_u32(from) else { continue };
        if to != from.to_string() {
            out.push(Replace::new(from.to_string(), to).expect("literal pattern builds").into());
        }
    }
    let spaces = tokenizers::normalizers::replace::ReplacePattern::Regex(" {2,}".into());
    out.push(Replace::new(spaces, " ").expect("space pattern builds").into());
    out
}
