//! Vector store seam: the [`Store`] trait and its embedded Qdrant Edge
//! implementation ([`crate::server::ServerStore`] is the other one).
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
use crate::filter::{Clause, Conditions, SearchFilter};

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

/// Stable point id of a record id: the first 16 bytes of its SHA-256 as a UUID.
pub fn point_uuid(record_id: &str) -> Uuid {
    let digest = Sha256::digest(record_id.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// [`point_uuid`] as a Qdrant Edge point id.
pub fn point_id(record_id: &str) -> PointId {
    PointId::Uuid(point_uuid(record_id))
}

/// Type of a payload index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadIndexKind {
    Keyword,
    Integer,
    Float,
}

/// Payload fields that both stores index, for filters and facets.
pub const INDEXED_FIELDS: [(&str, PayloadIndexKind); 9] = [
    (keys::ID, PayloadIndexKind::Keyword),
    (keys::COUNTRY, PayloadIndexKind::Keyword),
    (keys::STATUS, PayloadIndexKind::Keyword),
    (keys::ISIC_DIVISION, PayloadIndexKind::Keyword),
    (keys::ISIC_LEVELS, PayloadIndexKind::Keyword),
    (keys::VISIBILITY, PayloadIndexKind::Keyword),
    (keys::START_YEAR, PayloadIndexKind::Integer),
    (keys::COMPLETION_YEAR, PayloadIndexKind::Integer),
    (keys::INVESTMENT_USD, PayloadIndexKind::Float),
];

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
    /// Embedded: folder of the live shard inside the data directory. A
    /// rebuild writes a new folder and then switches this name, so the
    /// manifest points to the live index. Server: the collection behind the
    /// alias.
    #[serde(default = "first_shard_dir")]
    pub shard: String,
}

const MANIFEST: &str = "gip-store.json";
/// Shard folder of a data directory that was never rebuilt.
const SHARD_DIR: &str = "shard";
/// Name prefix of the shard folders that rebuilds create.
const REBUILD_SHARD_PREFIX: &str = "shard-";

fn first_shard_dir() -> String {
    SHARD_DIR.to_string()
}

impl StoreManifest {
    pub(crate) fn new(dim: usize, model_id: &str, shard: &str) -> Self {
        Self {
            layout_version: 1,
            dim,
            model_id: model_id.to_string(),
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            shard: shard.to_string(),
        }
    }

    /// Fails with [`IndexError::ModelMismatch`] unless the index was built
    /// with `model_id` at `dim` dimensions. `index` names the index in the message.
    pub fn check_model(&self, index: &str, dim: usize, model_id: &str) -> Result<()> {
        if self.model_id == model_id && self.dim == dim {
            return Ok(());
        }
        Err(IndexError::ModelMismatch {
            index: index.to_string(),
            found: format!("{} ({} dims)", self.model_id, self.dim),
            expected: format!("{model_id} ({dim} dims)"),
        })
    }
}

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
    /// built with another model (vectors would not be comparable), or when
    /// another process has the folder open.
    ///
    /// Shard folders that the manifest does not point to are left over
    /// from a rebuild that never switched; they are deleted here.
    pub fn open(dir: &Path, dim: usize, model_id: &str) -> Result<Self> {
        let lock = lock_data_dir(dir)?;
        let manifest = match read_manifest_file(dir)? {
            Some(manifest) => {
                manifest.check_model(&dir.display().to_string(), dim, model_id)?;
                manifest
            }
            None => {
                let manifest = StoreManifest::new(dim, model_id, SHARD_DIR);
                write_manifest(dir, &manifest)?;
                manifest
            }
        };
        remove_stale_shards(dir, &manifest.shard);
        Self::load(dir, manifest, lock)
    }

    /// Starts a rebuild of the index in `dir` for the model `model_id` with
    /// `dim` dimensions: an empty store in a new shard folder beside the
    /// live one. The live index is untouched until
    /// [`Rebuild::commit`] switches the manifest to the new folder, so a
    /// crash before that leaves it whole.
    ///
    /// The data directory stays locked for the whole rebuild, so a serving
    /// process must be stopped first. The model may differ from the one the
    /// live index was built with.
    pub fn begin_rebuild(dir: &Path, dim: usize, model_id: &str) -> Result<EmbeddedRebuild> {
        let lock = lock_data_dir(dir)?;
        let live = read_manifest_file(dir)?;
        let live_shard = live.as_ref().map(|m| m.shard.clone());
        remove_stale_shards(dir, live_shard.as_deref().unwrap_or(SHARD_DIR));

        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S%6f").to_string();
        let mut shard = format!("{REBUILD_SHARD_PREFIX}{stamp}");
        // Two rebuilds within one microsecond would share a name.
        let mut attempt = 1;
        while dir.join(&shard).exists() {
            attempt += 1;
            shard = format!("{REBUILD_SHARD_PREFIX}{stamp}-{attempt}");
        }
        let store = Self::load(dir, StoreManifest::new(dim, model_id, &shard), lock)?;
        tracing::info!(dir = %dir.display(), %shard, "rebuilding the index in a new shard folder");
        Ok(EmbeddedRebuild { store, live_shard })
    }

    fn load(dir: &Path, manifest: StoreManifest, lock: std::fs::File) -> Result<Self> {
        let io = |source| IndexError::Io { dir: dir.to_path_buf(), source };
        let config = EdgeConfigBuilder::new()
            .vector(DENSE, EdgeVectorParams::builder(manifest.dim, Distance::Cosine).build())
            .sparse_vector(SPARSE, EdgeSparseVectorParams::builder().modifier(Modifier::Idf).build())
            .build();
        let shard_dir = dir.join(&manifest.shard);
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
        for (key, kind) in INDEXED_FIELDS {
            let schema = match kind {
                PayloadIndexKind::Keyword => PayloadSchemaType::Keyword,
                PayloadIndexKind::Integer => PayloadSchemaType::Integer,
                PayloadIndexKind::Float => PayloadSchemaType::Float,
            };
            self.shard.update(UpdateOperation::FieldIndexOperation(FieldIndexOperations::CreateIndex(CreateIndex {
                field_name: path(key)?,
                field_schema: Some(PayloadFieldSchema::FieldType(schema)),
            })))?;
        }
        Ok(())
    }

    fn to_filter(&self, filter: &SearchFilter) -> Result<Option<Filter>> {
        to_edge_filter(&filter.conditions())
    }
}

/// Creates `dir` and takes the exclusive lock on `<dir>/lock`.
fn lock_data_dir(dir: &Path) -> Result<std::fs::File> {
    let io = |source| IndexError::Io { dir: dir.to_path_buf(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join("lock")).map_err(io)?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(IndexError::Locked { dir: dir.to_path_buf() }),
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

/// Reads `<dir>/gip-store.json`; `None` when the file does not exist.
fn read_manifest_file(dir: &Path) -> Result<Option<StoreManifest>> {
    let manifest_path = dir.join(MANIFEST);
    match std::fs::read(&manifest_path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| IndexError::Store(format!("{} is not valid: {e}; restore it or run `gip index --rebuild`", manifest_path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(IndexError::Io { dir: dir.to_path_buf(), source }),
    }
}

/// Replaces `<dir>/gip-store.json` atomically: the new text goes to a
/// temporary file that is synced and then renamed over the old one, so a
/// crash leaves either the old or the new manifest, never a torn one.
fn write_manifest(dir: &Path, manifest: &StoreManifest) -> Result<()> {
    use std::io::Write as _;

    let io = |source| IndexError::Io { dir: dir.to_path_buf(), source };
    let manifest_path = dir.join(MANIFEST);
    let tmp = manifest_path.with_extension("json.partial");
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| IndexError::Store(format!("cannot encode the manifest: {e}")))?;
    let mut file = std::fs::File::create(&tmp).map_err(io)?;
    file.write_all(&text).map_err(io)?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&tmp, &manifest_path).map_err(io)?;
    // The rename is durable once the folder entry is synced.
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)
}

/// Deletes shard folders in `dir` other than `live`. Call only while holding
/// the data directory lock, so no other process is writing one of them.
fn remove_stale_shards(dir: &Path, live: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_shard = name == SHARD_DIR || name.starts_with(REBUILD_SHARD_PREFIX);
        if !is_shard || name == live || !entry.path().is_dir() {
            continue;
        }
        match std::fs::remove_dir_all(entry.path()) {
            Ok(()) => tracing::warn!(dir = %dir.display(), shard = %name, "deleted a shard folder left by an unfinished rebuild"),
            Err(error) => tracing::warn!(dir = %dir.display(), shard = %name, %error, "cannot delete an unused shard folder"),
        }
    }
}

/// A new index being built beside the live one. Until [`Rebuild::commit`]
/// the live one keeps serving searches (server alias) or stays intact on
/// disk (embedded).
pub trait Rebuild {
    /// The new, initially empty store to write every record to.
    fn store(&self) -> &dyn Store;
    /// Makes the new index the live one in one atomic step, then deletes
    /// the old one. Fails without switching when the new index cannot be
    /// made durable.
    fn commit(self: Box<Self>) -> Result<()>;
    /// Deletes the new index and leaves the live one as it was.
    fn abort(self: Box<Self>) -> Result<()>;
}

/// A rebuild of an embedded data directory; see [`EmbeddedStore::begin_rebuild`].
pub struct EmbeddedRebuild {
    store: EmbeddedStore,
    /// Shard folder of the live index; `None` when the folder had no index.
    live_shard: Option<String>,
}

impl Rebuild for EmbeddedRebuild {
    fn store(&self) -> &dyn Store {
        &self.store
    }

    fn commit(self: Box<Self>) -> Result<()> {
        let Self { store, live_shard } = *self;
        store.shard.flush();
        write_manifest(&store.dir, &store.manifest)?;
        tracing::info!(dir = %store.dir.display(), shard = %store.manifest.shard, "switched to the rebuilt index");

        if let Some(old) = live_shard.filter(|old| *old != store.manifest.shard) {
            let old_dir = store.dir.join(&old);
            if let Err(error) = std::fs::remove_dir_all(&old_dir) {
                // The switch is done; the next open deletes the folder.
                tracing::warn!(dir = %old_dir.display(), %error, "cannot delete the replaced shard folder");
            }
        }
        Ok(())
    }

    fn abort(self: Box<Self>) -> Result<()> {
        let EmbeddedStore { dir, shard, manifest, _lock } = self.store;
        // Close the shard's files before deleting its folder.
        drop(shard);
        std::fs::remove_dir_all(dir.join(&manifest.shard)).map_err(|source| IndexError::Io { dir: dir.clone(), source })?;
        tracing::info!(dir = %dir.display(), shard = %manifest.shard, "deleted the unfinished rebuild");
        Ok(())
    }
}

fn edge_condition(clause: &Clause) -> Result<Condition> {
    Ok(match clause {
        Clause::AnyOf { key, values } => {
            Condition::Field(FieldCondition::new_match(path(key)?, Match::from(values.clone())))
        }
        Clause::Range { key, gte, lte } => Condition::Field(FieldCondition::new_range(
            path(key)?,
            Range { gte: gte.map(OrderedFloat), lte: lte.map(OrderedFloat), gt: None, lt: None },
        )),
        Clause::All(clauses) => Condition::Filter(Filter { must: Some(edge_conditions(clauses)?), ..empty_filter() }),
        Clause::Either(clauses) => Condition::Filter(Filter { should: Some(edge_conditions(clauses)?), ..empty_filter() }),
    })
}

fn edge_conditions(clauses: &[Clause]) -> Result<Vec<Condition>> {
    clauses.iter().map(edge_condition).collect()
}

fn empty_filter() -> Filter {
    Filter { must: None, should: None, min_should: None, must_not: None }
}

/// Converts filter clauses to a Qdrant Edge filter (`None` when they constrain nothing).
pub fn to_edge_filter(conditions: &Conditions) -> Result<Option<Filter>> {
    if conditions.is_empty() {
        return Ok(None);
    }
    let list = |clauses: &[Clause]| -> Result<Option<Vec<Condition>>> {
        Ok(if clauses.is_empty() { None } else { Some(edge_conditions(clauses)?) })
    };
    Ok(Some(Filter { must: list(&conditions.must)?, must_not: list(&conditions.must_not)?, ..empty_filter() }))
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

/// Clauses of [`Store::get`]: `filter` without its excluded ids (a record
/// asked for by id is returned even when a search would skip it), and the id
/// among `ids`.
pub(crate) fn get_conditions(ids: &[String], filter: &SearchFilter) -> Conditions {
    let mut filter = filter.clone();
    filter.exclude_ids.clear();
    let mut conditions = filter.conditions();
    conditions.must.push(Clause::AnyOf { key: keys::ID, values: ids.to_vec() });
    conditions
}

pub(crate) fn record_id(payload: &Value) -> String {
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
        // Qdrant Edge (0.7.2) returns the first `offset + limit` points and
        // leaves skipping the offset to the caller, as a server's shards do.
        Ok(points
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|p| {
                let payload = payload_value(p.payload);
                Hit { id: record_id(&payload), score: p.score, payload }
            })
            .collect())
    }

    fn get(&self, ids: &[String], filter: &SearchFilter) -> Result<Vec<Hit>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let conditions = get_conditions(ids, filter);
        let (records, _) = self.shard.scroll(ScrollRequest {
            offset: None,
            limit: Some(ids.len()),
            filter: to_edge_filter(&conditions)?,
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
