//! [`Store`] over a Qdrant server or cluster, through the gRPC client.
//!
//! The collection layout, point ids, payload indexes and filter semantics
//! are those of the embedded store (see [`crate::store`]). The name the
//! user gives (`--collection`) is an alias: the data lives in a collection
//! named `<name>_<timestamp>`, so `gip index --rebuild` can build a new
//! collection and switch the alias to it in one atomic server operation
//! while searches go on.
//!
//! The [`Store`] trait is synchronous and the client is async. Each store
//! owns a small multi-thread Tokio runtime: a call spawns its request on
//! that runtime and waits on a standard channel for the result. The caller
//! never drives a runtime itself, so the bridge works from plain threads and
//! from `tokio::task::spawn_blocking` alike, and it cannot deadlock on the
//! caller's runtime. Called on an async worker thread it blocks that thread
//! for the duration of the request, like any blocking call.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use gip_analysis::SparseVector;
use qdrant_client::qdrant::{
    self, CountPointsBuilder, CreateAliasBuilder, CreateCollectionBuilder, CreateFieldIndexCollectionBuilder,
    DeleteCollectionBuilder, DeletePointsBuilder, Distance, FacetCountsBuilder, FieldType, Fusion, GetPointsBuilder,
    Modifier, NamedVectors, PayloadIncludeSelector, PointId, PointStruct, PointsIdsList, PrefetchQueryBuilder, Query,
    QueryPointsBuilder, RrfBuilder, ScrollPointsBuilder, SparseVectorParamsBuilder, SparseVectorsConfigBuilder,
    UpsertPointsBuilder, VectorInput, VectorParamsBuilder, VectorsConfigBuilder, VectorsSelector,
};
use qdrant_client::{Payload, Qdrant, QdrantError};
use serde_json::Value;

use crate::document::keys;
use crate::error::{IndexError, Result};
use crate::filter::{Clause, Conditions, SearchFilter};
use crate::store::{
    DENSE, FusionMethod, Hit, INDEXED_FIELDS, PayloadIndexKind, Rebuild, SPARSE, Store, StoreManifest, StoreQuery,
    StoredPoint, StoredState, get_conditions, point_uuid, record_id,
};

/// Key of the collection metadata entry that contains the [`StoreManifest`].
const MANIFEST_KEY: &str = "gip_manifest";

/// Records per scroll page of [`Store::stored_states`].
const SCROLL_PAGE: u32 = 1000;

/// Connection settings of a [`ServerStore`] and the name of its index.
/// The `Debug` output hides the API key.
#[derive(Clone)]
pub struct ServerConfig {
    /// gRPC URL of the server, e.g. `http://localhost:6334`; `https://`
    /// turns TLS on (server certificate checked against the system roots).
    pub url: String,
    /// Sent as the `api-key` header when set.
    pub api_key: Option<String>,
    /// Alias that names the index, e.g. `gip_projects`.
    pub collection: String,
    /// Limit of each request and of connecting.
    pub timeout: Duration,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<hidden>"))
            .field("collection", &self.collection)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ServerConfig {
    /// Default request timeout: generous for an upsert batch with
    /// `wait = true` on a busy server.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    pub fn new(url: &str, collection: &str) -> Self {
        Self { url: url.to_string(), api_key: None, collection: collection.to_string(), timeout: Self::DEFAULT_TIMEOUT }
    }
}

/// A Qdrant server collection, reached through the alias
/// [`ServerConfig::collection`].
pub struct ServerStore {
    client: Qdrant,
    /// Always `Some` until `drop`, which takes it to shut it down without
    /// blocking.
    runtime: Option<tokio::runtime::Runtime>,
    url: String,
    /// Name that requests use: the alias, or the new collection during a rebuild.
    target: String,
    pub manifest: StoreManifest,
}

/// Target of the configured name on the server.
#[derive(Debug, Clone, PartialEq)]
enum Live {
    /// An alias of this collection.
    Alias(String),
    /// A collection with the name itself (not created by gip: gip creates aliases).
    Collection(String),
    /// Nothing yet.
    Missing,
}

impl ServerStore {
    /// Connects and opens the index named `config.collection`, creating it
    /// (a new collection and the alias) when absent.
    ///
    /// Fails with [`IndexError::Unreachable`] when the server does not
    /// respond, and with [`IndexError::ModelMismatch`] when the index was
    /// built with another model or dimension.
    pub fn open(config: &ServerConfig, dim: usize, model_id: &str) -> Result<Self> {
        let mut store = Self::connect(config, &config.collection)?;
        match store.resolve(&config.collection)? {
            Live::Alias(collection) | Live::Collection(collection) => {
                let manifest = store.read_manifest(&collection)?;
                manifest.check_model(&store.describe(&config.collection), dim, model_id)?;
                store.manifest = manifest;
            }
            Live::Missing => {
                let collection = store.create_collection(&config.collection, dim, model_id)?;
                let alias = config.collection.clone();
                let client = store.client.clone();
                store.call("create alias", async move {
                    client.create_alias(CreateAliasBuilder::new(collection, alias)).await
                })?;
            }
        }
        Ok(store)
    }

    /// Opens an existing index with whatever model built it (for deletes,
    /// which need no embedder). Fails when `config.collection` does not exist.
    pub fn open_existing(config: &ServerConfig) -> Result<Self> {
        let mut store = Self::connect(config, &config.collection)?;
        match store.resolve(&config.collection)? {
            Live::Alias(collection) | Live::Collection(collection) => {
                store.manifest = store.read_manifest(&collection)?;
                Ok(store)
            }
            Live::Missing => Err(IndexError::Store(format!(
                "{} does not exist; run `gip index` first",
                store.describe(&config.collection)
            ))),
        }
    }

    /// Starts a rebuild: a new, empty collection `<name>_<timestamp>` for the
    /// model `model_id` with `dim` dimensions. Searches through the alias keep
    /// reading the live collection until [`Rebuild::commit`] switches the
    /// alias to the new one.
    ///
    /// NOTE: nothing stops two rebuilds of one name from running at once;
    /// the later commit wins and the other new collection stays on the server.
    /// A store opened earlier keeps the manifest it read, so after a rebuild
    /// for another model its process must be restarted.
    pub fn begin_rebuild(config: &ServerConfig, dim: usize, model_id: &str) -> Result<ServerRebuild> {
        let mut store = Self::connect(config, &config.collection)?;
        let live = store.resolve(&config.collection)?;
        let collection = store.create_collection(&config.collection, dim, model_id)?;
        tracing::info!(url = %config.url, alias = %config.collection, %collection, "rebuilding the index in a new collection");
        store.target = collection;
        Ok(ServerRebuild { store, alias: config.collection.clone(), live })
    }

    /// Deletes the collection behind `config.collection` together with its
    /// aliases. Returns `false` when there was none.
    pub fn delete_index(config: &ServerConfig) -> Result<bool> {
        let store = Self::connect(config, &config.collection)?;
        match store.resolve(&config.collection)? {
            Live::Alias(collection) | Live::Collection(collection) => {
                store.delete_collection(&collection)?;
                Ok(true)
            }
            Live::Missing => Ok(false),
        }
    }

    /// Returns the index name used in messages.
    pub fn describe(&self, name: &str) -> String {
        format!("Qdrant collection {name:?} at {}", self.url)
    }

    /// Builds the client and its runtime, and checks that the server responds.
    fn connect(config: &ServerConfig, target: &str) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("gip-qdrant")
            .enable_all()
            .build()
            .map_err(|e| IndexError::Store(format!("cannot start the runtime of the Qdrant client: {e}")))?;
        // The version check prints to standard output, which carries
        // `gip index --json` summaries, so it is skipped.
        let client = Qdrant::from_url(&config.url)
            .api_key(config.api_key.clone())
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .skip_compatibility_check()
            .build()
            .map_err(|e| {
                IndexError::Store(format!("invalid --qdrant-url {:?}: {e}; use a URL like http://localhost:6334", config.url))
            })?;
        // The constructors replace the manifest once the index is opened or created.
        let placeholder = StoreManifest::new(0, "", target);
        let store = Self { client, runtime: Some(runtime), url: config.url.clone(), target: target.to_string(), manifest: placeholder };

        // Any failure of the health check but a rejected key means that no
        // Qdrant gRPC service answered at the URL (a wrong port, a REST
        // port, a firewall), so it is reported as unreachable.
        let client = store.client.clone();
        let Err(error) = store.run(async move { client.health_check().await }) else {
            return Ok(store);
        };
        let rejected_key = matches!(&error, QdrantError::ResponseError { status }
            if matches!(status.code(), tonic::Code::Unauthenticated | tonic::Code::PermissionDenied));
        if rejected_key {
            return Err(store.error("check server health", error));
        }
        Err(IndexError::Unreachable { url: store.url.clone(), reason: error_reason(&error) })
    }

    /// Runs `future` on the store's runtime and waits for its result on the
    /// calling thread (see the module documentation).
    fn run<T, F>(&self, future: F) -> std::result::Result<T, QdrantError>
    where
        T: Send + 'static,
        F: Future<Output = std::result::Result<T, QdrantError>> + Send + 'static,
    {
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        let Some(runtime) = &self.runtime else {
            return Err(QdrantError::Io(std::io::Error::other("the Qdrant client runtime is shut down")));
        };
        runtime.spawn(async move {
            // The receiver is gone only when the caller has stopped waiting.
            let _ = sender.send(future.await);
        });
        receiver
            .recv()
            .unwrap_or_else(|_| Err(QdrantError::Io(std::io::Error::other("the Qdrant request task stopped without a result"))))
    }

    /// [`Self::run`] with the error turned into an [`IndexError`] naming `operation`.
    fn call<T, F>(&self, operation: &'static str, future: F) -> Result<T>
    where
        T: Send + 'static,
        F: Future<Output = std::result::Result<T, QdrantError>> + Send + 'static,
    {
        self.run(future).map_err(|e| self.error(operation, e))
    }

    fn error(&self, operation: &'static str, error: QdrantError) -> IndexError {
        let mut message = error_reason(&error);
        if let QdrantError::ResponseError { status } = &error {
            let code = status.code();
            let connect_failed = code == tonic::Code::Internal && status.message().starts_with("Failed to connect");
            if code == tonic::Code::Unavailable || connect_failed {
                return IndexError::Unreachable { url: self.url.clone(), reason: message };
            }
            // The client's own timeout ends a request as `Cancelled` with
            // this message (tonic 0.14), the server's as `DeadlineExceeded`.
            let timed_out = code == tonic::Code::DeadlineExceeded
                || (code == tonic::Code::Cancelled && status.message().contains("Timeout expired"));
            if code == tonic::Code::Unauthenticated || code == tonic::Code::PermissionDenied {
                message.push_str("; set --qdrant-api-key (GIP_QDRANT_API_KEY) to a key with access");
            } else if timed_out {
                message.push_str("; the request timed out, so raise --qdrant-timeout or check the server load");
            }
        }
        IndexError::Server { url: self.url.clone(), collection: self.target.clone(), operation, message }
    }

    /// Finds what `name` refers to: an alias, a collection, or nothing.
    fn resolve(&self, name: &str) -> Result<Live> {
        let client = self.client.clone();
        let aliases = self.call("list aliases", async move { client.list_aliases().await })?;
        if let Some(alias) = aliases.aliases.into_iter().find(|a| a.alias_name == name) {
            return Ok(Live::Alias(alias.collection_name));
        }
        let client = self.client.clone();
        let collection = name.to_string();
        let exists = self.call("check collection", async move { client.collection_exists(collection).await })?;
        Ok(if exists { Live::Collection(name.to_string()) } else { Live::Missing })
    }

    /// Reads the manifest from the metadata of `collection`.
    fn read_manifest(&self, collection: &str) -> Result<StoreManifest> {
        let client = self.client.clone();
        let name = collection.to_string();
        let info = self.call("read collection info", async move { client.collection_info(name).await })?;
        let metadata = info.result.and_then(|i| i.config).map(|c| c.metadata).unwrap_or_default();
        let Some(value) = metadata.get(MANIFEST_KEY).cloned() else {
            // NOTE: collection metadata needs Qdrant 1.16 or newer; an older
            // server drops it, and its gip collections cannot be reopened.
            return Err(IndexError::Store(format!(
                "{} has no {MANIFEST_KEY:?} metadata, so gip did not create it or the server is older than 1.16; \
                 pass another --collection, or upgrade the server and run `gip index --rebuild`",
                self.describe(collection)
            )));
        };
        serde_json::from_value(value.into_json()).map_err(|e| {
            IndexError::Store(format!(
                "the {MANIFEST_KEY:?} metadata of {} is not valid: {e}; run `gip index --rebuild`",
                self.describe(collection)
            ))
        })
    }

    /// Creates `<alias>_<timestamp>` with the store layout, the manifest as
    /// metadata, and the payload indexes. Returns its name; `self.manifest`
    /// becomes its manifest.
    fn create_collection(&mut self, alias: &str, dim: usize, model_id: &str) -> Result<String> {
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S%6f");
        let collection = format!("{alias}_{stamp}");
        let manifest = StoreManifest::new(dim, model_id, &collection);
        let manifest_value = serde_json::to_value(&manifest)
            .map_err(|e| IndexError::Store(format!("cannot encode the manifest: {e}")))?;

        let mut dense = VectorsConfigBuilder::default();
        dense.add_named_vector_params(DENSE, VectorParamsBuilder::new(dim as u64, Distance::Cosine));
        let mut sparse = SparseVectorsConfigBuilder::default();
        sparse.add_named_vector_params(SPARSE, SparseVectorParamsBuilder::default().modifier(Modifier::Idf));
        let request = CreateCollectionBuilder::new(collection.clone())
            .vectors_config(dense)
            .sparse_vectors_config(sparse)
            .metadata(HashMap::from([(MANIFEST_KEY.to_string(), manifest_value)]));
        let client = self.client.clone();
        self.call("create collection", async move { client.create_collection(request).await })?;

        for (key, kind) in INDEXED_FIELDS {
            let field_type = match kind {
                PayloadIndexKind::Keyword => FieldType::Keyword,
                PayloadIndexKind::Integer => FieldType::Integer,
                PayloadIndexKind::Float => FieldType::Float,
            };
            let request = CreateFieldIndexCollectionBuilder::new(collection.clone(), key, field_type).wait(true);
            let client = self.client.clone();
            self.call("create payload index", async move { client.create_field_index(request).await })?;
        }
        self.manifest = manifest;
        Ok(collection)
    }

    fn delete_collection(&self, collection: &str) -> Result<()> {
        let client = self.client.clone();
        let request = DeleteCollectionBuilder::new(collection);
        self.call("delete collection", async move { client.delete_collection(request).await })?;
        Ok(())
    }
}

impl Drop for ServerStore {
    fn drop(&mut self) {
        // `Runtime`'s own drop blocks, which panics inside an async context;
        // shutting down in the background never blocks.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A rebuild on the server; see [`ServerStore::begin_rebuild`].
pub struct ServerRebuild {
    /// Writes go to the new collection by its own name.
    store: ServerStore,
    alias: String,
    live: Live,
}

impl Rebuild for ServerRebuild {
    fn store(&self) -> &dyn Store {
        &self.store
    }

    fn commit(self: Box<Self>) -> Result<()> {
        let Self { store, alias, live } = *self;
        let new = store.target.clone();

        if let Live::Collection(old) = &live {
            // An alias cannot share its name with a collection, so the old
            // collection goes first.
            // NOTE: searches by that name fail until the alias exists, a
            // moment later; this happens once, for collections gip did not create.
            tracing::warn!(url = %store.url, collection = %old, "deleting a plain collection to put an alias in its place");
            store.delete_collection(old)?;
        }
        // Creating an alias that exists repoints it; the server applies it
        // as one step under its alias lock, so searches see the old or the
        // new collection, never neither.
        let client = store.client.clone();
        let (collection, alias_name) = (new.clone(), alias.clone());
        store.call("switch alias", async move {
            client.create_alias(CreateAliasBuilder::new(collection, alias_name)).await
        })?;
        tracing::info!(url = %store.url, %alias, collection = %new, "switched the alias to the rebuilt collection");

        if let Live::Alias(old) = live
            && old != new
            && let Err(error) = store.delete_collection(&old)
        {
            // The switch is done, so this is not an error of the rebuild.
            tracing::warn!(url = %store.url, collection = %old, %error, "cannot delete the replaced collection; delete it by hand");
        }
        Ok(())
    }

    fn abort(self: Box<Self>) -> Result<()> {
        let target = self.store.target.clone();
        self.store.delete_collection(&target)?;
        tracing::info!(url = %self.store.url, collection = %target, "deleted the unfinished rebuild");
        Ok(())
    }
}

/// Status message of a client error, without the metadata dump of its `Display`.
fn error_reason(error: &QdrantError) -> String {
    match error {
        QdrantError::ResponseError { status } => format!("{} ({:?})", status.message(), status.code()),
        other => other.to_string(),
    }
}

fn server_point_id(record_id: &str) -> PointId {
    PointId::from(point_uuid(record_id).to_string())
}

fn server_condition(clause: &Clause) -> qdrant::Condition {
    match clause {
        Clause::AnyOf { key, values } => qdrant::Condition::matches(*key, values.clone()),
        Clause::Range { key, gte, lte } => {
            qdrant::Condition::range(*key, qdrant::Range { gte: *gte, lte: *lte, gt: None, lt: None })
        }
        Clause::All(clauses) => qdrant::Filter::must(clauses.iter().map(server_condition)).into(),
        Clause::Either(clauses) => qdrant::Filter::should(clauses.iter().map(server_condition)).into(),
    }
}

/// Converts filter clauses to a server filter (`None` when they constrain nothing).
pub fn to_server_filter(conditions: &Conditions) -> Option<qdrant::Filter> {
    if conditions.is_empty() {
        return None;
    }
    Some(qdrant::Filter {
        must: conditions.must.iter().map(server_condition).collect(),
        must_not: conditions.must_not.iter().map(server_condition).collect(),
        ..Default::default()
    })
}

fn payload_json(payload: HashMap<String, qdrant::Value>) -> Value {
    Value::Object(payload.into_iter().map(|(key, value)| (key, value.into_json())).collect())
}

fn hit(payload: HashMap<String, qdrant::Value>, score: f32) -> Hit {
    let payload = payload_json(payload);
    Hit { id: record_id(&payload), score, payload }
}

fn nearest_sparse(vector: &SparseVector) -> Query {
    Query::new_nearest(VectorInput::new_sparse(vector.indices.clone(), vector.values.clone()))
}

impl Store for ServerStore {
    fn upsert(&self, points: Vec<StoredPoint>) -> Result<()> {
        if points.is_empty() {
            return Ok(());
        }
        let mut structs = Vec::with_capacity(points.len());
        for p in points {
            let payload = Payload::try_from(p.payload)
                .map_err(|_| IndexError::Store(format!("payload of {} is not an object", p.id)))?;
            let vectors = NamedVectors::default()
                .add_vector(DENSE, qdrant::Vector::new_dense(p.dense))
                .add_vector(SPARSE, qdrant::Vector::new_sparse(p.sparse.indices, p.sparse.values));
            structs.push(PointStruct::new(server_point_id(&p.id), vectors, payload));
        }
        // `wait` makes the points readable when the call returns, as in the embedded store.
        let request = UpsertPointsBuilder::new(self.target.clone(), structs).wait(true);
        let client = self.client.clone();
        self.call("upsert points", async move { client.upsert_points(request).await })?;
        Ok(())
    }

    fn delete(&self, ids: &[String]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids = PointsIdsList { ids: ids.iter().map(|id| server_point_id(id)).collect() };
        let request = DeletePointsBuilder::new(self.target.clone()).points(ids).wait(true);
        let client = self.client.clone();
        self.call("delete points", async move { client.delete_points(request).await })?;
        Ok(())
    }

    fn stored_states(&self) -> Result<HashMap<String, StoredState>> {
        let mut states = HashMap::new();
        let mut offset: Option<PointId> = None;
        loop {
            let fields = vec![keys::ID.to_string(), keys::CONTENT_HASH.to_string(), keys::KEYWORD_LENGTH.to_string()];
            let mut request = ScrollPointsBuilder::new(self.target.clone())
                .limit(SCROLL_PAGE)
                .with_payload(PayloadIncludeSelector::new(fields))
                .with_vectors(false);
            if let Some(offset) = offset.take() {
                request = request.offset(offset);
            }
            let client = self.client.clone();
            let page = self.call("scroll points", async move { client.scroll(request).await })?;
            for point in page.result {
                let payload = payload_json(point.payload);
                let state = StoredState {
                    content_hash: payload.get(keys::CONTENT_HASH).and_then(Value::as_str).unwrap_or_default().to_string(),
                    keyword_length: payload.get(keys::KEYWORD_LENGTH).and_then(Value::as_f64).unwrap_or(0.0) as f32,
                };
                states.insert(record_id(&payload), state);
            }
            match page.next_page_offset {
                Some(next) => offset = Some(next),
                None => break,
            }
        }
        Ok(states)
    }

    fn query(&self, query: &StoreQuery, filter: &SearchFilter, limit: usize, offset: usize) -> Result<Vec<Hit>> {
        let filter = to_server_filter(&filter.conditions());
        let mut request = QueryPointsBuilder::new(self.target.clone())
            .limit(limit as u64)
            .offset(offset as u64)
            .with_payload(true)
            .with_vectors(false);
        if let Some(filter) = &filter {
            request = request.filter(filter.clone());
        }
        request = match query {
            StoreQuery::Dense(vector) => request.query(Query::new_nearest(vector.clone())).using(DENSE),
            StoreQuery::Sparse(vector) => request.query(nearest_sparse(vector)).using(SPARSE),
            StoreQuery::Hybrid { dense, sparse, fusion, weights, rrf_k, prefetch_limit } => {
                let prefetch_limit = (*prefetch_limit).max(limit + offset) as u64;
                let prefetch = |query: Query, using: &str| {
                    let mut prefetch = PrefetchQueryBuilder::default().query(query).using(using).limit(prefetch_limit);
                    if let Some(filter) = &filter {
                        prefetch = prefetch.filter(filter.clone());
                    }
                    prefetch
                };
                let fused = match fusion {
                    FusionMethod::Rrf => {
                        let k = u32::try_from(*rrf_k)
                            .map_err(|_| IndexError::Store(format!("RRF k {rrf_k} is too large; use a value below 2^32")))?;
                        let mut rrf = RrfBuilder::with_k(k);
                        if let Some((dense_weight, keyword_weight)) = weights {
                            rrf = rrf.weights(vec![*dense_weight, *keyword_weight]);
                        }
                        Query::new_rrf(rrf)
                    }
                    FusionMethod::Dbsf => Query::new_fusion(Fusion::Dbsf),
                };
                // The prefetch order gives the weight order: dense, then keyword.
                request
                    .add_prefetch(prefetch(Query::new_nearest(dense.clone()), DENSE))
                    .add_prefetch(prefetch(nearest_sparse(sparse), SPARSE))
                    .query(fused)
            }
        };
        let client = self.client.clone();
        let response = self.call("query points", async move { client.query(request).await })?;
        Ok(response.result.into_iter().map(|point| hit(point.payload, point.score)).collect())
    }

    fn get(&self, ids: &[String], filter: &SearchFilter) -> Result<Vec<Hit>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut request = ScrollPointsBuilder::new(self.target.clone())
            .limit(u32::try_from(ids.len()).unwrap_or(u32::MAX))
            .with_payload(true)
            .with_vectors(false);
        if let Some(filter) = to_server_filter(&get_conditions(ids, filter)) {
            request = request.filter(filter);
        }
        let client = self.client.clone();
        let page = self.call("scroll points", async move { client.scroll(request).await })?;
        Ok(page.result.into_iter().map(|point| hit(point.payload, 1.0)).collect())
    }

    fn dense_vector(&self, id: &str) -> Result<Option<Vec<f32>>> {
        let request = GetPointsBuilder::new(self.target.clone(), vec![server_point_id(id)])
            .with_payload(false)
            .with_vectors(VectorsSelector::new(vec![DENSE.to_string()]));
        let client = self.client.clone();
        let response = self.call("get points", async move { client.get_points(request).await })?;
        let vector = response
            .result
            .into_iter()
            .next()
            .and_then(|point| point.vectors)
            .and_then(|vectors| vectors.get_vector_by_name(DENSE));
        Ok(match vector {
            Some(qdrant::vector_output::Vector::Dense(dense)) => Some(dense.data),
            _ => None,
        })
    }

    fn facet(&self, key: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<(String, usize)>> {
        let mut request = FacetCountsBuilder::new(self.target.clone(), key).limit(limit as u64).exact(true);
        if let Some(filter) = to_server_filter(&filter.conditions()) {
            request = request.filter(filter);
        }
        let client = self.client.clone();
        let response = self.call("count facet values", async move { client.facet(request).await })?;
        Ok(response
            .hits
            .into_iter()
            .filter_map(|hit| match hit.value?.variant? {
                qdrant::facet_value::Variant::StringValue(value) => Some((value, hit.count as usize)),
                qdrant::facet_value::Variant::IntegerValue(value) => Some((value.to_string(), hit.count as usize)),
                qdrant::facet_value::Variant::BoolValue(_) => None,
            })
            .collect())
    }

    fn count(&self, filter: &SearchFilter) -> Result<usize> {
        let mut request = CountPointsBuilder::new(self.target.clone()).exact(true);
        if let Some(filter) = to_server_filter(&filter.conditions()) {
            request = request.filter(filter);
        }
        let client = self.client.clone();
        let response = self.call("count points", async move { client.count(request).await })?;
        Ok(response.result.map_or(0, |r| r.count as usize))
    }

    /// Writes are acknowledged with `wait = true`, so the server has applied
    /// them already and there is nothing to flush.
    fn flush(&self) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_server_names_url_and_fix() {
        // Port 1 on loopback has no listener, so the connection is refused.
        let mut config = ServerConfig::new("http://127.0.0.1:1", "gip_test");
        config.timeout = Duration::from_secs(5);
        let error = ServerStore::open(&config, 4, "test-model").err().expect("open succeeded without a server");
        let message = error.to_string();
        assert!(matches!(error, IndexError::Unreachable { .. }), "unexpected error: {message}");
        assert!(message.contains("http://127.0.0.1:1"), "URL missing from: {message}");
        assert!(message.contains("6334"), "gRPC port hint missing from: {message}");
    }

    #[test]
    fn invalid_url_is_rejected() {
        let config = ServerConfig::new("not a url", "gip_test");
        let error = ServerStore::open(&config, 4, "test-model").err().expect("open accepted an invalid URL");
        assert!(error.to_string().contains("not a url"), "URL missing from: {error}");
    }

    #[test]
    fn open_works_inside_spawn_blocking() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let config = ServerConfig::new("http://127.0.0.1:1", "gip_test");
        let result = runtime.block_on(async move {
            tokio::task::spawn_blocking(move || ServerStore::open(&config, 4, "test-model").err().map(|e| e.to_string())).await
        });
        let message = result.expect("the blocking task panicked").expect("open succeeded without a server");
        assert!(message.contains("cannot reach"), "unexpected error: {message}");
    }

    #[test]
    fn filter_conversion_keeps_structure() {
        let filter = SearchFilter {
            countries: vec!["SA".into()],
            visibility: vec!["public".into()],
            national_countries: vec!["OM".into()],
            exclude_ids: vec!["x".into()],
            ..Default::default()
        };
        let converted = to_server_filter(&filter.conditions()).expect("filter constrains");
        assert_eq!(converted.must.len(), 2, "country and visibility clauses: {converted:?}");
        assert_eq!(converted.must_not.len(), 1);
        assert!(to_server_filter(&SearchFilter::default().conditions()).is_none());
    }
}
