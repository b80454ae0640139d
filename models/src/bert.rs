//! BERT encoder (the architecture of multilingual-e5-small) on the CPU.
//!
//! A batch is packed: the tokens of all windows are concatenated into one
//! `[tokens, hidden]` f32 matrix with no padding. Every token-wise product
//! (query/key/value, attention output, FFN) runs once over that matrix, and
//! attention runs per window and head over the window's own tokens. No
//! step mixes rows of different windows, so a text gets the same vector
//! alone or in a batch.
//!
//! Linear weights stay in whatever form they were loaded: Q4_0 blocks from
//! GGUF run through our Q4_0 × Q8_0 kernel (`qmatmul`), f32/f16 safetensors
//! weights run as f32 matmuls in candle. The query, key and value weights
//! are stacked into one matrix at load time, so their input is quantized
//! once and read once.

use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{DType, Device, Tensor};
use rayon::prelude::*;

use crate::error::{ModelError, Result};
use crate::math;
use crate::qmatmul::{Activation, Q4Matrix, QuantizedActivations};

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
    /// `[rows, cols]` f32 values, row-major.
    Dense { values: Vec<f32>, rows: usize, cols: usize },
    Q4_0 { blocks: Vec<u8>, rows: usize, cols: usize },
}

impl EmbeddingTable {
    /// Keeps a Q4_0 table quantized and dequantizes any other type to f32.
    pub fn from_qtensor(q: QTensor) -> Result<Self> {
        let (rows, cols) = q.shape().dims2()?;
        if q.dtype() == GgmlDType::Q4_0 && cols % 32 == 0 {
            let blocks = q.data()?.into_owned();
            return Ok(Self::Q4_0 { blocks, rows, cols });
        }
        Self::from_tensor(&q.dequantize(&Device::Cpu)?)
    }

    /// Copies a `[rows, cols]` tensor of any float type as f32.
    pub fn from_tensor(table: &Tensor) -> Result<Self> {
        let (rows, cols) = table.dims2()?;
        let values = table.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
        Ok(Self::Dense { values, rows, cols })
    }

    fn rows(&self) -> usize {
        match self {
            Self::Dense { rows, .. } | Self::Q4_0 { rows, .. } => *rows,
        }
    }

    fn cols(&self) -> usize {
        match self {
            Self::Dense { cols, .. } | Self::Q4_0 { cols, .. } => *cols,
        }
    }

    /// Writes row `id` (below `rows()`) into `out` (`cols()` values).
    fn copy_row(&self, id: usize, out: &mut [f32]) {
        match self {
            Self::Dense { values, cols, .. } => out.copy_from_slice(&values[id * cols..(id + 1) * cols]),
            Self::Q4_0 { blocks, cols, .. } => {
                let row_bytes = cols / 32 * 18;
                dequantize_q4_0_row(&blocks[id * row_bytes..(id + 1) * row_bytes], out);
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

/// A linear layer's weights: Q4_0 blocks, or a dense `[out, in]` matrix.
pub enum LinearWeight {
    Q4_0(Q4Matrix),
    Dense(Tensor),
}

impl LinearWeight {
    fn shape(&self) -> Result<(usize, usize)> {
        match self {
            Self::Q4_0(w) => Ok((w.rows(), w.cols())),
            Self::Dense(w) => Ok(w.dims2()?),
        }
    }
}

struct Linear {
    weight: PreparedWeight,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

/// A weight in the form its product needs.
enum PreparedWeight {
    Q4_0(Q4Matrix),
    /// `Wᵀ` (`[in, out]`, contiguous f32), so the product is one `x · Wᵀ` gemm.
    DenseTransposed(Tensor),
}

impl Linear {
    fn load(source: &mut dyn WeightSource, prefix: &str) -> Result<Self> {
        let weight = source.linear(&format!("{prefix}.weight"))?;
        let bias = source.tensor(&format!("{prefix}.bias"))?;
        Self::new(vec![(weight, bias)], prefix)
    }

    /// Stacks `parts` row-wise into one layer (outputs of part 0, then part 1, ...).
    fn new(parts: Vec<(LinearWeight, Tensor)>, name: &str) -> Result<Self> {
        let mut biases = Vec::new();
        let mut q4 = Vec::new();
        let mut dense = Vec::new();
        let mut inputs = None;
        for (weight, bias) in parts {
            let (rows, cols) = weight.shape()?;
            let bias = bias.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
            if bias.len() != rows || inputs.is_some_and(|i| i != cols) {
                return Err(ModelError::Unsupported(format!(
                    "{name}: a {rows}x{cols} weight with a bias of {} values does not fit the layer",
                    bias.len()
                )));
            }
            inputs = Some(cols);
            biases.extend(bias);
            match weight {
                LinearWeight::Q4_0(w) => q4.push(w),
                LinearWeight::Dense(w) => dense.push(w.to_dtype(DType::F32)?),
            }
        }
        let weight = match (q4.is_empty(), dense.is_empty()) {
            (false, true) => PreparedWeight::Q4_0(Q4Matrix::stack(&q4)?),
            (true, false) => PreparedWeight::DenseTransposed(Tensor::cat(&dense, 0)?.t()?.contiguous()?),
            _ => {
                return Err(ModelError::Unsupported(format!("{name}: mixes Q4_0 and dense weights in one layer")));
            }
        };
        Ok(Self { weight, outputs: biases.len(), bias: biases, inputs: inputs.unwrap_or(0) })
    }

    /// Returns `activation(x · Wᵀ + b)` for `x` of `tokens × inputs` values.
    fn forward(&self, x: &[f32], activation: Activation) -> Result<Vec<f32>> {
        let tokens = x.len() / self.inputs.max(1);
        match &self.weight {
            PreparedWeight::Q4_0(w) => {
                let quantized = {
                    let _span = tracing::trace_span!("quantize_activations").entered();
                    QuantizedActivations::new(x, self.inputs)
                };
                let _span = tracing::trace_span!("q4_matmul", tokens, outputs = self.outputs).entered();
                let mut out = vec![0f32; tokens * self.outputs];
                w.forward(&quantized, &self.bias, activation, &mut out)?;
                Ok(out)
            }
            PreparedWeight::DenseTransposed(w) => {
                let _span = tracing::trace_span!("f32_matmul", tokens, outputs = self.outputs).entered();
                let input = Tensor::from_slice(x, (tokens, self.inputs), &Device::Cpu)?;
                let mut out = input.matmul(w)?.flatten_all()?.to_vec1::<f32>()?;
                out.par_chunks_mut(self.outputs).for_each(|row| {
                    for (value, b) in row.iter_mut().zip(&self.bias) {
                        *value += b;
                    }
                    activation.apply(row);
                });
                Ok(out)
            }
        }
    }
}

struct LayerNorm {
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f32,
}

impl LayerNorm {
    fn load(source: &mut dyn WeightSource, prefix: &str, eps: f64) -> Result<Self> {
        let read = |t: Tensor| -> Result<Vec<f32>> { Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?) };
        Ok(Self {
            weight: read(source.tensor(&format!("{prefix}.weight"))?)?,
            bias: read(source.tensor(&format!("{prefix}.bias"))?)?,
            eps: eps as f32,
        })
    }

    /// Replaces each row of `x` by `layer_norm(x + residual)`. `residual`,
    /// when given, has the shape of `x`.
    fn forward_in_place(&self, x: &mut [f32], residual: Option<&[f32]>) {
        let hidden = self.weight.len();
        let rows = x.par_chunks_mut(hidden).enumerate();
        rows.for_each(|(t, row)| {
            if let Some(residual) = residual {
                for (value, r) in row.iter_mut().zip(&residual[t * hidden..(t + 1) * hidden]) {
                    *value += r;
                }
            }
            let mean = row.iter().sum::<f32>() / hidden as f32;
            let variance = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / hidden as f32;
            let inverse = 1.0 / (variance + self.eps).sqrt();
            for ((value, w), b) in row.iter_mut().zip(&self.weight).zip(&self.bias) {
                *value = (*value - mean) * inverse * w + b;
            }
        });
    }
}

/// Token ranges of the windows in a packed batch.
struct Segments {
    /// `starts[i]..starts[i + 1]` are the rows of window i.
    starts: Vec<usize>,
}

impl Segments {
    fn count(&self) -> usize {
        self.starts.len() - 1
    }

    fn range(&self, index: usize) -> std::ops::Range<usize> {
        self.starts[index]..self.starts[index + 1]
    }
}

struct Layer {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

impl Layer {
    fn load(source: &mut dyn WeightSource, index: usize, eps: f64) -> Result<Self> {
        let p = format!("encoder.layer.{index}");
        let mut parts = Vec::with_capacity(3);
        for name in ["query", "key", "value"] {
            let prefix = format!("{p}.attention.self.{name}");
            parts.push((source.linear(&format!("{prefix}.weight"))?, source.tensor(&format!("{prefix}.bias"))?));
        }
        Ok(Self {
            qkv: Linear::new(parts, &format!("{p}.attention.self"))?,
            attention_out: Linear::load(source, &format!("{p}.attention.output.dense"))?,
            attention_norm: LayerNorm::load(source, &format!("{p}.attention.output.LayerNorm"), eps)?,
            intermediate: Linear::load(source, &format!("{p}.intermediate.dense"))?,
            output: Linear::load(source, &format!("{p}.output.dense"))?,
            output_norm: LayerNorm::load(source, &format!("{p}.output.LayerNorm"), eps)?,
        })
    }

    /// Runs the layer on `x` (`[tokens, hidden]`) in place.
    fn forward(&self, x: &mut [f32], segments: &Segments, heads: usize) -> Result<()> {
        let _span = tracing::trace_span!("bert_layer").entered();
        let qkv = self.qkv.forward(x, Activation::Identity)?;
        let context = attention(&qkv, segments, self.attention_out.outputs, heads);

        let attended = self.attention_out.forward(&context, Activation::Identity)?;
        self.attention_norm.forward_in_place(x, Some(&attended));

        let mid = self.intermediate.forward(x, Activation::Gelu)?;
        let out = self.output.forward(&mid, Activation::Identity)?;
        self.output_norm.forward_in_place(x, Some(&out));
        Ok(())
    }
}

/// Computes scaled dot-product attention of each window over its own
/// tokens. `qkv` contains, per token, the query, key and value rows
/// (`3 · hidden` values). Returns the `[tokens, hidden]` context.
fn attention(qkv: &[f32], segments: &Segments, hidden: usize, heads: usize) -> Vec<f32> {
    let _span = tracing::trace_span!("attention").entered();
    let head_dim = hidden / heads;
    let scale = 1.0 / (head_dim as f32).sqrt();
    let width = 3 * hidden;
    let tasks: Vec<(usize, usize)> = (0..segments.count()).flat_map(|s| (0..heads).map(move |h| (s, h))).collect();

    // Each task returns the context of one head for one window's tokens.
    let parts: Vec<Vec<f32>> = tasks
        .par_iter()
        .map(|&(segment, head)| {
            let rows = segments.range(segment);
            let len = rows.len();
            let column = |part: usize| part * hidden + head * head_dim;
            let gather = |part: usize| -> Vec<f32> {
                rows.clone()
                    .flat_map(|t| qkv[t * width + column(part)..t * width + column(part) + head_dim].iter().copied())
                    .collect()
            };
            let (queries, keys, values) = (gather(0), gather(1), gather(2));

            let mut context = vec![0f32; len * head_dim];
            let mut scores = vec![0f32; len];
            for (i, query) in queries.chunks_exact(head_dim).enumerate() {
                for (score, key) in scores.iter_mut().zip(keys.chunks_exact(head_dim)) {
                    *score = dot(query, key) * scale;
                }
                math::softmax_in_place(&mut scores);

                let out = &mut context[i * head_dim..(i + 1) * head_dim];
                for (&p, value) in scores.iter().zip(values.chunks_exact(head_dim)) {
                    for (o, v) in out.iter_mut().zip(value) {
                        *o += p * v;
                    }
                }
            }
            context
        })
        .collect();

    let mut context = vec![0f32; segments.starts[segments.count()] * hidden];
    for (&(segment, head), part) in tasks.iter().zip(&parts) {
        for (i, t) in segments.range(segment).enumerate() {
            let dst = t * hidden + head * head_dim;
            context[dst..dst + head_dim].copy_from_slice(&part[i * head_dim..(i + 1) * head_dim]);
        }
    }
    context
}

/// Dot product with 8 partial sums, so the loop compiles to SIMD.
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut partial = [0f32; 8];
    let (a_chunks, b_chunks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for lane in 0..8 {
            partial[lane] += x[lane] * y[lane];
        }
    }
    partial.iter().sum::<f32>() + tail
}

/// A loaded encoder; `forward` returns mean-pooled, unnormalized vectors.
pub struct BertModel {
    pub config: BertConfig,
    words: EmbeddingTable,
    /// `[positions, hidden]` f32, row-major.
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
}

impl BertModel {
    /// Loads every tensor of `config` from `source`. Fails when a tensor is
    /// missing or its shape does not match the configuration.
    pub fn load(source: &mut dyn WeightSource, config: BertConfig) -> Result<Self> {
        let eps = config.layer_norm_eps;
        let hidden = config.hidden;
        let words = source.embedding("embeddings.word_embeddings.weight")?;
        if words.rows() == 0 || words.cols() != hidden {
            return Err(ModelError::Unsupported(format!(
                "word embedding table is {}x{}; expected a non-empty table of width {hidden}",
                words.rows(),
                words.cols()
            )));
        }
        let positions = source.tensor("embeddings.position_embeddings.weight")?;
        let (position_rows, position_cols) = positions.dims2()?;
        if position_cols != hidden {
            return Err(ModelError::Unsupported(format!("position table is {position_rows}x{position_cols}; expected width {hidden}")));
        }
        let positions = positions.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
        let token_type = source.tensor("embeddings.token_type_embeddings.weight")?.get(0)?;
        let token_type = token_type.to_dtype(DType::F32)?.to_vec1::<f32>()?;
        let embedding_norm = LayerNorm::load(source, "embeddings.LayerNorm", eps)?;
        let layers = (0..config.layers)
            .map(|i| Layer::load(source, i, eps))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { config, words, positions, token_type, embedding_norm, layers })
    }

    /// Encodes a packed batch: `ids` contains the windows one after another,
    /// `lengths[i]` tokens for window i (`<s>` and `</s>` included). Returns
    /// `lengths.len()` rows of `hidden` values, each window's mean over its
    /// tokens, row-major. Fails when an id is outside the vocabulary, a
    /// window is empty or longer than the model's positions, or the lengths
    /// do not add up to `ids.len()`.
    pub fn forward(&self, ids: &[u32], lengths: &[usize]) -> Result<Vec<f32>> {
        let hidden = self.config.hidden;
        self.check_batch(ids, lengths)?;
        let mut starts = Vec::with_capacity(lengths.len() + 1);
        starts.push(0);
        for len in lengths {
            starts.push(starts[starts.len() - 1] + len);
        }
        let segments = Segments { starts };

        let mut x = self.embed_tokens(ids, &segments);

        for layer in &self.layers {
            layer.forward(&mut x, &segments, self.config.heads)?;
        }

        let mut pooled = vec![0f32; segments.count() * hidden];
        for (segment, out) in pooled.chunks_exact_mut(hidden).enumerate() {
            let rows = segments.range(segment);
            let count = rows.len() as f32;
            for t in rows {
                for (o, v) in out.iter_mut().zip(&x[t * hidden..(t + 1) * hidden]) {
                    *o += v;
                }
            }
            out.iter_mut().for_each(|o| *o /= count);
        }
        Ok(pooled)
    }

    fn check_batch(&self, ids: &[u32], lengths: &[usize]) -> Result<()> {
        let vocab = self.words.rows();
        if let Some(bad) = ids.iter().find(|&&id| id as usize >= vocab) {
            return Err(ModelError::Unsupported(format!("token id {bad} is outside the vocabulary of {vocab}")));
        }
        let positions = self.positions.len() / self.config.hidden;
        for (index, &len) in lengths.iter().enumerate() {
            if len == 0 || len + self.config.position_offset > positions {
                return Err(ModelError::Unsupported(format!(
                    "window {index} has {len} tokens; the model takes 1 to {} per window",
                    positions.saturating_sub(self.config.position_offset)
                )));
            }
        }
        let total: usize = lengths.iter().sum();
        if total != ids.len() {
            return Err(ModelError::Unsupported(format!("window lengths add up to {total} but {} ids were given", ids.len())));
        }
        Ok(())
    }

    /// Word + position + token-type embeddings, then layer norm: `[tokens, hidden]`.
    fn embed_tokens(&self, ids: &[u32], segments: &Segments) -> Vec<f32> {
        let _span = tracing::trace_span!("embeddings").entered();
        let hidden = self.config.hidden;
        let mut x = vec![0f32; ids.len() * hidden];
        for segment in 0..segments.count() {
            for (position, t) in segments.range(segment).enumerate() {
                let row = &mut x[t * hidden..(t + 1) * hidden];
                self.words.copy_row(ids[t] as usize, row);
                let p = (position + self.config.position_offset) * hidden;
                let position_row = &self.positions[p..p + hidden];
                for ((value, pos), kind) in row.iter_mut().zip(position_row).zip(&self.token_type) {
                    *value += pos + kind;
                }
            }
        }
        self.embedding_norm.forward_in_place(&mut x, None);
        x
    }
}

/// Scales `vector` to unit L2 norm. A zero vector stays zero.
pub fn l2_normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
    vector.iter_mut().for_each(|v| *v /= norm);
}

