//! Q4_0 × activation matrix products for batches of tokens.
//!
//! candle's own quantized matmul (0.9) splits the work per activation row
//! and hands each row's 384-1536 outputs to rayon separately, which for a
//! batch of a few thousand tokens costs more in fork-join than in
//! arithmetic. This module keeps candle's Q4_0 blocks and its SIMD dot
//! product (`vec_dot`, Q4_0 × Q8_0), and only schedules the work: tiles of
//! tokens × all outputs per task for batches, output ranges per task for a
//! single short text.

use candle_core::quantized::k_quants::{BlockQ4_0, BlockQ8_0, GgmlType};
use candle_core::{Device, Tensor};
use rayon::prelude::*;

use crate::error::{ModelError, Result};

/// Tokens per task when splitting a batch by rows.
const ROW_TILE: usize = 8;

/// A `[out, in]` weight matrix in Q4_0 blocks, applied as `x · Wᵀ`.
pub struct Q4Matrix {
    blocks: Vec<BlockQ4_0>,
    rows: usize,
    cols: usize,
}

impl Q4Matrix {
    /// Wraps raw GGML Q4_0 bytes (18 bytes per 32 weights) of an `[rows, cols]` matrix.
    pub fn from_bytes(bytes: &[u8], rows: usize, cols: usize) -> Result<Self> {
        let blocks_per_row = cols / 32;
        let count = rows * blocks_per_row;
        if cols % 32 != 0 || bytes.len() != count * std::mem::size_of::<BlockQ4_0>() {
            return Err(ModelError::Unsupported(format!("Q4_0 matrix {rows}x{cols} has {} bytes", bytes.len())));
        }
        let mut blocks = vec![BlockQ4_0::zeros(); count];
        // SAFETY: BlockQ4_0 is GGML's plain-old-data layout (f16 scale and 16
        // bytes, size 18, asserted by candle); the destination holds exactly
        // `bytes.len()` bytes and the two buffers do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), blocks.as_mut_ptr() as *mut u8, bytes.len());
        }
        Ok(Self { blocks, rows, cols })
    }

    pub fn out_features(&self) -> usize {
        self.rows
    }

    /// `x`: `[..., in]` f32; returns `[..., out]`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let dims = x.dims().to_vec();
        let k = *dims.last().unwrap_or(&0);
        if k != self.cols {
            return Err(ModelError::Unsupported(format!("input width {k} does not match the matrix width {}", self.cols)));
        }
        let m = x.elem_count() / k.max(1);
        let input = x.flatten_all()?.to_vec1::<f32>()?;
        let kb = k / 32;

        let mut quantized = vec![BlockQ8_0::zeros(); m * kb];
        quantized
            .par_chunks_mut(kb)
            .zip(input.par_chunks(k))
            .for_each(|(dst, row)| BlockQ8_0::from_float(row, dst));

        let n = self.rows;
        let mut out = vec![0f32; m * n];
        let threads = rayon::current_num_threads().max(1);
        if m >= ROW_TILE * threads {
            out.par_chunks_mut(ROW_TILE * n).enumerate().for_each(|(tile, dst)| {
                let first = tile * ROW_TILE;
                let rows = dst.len() / n;
                for col in 0..n {
                    let w = &self.blocks[col * kb..(col + 1) * kb];
                    for r in 0..rows {
                        let a = &quantized[(first + r) * kb..(first + r + 1) * kb];
                        dst[r * n + col] = BlockQ4_0::vec_dot(k, w, a);
                    }
                }
            });
        } else {
            let chunk = n.div_ceil(threads * 4).max(16);
            let columns: Vec<Vec<f32>> = (0..n.div_ceil(chunk))
                .into_par_iter()
                .map(|c| {
                    let cols = c * chunk..((c + 1) * chunk).min(n);
                    let mut part = Vec::with_capacity(m * cols.len());
                    for r in 0..m {
                        let a = &quantized[r * kb..(r + 1) * kb];
                        for col in cols.clone() {
                            part.push(BlockQ4_0::vec_dot(k, &self.blocks[col * kb..(col + 1) * kb], a));
                        }
                    }
                    part
                })
                .collect();
            for (c, part) in columns.iter().enumerate() {
                let start = c * chunk;
                let width = part.len() / m.max(1);
                for r in 0..m {
                    out[r * n + start..r * n + start + width].copy_from_slice(&part[r * width..(r + 1) * width]);
                }
            }
        }

        let mut out_dims = dims;
        if let Some(last) = out_dims.last_mut() {
            *last = n;
        }
        Ok(Tensor::from_vec(out, out_dims, &Device::Cpu)?)
    }
}
