//! Q4_0 weight × activation products for batches of tokens.
//!
//! Weights come in GGML's Q4_0 blocks (an f16 scale and 32 four-bit values
//! per block). Activations are quantized per 32-value block to 8 bits with
//! one f32 scale (as GGML's Q8_0), and each product is computed with integer
//! multiply-adds: for a block, `Σ w·a = d_w·d_a·(Σ q_w·q_a − 8·Σ q_a)`
//! where `q_w` is the stored nibble (0..15, offset by 8).
//!
//! Written here because candle 0.9's quantized matmul hands rayon one task
//! per activation row, and for a batch of a few thousand tokens the
//! fork-join cost exceeds the arithmetic (measured: 11 s against 1.4 s for
//! 32 passages). Here one task takes a group of 8 weight rows and runs them
//! over every token, so each weight is read from memory once per batch.
//!
//! The nibbles are expanded to one byte per weight when the model loads and
//! stored group by group: block `b` of the 8 rows of a group lies in 256
//! consecutive bytes. A product therefore neither unpacks nibbles nor
//! strides across rows. That doubles the linear weights' memory (21 MB against
//! 12 MB for multilingual-e5-small) and removes the unpacking from every
//! call, which dominated single-query latency.

use rayon::prelude::*;

use crate::error::{ModelError, Result};

const BLOCK: usize = 32;
const BLOCK_BYTES: usize = 18;
/// Weight rows per task and per group of the expanded layout.
const GROUP_ROWS: usize = 8;

/// Activation function applied to each output after the bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    Identity,
    /// `x·Φ(x)` with the exact (erf) normal CDF, as BERT's `gelu`.
    Gelu,
}

impl Activation {
    /// Applies the activation to every value of `values` in place.
    pub fn apply(self, values: &mut [f32]) {
        if self == Self::Gelu {
            crate::math::gelu_in_place(values);
        }
    }
}

/// A `[rows, cols]` weight matrix from Q4_0 blocks, applied as `x · Wᵀ + b`.
pub struct Q4Matrix {
    /// Expanded nibbles (0..15), laid out `[group][block][row in group][32]`.
    weights: Vec<u8>,
    /// Block scales, laid out `[group][block][row in group]`.
    scales: Vec<f32>,
    rows: usize,
    cols: usize,
}

/// Activations of `tokens` rows quantized per 32-value block.
pub struct QuantizedActivations {
    values: Vec<i8>,
    scales: Vec<f32>,
    sums: Vec<i32>,
    tokens: usize,
    cols: usize,
}

impl QuantizedActivations {
    /// Quantizes `input` (`tokens` rows of `cols` f32 values, `cols` a
    /// multiple of 32) with one scale per block, `max |x| / 127`, rounding
    /// half to even as the reference engine's `lrintf` does.
    pub fn new(input: &[f32], cols: usize) -> Self {
        let tokens = input.len() / cols.max(1);
        let blocks = cols / BLOCK;
        let mut values = vec![0i8; tokens * cols];
        let mut scales = vec![0f32; tokens * blocks];
        let mut sums = vec![0i32; tokens * blocks];
        values
            .par_chunks_mut(cols)
            .zip(scales.par_chunks_mut(blocks))
            .zip(sums.par_chunks_mut(blocks))
            .zip(input.par_chunks(cols))
            .with_min_len(16)
            .for_each(|(((q, d), s), x)| {
                for b in 0..blocks {
                    let (q, x) = (&mut q[b * BLOCK..(b + 1) * BLOCK], &x[b * BLOCK..(b + 1) * BLOCK]);
                    let max = x.iter().fold(0f32, |acc, v| acc.max(v.abs()));
                    let scale = max / 127.0;
                    let inverse = if scale > 0.0 { 1.0 / scale } else { 0.0 };
                    for (dst, &v) in q.iter_mut().zip(x) {
                        *dst = round_to_i8(v * inverse);
                    }
                    d[b] = scale;
                    s[b] = q.iter().map(|&v| v as i32).sum();
                }
            });
        Self { values, scales, sums, tokens, cols }
    }
}

/// Rounds `value` half to even and saturates it to `-128..=127`.
///
/// Adding 1.5·2²³ leaves the rounded integer in the low mantissa bits, so
/// this is plain arithmetic and loops over it compile to SIMD, where
/// `round_ties_even()` followed by a saturating `as i8` was compiled to a
/// scalar conversion per value. Exact for |value| < 2²², and the block
/// scale keeps every quantized value within ±127.
#[inline(always)]
fn round_to_i8(value: f32) -> i8 {
    const MAGIC: f32 = 12_582_912.0;
    let rounded = (value + MAGIC).to_bits() as i32 - MAGIC.to_bits() as i32;
    rounded.clamp(-128, 127) as i8
}

/// The output matrix of one product, written by several tasks at once.
///
/// Each task writes only the columns of its own row group in every token
/// row, so no two tasks write the same element.
struct SharedOutput {
    ptr: *mut f32,
    len: usize,
}

// SAFETY: tasks write disjoint elements (see the type's comment), and the
// buffer outlives the parallel loop that uses it.
unsafe impl Sync for SharedOutput {}

impl SharedOutput {
    /// Copies `values` to elements `start..start + values.len()`.
    ///
    /// # Safety
    /// The range must lie inside the buffer, and no other task may read or
    /// write it during the parallel loop.
    unsafe fn write(&self, start: usize, values: &[f32]) {
        debug_assert!(start + values.len() <= self.len);
        // SAFETY: the caller guarantees the range is in bounds and unshared.
        unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), self.ptr.add(start), values.len()) };
    }
}

impl Q4Matrix {
    /// Expands raw GGML Q4_0 bytes (18 bytes per 32 weights) of a
    /// `[rows, cols]` matrix. Fails unless `cols` is a multiple of 32 and
    /// `bytes` has exactly `rows · cols / 32 · 18` bytes.
    pub fn from_bytes(bytes: &[u8], rows: usize, cols: usize) -> Result<Self> {
        if cols % BLOCK != 0 || bytes.len() != rows * cols / BLOCK * BLOCK_BYTES {
            return Err(ModelError::Unsupported(format!(
                "Q4_0 matrix {rows}x{cols} has {} bytes; expected {} with a width that is a multiple of {BLOCK}",
                bytes.len(),
                rows * cols / BLOCK * BLOCK_BYTES
            )));
        }
        let blocks = cols / BLOCK;
        let groups = rows.div_ceil(GROUP_ROWS);
        let mut weights = vec![0u8; groups * GROUP_ROWS * cols];
        let mut scales = vec![0f32; groups * GROUP_ROWS * blocks];
        for row in 0..rows {
            let (group, r) = (row / GROUP_ROWS, row % GROUP_ROWS);
            let source = &bytes[row * blocks * BLOCK_BYTES..(row + 1) * blocks * BLOCK_BYTES];
            for (b, block) in source.chunks_exact(BLOCK_BYTES).enumerate() {
                let slot = (group * blocks + b) * GROUP_ROWS + r;
                scales[slot] = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
                let out = &mut weights[slot * BLOCK..(slot + 1) * BLOCK];
                for j in 0..16 {
                    out[j] = block[2 + j] & 0x0F;
                    out[j + 16] = block[2 + j] >> 4;
                }
            }
        }
        Ok(Self { weights, scales, rows, cols })
    }

    /// Stacks matrices of equal width row-wise (`[Wq; Wk; Wv]`), so that one
    /// product with one quantized input computes all of them. Fails when the
    /// widths differ or a part other than the last has a row count that is
    /// not a multiple of 8.
    pub fn stack(parts: &[Q4Matrix]) -> Result<Self> {
        let cols = parts.first().map_or(0, |p| p.cols);
        for (index, part) in parts.iter().enumerate() {
            let last = index + 1 == parts.len();
            if part.cols != cols || (!last && part.rows % GROUP_ROWS != 0) {
                return Err(ModelError::Unsupported(format!(
                    "cannot stack a {}x{} Q4_0 matrix after {cols}-wide ones; \
                     widths must match and row counts be multiples of {GROUP_ROWS}",
                    part.rows, part.cols
                )));
            }
        }
        Ok(Self {
            weights: parts.iter().flat_map(|p| p.weights.iter().copied()).collect(),
            scales: parts.iter().flat_map(|p| p.scales.iter().copied()).collect(),
            rows: parts.iter().map(|p| p.rows).sum(),
            cols,
        })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Computes `activation(x · Wᵀ + bias)` into `out` (`tokens × rows`,
    /// row-major). Fails when the input width, the bias length or the
    /// output length does not match the matrix.
    pub fn forward(&self, x: &QuantizedActivations, bias: &[f32], activation: Activation, out: &mut [f32]) -> Result<()> {
        let (n, k, m) = (self.rows, self.cols, x.tokens);
        if x.cols != k || bias.len() != n || out.len() != m * n {
            return Err(ModelError::Unsupported(format!(
                "Q4_0 product of a {n}x{k} matrix got {m} tokens of width {}, a bias of {} and an output of {}",
                x.cols,
                bias.len(),
                out.len()
            )));
        }
        let blocks = k / BLOCK;
        let shared = SharedOutput { ptr: out.as_mut_ptr(), len: out.len() };

        (0..n.div_ceil(GROUP_ROWS)).into_par_iter().for_each(|group| {
            let first = group * GROUP_ROWS;
            let count = GROUP_ROWS.min(n - first);
            let weights = &self.weights[group * GROUP_ROWS * k..(group + 1) * GROUP_ROWS * k];
            let scales = &self.scales[group * GROUP_ROWS * blocks..(group + 1) * GROUP_ROWS * blocks];
            let mut bias_rows = [0f32; GROUP_ROWS];
            bias_rows[..count].copy_from_slice(&bias[first..first + count]);

            let mut result = [0f32; GROUP_ROWS];
            for t in 0..m {
                let a = &x.values[t * k..(t + 1) * k];
                let da = &x.scales[t * blocks..(t + 1) * blocks];
                let sa = &x.sums[t * blocks..(t + 1) * blocks];
                dot_group(weights, scales, k, a, da, sa, &mut result);
                for (value, b) in result.iter_mut().zip(&bias_rows) {
                    *value += b;
                }

                // SAFETY: `t * n + first + count <= m * n`, the buffer's
                // length, and this task is the only writer of these columns.
                unsafe { shared.write(t * n + first, &result[..count]) };
            }
        });

        // The activation runs over whole rows after the products, because
        // over 8 values at a time inside the kernel it did not vectorize.
        if activation != Activation::Identity {
            out.par_chunks_mut(n).with_min_len(16).for_each(|row| activation.apply(row));
        }
        Ok(())
    }
}

/// Dot products of the 8 expanded rows of one group with one quantized token.
fn dot_group(weights: &[u8], scales: &[f32], k: usize, a: &[i8], da: &[f32], sa: &[i32], out: &mut [f32; GROUP_ROWS]) {
    debug_assert!(weights.len() == GROUP_ROWS * k && a.len() == k && scales.len() == GROUP_ROWS * (k / BLOCK));
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
    {
        // SAFETY: the cfg guarantees AVX2 and FMA; the slice lengths checked
        // above keep every 32-byte load inside `weights`, `scales` and `a`.
        unsafe { avx2::dot_group(weights, scales, k, a, da, sa, out) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma")))]
    {
        *out = [0f32; GROUP_ROWS];
        for b in 0..k / BLOCK {
            let x = &a[b * BLOCK..(b + 1) * BLOCK];
            for (r, value) in out.iter_mut().enumerate() {
                let slot = b * GROUP_ROWS + r;
                let w = &weights[slot * BLOCK..(slot + 1) * BLOCK];
                let dot: i32 = w.iter().zip(x).map(|(&w, &x)| w as i32 * x as i32).sum();
                *value += scales[slot] * da[b] * (dot - 8 * sa[b]) as f32;
            }
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{BLOCK, GROUP_ROWS};

    /// Sums each of 8 vectors and returns the 8 sums in one vector, in order.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn transpose_sum(v: &[__m256; GROUP_ROWS]) -> __m256 {
        let h01 = _mm256_hadd_ps(v[0], v[1]);
        let h23 = _mm256_hadd_ps(v[2], v[3]);
        let h45 = _mm256_hadd_ps(v[4], v[5]);
        let h67 = _mm256_hadd_ps(v[6], v[7]);
        // Lanes: rows 0..3 of the low halves, then rows 0..3 of the high halves.
        let h0123 = _mm256_hadd_ps(h01, h23);
        let h4567 = _mm256_hadd_ps(h45, h67);
        let low = _mm256_permute2f128_ps(h0123, h4567, 0x20);
        let high = _mm256_permute2f128_ps(h0123, h4567, 0x31);
        _mm256_add_ps(low, high)
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn dot_group(
        weights: &[u8],
        scales: &[f32],
        k: usize,
        a: &[i8],
        da: &[f32],
        sa: &[i32],
        out: &mut [f32; GROUP_ROWS],
    ) {
        let blocks = k / BLOCK;
        // SAFETY: see the caller; each load reads 32 bytes of block `b`.
        unsafe {
            let ones = _mm256_set1_epi16(1);
            let mut acc = [_mm256_setzero_ps(); GROUP_ROWS];
            let mut correction = _mm256_setzero_ps();
            let w_ptr = weights.as_ptr();
            let mut combined = [0f32; GROUP_ROWS];
            for b in 0..blocks {
                let x = _mm256_loadu_si256(a.as_ptr().add(b * BLOCK) as *const __m256i);
                let d_a = _mm256_set1_ps(*da.get_unchecked(b));
                let s_a = _mm256_set1_ps(*sa.get_unchecked(b) as f32);
                // Scales of the 8 rows for this block, times the activation scale.
                let scale = _mm256_mul_ps(_mm256_loadu_ps(scales.as_ptr().add(b * GROUP_ROWS)), d_a);
                correction = _mm256_fmadd_ps(scale, s_a, correction);
                _mm256_storeu_ps(combined.as_mut_ptr(), scale);
                let block = w_ptr.add(b * GROUP_ROWS * BLOCK);
                for (r, sum) in acc.iter_mut().enumerate() {
                    let w = _mm256_loadu_si256(block.add(r * BLOCK) as *const __m256i);
                    let products = _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones);
                    let row_scale = _mm256_broadcast_ss(&combined[r]);
                    *sum = _mm256_fmadd_ps(_mm256_cvtepi32_ps(products), row_scale, *sum);
                }
            }
            let totals = _mm256_fnmadd_ps(_mm256_set1_ps(8.0), correction, transpose_sum(&acc));
            _mm256_storeu_ps(out.as_mut_ptr(), totals);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_to_i8_rounds_half_to_even() {
        let cases = [(0.0, 0), (0.5, 0), (1.5, 2), (2.5, 2), (-0.5, 0), (-1.5, -2), (126.6, 127), (-127.4, -127)];
        for (value, expected) in cases {
            assert_eq!(round_to_i8(value), expected, "round_to_i8({value})");
        }
    }

    #[test]
    fn round_to_i8_saturates() {
        assert_eq!(round_to_i8(300.0), 127, "round_to_i8(300)");
        assert_eq!(round_to_i8(-300.0), -128, "round_to_i8(-300)");
    }
}
