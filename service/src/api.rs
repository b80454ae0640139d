//! HTTP API and search page.
//!
//! Routes: `GET|POST /v1/search`, `GET|PUT|DELETE /v1/projects/{id}`,
//! `POST /v1/projects`, `GET /v1/projects/{id}/similar`, `/healthz`,
//! `/readyz`, `/metrics`, and the page at `/`. Every response carries
//! `x-request-id`; every error has the shape of [`ApiError`]. `/v1` routes
//! return 503 until the model and index are loaded, so the service can
//! start before a long load finishes.
//!
//! Every `/v1` request is authenticated (an API key in `Authorization:
//! Bearer` or `X-API-Key`, or anonymous when allowed), rate limited per
//! caller, and written to the audit log. Each read passes the caller's
//! visibility filter down to the store, so hits, totals, facets, snippets
//! and similar records only ever come from records the caller may read.

mod write;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use gip_indexer::SearchFilter;
use serde_json::{Value, json};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::audit::{AuditEvent, AuditLog};
use crate::auth::{AuthFailure, Caller, KeyStore};
use crate::engine::{SearchEngine, SearchHit, SearchRequest, SearchResponse};
use crate::error::ApiError;
use crate::limit::RateLimit;
use crate::metrics::Metrics;
use crate::params::SearchBody;

/// Largest accepted request body.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Settings of `gip serve`.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// Origins allowed to call the API from a browser (CORS); empty = same origin only.
    pub cors_origins: Vec<String>,
    /// Log the question text of each search, in the request log and the
    /// audit log (off by default: questions may be sensitive).
    pub log_queries: bool,
    /// Time limit of a read request.
    pub request_timeout: Duration,
    /// Time limit of a write request, which embeds up to a batch of records.
    pub write_timeout: Duration,
    /// Let callers without a key read public records.
    pub anonymous_access: bool,
    /// The API key file; `None` accepts no keys.
    pub keys_path: Option<PathBuf>,
    /// The audit log; `None` turns auditing off.
    pub audit_path: Option<PathBuf>,
    /// Requests a minute per key (per client address for anonymous
    /// callers); 0 turns the limit off.
    pub rate_limit_per_minute: u32,
    /// Requests a caller may send at once before the rate applies.
    pub rate_limit_burst: u32,
}

impl ServeConfig {
    /// Settings for `listen` with the defaults of `gip serve`, and neither
    /// keys nor an audit log.
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            cors_origins: Vec::new(),
            log_queries: false,
            request_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(900),
            anonymous_access: true,
            keys_path: None,
            audit_path: None,
            rate_limit_per_minute: 600,
            rate_limit_burst: 60,
        }
    }
}

/// A loader run in the background at start-up.
pub type EngineLoader = Box<dyn FnOnce() -> Result<SearchEngine, String> + Send>;

pub struct AppState {
    engine: OnceLock<Arc<SearchEngine>>,
    load_error: Mutex<Option<String>>,
    pub metrics: Metrics,
    config: ServeConfig,
    keys: Option<KeyStore>,
    audit: Option<AuditLog>,
    rate_limit: Option<RateLimit>,
    /// Held by each write, so that the ownership check of a record id and
    /// the write that follows it cannot interleave with another write.
    writes: Mutex<()>,
}

impl AppState {
    /// Builds the state, opening the key file and the audit log.
    pub fn new(config: ServeConfig) -> std::io::Result<Arc<Self>> {
        let keys = match &config.keys_path {
            Some(path) => Some(KeyStore::open(path).map_err(std::io::Error::other)?),
            None => None,
        };
        let audit = match &config.audit_path {
            Some(path) => Some(AuditLog::open(path, config.log_queries).map_err(|e| {
                std::io::Error::other(format!("could not open the audit log {}: {e}", path.display()))
            })?),
            None => None,
        };
        let rate_limit = RateLimit::new(config.rate_limit_per_minute, config.rate_limit_burst);
        Ok(Arc::new(Self {
            engine: OnceLock::new(),
            load_error: Mutex::new(None),
            metrics: Metrics::default(),
            config,
            keys,
            audit,
            rate_limit,
            writes: Mutex::new(()),
        }))
    }

    pub fn set_engine(&self, engine: SearchEngine) {
        let _ = self.engine.set(Arc::new(engine));
    }

    fn engine(&self) -> Result<Arc<SearchEngine>, ApiError> {
        self.engine.get().cloned().ok_or_else(ApiError::not_ready)
    }
}

/// `GET /v1/projects/{id}`.
#[derive(Serialize, ToSchema)]
pub struct ProjectResponse {
    pub request_id: String,
    pub project: SearchHit,
}

/// `GET /v1/projects/{id}/similar`: nearest records by meaning, the record itself excluded.
#[derive(Serialize, ToSchema)]
pub struct SimilarResponse {
    pub request_id: String,
    pub id: String,
    pub hits: Vec<SearchHit>,
}

/// The OpenAPI 3 description of the API, generated from the handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(title = "GIP Search API", description = "Hybrid Arabic and English search over GCC industrial projects."),
    paths(
        search_get, search_post, project, similar, write::put_project, write::delete_project, write::post_projects,
        healthz, readyz, metrics
    ),
    components(schemas(
        SearchResponse, SearchHit, SearchBody, ApiError, ProjectResponse, SimilarResponse,
        write::BatchBody, write::BatchResponse, write::WriteResponse, write::DeleteResponse
    )),
    modifiers(&SecuritySchemes),
    security((), ("bearer" = []), ("api_key" = []))
)]
pub struct ApiDoc;

/// Declares the two ways to present an API key.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("API key from `gip keys create`")).build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        components.add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))));
    }
}

/// Request id, set by the middleware for handlers and logs.
#[derive(Clone)]
pub struct RequestId(pub String);

/// Fields a handler adds to the request log line and the audit event.
#[derive(Clone, Default)]
struct LogInfo {
    mode: &'static str,
    hits: usize,
    query: Option<String>,
    /// Audit action (`search`, `get`, ...); empty for requests not audited.
    action: &'static str,
    total: Option<usize>,
    ids: Vec<String>,
    error: Option<&'static str>,
}

impl LogInfo {
    fn action(action: &'static str) -> Self {
        Self { action, ..Default::default() }
    }
}

/// Largest accepted body of a write: a full batch of records.
pub const WRITE_BODY_LIMIT_BYTES: usize = 16 * 1024 * 1024;

pub fn router(state: Arc<AppState>) -> Router {
    let cors = if state.config.cors_origins.is_empty() {
        CorsLayer::new()
    } else {
        let origins: Vec<HeaderValue> = state.config.cors_origins.iter().filter_map(|o| o.parse().ok()).collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, "x-api-key".parse().expect("valid header name")])
    };
    let read_timeout = TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, state.config.request_timeout);
    let write_timeout = TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, state.config.write_timeout);
    let read_limit = DefaultBodyLimit::max(BODY_LIMIT_BYTES);
    let write_limit = DefaultBodyLimit::max(WRITE_BODY_LIMIT_BYTES);

    let api = Router::new()
        .route("/v1/search", get(search_get).post(search_post).layer::<_, Infallible>(read_limit).layer::<_, Infallible>(read_timeout.clone()))
        .route(
            "/v1/projects",
            post(write::post_projects).layer::<_, Infallible>(write_limit).layer::<_, Infallible>(write_timeout.clone()),
        )
        .route(
            "/v1/projects/{id}",
            get(project)
                .layer::<_, Infallible>(read_limit)
                .layer::<_, Infallible>(read_timeout.clone())
                .merge(axum::routing::put(write::put_project).delete(write::delete_project).layer::<_, Infallible>(write_limit).layer::<_, Infallible>(write_timeout)),
        )
        .route("/v1/projects/{id}/similar", get(similar).layer::<_, Infallible>(read_limit).layer::<_, Infallible>(read_timeout))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));

    Router::new()
        .route("/", get(page))
        .route("/static/app.js", get(app_js))
        .route("/static/style.css", get(style_css))
        .merge(api)
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(cors)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

fn new_request_id() -> String {
    use rand::Rng as _;
    let bytes: [u8; 12] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Assigns the request id, then logs one line, records metrics and writes
/// the audit event of each request.
async fn observe(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = new_request_id();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    request.extensions_mut().insert(RequestId(id.clone()));

    let mut response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    let info = response.extensions().get::<LogInfo>().cloned().unwrap_or_default();
    let caller = response.extensions().get::<Caller>().cloned();
    state.metrics.record_request(&route, status, info.mode, seconds);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(
        request_id = %id,
        route = %route,
        status,
        latency_ms = seconds * 1000.0,
        mode = info.mode,
        hits = info.hits,
        key_id = caller.as_ref().map(Caller::key_id).unwrap_or(""),
        query = if state.config.log_queries { info.query.as_deref().unwrap_or("") } else { "" },
        "request"
    );

    if let (Some(audit), false) = (&state.audit, info.action.is_empty()) {
        audit.append(AuditEvent {
            time: crate::audit::now(),
            request_id: id,
            key_id: caller.as_ref().map(Caller::key_id).unwrap_or("unknown").to_string(),
            key_country: caller.as_ref().and_then(Caller::country).map(str::to_string),
            action: info.action,
            status,
            results: info.hits,
            total: info.total,
            ids: info.ids,
            error: info.error,
            query: info.query,
        });
    }
    response
}

/// Reads the API key of a request: `Authorization: Bearer <key>`, else
/// `X-API-Key: <key>`. `Ok(None)` when neither header is present.
fn presented_key(headers: &HeaderMap) -> Result<Option<&str>, AuthFailure> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| AuthFailure::Malformed)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(AuthFailure::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthFailure::Malformed);
        }
        return Ok(Some(token.trim()));
    }
    match headers.get("x-api-key") {
        Some(value) => Ok(Some(value.to_str().map_err(|_| AuthFailure::Malformed)?.trim())),
        None => Ok(None),
    }
}

/// Resolves the caller of a `/v1` request and applies the rate limit.
/// The caller goes into the request's extensions for the handler, and into
/// the response's for the log and the audit event.
async fn authenticate(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let request_id = request.extensions().get::<RequestId>().cloned().unwrap_or_else(|| RequestId(String::new()));
    let denied = |error: ApiError, caller: Option<Caller>| {
        let mut response = with_id(error.clone(), &request_id);
        if error.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response.extensions_mut().insert(LogInfo { error: Some(error.code), ..LogInfo::action("denied") });
        if let Some(caller) = caller {
            response.extensions_mut().insert(caller);
        }
        response
    };

    let caller = match presented_key(request.headers()) {
        Err(failure) => return denied(ApiError::unauthorized(failure), None),
        Ok(None) if state.config.anonymous_access => Caller::Anonymous,
        Ok(None) => return denied(ApiError::key_required(), None),
        Ok(Some(token)) => {
            let Some(keys) = &state.keys else {
                return denied(ApiError::unauthorized(AuthFailure::Unknown), None);
            };
            match keys.authenticate(token) {
                Ok(Ok(identity)) => Caller::Key(identity),
                Ok(Err(failure)) => return denied(ApiError::unauthorized(failure), None),
                Err(e) => return with_id(ApiError::internal(e), &request_id),
            }
        }
    };

    if let Some(limit) = &state.rate_limit {
        let bucket = match &caller {
            Caller::Key(key) => format!("key:{}", key.id),
            Caller::Anonymous => {
                let address = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
                format!("address:{}", address.unwrap_or_default())
            }
        };
        if let Err(wait) = limit.check(&bucket) {
            // Rate-limited requests are counted in the metrics, not audited,
            // so a flood cannot flood the audit log too.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = with_id(ApiError::rate_limited(seconds), &request_id);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            response.extensions_mut().insert(caller);
            return response;
        }
    }

    request.extensions_mut().insert(caller.clone());
    let mut response = next.run(request).await;
    response.extensions_mut().insert(caller);
    response
}

fn with_id(error: ApiError, id: &RequestId) -> Response {
    error.with_request_id(&id.0).into_response()
}

/// Builds an error response whose audit event records `action` and the error code.
fn failed(error: ApiError, id: &RequestId, action: &'static str) -> Response {
    let code = error.code;
    let mut response = with_id(error, id);
    response.extensions_mut().insert(LogInfo { error: Some(code), ..LogInfo::action(action) });
    response
}

/// Searches with query parameters; list filters repeat (`country=SA&country=OM`).
#[utoipa::path(get, path = "/v1/search", params(SearchBody),
    responses((status = 200, body = SearchResponse), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 429, body = ApiError), (status = 503, body = ApiError)))]
async fn search_get(
    State(state): State<Arc<AppState>>,
    Extension(id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
) -> Response {
    match SearchBody::from_query(query.as_deref().unwrap_or("")).and_then(SearchBody::into_request) {
        Ok(request) => run_search(state, id, caller, request).await,
        Err(e) => failed(e, &id, "search"),
    }
}

/// Searches with a JSON body of the same fields.
#[utoipa::path(post, path = "/v1/search", request_body = SearchBody,
    responses((status = 200, body = SearchResponse), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 413, body = ApiError, description = "Body over 64 KiB"),
        (status = 429, body = ApiError), (status = 503, body = ApiError)))]
async fn search_post(
    State(state): State<Arc<AppState>>,
    Extension(id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match read_body(body, BODY_LIMIT_BYTES) {
        Ok(body) => body,
        Err(error) => return failed(error, &id, "search"),
    };
    let parsed: Result<SearchBody, _> = serde_json::from_slice(&body);
    let body = match parsed {
        Ok(b) => b,
        Err(e) => {
            let error = ApiError::invalid(
                format!("the request body is not a valid search: {e}"),
                format!("جسم الطلب ليس طلب بحث صالحًا: {e}"),
            );
            return failed(error, &id, "search");
        }
    };
    match body.into_request() {
        Ok(request) => run_search(state, id, caller, request).await,
        Err(e) => failed(e, &id, "search"),
    }
}

/// Returns the bytes of a body, or the error for one that is too large or unreadable.
fn read_body(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    match body {
        Ok(body) => Ok(body),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the request body is over {} KiB; send a smaller one", limit / 1024),
            format!("جسم الطلب أكبر من {} كيلوبايت؛ أرسل جسمًا أصغر", limit / 1024),
        )),
        Err(rejection) => Err(ApiError::invalid(
            format!("the request body could not be read: {rejection}"),
            "تعذّرت قراءة جسم الطلب",
        )),
    }
}

/// Checks the read scope and readiness, and returns the engine with the
/// caller's read filter, or the error response to send.
fn reader(state: &AppState, caller: &Caller, id: &RequestId, action: &'static str) -> Result<(Arc<SearchEngine>, SearchFilter), Response> {
    if !caller.may_read() {
        return Err(failed(ApiError::missing_scope("search"), id, action));
    }
    let engine = state.engine().map_err(|e| failed(e, id, action))?;
    Ok((engine, caller.read_filter()))
}

async fn run_search(state: Arc<AppState>, id: RequestId, caller: Caller, request: SearchRequest) -> Response {
    let (engine, access) = match reader(&state, &caller, &id, "search") {
        Ok(reader) => reader,
        Err(response) => return response,
    };
    let mode = request.mode.as_str();
    let query = Some(request.q.clone());
    let result = tokio::task::spawn_blocking(move || engine.search(&request, &access)).await;
    let response = match result {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => return failed(ApiError::internal(e), &id, "search"),
        Err(e) => return failed(ApiError::internal(e), &id, "search"),
    };
    if response.mode != crate::engine::Mode::Keyword {
        state.metrics.record_embedding(response.timings.embed_ms / 1000.0);
    }

    let hits = response.hits.len();
    let total = response.total;
    let mut response = response;
    response.request_id = id.0.clone();
    let mut http = json_with_timing(&response);
    http.extensions_mut().insert(LogInfo { mode, hits, query, total: Some(total), ..LogInfo::action("search") });
    http
}

/// Encodes a search response as JSON, like [`Json`] does, and reports the
/// search stages and the encoding time in a `server-timing` header
/// (milliseconds), which browsers' developer tools and the benchmark
/// scripts read.
fn json_with_timing(response: &SearchResponse) -> Response {
    let started = Instant::now();
    let body = match serde_json::to_vec(response) {
        Ok(body) => body,
        Err(e) => return with_id(ApiError::internal(e), &RequestId(response.request_id.clone())),
    };
    let serialize_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::debug!(serialize_ms, bytes = body.len(), "response encoded");

    let timing = format!("search;dur={:.3}, serialize;dur={serialize_ms:.3}", response.took_ms);
    let mut http = ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response();
    if let Ok(value) = HeaderValue::from_str(&timing) {
        http.headers_mut().insert("server-timing", value);
    }
    http
}

/// One project by id, if the caller may read it.
#[utoipa::path(get, path = "/v1/projects/{id}", params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = ProjectResponse), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 429, body = ApiError), (status = 503, body = ApiError)))]
async fn project(
    State(state): State<Arc<AppState>>,
    Extension(id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
    Path(project_id): Path<String>,
) -> Response {
    let (engine, access) = match reader(&state, &caller, &id, "get") {
        Ok(reader) => reader,
        Err(response) => return response,
    };
    let lookup = project_id.clone();
    let result = tokio::task::spawn_blocking(move || engine.get(&lookup, &access)).await;
    match result {
        Ok(Ok(Some(hit))) => {
            let mut response = Json(ProjectResponse { request_id: id.0, project: hit }).into_response();
            response.extensions_mut().insert(LogInfo { hits: 1, ids: vec![project_id], ..LogInfo::action("get") });
            response
        }
        Ok(Ok(None)) => {
            let mut response = failed(ApiError::not_found(&project_id), &id, "get");
            if let Some(info) = response.extensions_mut().get_mut::<LogInfo>() {
                info.ids = vec![project_id];
            }
            response
        }
        Ok(Err(e)) => failed(ApiError::internal(e), &id, "get"),
        Err(e) => failed(ApiError::internal(e), &id, "get"),
    }
}

/// The ten projects nearest by meaning to one project.
#[utoipa::path(get, path = "/v1/projects/{id}/similar", params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = SimilarResponse), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 429, body = ApiError), (status = 503, body = ApiError)))]
async fn similar(
    State(state): State<Arc<AppState>>,
    Extension(id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
    Path(project_id): Path<String>,
) -> Response {
    let (engine, access) = match reader(&state, &caller, &id, "similar") {
        Ok(reader) => reader,
        Err(response) => return response,
    };
    let lookup = project_id.clone();
    let result = tokio::task::spawn_blocking(move || engine.similar(&lookup, &access, 10)).await;
    match result {
        Ok(Ok(Some(hits))) => {
            let count = hits.len();
            let mut response = Json(SimilarResponse { request_id: id.0, id: project_id.clone(), hits }).into_response();
            let info = LogInfo { mode: "semantic", hits: count, ids: vec![project_id], ..LogInfo::action("similar") };
            response.extensions_mut().insert(info);
            response
        }
        Ok(Ok(None)) => failed(ApiError::not_found(&project_id), &id, "similar"),
        Ok(Err(e)) => failed(ApiError::internal(e), &id, "similar"),
        Err(e) => failed(ApiError::internal(e), &id, "similar"),
    }
}

/// 200 once the model and index are loaded; 503 before, with the load error if one happened.
#[utoipa::path(get, path = "/readyz", responses((status = 200, description = "Ready"), (status = 503, body = ApiError)))]
async fn readyz(State(state): State<Arc<AppState>>, Extension(id): Extension<RequestId>) -> Response {
    if state.engine.get().is_some() {
        return Json(json!({"status": "ready"})).into_response();
    }
    let mut error = ApiError::not_ready();
    if let Some(reason) = state.load_error.lock().unwrap_or_else(|e| e.into_inner()).clone() {
        error.message = format!("the index failed to load: {reason}");
        error.message_ar = format!("تعذّر تحميل الفهرس: {reason}");
    }
    with_id(error, &id)
}

/// Prometheus metrics in the text format.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

/// 200 while the process runs.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "The process is up")))]
async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn not_found(Extension(id): Extension<RequestId>) -> Response {
    let error = ApiError::new(StatusCode::NOT_FOUND, "route_not_found", "no such route; see /openapi.json", "المسار غير موجود");
    with_id(error, &id)
}

async fn page() -> Html<&'static str> {
    Html(include_str!("../static/index.html"))
}

async fn app_js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("../static/app.js")).into_response()
}

async fn style_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../static/style.css")).into_response()
}

/// Serves until SIGINT or SIGTERM, loading the engine in the background.
pub async fn serve(config: ServeConfig, loader: EngineLoader) -> std::io::Result<()> {
    let state = AppState::new(config.clone())?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let address = listener.local_addr()?;

    let loading = state.clone();
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        match loader() {
            Ok(engine) => {
                loading.set_engine(engine);
                tracing::info!(seconds = started.elapsed().as_secs_f64(), "index ready");
                eprintln!("ready: search at http://{address}/");
            }
            Err(reason) => {
                tracing::error!(error = %reason, "index failed to load");
                eprintln!("error: the index failed to load: {reason}");
                *loading.load_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(reason);
            }
        }
    });

    eprintln!("listening on http://{address}/ (loading the model and index)");
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    eprintln!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
