//! How a record becomes the text that is embedded, the fields that are
//! keyword-indexed, and the payload stored beside the vectors.

use gip_analysis::{Analyzer, Lang, Token};
use gip_records::{Localized, Record};
use serde_json::{Value, json};

/// Keyword field weights (BM25 term frequencies are multiplied by them).
///
/// The name and the owner weigh most, then products and places, then the
/// sector title, then the free description. Chosen on the domain set in
/// keyword mode: these weights gave nDCG@10 0.633, against 0.622 for equal
/// weights, 0.632 for a heavier name, 0.630 for a heavier description and
/// 0.604 without the sector title (`gip eval run --mode keyword --field-weights`).
pub const FIELD_WEIGHTS: FieldWeights = FieldWeights {
    name: 3.0,
    products: 2.0,
    owner: 2.0,
    place: 1.5,
    sector: 1.2,
    description: 1.0,
};

/// BM25 term-frequency multipliers per record field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldWeights {
    pub name: f32,
    pub products: f32,
    pub owner: f32,
    pub place: f32,
    pub sector: f32,
    pub description: f32,
}

impl Default for FieldWeights {
    fn default() -> Self {
        FIELD_WEIGHTS
    }
}

impl std::str::FromStr for FieldWeights {
    type Err = String;

    /// Parses six comma-separated weights in the order name, products,
    /// owner, place, sector, description, e.g. `3,2,2,1.5,1.2,1`.
    fn from_str(text: &str) -> Result<Self, String> {
        let values: Vec<f32> = text
            .split(',')
            .map(|v| v.trim().parse::<f32>().map_err(|_| format!("field weight {v:?} is not a number")))
            .collect::<Result<_, _>>()?;
        match values[..] {
            [name, products, owner, place, sector, description] if values.iter().all(|w| w.is_finite() && *w >= 0.0) => {
                Ok(Self { name, products, owner, place, sector, description })
            }
            _ => Err(format!(
                "field weights {text:?} must be six numbers of 0 or more: name,products,owner,place,sector,description"
            )),
        }
    }
}

fn both(text: &Option<Localized>) -> String {
    text.as_ref().map(localized_text).unwrap_or_default()
}

/// Arabic and English of a localized text, joined.
pub fn localized_text(text: &Localized) -> String {
    [text.ar.as_deref(), text.en.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" | ")
}

fn products_text(record: &Record) -> String {
    record
        .products
        .iter()
        .map(|p| {
            let mut s = localized_text(&p.name);
            if let Some(hs) = &p.hs {
                s.push_str(&format!(" (HS {hs})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn places_text(record: &Record) -> String {
    [both(&record.city), both(&record.zone)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" | ")
}

fn sector_text(record: &Record) -> String {
    gip_understanding::isic::division_of(&record.isic_division())
        .map(|d| format!("{} | {}", d.ar, d.en))
        .unwrap_or_default()
}

/// The passage embedded for a record: one vector over both languages.
///
/// NOTE: one vector per record (both languages together) rather than one per
/// language; e5 is multilingual, so one vector serves Arabic and English
/// questions alike. Per-language vectors have not been measured against it.
pub fn passage_text(record: &Record) -> String {
    let mut parts = vec![localized_text(&record.name)];
    let description = both(&record.description);
    if !description.is_empty() {
        parts.push(description);
    }
    let products = products_text(record);
    if !products.is_empty() {
        parts.push(products);
    }
    let places = places_text(record);
    if !places.is_empty() {
        parts.push(places);
    }
    let owner = both(&record.owner);
    if !owner.is_empty() {
        parts.push(owner);
    }
    parts.push(sector_text(record));
    parts.retain(|p| !p.is_empty());
    parts.join(". ")
}

/// Analysed keyword fields of a record with their weights.
pub struct KeywordFields {
    pub fields: Vec<(Vec<Token>, f32)>,
}

impl KeywordFields {
    pub fn analyse(record: &Record, analyzer: &Analyzer, weights: &FieldWeights) -> Self {
        let w = *weights;
        let texts = [
            (localized_text(&record.name), w.name),
            (products_text(record), w.products),
            (both(&record.owner), w.owner),
            (places_text(record), w.place),
            (sector_text(record), w.sector),
            (both(&record.description), w.description),
        ];
        let fields = texts
            .into_iter()
            .map(|(text, weight)| (analyzer.analyze(&text, Lang::Auto), weight))
            .collect();
        Self { fields }
    }

    pub fn as_refs(&self) -> Vec<(&[Token], f32)> {
        self.fields.iter().map(|(t, w)| (t.as_slice(), *w)).collect()
    }

    pub fn weighted_length(&self) -> f32 {
        gip_analysis::Bm25::weighted_length(&self.as_refs())
    }
}

/// Payload keys the store indexes and filters on.
pub mod keys {
    pub const ID: &str = "id";
    pub const COUNTRY: &str = "country";
    pub const STATUS: &str = "status";
    pub const ISIC_DIVISION: &str = "isic_division";
    /// Every prefix of the ISIC code (division, group, class), for prefix filters.
    pub const ISIC_LEVELS: &str = "isic_levels";
    pub const START_YEAR: &str = "start_year";
    pub const COMPLETION_YEAR: &str = "completion_year";
    pub const INVESTMENT_USD: &str = "investment_usd";
    pub const VISIBILITY: &str = "visibility";
    pub const CONTENT_HASH: &str = "content_hash";
    /// Weighted keyword length, for the corpus average BM25 needs.
    pub const KEYWORD_LENGTH: &str = "keyword_length";
}

/// The stored payload: the record (as `record`), and top-level copies of the
/// fields that filters, facets and bookkeeping use.
pub fn payload(record: &Record, keyword_length: f32) -> Value {
    let isic = record.sector.isic.clone();
    let levels: Vec<String> = (2..=isic.len()).map(|n| isic[..n].to_string()).collect();
    let mut full = record.to_payload();
    if let Some(obj) = full.as_object_mut() {
        obj.remove("investment_usd");
        obj.remove("isic_division");
    }
    json!({
        keys::ID: record.id,
        keys::COUNTRY: record.country.code(),
        keys::STATUS: record.status.as_str(),
        keys::ISIC_DIVISION: record.isic_division(),
        keys::ISIC_LEVELS: levels,
        keys::START_YEAR: record.start_year,
        keys::COMPLETION_YEAR: record.completion_year,
        keys::INVESTMENT_USD: record.investment_usd(),
        keys::VISIBILITY: record.visibility.as_str(),
        keys::CONTENT_HASH: record.content_hash(),
        keys::KEYWORD_LENGTH: keyword_length,
        "record": full,
    })
}

/// Something the pipeline can store: a project record, or an evaluation
/// document that is not a project.
pub trait Indexable {
    fn id(&self) -> &str;
    /// Changes whenever anything stored for the item changes.
    fn content_hash(&self) -> String;
    /// The text embedded as the item's passage.
    fn passage_text(&self) -> String;
    fn keyword_fields(&self, analyzer: &Analyzer, weights: &FieldWeights) -> KeywordFields;
    fn payload(&self, keyword_length: f32) -> Value;
}

impl Indexable for Record {
    fn id(&self) -> &str {
        &self.id
    }

    fn content_hash(&self) -> String {
        Record::content_hash(self)
    }

    fn passage_text(&self) -> String {
        passage_text(self)
    }

    fn keyword_fields(&self, analyzer: &Analyzer, weights: &FieldWeights) -> KeywordFields {
        KeywordFields::analyse(self, analyzer, weights)
    }

    fn payload(&self, keyword_length: f32) -> Value {
        payload(self, keyword_length)
    }
}
