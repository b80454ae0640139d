//! Sanity checks of the paired randomization test.

use gip_eval::{DEFAULT_PERMUTATIONS, DEFAULT_SEED, randomization_test};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn identical_scores_give_p_one() {
    let scores = [0.1, 0.5, 0.9, 0.0, 1.0, 0.33];
    let p = randomization_test(&scores, &scores, DEFAULT_PERMUTATIONS, DEFAULT_SEED).unwrap();
    assert_eq!(p, 1.0);
}

#[test]
fn very_different_scores_give_small_p() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let weak: Vec<f64> = (0..50).map(|_| rng.random_range(0.0..0.3)).collect();
    let strong: Vec<f64> = weak
        .iter()
        .map(|s| s + rng.random_range(0.2..0.6))
        .collect();

    let p = randomization_test(&strong, &weak, DEFAULT_PERMUTATIONS, DEFAULT_SEED).unwrap();
    assert!(p < 0.01, "p = {p}");

    let reversed = randomization_test(&weak, &strong, DEFAULT_PERMUTATIONS, DEFAULT_SEED).unwrap();
    assert_eq!(p, reversed, "the test is two-sided");
}

#[test]
fn noise_gives_large_p() {
    // Differences of random sign and equal size carry no signal.
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let a: Vec<f64> = (0..60).map(|_| rng.random_range(0.0..1.0)).collect();
    let b: Vec<f64> = a
        .iter()
        .enumerate()
        .map(|(i, s)| if i % 2 == 0 { s + 0.1 } else { s - 0.1 })
        .collect();

    let p = randomization_test(&a, &b, DEFAULT_PERMUTATIONS, DEFAULT_SEED).unwrap();
    assert!(p > 0.5, "p = {p}");
}

#[test]
fn fixed_seed_repeats_p_value() {
    let a = [0.2, 0.4, 0.6, 0.1, 0.9, 0.3, 0.5];
    let b = [0.1, 0.5, 0.4, 0.1, 0.7, 0.35, 0.2];
    let first = randomization_test(&a, &b, 2_000, 42).unwrap();
    let second = randomization_test(&a, &b, 2_000, 42).unwrap();
    assert_eq!(first, second);
    assert!(first > 0.0, "p = {first}");
    assert!(first <= 1.0, "p = {first}");
}

#[test]
fn invalid_inputs_are_rejected() {
    assert!(
        randomization_test(&[0.1], &[0.1, 0.2], 100, 1).is_err(),
        "length mismatch"
    );
    assert!(randomization_test(&[], &[], 100, 1).is_err(), "no pairs");
    assert!(
        randomization_test(&[0.1], &[0.2], 0, 1).is_err(),
        "no permutations"
    );
    assert!(
        randomization_test(&[f64::NAN], &[0.2], 100, 1).is_err(),
        "NaN score"
    );
}
