//! Throughput of `Analyzer::analyze` and `Bm25::document` on Arabic, English
//! and mixed project descriptions.
//!
//! Run with `cargo bench -p gip-analysis`. It prints MB/s and tokens/s per text
//! kind; the numbers depend on the CPU and are meant for comparing changes on
//! one machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use gip_analysis::{Analyzer, Bm25, Lang};

const ARABIC: &str = "يهدف مشروع توسعة مصنع الأسمدة النيتروجينية في مدينة الجبيل الصناعية إلى رفع الطاقة \
    الإنتاجية إلى ١٫٥ مليون طن سنوياً بحلول عام ٢٠٢٥، ويشمل إنشاءَ خطَّيْ إنتاج جديدين ومحطةِ معالجة مياه.";
const ENGLISH: &str = "The expansion of the nitrogen fertilizer plant in Jubail Industrial City raises \
    production capacity to 1.5 million tonnes per year by 2025, adding two production lines and a water \
    treatment station certified to ISO-9001.";
const MIXED: &str = "شركة سابك SABIC تعلن عن مصفاة جديدة بطاقة 400 ألف برميل يومياً (400,000 bpd) \
    في منطقة رأس الخير Ras Al Khair ضمن رؤية ٢٠٣٠.";

fn measure(name: &str, text: &str, analyzer: &Analyzer) {
    let corpus = text.repeat(200);
    let budget = Duration::from_secs(2);

    let started = Instant::now();
    let mut runs = 0u32;
    let mut tokens = 0usize;
    while started.elapsed() < budget {
        tokens += black_box(analyzer.analyze(black_box(&corpus), Lang::Auto)).len();
        runs += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = corpus.len() as f64 * f64::from(runs) / 1e6;
    println!(
        "analyze {name:8} {:7.1} MB/s {:10.0} tokens/s",
        megabytes / seconds,
        tokens as f64 / seconds
    );

    let analyzed = analyzer.analyze(&corpus, Lang::Auto);
    let bm25 = Bm25::default();
    let started = Instant::now();
    let mut runs = 0u32;
    while started.elapsed() < budget {
        black_box(bm25.document(&[(black_box(&analyzed), 1.0)], 1000.0));
        runs += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "bm25    {name:8} {:10.0} tokens/s",
        analyzed.len() as f64 * f64::from(runs) / seconds
    );
}

fn main() {
    let analyzer = Analyzer::default();
    measure("arabic", ARABIC, &analyzer);
    measure("english", ENGLISH, &analyzer);
    measure("mixed", MIXED, &analyzer);
}
