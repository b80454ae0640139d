//! Times passage batches and single queries with the models crate alone,
//! the same way as `gip model bench`, without building the whole binary.
//!
//! Usage: `embed_bench MODEL_DIR PASSAGES_FILE [BATCH] [REPEAT]`. Prints one
//! JSON line with the median batch time and the median query latency. With
//! `GIP_BENCH_SPANS=1` it also prints, per tracing span name of the models
//! crate, the wall time spent inside it on the calling thread, summed over
//! all runs (nested spans count in both).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A tracing subscriber that sums the time spent inside each span name.
#[derive(Default)]
struct SpanTimes {
    next_id: AtomicU64,
    names: Mutex<HashMap<u64, String>>,
    open: Mutex<HashMap<(std::thread::ThreadId, u64), Instant>>,
    totals: Mutex<HashMap<String, (Duration, u64)>>,
}

impl tracing::Subscriber for SpanTimes {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut name = span.metadata().name().to_string();
        if name == "q4_matmul" || name == "f32_matmul" {
            // Tell the four products of a layer apart by their output width.
            struct Outputs<'a>(&'a mut String);
            impl tracing::field::Visit for Outputs<'_> {
                fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
                    if field.name() == "outputs" {
                        self.0.push_str(&format!(" ({value} outputs)"));
                    }
                }
                fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
            }
            span.record(&mut Outputs(&mut name));
        }
        self.names.lock().unwrap().insert(id, name);
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {}

    fn enter(&self, span: &tracing::span::Id) {
        let key = (std::thread::current().id(), span.into_u64());
        self.open.lock().unwrap().insert(key, Instant::now());
    }

    fn exit(&self, span: &tracing::span::Id) {
        let key = (std::thread::current().id(), span.into_u64());
        let Some(start) = self.open.lock().unwrap().remove(&key) else { return };
        let name = self.names.lock().unwrap().get(&span.into_u64()).cloned().unwrap_or_default();
        let mut totals = self.totals.lock().unwrap();
        let entry = totals.entry(name).or_default();
        entry.0 += start.elapsed();
        entry.1 += 1;
    }
}

use gip_models::{Embedder, TextEmbedder, TextKind};

/// The subscriber as installed: a shared reference to the leaked totals.
struct Spans(&'static SpanTimes);

impl tracing::Subscriber for Spans {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        self.0.enabled(metadata)
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        self.0.new_span(span)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        self.0.record(span, values)
    }
    fn record_follows_from(&self, span: &tracing::span::Id, follows: &tracing::span::Id) {
        self.0.record_follows_from(span, follows)
    }
    fn event(&self, event: &tracing::Event<'_>) {
        self.0.event(event)
    }
    fn enter(&self, span: &tracing::span::Id) {
        self.0.enter(span)
    }
    fn exit(&self, span: &tracing::span::Id) {
        self.0.exit(span)
    }
}

fn median_seconds(repeat: usize, mut run: impl FnMut()) -> f64 {
    run();
    let mut times: Vec<f64> = (0..repeat.max(1))
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: embed_bench MODEL_DIR PASSAGES_FILE [BATCH] [REPEAT]".into());
    }
    let batch: usize = args.get(3).map_or(Ok(32), |v| v.parse())?;
    let repeat: usize = args.get(4).map_or(Ok(5), |v| v.parse())?;
    let threads = gip_models::threads::configure(None);
    let spans: &'static SpanTimes = Box::leak(Box::default());
    if std::env::var("GIP_BENCH_SPANS").as_deref() == Ok("1") {
        tracing::subscriber::set_global_default(Spans(spans))?;
    }

    let text = std::fs::read_to_string(&args[2])?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(batch).collect();
    if lines.len() != batch {
        return Err(format!("{} contains {} passages; batch {batch} needs that many", args[2], lines.len()).into());
    }
    let embedder = Embedder::load_dir(std::path::Path::new(&args[1]))?;

    let batch_seconds = median_seconds(repeat, || {
        embedder.embed(&lines, TextKind::Passage).expect("passages embed");
    });
    let query = lines[0].split_whitespace().take(8).collect::<Vec<_>>().join(" ");
    let query_seconds = median_seconds(repeat * 4, || {
        embedder.embed(&[query.as_str()], TextKind::Query).expect("query embeds");
    });
    let mut totals: Vec<(String, (Duration, u64))> = spans.totals.lock().unwrap().drain().collect();
    totals.sort_by(|a, b| b.1.0.cmp(&a.1.0));
    for (name, (time, count)) in totals {
        eprintln!("{:>9.3} s {count:>8} x  {name}", time.as_secs_f64());
    }
    println!(
        "{}",
        serde_json::json!({
            "engine": "gip (candle)",
            "threads": threads,
            "batch": batch,
            "batch_seconds": batch_seconds,
            "query_ms": query_seconds * 1000.0,
        })
    );
    Ok(())
}
