//! Weight sources for the encoder: GGUF (our imported 4-bit format) and
//! Hugging Face safetensors (f32, f16 or bf16, BERT or XLM-RoBERTa naming).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use candle_core::quantized::{GgmlDType, gguf_file};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;

use crate::bert::{EmbeddingTable, LinearWeight, WeightSource};
use crate::qmatmul::Q4Matrix;
use crate::error::{ModelError, Result};

/// Tensors read from a GGUF file written by `gip model import`.
pub struct GgufWeights {
    path: PathBuf,
    reader: BufReader<File>,
    pub content: gguf_file::Content,
}

impl GgufWeights {
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| ModelError::io(path, e))?;
        let file_len = file.metadata().map_err(|e| ModelError::io(path, e))?.len();
        let mut reader = BufReader::new(file);
        check_header_lengths(&mut reader, file_len).map_err(|reason| ModelError::invalid(path, reason))?;
        reader.rewind().map_err(|e| ModelError::io(path, e))?;
        let content = gguf_file::Content::read(&mut reader)
            .map_err(|e| ModelError::invalid(path, format!("not a readable GGUF file: {e}")))?;
        Ok(Self { path: path.to_path_buf(), reader, content })
    }

    fn qtensor(&mut self, name: &str) -> Result<candle_core::quantized::QTensor> {
        if !self.content.tensor_infos.contains_key(name) {
            return Err(ModelError::invalid(&self.path, format!("tensor {name:?} is missing")));
        }
        self.content
            .tensor(&mut self.reader, name, &Device::Cpu)
            .map_err(|e| ModelError::invalid(&self.path, format!("tensor {name:?}: {e}")))
    }

    pub fn metadata_u32(&self, key: &str) -> Result<u32> {
        self.content
            .metadata
            .get(key)
            .and_then(|v| v.to_u32().ok())
            .ok_or_else(|| ModelError::invalid(&self.path, format!("metadata {key:?} is missing or not u32")))
    }

    pub fn metadata_f32(&self, key: &str) -> Result<f32> {
        self.content
            .metadata
            .get(key)
            .and_then(|v| v.to_f32().ok())
            .ok_or_else(|| ModelError::invalid(&self.path, format!("metadata {key:?} is missing or not f32")))
    }

    pub fn metadata_string(&self, key: &str) -> Option<String> {
        self.content.metadata.get(key).and_then(|v| v.to_string().ok()).cloned()
    }

    pub fn metadata_array(&self, key: &str) -> Result<&Vec<gguf_file::Value>> {
        self.content
            .metadata
            .get(key)
            .and_then(|v| v.to_vec().ok())
            .ok_or_else(|| ModelError::invalid(&self.path, format!("metadata {key:?} is missing or not an array")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl WeightSource for GgufWeights {
    fn tensor(&mut self, name: &str) -> Result<Tensor> {
        Ok(self.qtensor(name)?.dequantize(&Device::Cpu)?)
    }

    fn linear(&mut self, name: &str) -> Result<LinearWeight> {
        let q = self.qtensor(name)?;
        if q.dtype() == GgmlDType::Q4_0 {
            let (rows, cols) = q.shape().dims2()?;
            return Ok(LinearWeight::Q4_0(Q4Matrix::from_bytes(&q.data()?, rows, cols)?));
        }
        Ok(LinearWeight::Dense(q.dequantize(&Device::Cpu)?))
    }

    fn embedding(&mut self, name: &str) -> Result<EmbeddingTable> {
        EmbeddingTable::from_qtensor(self.qtensor(name)?)
    }
}

/// Tensors of a Hugging Face model folder, converted to f32 on load.
pub struct SafetensorsWeights {
    vb: VarBuilder<'static>,
    prefix: String,
}

impl SafetensorsWeights {
    pub fn open(files: &[PathBuf]) -> Result<Self> {
        for file in files {
            let mut header = [0u8; 8];
            use std::io::Read as _;
            File::open(file)
                .and_then(|mut f| f.read_exact(&mut header))
                .map_err(|e| ModelError::io(file, e))?;
        }
        // SAFETY: the files are memory-mapped read-only. As with any mmap,
        // this relies on no other process truncating them while the model is loaded.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(files, DType::F32, &Device::Cpu) }
            .map_err(|e| ModelError::invalid(files.first().cloned().unwrap_or_default(), e.to_string()))?;
        let prefix = ["", "bert.", "roberta.", "model."]
            .into_iter()
            .find(|p| vb.contains_tensor(&format!("{p}embeddings.word_embeddings.weight")))
            .ok_or_else(|| {
                ModelError::Unsupported("safetensors have no embeddings.word_embeddings.weight (not a BERT/XLM-R encoder)".into())
            })?
            .to_string();
        Ok(Self { vb, prefix })
    }
}

impl WeightSource for SafetensorsWeights {
    fn tensor(&mut self, name: &str) -> Result<Tensor> {
        let full = format!("{}{name}", self.prefix);
        Ok(self.vb.get_unchecked_dtype(&full, DType::F32)?.to_dtype(DType::F32)?)
    }

    fn linear(&mut self, name: &str) -> Result<LinearWeight> {
        Ok(LinearWeight::Dense(self.tensor(name)?))
    }

    fn embedding(&mut self, name: &str) -> Result<EmbeddingTable> {
        EmbeddingTable::from_tensor(&self.tensor(name)?)
    }
}

/// Walks the GGUF header and rejects any string or array whose declared
/// length exceeds the bytes left in the file.
///
/// candle 0.9's reader allocates a declared length before reading it, so a
/// corrupt length (say 2^40) would abort the process on allocation. This
/// check runs first and turns such a file into an error.
fn check_header_lengths(reader: &mut impl Read, file_len: u64) -> std::result::Result<(), String> {
    struct Walker<'a, R> {
        reader: &'a mut R,
        position: u64,
        file_len: u64,
    }

    impl<R: Read> Walker<'_, R> {
        fn bytes<const N: usize>(&mut self) -> std::result::Result<[u8; N], String> {
            let mut buf = [0u8; N];
            self.reader.read_exact(&mut buf).map_err(|_| format!("truncated GGUF header at byte {}", self.position))?;
            self.position += N as u64;
            Ok(buf)
        }

        fn u32(&mut self) -> std::result::Result<u32, String> {
            Ok(u32::from_le_bytes(self.bytes()?))
        }

        fn u64(&mut self) -> std::result::Result<u64, String> {
            Ok(u64::from_le_bytes(self.bytes()?))
        }

        /// A declared length of `count` items of `size` bytes that must fit in the file.
        fn length(&mut self, count: u64, size: u64) -> std::result::Result<u64, String> {
            let left = self.file_len.saturating_sub(self.position);
            match count.checked_mul(size.max(1)) {
                Some(total) if total <= left => Ok(total),
                _ => Err(format!("GGUF header declares {count} items at byte {}, more than the file holds", self.position)),
            }
        }

        fn skip(&mut self, n: u64) -> std::result::Result<(), String> {
            let copied = std::io::copy(&mut self.reader.by_ref().take(n), &mut std::io::sink())
                .map_err(|e| e.to_string())?;
            if copied != n {
                return Err(format!("truncated GGUF header at byte {}", self.position));
            }
            self.position += n;
            Ok(())
        }

        fn string(&mut self) -> std::result::Result<(), String> {
            let len = self.u64()?;
            let n = self.length(len, 1)?;
            self.skip(n)
        }

        fn value(&mut self, kind: u32, depth: u32) -> std::result::Result<(), String> {
            match kind {
                0 | 1 | 7 => self.skip(1),
                2 | 3 => self.skip(2),
                4..=6 => self.skip(4),
                10..=12 => self.skip(8),
                8 => self.string(),
                9 if depth < 4 => {
                    let item = self.u32()?;
                    let count = self.u64()?;
                    self.length(count, 1)?;
                    (0..count).try_for_each(|_| self.value(item, depth + 1))
                }
                other => Err(format!("unknown GGUF value type {other} at byte {}", self.position)),
            }
        }
    }

    let mut w = Walker { reader, position: 0, file_len };
    if &w.bytes::<4>()? != b"GGUF" {
        return Err("missing the GGUF magic".into());
    }
    let version = w.u32()?;
    if !(2..=3).contains(&version) {
        return Err(format!("unsupported GGUF version {version}"));
    }
    let tensors = w.u64()?;
    let entries = w.u64()?;
    w.length(tensors, 1)?;
    w.length(entries, 1)?;
    for _ in 0..entries {
        w.string()?;
        let kind = w.u32()?;
        w.value(kind, 0)?;
    }
    for _ in 0..tensors {
        w.string()?;
        let dims = w.u32()? as u64;
        let n = w.length(dims, 8)?;
        w.skip(n + 4 + 8)?;
    }
    Ok(())
}
