//! Vector store seam: one trait, the embedded Qdrant Edge implementation.
//!
//! Layout (the same a Qdrant server collection gets): a named dense vector
//! `dense` (cosine), a named sparse vector `keyword` with the `Idf` modifier
//! (Qdrant applies IDF, we store BM25 term-frequency weights), the record as
//! payload, and payload indexes on the filtered fields.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gip_analysis::SparseVector;
use qdrant_edge::external::ordered_float::OrderedFloat;
use qdrant_edge::external::uuid::Uuid;
use qdrant_edge::{
    Condition, CountRequest, CreateIndex, Distance, EdgeConfigBuilder, EdgeShard,
    EdgeSparseVectorParams, EdgeVectorParams, FacetRequest, FacetValue, FieldCondition,
    FieldIndexOperations, Filter, Fusion, JsonPath, Match, Modifier, NamedQuery,
    PayloadFieldSchema, PayloadSchemaType, PointId, PointInsertOperations,
    PointOperations, PointStruct, Prefetch, QueryEnum, QueryRequest, Range, ScoringQuery,
    ScrollRequest, UpdateOperation, Vector, VectorInternal, Vectors, WithPayloadInterface,
    WithVector,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::document::keys;
use crate::error::{IndexError, Result};
use crate::filter::SearchFilter;

pub const DENSE: &str = "dense";
pub const SPARSE: &str = "keyword";

/// A record ready to store.
pub struct StoredPoint {
    pub id: String,
    pub dense: Vec<f32>,
    pub sparse: SparseVector,
    pub payload: Value,
}

/// Fusion method of hybrid mode.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FusionMethod {
    /// Reciprocal rank fusion, `k` = 60 unless set.
    Rrf,
    /// Distribution-based score fusion.
    Dbsf,
}

/// One retrieval request against the store.
#[derive(Debug, Clone)]
pub enum StoreQuery {
    Dense(Vec<f32>),
    Sparse(SparseVector),
    /// Dense and sparse prefetches under the same filter, fused.
    Hybrid {
        dense: Vec<f32>,
        sparse: SparseVector,
        fusion: FusionMethod,
        /// Weights of the dense and keyword lists (RRF only).
        weights: Option<(f32, f32)>,
        rrf_k: usize,
        prefetch_limit: usize,
    },
}

/// A scored record; `payload` is the stored payload.
#[derive(Debug, Clone)]
pub struct Hit {
    pub id: String,
    pub score: f32,
    pub payload: Value,
}

/// Bookkeeping stored with a record.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredState {
    pub content_hash: String,
    pub keyword_length: f32,
}

/// A vector store for project records. Implementations must make `upsert`
/// idempotent per record id (the point id is derived from it), so a re-run
/// after a crash never duplicates a record.
pub trait Store: Send + Sync {
    fn upsert(&self, points: Vec<StoredPoint>) -> Result<()>;
    fn delete(&self, ids: &[String]) -> Result<()>;
    /// Content hash and keyword length of every stored record, by record id.
    fn stored_states(&self) -> Result<HashMap<String, StoredState>>;
    fn query(&self, query: &StoreQuery, filter: &SearchFilter, limit: usize, offset: usize) -> Result<Vec<Hit>>;
    /// Records by id that pass `filter` (missing ids are left out).
    fn get(&self, ids: &[String], filter: &SearchFilter) -> Result<Vec<Hit>>;
    fn dense_vector(&self, id: &str) -> Result<Option<Vec<f32>>>;
    /// Value counts of a keyword payload field over the records that pass `filter`.
    fn facet(&self, key: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<(String, usize)>>;
    fn count(&self, filter: &SearchFilter) -> Result<usize>;
    fn flush(&self) -> Result<()>;
}

/// Stable point id of a record id: the first 16 bytes of its SHA-256.
pub fn point_id(record_id: &str) -> PointId {
    let digest = Sha256::digest(record_id.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    PointId::Uuid(Uuid::from_bytes(bytes))
}

fn path(key: &str) -> Result<JsonPath> {
    JsonPath::try_from(key).map_err(|_| IndexError::Store(format!("invalid payload key {key:?}")))
}

/// Description of the index that its data directory stores.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoreManifest {
    pub layout_version: u32,
    pub dim: usize,
    pub model_id: String,
    pub created_at: String,
}

const MANIFEST: &str = "gip-store.json";
const SHARD_DIR: &str = "shard";

/// Qdrant Edge, embedded in the process, on disk under one data directory.
pub struct EmbeddedStore {
    dir: PathBuf,
    shard: EdgeShard,
    pub manifest: StoreManifest,
    /// Exclusive lock on `<dir>/lock`, held while the store is open: two
    /// processes writing one Qdrant Edge shard would corrupt it.
    _lock: std::fs::File,
}

impl EmbeddedStore {
    /// Opens the store in `dir`, creating it when absent. Fails when it was
    /// built with another model (vectors would not be comparable).
    pub fn open(dir: &Path, dim: usize, model_id: &str) -> Result<Self> {
        let io = |source| IndexError::Io { dir: dir.to_path_buf(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join("lock")).map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(IndexError::Locked { dir: dir.to_path_buf() }),
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let manifest_path = dir.join(MANIFEST);
        let shard_dir = dir.join(SHARD_DIR);

        let manifest = match std::fs::read(&manifest_path) {
            Ok(bytes) => {
                let manifest: StoreManifest = serde_json::from_slice(&bytes)
                    .map_err(|e| IndexError::Store(format!("{} is not valid: {e}", manifest_path.display())))?;
                if manifest.model_id != model_id || manifest.dim != dim {
                    return Err(IndexError::ModelMismatch {
                        dir: dir.to_path_buf(),
                        found: format!("{} ({} dims)", manifest.model_id, manifest.dim),
                        expected: format!("{model_id} ({dim} dims)"),
                    });
                }
                manifest
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let manifest = StoreManifest {
                    layout_version: 1,
                    dim,
                    model_id: model_id.to_string(),
                    created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                };
                let tmp = manifest_path.with_extension("json.partial");
                std::fs::write(&tmp, serde_json::to_vec_pretty(&manifest).unwrap_or_default()).map_err(io)?;
                std::fs::rename(&tmp, &manifest_path).map_err(io)?;
                manifest
            }
            Err(e) => return Err(io(e)),
        };

        let config = EdgeConfigBuilder::new()
            .vector(DENSE, EdgeVectorParams::builder(dim, Distance::Cosine).build())
            .sparse_vector(SPARSE, EdgeSparseVectorParams::builder().modifier(Modifier::Idf).build())
            .build();
        std::fs::create_dir_all(&shard_dir).map_err(io)?;
        let shard = EdgeShard::load(&shard_dir, Some(config))?;
        let store = Self { dir: dir.to_path_buf(), shard, manifest, _lock: lock };
        store.create_payload_indexes()?;
        Ok(store)
    }

    /// Opens an existing store without knowing the model (read paths only check the manifest).
    pub fn read_manifest(dir: &Path) -> Option<StoreManifest> {
        let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn create_payload_indexes(&self) -> Result<()> {
        let fields = [
            (keys::ID, PayloadSchemaType::Keyword),
            (keys::COUNTRY, PayloadSchemaType::Keyword),
            (keys::STATUS, PayloadSchemaType::Keyword),
            (keys::ISIC_DIVISION, PayloadSchemaType::Keyword),
            (keys::ISIC_LEVELS, PayloadSchemaType::Keyword),
            (keys::VISIBILITY, PayloadSchemaType::Keyword),
            (keys::START_YEAR, PayloadSchemaType::Integer),
            (keys::COMPLETION_YEAR, PayloadSchemaType::Integer),
            (keys::INVESTMENT_USD, PayloadSchemaType::Float),
        ];
        for (key, schema) in fields {
            self.shard.update(UpdateOperation::FieldIndexOperation(FieldIndexOperations::CreateIndex(CreateIndex {
                field_name: path(key)?,
                field_schema: Some(PayloadFieldSchema::FieldType(schema)),
            })))?;
        }
        Ok(())
    }

    fn to_filter(&self, filter: &SearchFilter) -> Result<Option<Filter>> {
        to_edge_filter(filter)
    }
}

fn match_any(key: &str, values: &[String]) -> Result<Condition> {
    Ok(Condition::Field(FieldCondition::new_match(path(key)?, Match::from(values.to_vec()))))
}

fn range(key: &str, gte: Option<f64>, lte: Option<f64>) -> Result<Condition> {
    Ok(Condition::Field(FieldCondition::new_range(
        path(key)?,
        Range { gte: gte.map(OrderedFloat), lte: lte.map(OrderedFloat), gt: None, lt: None },
    )))
}

/// Converts a [`SearchFilter`] to a Qdrant filter (`None` when it constrains nothing).
pub fn to_edge_filter(filter: &SearchFilter) -> Result<Option<Filter>> {
    let mut must = Vec::new();
    if !filter.countries.is_empty() {
        must.push(match_any(keys::COUNTRY, &filter.countries)?);
    }
    if !filter.isic.is_empty() {
        must.push(match_any(keys::ISIC_LEVELS, &filter.isic)?);
    }
    if !filter.statuses.is_empty() {
        must.push(match_any(keys::STATUS, &filter.statuses)?);
    }
    if filter.investment_usd_min.is_some() || filter.investment_usd_max.is_some() {
        must.push(range(keys::INVESTMENT_USD, filter.investment_usd_min, filter.investment_usd_max)?);
    }
    if filter.year_from.is_some() || filter.year_to.is_some() {
        must.push(range(keys::START_YEAR, filter.year_from.map(f64::from), filter.year_to.map(f64::from))?);
    }
    if !filter.visibility.is_empty() || !filter.national_countries.is_empty() {
        // Readable when the level is allowed outright, or when it is a
        // national record of a country the caller belongs to.
        let mut should = Vec::new();
        if !filter.visibility.is_empty() {
            should.push(match_any(keys::VISIBILITY, &filter.visibility)?);
        }
        if !filter.national_countries.is_empty() {
            should.push(Condition::Filter(Filter {
                must: Some(vec![
                    match_any(keys::VISIBILITY, &["national".to_string()])?,
                    match_any(keys::COUNTRY, &filter.national_countries)?,
                ]),
                should: None,
                min_should: None,
                must_not: None,
            }));
        }
        must.push(Condition::Filter(Filter { should: Some(should), must: None, min_should: None, must_not: None }));
    }
    let must_not = if filter.exclude_ids.is_empty() {
        None
    } else {
        Some(vec![match_any(keys::ID, &filter.exclude_ids)?])
    };
    if must.is_empty() && must_not.is_none() {
        return Ok(None);
    }
    Ok(Some(Filter { must: (!must.is_empty()).then_some(must), should: None, min_should: None, must_not }))
}

fn sparse_internal(v: &SparseVector) -> Result<VectorInternal> {
    let sv = qdrant_edge::SparseVector::new(v.indices.clone(), v.values.clone())
        .map_err(|e| IndexError::Store(format!("invalid sparse vector: {e}")))?;
    Ok(VectorInternal::Sparse(sv))
}

fn nearest(vector: VectorInternal, using: &str) -> ScoringQuery {
    ScoringQuery::Vector(QueryEnum::Nearest(NamedQuery { query: vector, using: Some(using.to_string()) }))
}

fn payload_value(payload: Option<qdrant_edge::Payload>) -> Value {
    payload.map(|p| Value::Object(p.0.into_iter().collect())).unwrap_or(Value::Null)
}

fn record_id(payload: &Value) -> String {
    payload.get(keys::ID).and_then(Value::as_str).unwrap_or_default().to_string()
}

impl Store for EmbeddedStore {
    fn upsert(&self, points: Vec<StoredPoint>) -> Result<()> {
        if points.is_empty() {
            return Ok(());
        }
        let mut structs = Vec::with_capacity(points.len());
        for p in points {
            if !p.payload.is_object() {
                return Err(IndexError::Store(format!("payload of {} is not an object", p.id)));
            }
            let sparse = Vector::new_sparse(p.sparse.indices, p.sparse.values)?;
            let vectors = Vectors::new_named([(DENSE, Vector::new_dense(p.dense)), (SPARSE, sparse)]);
            structs.push(PointStruct::new(point_id(&p.id), vectors, p.payload).into());
        }
        self.shard.update(UpdateOperation::PointOperation(PointOperations::UpsertPoints(
            PointInsertOperations::PointsList(structs),
        )))?;
        Ok(())
    }

    fn delete(&self, ids: &[String]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids = ids.iter().map(|id| point_id(id)).collect();
        self.shard.update(UpdateOperation::PointOperation(PointOperations::DeletePoints { ids }))?;
        Ok(())
    }

    fn stored_states(&self) -> Result<HashMap<String, StoredState>> {
        let mut states = HashMap::new();
        let mut offset = None;
        loop {
            let (records, next) = self.shard.scroll(ScrollRequest {
                offset,
                limit: Some(1000),
                filter: None,
                with_payload: Some(WithPayloadInterface::Fields(vec![
                    path(keys::ID)?,
                    path(keys::CONTENT_HASH)?,
                    path(keys::KEYWORD_LENGTH)?,
                ])),
                with_vector: WithVector::Bool(false),
                order_by: None,
            })?;
            for record in records {
                let payload = payload_value(record.payload);
                let state = StoredState {
                    content_hash: payload.get(keys::CONTENT_HASH).and_then(Value::as_str).unwrap_or_default().to_string(),
                    keyword_length: payload.get(keys::KEYWORD_LENGTH).and_then(Value::as_f64).unwrap_or(0.0) as f32,
                };
                states.insert(record_id(&payload), state);
            }
            match next {
                Some(n) => offset = Some(n),
                None => break,
            }
        }
        Ok(states)
    }

    fn query(&self, query: &StoreQuery, filter: &SearchFilter, limit: usize, offset: usize) -> Result<Vec<Hit>> {
        let filter = self.to_filter(filter)?;
        let (prefetches, scoring) = match query {
            StoreQuery::Dense(v) => (vec![], nearest(VectorInternal::from(v.clone()), DENSE)),
            StoreQuery::Sparse(v) => (vec![], nearest(sparse_internal(v)?, SPARSE)),
            StoreQuery::Hybrid { dense, sparse, fusion, weights, rrf_k, prefetch_limit } => {
                let limit = (*prefetch_limit).max(limit + offset);
                let prefetch = |q| Prefetch {
                    prefetches: vec![],
                    query: Some(q),
                    limit,
                    params: None,
                    filter: filter.clone(),
                    score_threshold: None,
                };
                let fusion = match fusion {
                    FusionMethod::Rrf => Fusion::Rrf {
                        k: *rrf_k,
                        weights: weights.map(|(d, k)| vec![OrderedFloat(d), OrderedFloat(k)]),
                    },
                    FusionMethod::Dbsf => Fusion::Dbsf,
                };
                (
                    vec![
                        prefetch(nearest(VectorInternal::from(dense.clone()), DENSE)),
                        prefetch(nearest(sparse_internal(sparse)?, SPARSE)),
                    ],
                    ScoringQuery::Fusion(fusion),
                )
            }
        };
        let points = self.shard.query(QueryRequest {
            prefetches,
            query: Some(scoring),
            filter,
            score_threshold: None,
            limit,
            offset,
            params: None,
            with_vector: WithVector::Bool(false),
            with_payload: WithPayloadInterface::Bool(true),
        })?;
        Ok(points
            .into_iter()
            .map(|p| {
                let payload = payload_value(p.payload);
                Hit { id: record_id(&payload), score: p.score, payload }
            })
            .collect())
    }

    fn get(&self, ids: &[String], filter: &SearchFilter) -> Result<Vec<Hit>> {
        let mut filter = filter.clone();
        filter.exclude_ids.clear();
        let mut conditions = to_edge_filter(&filter)?.unwrap_or_default();
        let must = conditions.must.get_or_insert_with(Vec::new);
        must.push(match_any(keys::ID, ids)?);
        let (records, _) = self.shard.scroll(ScrollRequest {
            offset: None,
            limit: Some(ids.len().max(1)),
            filter: Some(conditions),
            with_payload: Some(WithPayloadInterface::Bool(true)),
            with_vector: WithVector::Bool(false),
            order_by: None,
        })?;
        Ok(records
            .into_iter()
            .map(|r| {
                let payload = payload_value(r.payload);
                Hit { id: record_id(&payload), score: 1.0, payload }
            })
            .collect())
    }

    fn dense_vector(&self, id: &str) -> Result<Option<Vec<f32>>> {
        let records = self.shard.retrieve(&[point_id(id)], Some(WithPayloadInterface::Bool(false)), Some(WithVector::Bool(true)))?;
        let Some(record) = records.into_iter().next() else {
            return Ok(None);
        };
        let Some(qdrant_edge::VectorStructInternal::Named(named)) = record.vector else {
            return Ok(None);
        };
        Ok(match named.get(DENSE) {
            Some(VectorInternal::Dense(v)) => Some(v.clone()),
            _ => None,
        })
    }

    fn facet(&self, key: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<(String, usize)>> {
        let response = self.shard.facet(FacetRequest {
            key: path(key)?,
            limit,
            filter: self.to_filter(filter)?,
            exact: true,
        })?;
        Ok(response
            .hits
            .into_iter()
            .filter_map(|hit| match hit.value {
                FacetValue::Keyword(value) => Some((value, hit.count)),
                FacetValue::Int(value) => Some((value.to_string(), hit.count)),
                _ => None,
            })
            .collect())
    }

    fn count(&self, filter: &SearchFilter) -> Result<usize> {
        Ok(self.shard.count(CountRequest { filter: self.to_filter(filter)?, exact: true })?)
    }

    fn flush(&self) -> Result<()> {
        self.shard.flush();
        Ok(())
    }
}
