//! Element-wise `exp` and GELU over f32 slices.
//!
//! Written here because std's `f32::exp` and libm's `erff` are scalar
//! library calls that the compiler cannot vectorize. The encoder calls them
//! once per attention score and once per FFN activation, about 50 million
//! times for a batch of 32 passages. These versions use only arithmetic,
//! `floor` and bit casts, so loops over slices compile to SIMD.

/// Largest input whose `exp` is a normal f32 (`2^127` after rounding).
const EXP_MAX: f32 = 88.0;
/// Smallest input whose `exp` is a normal f32 (about `1.6e-38`).
const EXP_MIN: f32 = -87.0;

/// `e^x`, with a relative error below 3e-7 on `[EXP_MIN, EXP_MAX]`. Inputs
/// outside that range are clamped to it, so `exp(-1000)` is about 1.6e-38
/// rather than 0 and `exp(1000)` is about 1.7e38 rather than infinity.
///
/// Method: `x = n·ln 2 + r` with `|r| ≤ ln 2 / 2`, a degree-6 polynomial
/// for `e^r` (the minimax coefficients of the Cephes `expf`), and `2^n`
/// built from the exponent bits.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split into a part exact in f32 and the remainder.
    const LN2_HIGH: f32 = 0.693_359_4;
    const LN2_LOW: f32 = -2.121_944_4e-4;

    let x = x.clamp(EXP_MIN, EXP_MAX);
    let n = (x * LOG2_E + 0.5).floor();
    let r = x - n * LN2_HIGH - n * LN2_LOW;
    let p = 1.987_569_1e-4;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 5.000_000_1e-1;
    let e_r = p * r * r + r + 1.0;
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    e_r * scale
}

/// `erf(x)` with an absolute error below 5e-7: the formula's own bound is
/// 1.5e-7 (Abramowitz and Stegun, Handbook of Mathematical Functions,
/// formula 7.1.26), and f32 rounding adds the rest.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let ax = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * ax);
    let poly = t * (0.254_829_6 + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let value = 1.0 - poly * exp(-ax * ax);
    value.copysign(x)
}

/// Replaces each value `x` by BERT's `gelu(x) = x · (1 + erf(x / √2)) / 2`.
pub fn gelu_in_place(values: &mut [f32]) {
    for v in values.iter_mut() {
        let x = *v;
        *v = 0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// Replaces `scores` by their softmax. An empty slice stays empty.
pub fn softmax_in_place(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    // Separate loops, so the `exp` loop has no running sum and compiles to SIMD.
    for s in scores.iter_mut() {
        *s = exp(*s - max);
    }
    let inverse = 1.0 / sum_lanes(scores);
    for s in scores.iter_mut() {
        *s *= inverse;
    }
}

/// Sum with 8 partial sums, so the loop compiles to SIMD.
pub fn sum_lanes(values: &[f32]) -> f32 {
    let mut partial = [0f32; 8];
    let chunks = values.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for lane in 0..8 {
            partial[lane] += chunk[lane];
        }
    }
    partial.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_std() {
        let mut x = -87.0f32;
        while x < 88.0 {
            let expected = f64::from(x).exp();
            let relative = ((f64::from(exp(x)) - expected) / expected).abs();
            assert!(relative < 3e-7, "exp({x}) = {} against {expected}, relative error {relative:e}", exp(x));
            x += 0.173;
        }
        assert_eq!(exp(0.0), 1.0, "exp(0)");
    }

    #[test]
    fn exp_clamps_out_of_range() {
        assert!(exp(-1000.0) > 0.0, "exp(-1000) = {}", exp(-1000.0));
        assert!(exp(-1000.0) < 1e-37, "exp(-1000) = {}", exp(-1000.0));
        assert!(exp(1000.0).is_finite(), "exp(1000) = {}", exp(1000.0));
    }

    #[test]
    fn erf_matches_reference_values() {
        // erf at 0.5, 1, 2 and 3 to 10 digits (Abramowitz and Stegun, table 7.1).
        let table = [(0.5, 0.520_499_877_8), (1.0, 0.842_700_792_9), (2.0, 0.995_322_265_0), (3.0, 0.999_977_909_5)];
        for (x, expected) in table {
            assert!((f64::from(erf(x)) - expected).abs() < 5e-7, "erf({x}) = {}", erf(x));
            assert!((f64::from(erf(-x)) + expected).abs() < 5e-7, "erf(-{x}) = {}", erf(-x));
        }
        assert!(erf(0.0).abs() < 5e-7, "erf(0) = {}", erf(0.0));
    }

    #[test]
    fn softmax_sums_to_one() {
        let mut scores = vec![1.0, 2.0, 3.0, -1e9];
        softmax_in_place(&mut scores);
        let sum: f32 = scores.iter().sum();
        assert!((sum - 1.0).abs() < 1e-6, "softmax sums to {sum}");
        assert!(scores[2] > scores[1], "softmax keeps order: {scores:?}");
        assert!(scores[1] > scores[0], "softmax keeps order: {scores:?}");
        assert!(scores[3] < 1e-30, "a masked score gets weight {}", scores[3]);
    }
}
