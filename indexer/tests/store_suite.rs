//! One behaviour suite for every [`Store`] implementation.
//!
//! Each case is a function over a [`Backend`], which opens stores and
//! starts rebuilds on its own fresh index. The `embedded` module runs every
//! case on Qdrant Edge in a temporary folder. The `server` module runs them
//! on the Qdrant server named by `GIP_QDRANT_URL` (API key from
//! `GIP_QDRANT_API_KEY`), each case in its own collection that is deleted
//! afterwards. Without the variable each server case prints
//! "skipped: GIP_QDRANT_URL is not set" and passes.
//!
//! The records are six hand-made payloads with 4-dimensional unit vectors,
//! so the expected order of every query can be worked out by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use gip_analysis::SparseVector;
use gip_indexer::store::{FusionMethod, StoredPoint, StoredState};
use gip_indexer::{EmbeddedStore, Rebuild, SearchFilter, ServerConfig, ServerStore, Store, StoreQuery};
use serde_json::{Value, json};

const DIM: usize = 4;
const MODEL: &str = "store-suite-model";

/// Opens stores on one fresh index and removes the index when dropped.
trait Backend {
    /// Opens the live index (creating it when absent).
    fn open(&self) -> Box<dyn Store>;
    /// Opens the live index for another model or dimension.
    fn open_with(&self, dim: usize, model_id: &str) -> gip_indexer::Result<Box<dyn Store>>;
    /// Starts a rebuild of the live index.
    fn begin_rebuild(&self) -> Box<dyn Rebuild>;
    /// Returns whether the live index can be open while a rebuild runs: a
    /// server alias can, but an embedded folder is locked.
    fn serves_during_rebuild(&self) -> bool;
}

struct Embedded {
    dir: tempfile::TempDir,
}

impl Backend for Embedded {
    fn open(&self) -> Box<dyn Store> {
        Box::new(EmbeddedStore::open(self.dir.path(), DIM, MODEL).expect("failed to open the embedded store"))
    }

    fn open_with(&self, dim: usize, model_id: &str) -> gip_indexer::Result<Box<dyn Store>> {
        Ok(Box::new(EmbeddedStore::open(self.dir.path(), dim, model_id)?))
    }

    fn begin_rebuild(&self) -> Box<dyn Rebuild> {
        Box::new(EmbeddedStore::begin_rebuild(self.dir.path(), DIM, MODEL).expect("failed to start the rebuild"))
    }

    fn serves_during_rebuild(&self) -> bool {
        false
    }
}

struct Server {
    config: ServerConfig,
}

impl Backend for Server {
    fn open(&self) -> Box<dyn Store> {
        Box::new(ServerStore::open(&self.config, DIM, MODEL).expect("failed to open the server store"))
    }

    fn open_with(&self, dim: usize, model_id: &str) -> gip_indexer::Result<Box<dyn Store>> {
        Ok(Box::new(ServerStore::open(&self.config, dim, model_id)?))
    }

    fn begin_rebuild(&self) -> Box<dyn Rebuild> {
        Box::new(ServerStore::begin_rebuild(&self.config, DIM, MODEL).expect("failed to start the rebuild"))
    }

    fn serves_during_rebuild(&self) -> bool {
        true
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(error) = ServerStore::delete_index(&self.config) {
            eprintln!("cannot delete test collection {}: {error}", self.config.collection);
        }
    }
}

fn with_embedded(case: fn(&dyn Backend)) {
    let dir = tempfile::Builder::new().prefix("gip-store-suite-").tempdir().expect("failed to create a temp dir");
    case(&Embedded { dir });
}

fn with_server(name: &str, case: fn(&dyn Backend)) {
    let Some(url) = std::env::var("GIP_QDRANT_URL").ok().filter(|url| !url.is_empty()) else {
        println!("skipped: GIP_QDRANT_URL is not set");
        return;
    };
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or_default();
    let mut config = ServerConfig::new(&url, &format!("gip_test_{name}_{}_{nanos}", std::process::id()));
    config.api_key = std::env::var("GIP_QDRANT_API_KEY").ok().filter(|key| !key.is_empty());
    case(&Server { config });
}

macro_rules! store_suite {
    ($($case:ident),* $(,)?) => {
        mod embedded {
            $(#[test] fn $case() { super::with_embedded(super::$case) })*
        }
        mod server {
            $(#[test] fn $case() { super::with_server(stringify!($case), super::$case) })*
        }
    };
}

store_suite!(
    upsert_is_idempotent,
    delete_removes_only_named_records,
    stored_states_report_hash_and_length,
    filter_by_each_field,
    visibility_and_national_access,
    dense_query_orders_by_cosine,
    sparse_query_orders_by_weight,
    hybrid_query_fuses_both_lists,
    query_offset_skips_leading_hits,
    get_applies_filter_but_not_exclusions,
    facet_counts_values,
    count_matches_query_results,
    dense_vector_returns_stored_vector,
    reopen_keeps_records,
    reopen_with_other_model_fails,
    rebuild_abort_keeps_live_index,
    rebuild_commit_replaces_live_index,
);

/// One fixture record: id, payload fields, dense vector, sparse terms.
struct Fixture {
    id: &'static str,
    country: &'static str,
    status: &'static str,
    isic: &'static str,
    start_year: i64,
    investment_usd: Option<f64>,
    visibility: &'static str,
    dense: [f32; DIM],
    /// `(term index, weight)` pairs.
    sparse: &'static [(u32, f32)],
}

/// Unit vectors: with the query `[1, 0, 0, 0]` the cosine order is
/// a, b, c, then d and e (both 0), then f (-1).
const FIXTURES: [Fixture; 6] = [
    Fixture { id: "a", country: "SA", status: "operational", isic: "2011", start_year: 2015, investment_usd: Some(5.0e8), visibility: "public", dense: [1.0, 0.0, 0.0, 0.0], sparse: &[(1, 1.0), (7, 1.0)] },
    Fixture { id: "b", country: "AE", status: "planned", isic: "2410", start_year: 2020, investment_usd: Some(2.0e9), visibility: "public", dense: [0.8, 0.6, 0.0, 0.0], sparse: &[(7, 3.0)] },
    Fixture { id: "c", country: "OM", status: "operational", isic: "2029", start_year: 2018, investment_usd: Some(5.0e7), visibility: "national", dense: [0.6, 0.8, 0.0, 0.0], sparse: &[(2, 1.0), (7, 2.0)] },
    Fixture { id: "d", country: "QA", status: "under_construction", isic: "1920", start_year: 2022, investment_usd: None, visibility: "gcc", dense: [0.0, 1.0, 0.0, 0.0], sparse: &[(3, 1.0)] },
    Fixture { id: "e", country: "SA", status: "planned", isic: "2011", start_year: 2024, investment_usd: Some(8.0e8), visibility: "national", dense: [0.0, 0.0, 1.0, 0.0], sparse: &[(4, 1.0)] },
    Fixture { id: "f", country: "KW", status: "operational", isic: "2420", start_year: 2010, investment_usd: Some(1.0e9), visibility: "public", dense: [-1.0, 0.0, 0.0, 0.0], sparse: &[(5, 1.0)] },
];

fn content_hash(id: &str, version: u32) -> String {
    format!("hash-{id}-v{version}")
}

/// Builds the stored payload of `fixture`, shaped like `gip_indexer::document::payload`.
fn payload(fixture: &Fixture, version: u32) -> Value {
    let levels: Vec<&str> = (2..=fixture.isic.len()).map(|n| &fixture.isic[..n]).collect();
    json!({
        "id": fixture.id,
        "country": fixture.country,
        "status": fixture.status,
        "isic_division": &fixture.isic[..2],
        "isic_levels": levels,
        "start_year": fixture.start_year,
        "completion_year": null,
        "investment_usd": fixture.investment_usd,
        "visibility": fixture.visibility,
        "content_hash": content_hash(fixture.id, version),
        "keyword_length": fixture.sparse.len() as f32 + 0.5,
        "record": { "id": fixture.id, "version": version },
    })
}

fn point(fixture: &Fixture, version: u32) -> StoredPoint {
    StoredPoint {
        id: fixture.id.to_string(),
        dense: fixture.dense.to_vec(),
        sparse: sparse(fixture.sparse),
        payload: payload(fixture, version),
    }
}

fn sparse(terms: &[(u32, f32)]) -> SparseVector {
    SparseVector { indices: terms.iter().map(|(i, _)| *i).collect(), values: terms.iter().map(|(_, w)| *w).collect() }
}

fn fixture(id: &str) -> &'static Fixture {
    FIXTURES.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no fixture {id:?}"))
}

/// Opens the live index with every fixture stored.
fn open_with_fixtures(backend: &dyn Backend) -> Box<dyn Store> {
    let store = backend.open();
    store.upsert(FIXTURES.iter().map(|f| point(f, 1)).collect()).expect("upsert failed");
    store.flush().expect("flush failed");
    store
}

fn ids(hits: &[gip_indexer::Hit]) -> Vec<String> {
    hits.iter().map(|hit| hit.id.clone()).collect()
}

fn id_set(hits: &[gip_indexer::Hit]) -> BTreeSet<String> {
    hits.iter().map(|hit| hit.id.clone()).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

fn all_ids(store: &dyn Store) -> BTreeSet<String> {
    store.stored_states().expect("stored_states failed").into_keys().collect()
}

/// Ids that pass `filter`, by a dense query over every record.
fn matching(store: &dyn Store, filter: &SearchFilter) -> BTreeSet<String> {
    let hits = store.query(&StoreQuery::Dense(vec![1.0, 0.0, 0.0, 0.0]), filter, 100, 0).expect("query failed");
    id_set(&hits)
}

fn hybrid(fusion: FusionMethod, weights: Option<(f32, f32)>, rrf_k: usize) -> StoreQuery {
    StoreQuery::Hybrid {
        dense: vec![1.0, 0.0, 0.0, 0.0],
        sparse: sparse(&[(7, 1.0)]),
        fusion,
        weights,
        rrf_k,
        prefetch_limit: 100,
    }
}

fn upsert_is_idempotent(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    store.upsert(FIXTURES.iter().map(|f| point(f, 1)).collect()).expect("second upsert failed");
    store.upsert(vec![point(fixture("b"), 2)]).expect("update failed");

    let all = SearchFilter::default();
    assert_eq!(store.count(&all).expect("count failed"), FIXTURES.len(), "an upsert duplicated a record");
    assert_eq!(all_ids(store.as_ref()), set(&["a", "b", "c", "d", "e", "f"]));
    let b = store.get(&["b".to_string()], &all).expect("get failed");
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].payload["record"]["version"], 2, "the second upsert did not replace the payload");
    assert!(store.upsert(Vec::new()).is_ok(), "an empty upsert failed");
}

fn delete_removes_only_named_records(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    store.delete(&["a".to_string(), "d".to_string(), "not-stored".to_string()]).expect("delete failed");

    assert_eq!(all_ids(store.as_ref()), set(&["b", "c", "e", "f"]));
    assert_eq!(store.count(&SearchFilter::default()).expect("count failed"), 4);
    let gone = store.get(&["a".to_string(), "d".to_string()], &SearchFilter::default()).expect("get failed");
    assert!(gone.is_empty(), "deleted records are returned: {:?}", ids(&gone));
    assert!(store.dense_vector("a").expect("dense_vector failed").is_none(), "a deleted record keeps its vector");
    assert!(store.delete(&[]).is_ok(), "an empty delete failed");
}

fn stored_states_report_hash_and_length(backend: &dyn Backend) {
    let store = backend.open();
    assert!(store.stored_states().expect("stored_states failed").is_empty(), "a new index has records");
    store.upsert(FIXTURES.iter().map(|f| point(f, 3)).collect()).expect("upsert failed");

    let states = store.stored_states().expect("stored_states failed");
    assert_eq!(states.len(), FIXTURES.len());
    for fixture in &FIXTURES {
        let expected = StoredState {
            content_hash: content_hash(fixture.id, 3),
            keyword_length: fixture.sparse.len() as f32 + 0.5,
        };
        assert_eq!(states.get(fixture.id), Some(&expected), "state of {}", fixture.id);
    }
}

fn filter_by_each_field(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    let store = store.as_ref();
    let cases: Vec<(&str, SearchFilter, &[&str])> = vec![
        ("no filter", SearchFilter::default(), &["a", "b", "c", "d", "e", "f"]),
        ("countries", SearchFilter { countries: vec!["SA".into(), "KW".into()], ..Default::default() }, &["a", "e", "f"]),
        ("isic division", SearchFilter { isic: vec!["20".into()], ..Default::default() }, &["a", "c", "e"]),
        ("isic class", SearchFilter { isic: vec!["2011".into()], ..Default::default() }, &["a", "e"]),
        ("isic group or division", SearchFilter { isic: vec!["241".into(), "19".into()], ..Default::default() }, &["b", "d"]),
        ("statuses", SearchFilter { statuses: vec!["planned".into()], ..Default::default() }, &["b", "e"]),
        ("investment min", SearchFilter { investment_usd_min: Some(8.0e8), ..Default::default() }, &["b", "e", "f"]),
        ("investment max", SearchFilter { investment_usd_max: Some(5.0e8), ..Default::default() }, &["a", "c"]),
        (
            "investment range",
            SearchFilter { investment_usd_min: Some(1.0e8), investment_usd_max: Some(1.0e9), ..Default::default() },
            &["a", "e", "f"],
        ),
        ("year from", SearchFilter { year_from: Some(2020), ..Default::default() }, &["b", "d", "e"]),
        ("year to", SearchFilter { year_to: Some(2015), ..Default::default() }, &["a", "f"]),
        ("year range", SearchFilter { year_from: Some(2018), year_to: Some(2020), ..Default::default() }, &["b", "c"]),
        ("exclude ids", SearchFilter { exclude_ids: vec!["a".into(), "f".into()], ..Default::default() }, &["b", "c", "d", "e"]),
        (
            "fields combine with AND",
            SearchFilter { countries: vec!["SA".into()], statuses: vec!["operational".into()], ..Default::default() },
            &["a"],
        ),
        ("no match", SearchFilter { countries: vec!["BH".into()], ..Default::default() }, &[]),
    ];
    for (name, filter, expected) in cases {
        assert_eq!(matching(store, &filter), set(expected), "query with filter: {name}");
        assert_eq!(store.count(&filter).expect("count failed"), expected.len(), "count with filter: {name}");
    }
}

fn visibility_and_national_access(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    let store = store.as_ref();
    let public = vec!["public".to_string()];
    let cases: Vec<(&str, SearchFilter, &[&str])> = vec![
        ("public only", SearchFilter { visibility: public.clone(), ..Default::default() }, &["a", "b", "f"]),
        (
            "public and gcc",
            SearchFilter { visibility: vec!["public".into(), "gcc".into()], ..Default::default() },
            &["a", "b", "d", "f"],
        ),
        (
            "public plus national records of OM",
            SearchFilter { visibility: public.clone(), national_countries: vec!["OM".into()], ..Default::default() },
            &["a", "b", "c", "f"],
        ),
        (
            "national records of SA only",
            SearchFilter { national_countries: vec!["SA".into()], ..Default::default() },
            &["e"],
        ),
        (
            "national access of a country without national records",
            SearchFilter { visibility: public.clone(), national_countries: vec!["KW".into()], ..Default::default() },
            &["a", "b", "f"],
        ),
        (
            "national access and a country filter",
            SearchFilter {
                visibility: public,
                national_countries: vec!["SA".into(), "OM".into()],
                countries: vec!["SA".into()],
                ..Default::default()
            },
            &["a", "e"],
        ),
    ];
    for (name, filter, expected) in cases {
        assert_eq!(matching(store, &filter), set(expected), "query with filter: {name}");
        assert_eq!(store.count(&filter).expect("count failed"), expected.len(), "count with filter: {name}");
    }
}

fn dense_query_orders_by_cosine(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    let hits = store.query(&StoreQuery::Dense(vec![1.0, 0.0, 0.0, 0.0]), &SearchFilter::default(), 10, 0).expect("query failed");

    let order = ids(&hits);
    assert_eq!(order.len(), 6);
    assert_eq!(order[..3], ["a", "b", "c"], "cosine order: {order:?}");
    assert_eq!(set(&[&order[3], &order[4]]), set(&["d", "e"]), "zero-similarity records: {order:?}");
    assert_eq!(order[5], "f", "the opposite vector is not last: {order:?}");
    assert!((hits[0].score - 1.0).abs() < 1e-4, "cosine of equal vectors is {}", hits[0].score);
    assert!((hits[1].score - 0.8).abs() < 1e-4, "cosine of b is {}", hits[1].score);
    assert_eq!(hits[0].payload["country"], "SA", "hits carry the payload");

    let limited = store.query(&StoreQuery::Dense(vec![0.0, 1.0, 0.0, 0.0]), &SearchFilter::default(), 2, 0).expect("query failed");
    assert_eq!(ids(&limited), ["d", "c"], "limit 2 with query [0, 1, 0, 0]");
}

fn sparse_query_orders_by_weight(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    let hits = store.query(&StoreQuery::Sparse(sparse(&[(7, 1.0)])), &SearchFilter::default(), 10, 0).expect("query failed");

    // Every match has term 7, so the IDF factor is shared and the stored
    // weight decides; records without the term are not returned.
    assert_eq!(ids(&hits), ["b", "c", "a"]);
    assert!(hits[0].score > hits[1].score && hits[1].score > hits[2].score, "scores are not strictly ordered");

    let filtered = SearchFilter { countries: vec!["OM".into(), "SA".into()], ..Default::default() };
    let hits = store.query(&StoreQuery::Sparse(sparse(&[(7, 1.0)])), &filtered, 10, 0).expect("query failed");
    assert_eq!(ids(&hits), ["c", "a"], "sparse query under a filter");

    let none = store.query(&StoreQuery::Sparse(sparse(&[(99, 1.0)])), &SearchFilter::default(), 10, 0).expect("query failed");
    assert!(none.is_empty(), "an unknown term matched: {:?}", ids(&none));
}

fn hybrid_query_fuses_both_lists(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    let all = SearchFilter::default();

    // Dense ranks a, b, c, d|e, f; keyword ranks b, c, a. A hit at 0-based
    // position p of a list with weight w scores 1 / ((p + 1) / w + k - 1)
    // (Qdrant's weighted RRF). With k = 60 and equal weights:
    // b = 1/61 + 1/60, a = 1/60 + 1/62, c = 1/62 + 1/61, so b, a, c lead.
    let rrf = store.query(&hybrid(FusionMethod::Rrf, None, 60), &all, 10, 0).expect("RRF query failed");
    let order = ids(&rrf);
    assert_eq!(order[..3], ["b", "a", "c"], "RRF order: {order:?}");
    assert_eq!(id_set(&rrf), set(&["a", "b", "c", "d", "e", "f"]), "records of the dense list only are kept");

    // With k = 2, equal weights keep b first (b = 1/3 + 1/2 > a = 1/2 + 1/4),
    // and weights 1 : 0.1 make the dense list decide
    // (a = 1/2 + 1/31 > b = 1/3 + 1/11).
    let equal = store.query(&hybrid(FusionMethod::Rrf, Some((1.0, 1.0)), 2), &all, 10, 0).expect("RRF query failed");
    assert_eq!(ids(&equal)[0], "b", "RRF order with k = 2: {:?}", ids(&equal));
    let weighted = store.query(&hybrid(FusionMethod::Rrf, Some((1.0, 0.1)), 2), &all, 10, 0).expect("weighted RRF query failed");
    assert_eq!(ids(&weighted)[..3], ["a", "b", "c"], "weighted RRF order: {:?}", ids(&weighted));

    let dbsf = store.query(&hybrid(FusionMethod::Dbsf, None, 60), &all, 10, 0).expect("DBSF query failed");
    let order = ids(&dbsf);
    assert_eq!(id_set(&dbsf), set(&["a", "b", "c", "d", "e", "f"]), "DBSF returns the union of both lists");
    assert_eq!(order.last().map(String::as_str), Some("f"), "the record last in the dense list and absent from the keyword list is not last: {order:?}");

    let filtered = SearchFilter { statuses: vec!["operational".into()], ..Default::default() };
    let hits = store.query(&hybrid(FusionMethod::Rrf, None, 60), &filtered, 10, 0).expect("filtered RRF query failed");
    assert_eq!(id_set(&hits), set(&["a", "c", "f"]), "hybrid query under a filter");
}

fn query_offset_skips_leading_hits(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    let all = SearchFilter::default();
    for (name, query) in [
        ("dense", StoreQuery::Dense(vec![1.0, 0.0, 0.0, 0.0])),
        ("sparse", StoreQuery::Sparse(sparse(&[(7, 1.0)]))),
        ("hybrid", hybrid(FusionMethod::Rrf, None, 60)),
    ] {
        let full = ids(&store.query(&query, &all, 3, 0).expect("query failed"));
        let page = ids(&store.query(&query, &all, 2, 1).expect("query failed"));
        assert_eq!(page, full[1..3], "{name}: offset 1 limit 2 against the first three hits");
    }
}

fn get_applies_filter_but_not_exclusions(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    let asked: Vec<String> = ["a", "c", "missing"].iter().map(|id| id.to_string()).collect();

    let all = store.get(&asked, &SearchFilter::default()).expect("get failed");
    assert_eq!(id_set(&all), set(&["a", "c"]), "missing ids are left out");
    assert_eq!(all.iter().find(|hit| hit.id == "c").map(|hit| hit.payload["record"]["id"].clone()), Some(json!("c")));

    let public = SearchFilter { visibility: vec!["public".into()], exclude_ids: vec!["a".into()], ..Default::default() };
    assert_eq!(id_set(&store.get(&asked, &public).expect("get failed")), set(&["a"]), "filter applies, exclusions do not");

    let national = SearchFilter { visibility: vec!["public".into()], national_countries: vec!["OM".into()], ..Default::default() };
    assert_eq!(id_set(&store.get(&asked, &national).expect("get failed")), set(&["a", "c"]), "national access applies to get");
    assert!(store.get(&[], &SearchFilter::default()).expect("get failed").is_empty(), "get without ids");
}

fn facet_counts_values(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    let counts = |key: &str, filter: &SearchFilter| -> BTreeMap<String, usize> {
        store.facet(key, filter, 100).expect("facet failed").into_iter().collect()
    };
    let expected = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> { pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect() };

    assert_eq!(
        counts("country", &SearchFilter::default()),
        expected(&[("AE", 1), ("KW", 1), ("OM", 1), ("QA", 1), ("SA", 2)])
    );
    assert_eq!(
        counts("status", &SearchFilter { countries: vec!["SA".into(), "OM".into()], ..Default::default() }),
        expected(&[("operational", 2), ("planned", 1)])
    );
    assert_eq!(
        counts("isic_division", &SearchFilter { visibility: vec!["public".into()], ..Default::default() }),
        expected(&[("20", 1), ("24", 2)])
    );
    let top = store.facet("country", &SearchFilter::default(), 1).expect("facet failed");
    assert_eq!(top, [("SA".to_string(), 2)], "limit 1 keeps the largest count");
}

fn count_matches_query_results(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    assert_eq!(store.count(&SearchFilter::default()).expect("count failed"), 6);
    let filter = SearchFilter { year_from: Some(2016), exclude_ids: vec!["b".into()], ..Default::default() };
    let counted = store.count(&filter).expect("count failed");
    assert_eq!(counted, matching(store.as_ref(), &filter).len());
    assert_eq!(counted, 3, "c, d and e start in 2016 or later");
}

fn dense_vector_returns_stored_vector(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    // Cosine vectors are stored normalized; the fixtures are unit vectors
    // already, so they come back as given.
    let vector = store.dense_vector("c").expect("dense_vector failed").expect("c has a vector");
    assert_eq!(vector.len(), DIM);
    for (got, want) in vector.iter().zip(fixture("c").dense) {
        assert!((got - want).abs() < 1e-5, "stored vector {vector:?} differs from {:?}", fixture("c").dense);
    }
    assert!(store.dense_vector("missing").expect("dense_vector failed").is_none());
}

fn reopen_keeps_records(backend: &dyn Backend) {
    let store = open_with_fixtures(backend);
    store.delete(&["f".to_string()]).expect("delete failed");
    store.flush().expect("flush failed");
    drop(store);

    let store = backend.open();
    assert_eq!(all_ids(store.as_ref()), set(&["a", "b", "c", "d", "e"]));
    let hits = store.query(&StoreQuery::Sparse(sparse(&[(7, 1.0)])), &SearchFilter::default(), 10, 0).expect("query failed");
    assert_eq!(ids(&hits), ["b", "c", "a"], "the keyword index survives a reopen");
}

fn reopen_with_other_model_fails(backend: &dyn Backend) {
    drop(open_with_fixtures(backend));
    for (dim, model) in [(DIM, "another-model"), (DIM + 4, MODEL)] {
        let error = backend.open_with(dim, model).err().expect("an index of another model was opened");
        let message = error.to_string();
        assert!(matches!(error, gip_indexer::IndexError::ModelMismatch { .. }), "unexpected error: {message}");
        assert!(message.contains(MODEL) && message.contains(model), "both models are not named: {message}");
        assert!(message.contains("--rebuild"), "the fix is not named: {message}");
    }
}

fn rebuild_abort_keeps_live_index(backend: &dyn Backend) {
    drop(open_with_fixtures(backend));

    let rebuild = backend.begin_rebuild();
    rebuild.store().upsert(vec![point(fixture("a"), 2)]).expect("upsert into the rebuild failed");
    assert_eq!(all_ids(rebuild.store()), set(&["a"]), "a rebuild starts empty");
    if backend.serves_during_rebuild() {
        let live = backend.open();
        assert_eq!(all_ids(live.as_ref()).len(), 6, "the live index changed during the rebuild");
    }
    rebuild.abort().expect("abort failed");

    let store = backend.open();
    assert_eq!(all_ids(store.as_ref()), set(&["a", "b", "c", "d", "e", "f"]), "abort changed the live index");
    let a = store.get(&["a".to_string()], &SearchFilter::default()).expect("get failed");
    assert_eq!(a[0].payload["record"]["version"], 1, "the aborted rebuild's record is live");
}

fn rebuild_commit_replaces_live_index(backend: &dyn Backend) {
    let live = backend.serves_during_rebuild().then(|| open_with_fixtures(backend));
    if live.is_none() {
        drop(open_with_fixtures(backend));
    }

    let rebuild = backend.begin_rebuild();
    rebuild.store().upsert(vec![point(fixture("b"), 2), point(fixture("c"), 2)]).expect("upsert into the rebuild failed");
    rebuild.store().flush().expect("flush failed");
    if let Some(live) = &live {
        assert_eq!(all_ids(live.as_ref()).len(), 6, "searches saw the rebuild before the switch");
    }
    rebuild.commit().expect("commit failed");

    // A store opened before the switch reads through the alias, so it sees
    // the new index without reopening.
    if let Some(live) = &live {
        assert_eq!(all_ids(live.as_ref()), set(&["b", "c"]), "the open store still reads the old index");
    }
    drop(live);
    let store = backend.open();
    assert_eq!(all_ids(store.as_ref()), set(&["b", "c"]), "records missing from the rebuild are still stored");
    let b = store.get(&["b".to_string()], &SearchFilter::default()).expect("get failed");
    assert_eq!(b[0].payload["record"]["version"], 2);
    let hits = store.query(&StoreQuery::Sparse(sparse(&[(7, 1.0)])), &SearchFilter::default(), 10, 0).expect("query failed");
    assert_eq!(ids(&hits), ["b", "c"], "the rebuilt keyword index");

    // A second rebuild replaces the first one's index in turn.
    drop(store);
    let rebuild = backend.begin_rebuild();
    rebuild.store().upsert(vec![point(fixture("d"), 3)]).expect("upsert into the rebuild failed");
    rebuild.commit().expect("second commit failed");
    assert_eq!(all_ids(backend.open().as_ref()), set(&["d"]));
}
