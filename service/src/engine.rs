//! The search itself, shared by the HTTP service and the evaluation
//! harness: question understanding, query embedding, retrieval from the
//! store, ranks, highlights and facets.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use gip_analysis::{Analyzer, Bm25, Lang};
use gip_indexer::document::keys;
use gip_indexer::store::{FusionMethod, Hit, StoreQuery};
use gip_indexer::{SearchFilter, Store};
use gip_models::{TextEmbedder, TextKind};
use gip_understanding::Interpretation;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::highlight;

/// Retrieval mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Hybrid,
    Semantic,
    Keyword,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hybrid => "hybrid",
            Self::Semantic => "semantic",
            Self::Keyword => "keyword",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "hybrid" => Some(Self::Hybrid),
            "semantic" => Some(Self::Semantic),
            "keyword" => Some(Self::Keyword),
            _ => None,
        }
    }
}

/// A validated search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub q: String,
    pub mode: Mode,
    pub filter: SearchFilter,
    pub limit: usize,
    pub offset: usize,
    pub understand: bool,
}

/// Ranking settings.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub fusion: FusionMethod,
    /// Weights of the dense and keyword lists in RRF.
    pub rrf_weights: Option<(f32, f32)>,
    pub rrf_k: usize,
    /// Candidates each list contributes to fusion.
    pub prefetch_limit: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self { fusion: FusionMethod::Rrf, rrf_weights: None, rrf_k: 60, prefetch_limit: 100 }
    }
}

/// Rank (1-based) of a hit in each list, for "why it ranked".
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Ranks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dense: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<usize>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    pub id: String,
    /// Fusion score in hybrid mode, cosine similarity in semantic mode, BM25 in keyword mode.
    pub score: f32,
    /// The project record (schema v1) with its derived `investment_usd`.
    #[schema(value_type = Object)]
    pub record: Value,
    pub sector_label: Option<Label>,
    pub highlights: Vec<highlight::Highlight>,
    pub ranks: Ranks,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Label {
    pub ar: String,
    pub en: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Facets {
    pub country: Vec<FacetCount>,
    pub sector: Vec<FacetCount>,
    pub status: Vec<FacetCount>,
}

/// Time per stage, in milliseconds.
///
/// `dense_ms`, `sparse_ms`, `fusion_ms` and `count_ms` split `retrieve_ms`;
/// a stage the mode does not run stays 0. Each store query also reads the
/// payloads of the points it returns, so payload reads are inside those
/// figures. The JSON encoding of the response happens after these are set
/// and is reported in the `server-timing` header instead.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Timings {
    /// Question understanding and the merge of understood filters.
    pub understand_ms: f64,
    /// Keyword analysis of the question and its dense embedding (or the
    /// query cache lookup that replaces it).
    pub embed_ms: f64,
    pub retrieve_ms: f64,
    /// Dense nearest-neighbour query (hybrid: the dense list used for ranks).
    pub dense_ms: f64,
    /// Keyword (sparse) query (hybrid: the keyword list used for ranks).
    pub sparse_ms: f64,
    /// The fused dense and keyword query of hybrid mode.
    pub fusion_ms: f64,
    /// Count of the records that pass the filters.
    pub count_ms: f64,
    pub facets_ms: f64,
    /// Building the hits from payloads: record copies, highlights, labels.
    pub hits_ms: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResponse {
    /// Id of this request, also in the `x-request-id` header and the log.
    pub request_id: String,
    /// Time spent in the search stages, in milliseconds.
    pub took_ms: f64,
    pub mode: Mode,
    /// Records that pass the filters (keyword mode: that also match a query term).
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    /// Result of question understanding (`null` when it was off).
    #[schema(value_type = Option<Object>)]
    pub interpretation: Option<Interpretation>,
    /// The filters the search ran with: explicit ones, else understood ones.
    #[schema(value_type = Object)]
    pub applied_filters: Value,
    pub timings: Timings,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Index(#[from] gip_indexer::IndexError),
    #[error(transparent)]
    Model(#[from] gip_models::ModelError),
}

/// The search engine over one store.
pub struct SearchEngine {
    pub store: Arc<dyn Store>,
    pub embedder: Arc<dyn TextEmbedder>,
    pub analyzer: Analyzer,
    pub config: EngineConfig,
    /// Recent query vectors by query text: portals repeat popular questions,
    /// and hybrid plus semantic runs of one question embed it once.
    pub query_cache: QueryCache,
    /// Totals and facets of recent filters (see [`FilterCache`]).
    pub filter_cache: FilterCache,
}

/// Totals and facet counts of the records that pass a filter, by filter.
///
/// Semantic and hybrid searches count every record that passes the filters,
/// whatever the question, so most searches (no filter but the caller's
/// visibility) repeat the same counts, which cost tens of milliseconds at
/// 100,000 records. Writes through [`crate::ingest`] clear the cache.
/// Entries also expire after `ttl`, which bounds how stale counts get when
/// another process writes to a shared Qdrant server.
pub struct FilterCache {
    entries: Option<std::sync::Mutex<lru::LruCache<String, (Instant, FilterSummary)>>>,
    ttl: std::time::Duration,
}

#[derive(Clone, Default)]
struct FilterSummary {
    total: Option<usize>,
    facets: Option<Facets>,
}

impl FilterCache {
    /// Creates a cache of at most `capacity` filters whose entries live for
    /// `ttl`; a capacity of 0 turns it off.
    pub fn new(capacity: usize, ttl: std::time::Duration) -> Self {
        let entries = std::num::NonZeroUsize::new(capacity).map(|c| std::sync::Mutex::new(lru::LruCache::new(c)));
        Self { entries, ttl }
    }

    /// Drops every entry; called after each write.
    pub fn clear(&self) {
        if let Some(entries) = &self.entries {
            entries.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    fn key(filter: &SearchFilter) -> String {
        serde_json::to_string(filter).unwrap_or_default()
    }

    fn get(&self, filter: &SearchFilter) -> FilterSummary {
        let Some(entries) = &self.entries else {
            return FilterSummary::default();
        };
        let mut entries = entries.lock().unwrap_or_else(|e| e.into_inner());
        let key = Self::key(filter);
        match entries.get(&key) {
            Some((stored, summary)) if stored.elapsed() < self.ttl => summary.clone(),
            Some(_) => {
                entries.pop(&key);
                FilterSummary::default()
            }
            None => FilterSummary::default(),
        }
    }

    fn update(&self, filter: &SearchFilter, change: impl FnOnce(&mut FilterSummary)) {
        let Some(entries) = &self.entries else { return };
        let mut entries = entries.lock().unwrap_or_else(|e| e.into_inner());
        let key = Self::key(filter);
        let entry = entries.get_or_insert_mut(key, || (Instant::now(), FilterSummary::default()));
        change(&mut entry.1);
    }
}

impl Default for FilterCache {
    /// 256 filters for 10 seconds.
    fn default() -> Self {
        Self::new(256, std::time::Duration::from_secs(10))
    }
}

/// Bounded LRU cache of query embeddings.
pub struct QueryCache {
    entries: Option<std::sync::Mutex<lru::LruCache<String, Vec<f32>>>>,
}

impl QueryCache {
    /// Creates a cache of at most `capacity` questions (384 floats each); 0 turns it off.
    pub fn new(capacity: usize) -> Self {
        let entries = std::num::NonZeroUsize::new(capacity).map(|c| std::sync::Mutex::new(lru::LruCache::new(c)));
        Self { entries }
    }

    fn get(&self, text: &str) -> Option<Vec<f32>> {
        self.entries.as_ref()?.lock().unwrap_or_else(|e| e.into_inner()).get(text).cloned()
    }

    fn put(&self, text: &str, vector: Vec<f32>) {
        if let Some(entries) = &self.entries {
            entries.lock().unwrap_or_else(|e| e.into_inner()).put(text.to_string(), vector);
        }
    }
}

impl Default for QueryCache {
    fn default() -> Self {
        Self::new(1024)
    }
}

fn label(code: &str) -> Option<Label> {
    gip_understanding::isic::division_of(code).map(|d| Label { ar: d.ar.to_string(), en: d.en.to_string() })
}

fn merge_filters(explicit: &SearchFilter, interp: &Interpretation) -> SearchFilter {
    let f = &interp.filters;
    let mut merged = explicit.clone();
    if merged.countries.is_empty() {
        merged.countries = f.countries.clone();
    }
    if merged.isic.is_empty() {
        merged.isic = f.isic.clone();
    }
    if merged.statuses.is_empty() {
        merged.statuses = f.statuses.clone();
    }
    if merged.investment_usd_min.is_none() && merged.investment_usd_max.is_none() {
        merged.investment_usd_min = f.investment_usd_min;
        merged.investment_usd_max = f.investment_usd_max;
    }
    if merged.year_from.is_none() && merged.year_to.is_none() {
        merged.year_from = f.year_from;
        merged.year_to = f.year_to;
    }
    merged
}

fn filter_json(filter: &SearchFilter) -> Value {
    json!({
        "countries": filter.countries,
        "isic": filter.isic,
        "statuses": filter.statuses,
        "investment_usd_min": filter.investment_usd_min,
        "investment_usd_max": filter.investment_usd_max,
        "year_from": filter.year_from,
        "year_to": filter.year_to,
    })
}

impl SearchEngine {
    /// Runs one search. `access` restricts what may be read and is ANDed
    /// with the request's filters on every read (hits, facets, totals).
    pub fn search(&self, request: &SearchRequest, access: &SearchFilter) -> Result<SearchResponse, EngineError> {
        let _span = tracing::info_span!("search", mode = request.mode.as_str()).entered();
        let mut timings = Timings::default();

        // 1. Question understanding.
        let started = Instant::now();
        let interpretation = request.understand.then(|| gip_understanding::parse(&request.q));
        let mut filter = match &interpretation {
            Some(interp) => merge_filters(&request.filter, interp),
            None => request.filter.clone(),
        };
        filter.visibility = access.visibility.clone();
        filter.national_countries = access.national_countries.clone();
        let (dense_text, keyword_text) = match &interpretation {
            Some(interp) => {
                // Places stay in the search text (dense and keyword) instead of
                // becoming filters: record city names are free text in one or
                // both languages, so a hard filter would miss spellings.
                let places: Vec<&str> = interp
                    .spans
                    .iter()
                    .filter(|s| s.kind == "city" || s.kind == "zone")
                    .map(|s| s.text.as_str())
                    .collect();
                let remaining = interp.text.trim();
                let with_places = [remaining].into_iter().chain(places).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
                let dense = if with_places.is_empty() { request.q.clone() } else { with_places.clone() };
                (dense, with_places)
            }
            None => (request.q.clone(), request.q.clone()),
        };
        timings.understand_ms = ms(started);

        // 2. Query vectors.
        let started = Instant::now();
        let terms = self.analyzer.analyze(&keyword_text, Lang::Auto);
        let sparse = Bm25::default().query(&terms);
        let dense = match request.mode {
            Mode::Keyword => None,
            _ => Some(self.embed_query(&dense_text)?),
        };
        timings.embed_ms = ms(started);

        // 3. Retrieval and the ranks of each list.
        let started = Instant::now();
        let window = request.offset + request.limit;
        let prefetch = self.config.prefetch_limit.max(window);
        let mut keyword_matches: Option<Vec<Hit>> = None;
        let (hits, ranks, total) = match (request.mode, dense) {
            (Mode::Keyword, _) | (Mode::Hybrid, None) | (Mode::Semantic, None) => {
                if sparse.is_empty() {
                    keyword_matches = Some(Vec::new());
                    (vec![], HashMap::new(), 0)
                } else {
                    let all = timed(&mut timings.sparse_ms, || {
                        self.store.query(&StoreQuery::Sparse(sparse), &filter, 1000.max(window), 0)
                    })?;
                    let all = sort_hits(all);
                    let total = all.len();
                    let ranks = rank_map(&all, RankKind::Keyword);
                    keyword_matches = Some(all.clone());
                    (page(all, request.offset, request.limit), ranks, total)
                }
            }
            (Mode::Semantic, Some(dense)) => {
                let all = timed(&mut timings.dense_ms, || {
                    self.store.query(&StoreQuery::Dense(dense), &filter, window + TIE_MARGIN, 0)
                })?;
                let all = sort_hits(all);
                let ranks = rank_map(&all, RankKind::Dense);
                let total = timed(&mut timings.count_ms, || self.total(&filter))?;
                (page(all, request.offset, request.limit), ranks, total)
            }
            (Mode::Hybrid, Some(dense)) => {
                let dense_list = timed(&mut timings.dense_ms, || {
                    self.store.query(&StoreQuery::Dense(dense.clone()), &filter, prefetch, 0)
                })?;
                let mut ranks = rank_map(&dense_list, RankKind::Dense);
                let hits = if sparse.is_empty() {
                    page(dense_list, request.offset, request.limit)
                } else {
                    let keyword_list = timed(&mut timings.sparse_ms, || {
                        self.store.query(&StoreQuery::Sparse(sparse.clone()), &filter, prefetch, 0)
                    })?;
                    for (id, r) in rank_map(&keyword_list, RankKind::Keyword) {
                        ranks.entry(id).or_default().keyword = r.keyword;
                    }
                    let query = StoreQuery::Hybrid {
                        dense,
                        sparse,
                        fusion: self.config.fusion,
                        weights: self.config.rrf_weights,
                        rrf_k: self.config.rrf_k,
                        prefetch_limit: prefetch,
                    };
                    let fused = timed(&mut timings.fusion_ms, || self.store.query(&query, &filter, window + TIE_MARGIN, 0))?;
                    page(sort_hits(fused), request.offset, request.limit)
                };
                let total = timed(&mut timings.count_ms, || self.total(&filter))?;
                (hits, ranks, total)
            }
        };
        timings.retrieve_ms = ms(started);

        // 4. Facets: over the matches in keyword mode (only they are
        // results), over every record that passes the filters otherwise
        // (semantic search ranks all of them). Either way they sum to `total`.
        let started = Instant::now();
        let facets = match &keyword_matches {
            Some(matches) => facets_of(matches),
            None => self.facets(&filter)?,
        };
        timings.facets_ms = ms(started);

        // 5. Hits from payloads.
        let started = Instant::now();
        let query_terms: HashSet<String> = terms.into_iter().map(|t| t.term).collect();
        let hits = hits
            .into_iter()
            .map(|hit| self.to_search_hit(hit, &ranks, &query_terms))
            .collect();
        timings.hits_ms = ms(started);

        let took_ms = timings.understand_ms + timings.embed_ms + timings.retrieve_ms + timings.facets_ms + timings.hits_ms;
        Ok(SearchResponse {
            request_id: String::new(),
            took_ms: (took_ms * 10.0).round() / 10.0,
            mode: request.mode,
            total,
            offset: request.offset,
            limit: request.limit,
            hits,
            facets,
            interpretation,
            applied_filters: filter_json(&filter),
            timings,
        })
    }

    fn embed_query(&self, text: &str) -> Result<Vec<f32>, EngineError> {
        let _span = tracing::debug_span!("embed_query").entered();
        if let Some(vector) = self.query_cache.get(text) {
            return Ok(vector);
        }
        let vector = self.embedder.embed(&[text], TextKind::Query)?.pop().unwrap_or_default();
        self.query_cache.put(text, vector.clone());
        Ok(vector)
    }

    /// Counts the records that pass `filter`, through the filter cache.
    fn total(&self, filter: &SearchFilter) -> Result<usize, EngineError> {
        if let Some(total) = self.filter_cache.get(filter).total {
            return Ok(total);
        }
        let total = self.store.count(filter)?;
        self.filter_cache.update(filter, |summary| summary.total = Some(total));
        Ok(total)
    }

    /// Facet counts of the records that pass `filter`, through the filter cache.
    fn facets(&self, filter: &SearchFilter) -> Result<Facets, EngineError> {
        if let Some(facets) = self.filter_cache.get(filter).facets {
            return Ok(facets);
        }
        let counts = |key: &str| -> Result<Vec<(String, usize)>, EngineError> { Ok(self.store.facet(key, filter, 100)?) };
        let facets = assemble_facets(counts(keys::COUNTRY)?, counts(keys::ISIC_DIVISION)?, counts(keys::STATUS)?);
        self.filter_cache.update(filter, |summary| summary.facets = Some(facets.clone()));
        Ok(facets)
    }

    fn to_search_hit(&self, hit: Hit, ranks: &HashMap<String, Ranks>, terms: &HashSet<String>) -> SearchHit {
        let record = hit.payload.get("record").cloned().unwrap_or(Value::Null);
        let division = hit.payload.get(keys::ISIC_DIVISION).and_then(Value::as_str).unwrap_or_default();
        let mut record_out = record.clone();
        if let Some(obj) = record_out.as_object_mut() {
            obj.insert(keys::INVESTMENT_USD.into(), hit.payload.get(keys::INVESTMENT_USD).cloned().unwrap_or(Value::Null));
        }
        SearchHit {
            highlights: highlight::highlights(&record, &self.analyzer, terms),
            sector_label: label(division),
            ranks: ranks.get(&hit.id).cloned().unwrap_or_default(),
            id: hit.id,
            score: hit.score,
            record: record_out,
        }
    }

    /// Returns a record by id, if `access` may read it.
    pub fn get(&self, id: &str, access: &SearchFilter) -> Result<Option<SearchHit>, EngineError> {
        let hits = self.store.get(&[id.to_string()], access)?;
        Ok(hits.into_iter().next().map(|h| self.to_search_hit(h, &HashMap::new(), &HashSet::new())))
    }

    /// Records nearest to `id` by meaning, excluding itself; `None` when `id`
    /// is not readable.
    pub fn similar(&self, id: &str, access: &SearchFilter, limit: usize) -> Result<Option<Vec<SearchHit>>, EngineError> {
        if self.store.get(&[id.to_string()], access)?.is_empty() {
            return Ok(None);
        }
        let Some(vector) = self.store.dense_vector(id)? else {
            return Ok(None);
        };
        let mut filter = access.clone();
        filter.exclude_ids = vec![id.to_string()];
        let hits = self.store.query(&StoreQuery::Dense(vector), &filter, limit, 0)?;
        let ranks = rank_map(&hits, RankKind::Dense);
        Ok(Some(hits.into_iter().map(|h| self.to_search_hit(h, &ranks, &HashSet::new())).collect()))
    }
}

/// Facet counts of a list of hits, read from their payloads.
fn facets_of(hits: &[Hit]) -> Facets {
    let count = |key: &str| -> Vec<(String, usize)> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for hit in hits {
            if let Some(value) = hit.payload.get(key).and_then(Value::as_str) {
                *counts.entry(value.to_string()).or_default() += 1;
            }
        }
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    };
    assemble_facets(count(keys::COUNTRY), count(keys::ISIC_DIVISION), count(keys::STATUS))
}

/// Builds the facet lists from value counts, labelling ISIC divisions.
fn assemble_facets(country: Vec<(String, usize)>, sector: Vec<(String, usize)>, status: Vec<(String, usize)>) -> Facets {
    let plain = |v: Vec<(String, usize)>| v.into_iter().map(|(value, count)| FacetCount { value, count, label: None }).collect();
    Facets {
        country: plain(country),
        sector: sector.into_iter().map(|(value, count)| FacetCount { label: label(&value), value, count }).collect(),
        status: plain(status),
    }
}

enum RankKind {
    Dense,
    Keyword,
}

fn rank_map(hits: &[Hit], kind: RankKind) -> HashMap<String, Ranks> {
    hits.iter()
        .enumerate()
        .map(|(i, h)| {
            let ranks = match kind {
                RankKind::Dense => Ranks { dense: Some(i + 1), keyword: None },
                RankKind::Keyword => Ranks { dense: None, keyword: Some(i + 1) },
            };
            (h.id.clone(), ranks)
        })
        .collect()
}

/// Hits fetched past the requested page, so that ties at its end are
/// ordered over all their members.
const TIE_MARGIN: usize = 20;

/// Orders by score, then by id, so equal scores (common in RRF) come back in
/// the same order on every request and pages neither repeat nor skip hits.
fn sort_hits(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits
}

fn page(hits: Vec<Hit>, offset: usize, limit: usize) -> Vec<Hit> {
    hits.into_iter().skip(offset).take(limit).collect()
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

/// Runs `stage` and adds its wall time, in milliseconds, to `total`.
fn timed<T>(total: &mut f64, stage: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = stage();
    *total += ms(started);
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use gip_analysis::AnalyzerConfig;
    use gip_indexer::EmbeddedStore;
    use gip_indexer::store::StoredPoint;

    /// Embeds every text as one fixed unit vector, so these tests need no model.
    struct FixedEmbedder;

    impl TextEmbedder for FixedEmbedder {
        fn embed(&self, texts: &[&str], _kind: TextKind) -> gip_models::Result<Vec<Vec<f32>>> {
            Ok(texts.iter().map(|_| vec![1.0, 0.0, 0.0, 0.0]).collect())
        }

        fn dim(&self) -> usize {
            4
        }

        fn model_id(&self) -> String {
            "fixed-test".into()
        }
    }

    /// Builds an engine over a real embedded store of three public records.
    fn engine(dir: &std::path::Path) -> SearchEngine {
        let store = EmbeddedStore::open(dir, 4, "fixed-test").expect("store opens in a fresh folder");
        let analyzer = Analyzer::new(AnalyzerConfig::default());
        let names = ["Jubail steel plant", "Sohar cement plant", "Ruwais steel mill"];
        let points = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let id = format!("SA-{i:04}");
                let terms = analyzer.analyze(name, Lang::Auto);
                StoredPoint {
                    id: id.clone(),
                    dense: vec![1.0, i as f32, 0.0, 0.0],
                    sparse: Bm25::default().document(&[(terms.as_slice(), 1.0)], 3.0),
                    payload: json!({
                        "id": id, "country": "SA", "status": "planned", "isic_division": "24",
                        "visibility": "public", "record": {"id": id, "name": {"en": name}},
                    }),
                }
            })
            .collect();
        store.upsert(points).expect("upsert succeeds");
        SearchEngine {
            store: Arc::new(store),
            embedder: Arc::new(FixedEmbedder),
            analyzer,
            config: EngineConfig::default(),
            query_cache: QueryCache::new(0),
            filter_cache: FilterCache::default(),
        }
    }

    fn search(engine: &SearchEngine, mode: Mode) -> SearchResponse {
        let request = SearchRequest {
            q: "steel".into(),
            mode,
            filter: SearchFilter::default(),
            limit: 10,
            offset: 0,
            understand: false,
        };
        let access = SearchFilter { visibility: vec!["public".into()], ..Default::default() };
        engine.search(&request, &access).expect("search succeeds")
    }

    #[test]
    fn hybrid_timings_split_retrieval() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let t = search(&engine(dir.path()), Mode::Hybrid).timings;

        assert!(t.dense_ms > 0.0, "dense stage not timed: {t:?}");
        assert!(t.sparse_ms > 0.0, "sparse stage not timed: {t:?}");
        assert!(t.fusion_ms > 0.0, "fusion stage not timed: {t:?}");
        assert!(t.count_ms > 0.0, "count stage not timed: {t:?}");
        assert!(t.hits_ms > 0.0, "hit building not timed: {t:?}");
        let parts = t.dense_ms + t.sparse_ms + t.fusion_ms + t.count_ms;
        assert!(parts <= t.retrieve_ms, "stages sum to {parts} ms, more than retrieval's {} ms", t.retrieve_ms);
    }

    #[test]
    fn keyword_timings_skip_dense_stages() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let response = search(&engine(dir.path()), Mode::Keyword);
        let t = &response.timings;

        assert_eq!(response.total, 2, "two records contain \"steel\"");
        assert!(t.sparse_ms > 0.0, "sparse stage not timed: {t:?}");
        assert_eq!(t.dense_ms, 0.0);
        assert_eq!(t.fusion_ms, 0.0);
        assert_eq!(t.count_ms, 0.0, "keyword mode counts its matches without a store count");
    }

    #[test]
    fn semantic_timings_skip_keyword_stages() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let t = search(&engine(dir.path()), Mode::Semantic).timings;

        assert!(t.dense_ms > 0.0, "dense stage not timed: {t:?}");
        assert!(t.count_ms > 0.0, "count stage not timed: {t:?}");
        assert_eq!(t.sparse_ms, 0.0);
        assert_eq!(t.fusion_ms, 0.0);
    }

    #[test]
    fn filter_cache_reuses_until_cleared() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let engine = engine(dir.path());
        assert_eq!(search(&engine, Mode::Semantic).total, 3);

        // A record stored behind the engine's back is not counted until the
        // cache is cleared, which every write through the API does.
        let extra = StoredPoint {
            id: "SA-0009".into(),
            dense: vec![0.0, 1.0, 0.0, 0.0],
            sparse: Default::default(),
            payload: json!({"id": "SA-0009", "country": "SA", "status": "planned", "isic_division": "24",
                "visibility": "public", "record": {"id": "SA-0009", "name": {"en": "Dammam plant"}}}),
        };
        engine.store.upsert(vec![extra]).expect("upsert succeeds");
        let cached = search(&engine, Mode::Semantic);
        assert_eq!(cached.total, 3, "the total came from the cache");

        engine.filter_cache.clear();
        let fresh = search(&engine, Mode::Hybrid);
        assert_eq!(fresh.total, 4);
        assert_eq!(fresh.facets.country[0].count, 4, "facets were counted again");
    }
}
