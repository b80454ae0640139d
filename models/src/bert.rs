//! BERT encoder (the architecture of multilingual-e5-small) in candle.
//!
//! Linear weights stay in whatever form they were loaded: Q4_0 blocks from
//! GGUF run through candle's quantized matmul (activations quantized to
//! Q8_0 on the fly, as GGML does), f32/f16 safetensors weights run as plain
//! matmuls. The attention mask keeps padded positions out of attention, so
//! a text gives the same vector alone or in a padded batch.

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{D, DType, Device, Module, Tensor};

use crate::error::{ModelError, Result};
use crate::qmatmul::Q4Matrix;

/// Encoder hyperparameters.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BertConfig {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub ffn: usize,
    pub vocab_rows: usize,
    pub max_positions: usize,
    pub layer_norm_eps: f64,
    /// First position id: 0 for BERT, `pad_token_id + 1` for XLM-RoBERTa.
    pub position_offset: usize,
}

/// Source of the encoder's tensors.
pub trait WeightSource {
    /// Returns a dense tensor, dequantized to f32 if needed.
    fn tensor(&mut self, name: &str) -> Result<Tensor>;
    /// Returns a weight matrix for `x · Wᵀ`, kept quantized where it is quantized.
    fn linear(&mut self, name: &str) -> Result<LinearWeight>;
    /// Returns the word-embedding table, kept quantized where it is quantized.
    fn embedding(&mut self, name: &str) -> Result<EmbeddingTable>;
}

/// Word embeddings: Q4_0 rows are dequantized one looked-up row at a time.
///
/// candle has no quantized embedding lookup (its quantized models dequantize
/// the whole table), and the 250k-row XLM-R table would take 384 MB in f32
/// against 54 MB in Q4_0, so the row decoding is written here.
pub enum EmbeddingTable {
    Dense(Tensor),
    Q4_0 { blocks: Vec<u8>, rows: usize, cols: usize },
}

impl EmbeddingTable {
    pub fn from_qtensor(q: QTensor) -> Result<Self> {
        let (rows, cols) = q.shape().dims2()?;
        if q.dtype() == GgmlDType::Q4_0 && cols % 32 == 0 {
            let blocks = q.data()?.into_owned();
            return Ok(Self::Q4_0 { blocks, rows, cols });
        }
        Ok(Self::Dense(q.dequantize(&Device::Cpu)?))
    }

    fn rows(&self) -> usize {
        match self {
            Self::Dense(t) => t.dims().first().copied().unwrap_or(0),
            Self::Q4_0 { rows, .. } => *rows,
        }
    }

    /// Looks up `ids` (flattened) and returns `[ids.len(), cols]`.
    fn lookup(&self, ids: &[u32]) -> Result<Tensor> {
        match self {
            Self::Dense(table) => {
                let index = Tensor::new(ids, &Device::Cpu)?;
                Ok(table.index_select(&index, 0)?)
            }
            Self::Q4_0 { blocks, cols, .. } => {
                let row_bytes = cols / 32 * 18;
                let mut out = vec![0f32; ids.len() * cols];
                for (i, &id) in ids.iter().enumerate() {
                    let row = &blocks[id as usize * row_bytes..(id as usize + 1) * row_bytes];
                    dequantize_q4_0_row(row, &mut out[i * cols..(i + 1) * cols]);
                }
                Ok(Tensor::from_vec(out, (ids.len(), *cols), &Device::Cpu)?)
            }
        }
    }
}

/// Decodes GGML Q4_0 blocks: an f16 scale, then 16 bytes whose low nibbles
/// are weights 0..16 and high nibbles weights 16..32, each `(q - 8) * scale`.
fn dequantize_q4_0_row(row: &[u8], out: &mut [f32]) {
    for (block, dst) in row.chunks_exact(18).zip(out.chunks_exact_mut(32)) {
        let scale = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
        for j in 0..16 {
            let byte = block[2 + j];
            dst[j] = ((byte & 0x0F) as i32 - 8) as f32 * scale;
            dst[j + 16] = ((byte >> 4) as i32 - 8) as f32 * scale;
        }
    }
}

/// A linear layer's weights: Q4_0 blocks, or a dense matrix.
pub enum LinearWeight {
    Q4_0(Q4Matrix),
    Dense(QMatMul),
}

struct Linear {
    weight: LinearWeight,
    bias: Tensor,
}

impl Linear {
    fn load(source: &mut dyn WeightSource, prefix: &str) -> Result<Self> {
        Ok(Self {
            weight: source.linear(&format!("{prefix}.weight"))?,
            bias: source.tensor(&format!("{prefix}.bias"))?,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = match &self.weight {
            LinearWeight::Q4_0(w) => w.forward(x)?,
            LinearWeight::Dense(w) => w.forward(x)?,
        };
        Ok(y.broadcast_add(&self.bias)?)
    }
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn load(source: &mut dyn WeightSource, prefix: &str, eps: f64) -> Result<Self> {
        Ok(Self {
            weight: source.tensor(&format!("{prefix}.weight"))?,
            bias: source.tensor(&format!("{prefix}.bias"))?,
            eps,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(candle_nn::ops::layer_norm(x, &self.weight, &self.bias, self.eps as f32)?)
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

impl Layer {
    fn load(source: &mut dyn WeightSource, index: usize, eps: f64) -> Result<Self> {
        let p = format!("encoder.layer.{index}");
        Ok(Self {
            query: Linear::load(source, &format!("{p}.attention.self.query"))?,
            key: Linear::load(source, &format!("{p}.attention.self.key"))?,
            value: Linear::load(source, &format!("{p}.attention.self.value"))?,
            attention_out: Linear::load(source, &format!("{p}.attention.output.dense"))?,
            attention_norm: LayerNorm::load(source, &format!("{p}.attention.output.LayerNorm"), eps)?,
            intermediate: Linear::load(source, &format!("{p}.intermediate.dense"))?,
            output: Linear::load(source, &format!("{p}.output.dense"))?,
            output_norm: LayerNorm::load(source, &format!("{p}.output.LayerNorm"), eps)?,
        })
    }

    /// `x`: `[batch, seq, hidden]`; `mask_bias`: `[batch, 1, 1, seq]` with 0 for
    /// real tokens and a large negative value for padding.
    fn forward(&self, x: &Tensor, mask_bias: &Tensor, heads: usize) -> Result<Tensor> {
        let _span = tracing::trace_span!("bert_layer").entered();
        let (batch, seq, hidden) = x.dims3()?;
        let head_dim = hidden / heads;
        let split = |t: Tensor| -> Result<Tensor> {
            Ok(t.reshape((batch, seq, heads, head_dim))?.transpose(1, 2)?.contiguous()?)
        };

        let q = split(self.query.forward(x)?)?;
        let k = split(self.key.forward(x)?)?;
        let v = split(self.value.forward(x)?)?;

        let scale = 1.0 / (head_dim as f64).sqrt();
        let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(mask_bias)?;
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = probs.matmul(&v)?.transpose(1, 2)?.reshape((batch, seq, hidden))?;

        let attended = self.attention_out.forward(&context)?;
        let x = self.attention_norm.forward(&(attended + x)?)?;

        let mid = self.intermediate.forward(&x)?.gelu_erf()?;
        let out = self.output.forward(&mid)?;
        self.output_norm.forward(&(out + x)?)
    }
}

/// A loaded encoder; `forward` returns mean-pooled, unnormalized vectors.
pub struct BertModel {
    pub config: BertConfig,
    words: EmbeddingTable,
    positions: Tensor,
    token_type: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
}

impl BertModel {
    pub fn load(source: &mut dyn WeightSource, config: BertConfig) -> Result<Self> {
        let eps = config.layer_norm_eps;
        let words = source.embedding("embeddings.word_embeddings.weight")?;
        if words.rows() < config.vocab_rows.min(1) {
            return Err(ModelError::Unsupported("word embedding table is empty".into()));
        }
        let positions = source.tensor("embeddings.position_embeddings.weight")?;
        let token_type = source.tensor("embeddings.token_type_embeddings.weight")?.get(0)?;
        let embedding_norm = LayerNorm::load(source, "embeddings.LayerNorm", eps)?;
        let layers = (0..config.layers)
            .map(|i| Layer::load(source, i, eps))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { config, words, positions, token_type, embedding_norm, layers })
    }

    /// Encodes a padded batch. `ids` contains `batch` rows of `seq` ids each,
    /// `lengths[i]` the real tokens of row i (the rest is padding). Returns
    /// `[batch, hidden]` mean-pooled over the real tokens.
    pub fn forward(&self, ids: &[u32], lengths: &[usize], seq: usize) -> Result<Tensor> {
        let batch = lengths.len();
        let hidden = self.config.hidden;
        let vocab = self.words.rows() as u32;
        if let Some(bad) = ids.iter().find(|&&id| id >= vocab) {
            return Err(ModelError::Unsupported(format!("token id {bad} is outside the vocabulary of {vocab}")));
        }
        if seq + self.config.position_offset > self.positions.dims()[0] {
            return Err(ModelError::Unsupported(format!("sequence of {seq} tokens exceeds the model's positions")));
        }

        let words = self.words.lookup(ids)?.reshape((batch, seq, hidden))?;
        let positions = self.positions.narrow(0, self.config.position_offset, seq)?;
        let x = words.broadcast_add(&positions)?.broadcast_add(&self.token_type)?;
        let mut x = self.embedding_norm.forward(&x)?;

        let mut mask = vec![0f32; batch * seq];
        let mut bias = vec![0f32; batch * seq];
        for (row, &len) in lengths.iter().enumerate() {
            for col in 0..seq {
                if col < len {
                    mask[row * seq + col] = 1.0;
                } else {
                    bias[row * seq + col] = -1e9;
                }
            }
        }
        let mask = Tensor::from_vec(mask, (batch, seq, 1), &Device::Cpu)?;
        let bias = Tensor::from_vec(bias, (batch, 1, 1, seq), &Device::Cpu)?;

        for layer in &self.layers {
            x = layer.forward(&x, &bias, self.config.heads)?;
        }

        let summed = x.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?;
        Ok(summed.broadcast_div(&counts)?.to_dtype(DType::F32)?)
    }
}

/// Scales each row of `[n, dim]` to unit L2 norm.
pub fn l2_normalize(x: &Tensor) -> Result<Tensor> {
    let norm = x.sqr()?.sum_keepdim(D::Minus1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
    Ok(x.broadcast_div(&norm)?)
}
