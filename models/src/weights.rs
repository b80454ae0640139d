//! Weight sources for the encoder: GGUF (our imported 4-bit format) and
//! Hugging Face safetensors (f32, f16 or bf16, BERT or XLM-RoBERTa naming).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use candle_core::quantized::{GgmlDType, QMatMul, gguf_file};
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
        let mut reader = BufReader::new(file);
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
        Ok(LinearWeight::Dense(QMatMul::from_qtensor(q)?))
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
        // SAFETY: the files are memory-mapped read-only; like every mmap
        // user we rely on nobody truncating them while the model is loaded.
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
        Ok(LinearWeight::Dense(QMatMul::Tensor(self.tensor(name)?)))
    }

    fn embedding(&mut self, name: &str) -> Result<EmbeddingTable> {
        Ok(EmbeddingTable::Dense(self.tensor(name)?))
    }
}
