//! One thread budget for inference.
//!
//! candle runs its CPU kernels (quantized matmul, gemm, softmax) on rayon's
//! global pool and sizes gemm from `RAYON_NUM_THREADS`; setting both once,
//! before any model work, keeps the process at `n` compute threads instead
//! of one pool per library.

/// Fixes the inference thread count. Call once at start-up, before any
/// other thread is spawned; later calls keep the first setting.
pub fn configure(threads: Option<usize>) -> usize {
    let n = threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        // SAFETY: called at start-up before other threads exist, so no
        // thread reads the environment concurrently.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", n.to_string()) };
    }
    let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    rayon::current_num_threads()
}
