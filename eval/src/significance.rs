//! Paired randomization test for comparing two systems on the same queries.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{EvalError, Result};

/// Permutations the report uses for every test.
pub const DEFAULT_PERMUTATIONS: usize = 10_000;

/// Seed the report uses, so the same runs always give the same p-values.
pub const DEFAULT_SEED: u64 = 0x6769_705f_6576_616c;

/// The outcome of one paired randomization test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedTest {
    /// First system (mode).
    pub mode_a: String,
    /// Second system (mode).
    pub mode_b: String,
    /// Metric the per-query scores come from, a name in [`crate::METRIC_NAMES`].
    pub metric: String,
    /// Number of paired queries.
    pub queries: usize,
    /// Mean of the metric for `mode_a`.
    pub mean_a: f64,
    /// Mean of the metric for `mode_b`.
    pub mean_b: f64,
    /// Two-sided p-value for "the two systems score the same".
    pub p_value: f64,
    /// Random permutations drawn.
    pub permutations: usize,
    /// Seed of the ChaCha8 generator that drew them.
    pub seed: u64,
}

/// Returns the two-sided p-value of a paired randomization test on per-query
/// scores `a` and `b` (same queries, same order).
///
/// Under the null hypothesis the two labels of each pair are exchangeable, so
/// each permutation swaps every pair with probability 1/2, which flips the
/// sign of its difference. The p-value is the share of permutations whose
/// absolute mean difference is at least the observed one, counting the
/// observed assignment itself: (hits + 1) / (permutations + 1). It is never
/// 0, and equals 1 when the scores are identical.
///
/// Fails when the lengths differ, when there are no pairs, when
/// `permutations` is 0, or when a score is not finite.
pub fn randomization_test(a: &[f64], b: &[f64], permutations: usize, seed: u64) -> Result<f64> {
    if a.len() != b.len() {
        return Err(EvalError::InvalidArgument(format!(
            "paired scores need equal lengths, got {} and {}",
            a.len(),
            b.len()
        )));
    }
    if a.is_empty() {
        return Err(EvalError::InvalidArgument(
            "a randomization test needs at least one paired query".into(),
        ));
    }
    if permutations == 0 {
        return Err(EvalError::InvalidArgument(
            "permutations must be at least 1; 10000 is usual".into(),
        ));
    }
    if let Some(bad) = a.iter().chain(b).find(|v| !v.is_finite()) {
        return Err(EvalError::InvalidArgument(format!(
            "score {bad} is not finite; per-query scores must be real numbers"
        )));
    }

    let differences: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let n = differences.len() as f64;
    let observed = (differences.iter().sum::<f64>() / n).abs();

    // Sums of the same terms in another order can differ in the last bits;
    // without this slack an identical permutation could miss the comparison.
    let threshold = observed - 1e-12;

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut hits = 0usize;
    for _ in 0..permutations {
        let mut sum = 0.0;
        for &difference in &differences {
            if rng.random::<bool>() {
                sum += difference;
            } else {
                sum -= difference;
            }
        }
        if (sum / n).abs() >= threshold {
            hits += 1;
        }
    }

    Ok((hits + 1) as f64 / (permutations + 1) as f64)
}
