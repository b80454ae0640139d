//! Prometheus metrics in the text exposition format.
//!
//! Written by hand because the service needs only three families (request
//! counts, request latency and embedding time histograms) and the
//! text format is a few lines; a metrics crate plus exporter would add more
//! code than it saves.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bucket, bound) in self.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (count, bound) in self.counts.iter().zip(BUCKETS) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
    embedding: Histogram,
}

/// Process-wide request metrics.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    /// Records one finished request; `mode` is empty for routes without one.
    pub fn record_request(&self, route: &str, status: u16, mode: &str, seconds: f64) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner.requests.entry((route.to_string(), status)).or_default() += 1;
        inner.latency.entry((route.to_string(), mode.to_string())).or_default().observe(seconds);
    }

    pub fn record_embedding(&self, seconds: f64) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).embedding.observe(seconds);
    }

    /// Renders all metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP gip_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE gip_http_requests_total counter\n");
        for ((route, status), count) in &inner.requests {
            let _ = writeln!(out, "gip_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}");
        }
        out.push_str("# HELP gip_http_request_duration_seconds Request latency by route and search mode.\n");
        out.push_str("# TYPE gip_http_request_duration_seconds histogram\n");
        for ((route, mode), histogram) in &inner.latency {
            histogram.write(&mut out, "gip_http_request_duration_seconds", &format!("route=\"{route}\",mode=\"{mode}\""));
        }
        out.push_str("# HELP gip_query_embedding_seconds Time to embed one search question.\n");
        out.push_str("# TYPE gip_query_embedding_seconds histogram\n");
        inner.embedding.write(&mut out, "gip_query_embedding_seconds", "");
        out
    }
}
