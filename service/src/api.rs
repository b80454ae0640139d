//! HTTP API and search page.
//!
//! Routes: `GET|POST /v1/search`, `GET /v1/projects/{id}`,
//! `GET /v1/projects/{id}/similar`, `/healthz`, `/readyz`, `/metrics`, and
//! the page at `/`. Every response carries `x-request-id`; every error has
//! the shape of [`ApiError`]. Search routes return 503 until the model and
//! index are loaded, so the service can start before a long load finishes.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, RawQuery, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use gip_indexer::SearchFilter;
use serde_json::{Value, json};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::engine::{SearchEngine, SearchHit, SearchRequest, SearchResponse};
use crate::error::ApiError;
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
    /// Log the question text of each search (off by default: questions may be sensitive).
    pub log_queries: bool,
    pub request_timeout: Duration,
}

/// A loader run in the background at start-up.
pub type EngineLoader = Box<dyn FnOnce() -> Result<SearchEngine, String> + Send>;

pub struct AppState {
    engine: OnceLock<Arc<SearchEngine>>,
    load_error: Mutex<Option<String>>,
    pub metrics: Metrics,
    config: ServeConfig,
}

impl AppState {
    pub fn new(config: ServeConfig) -> Arc<Self> {
        Arc::new(Self { engine: OnceLock::new(), load_error: Mutex::new(None), metrics: Metrics::default(), config })
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
    paths(search_get, search_post, project, similar, healthz, readyz, metrics),
    components(schemas(SearchResponse, SearchHit, SearchBody, ApiError, ProjectResponse, SimilarResponse))
)]
pub struct ApiDoc;

/// Request id, set by the middleware for handlers and logs.
#[derive(Clone)]
pub struct RequestId(pub String);

/// Fields a handler adds to the request log line.
#[derive(Clone, Default)]
struct LogInfo {
    mode: &'static str,
    hits: usize,
    query: Option<String>,
}

/// Returns the access filter of an anonymous caller: public records only.
/// Until API keys exist, every caller is anonymous.
fn anonymous_access() -> SearchFilter {
    SearchFilter { visibility: vec!["public".into()], ..Default::default() }
}

pub fn router(state: Arc<AppState>) -> Router {
    let cors = if state.config.cors_origins.is_empty() {
        CorsLayer::new()
    } else {
        let origins: Vec<HeaderValue> = state.config.cors_origins.iter().filter_map(|o| o.parse().ok()).collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
    };
    let timeout = state.config.request_timeout;

    Router::new()
        .route("/", get(page))
        .route("/static/app.js", get(app_js))
        .route("/static/style.css", get(style_css))
        .route("/v1/search", get(search_get).post(search_post))
        .route("/v1/projects/{id}", get(project))
        .route("/v1/projects/{id}/similar", get(similar))
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(cors)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

fn new_request_id() -> String {
    use rand::Rng as _;
    let bytes: [u8; 12] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Assigns the request id, then logs one line and records metrics per request.
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
        query = info.query.as_deref().unwrap_or(""),
        "request"
    );
    response
}

fn with_id(error: ApiError, id: &RequestId) -> Response {
    error.with_request_id(&id.0).into_response()
}

/// Searches with query parameters; list filters repeat (`country=SA&country=OM`).
#[utoipa::path(get, path = "/v1/search", params(SearchBody),
    responses((status = 200, body = SearchResponse), (status = 400, body = ApiError), (status = 503, body = ApiError)))]
async fn search_get(State(state): State<Arc<AppState>>, Extension(id): Extension<RequestId>, RawQuery(query): RawQuery) -> Response {
    match SearchBody::from_query(query.as_deref().unwrap_or("")).and_then(SearchBody::into_request) {
        Ok(request) => run_search(state, id, request).await,
        Err(e) => with_id(e, &id),
    }
}

/// Searches with a JSON body of the same fields.
#[utoipa::path(post, path = "/v1/search", request_body = SearchBody,
    responses((status = 200, body = SearchResponse), (status = 400, body = ApiError), (status = 413, body = ApiError, description = "Body over 64 KiB"), (status = 503, body = ApiError)))]
async fn search_post(
    State(state): State<Arc<AppState>>,
    Extension(id): Extension<RequestId>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let error = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("the request body is over {} KiB; send a shorter question", BODY_LIMIT_BYTES / 1024),
                format!("جسم الطلب أكبر من {} كيلوبايت؛ أرسل سؤالًا أقصر", BODY_LIMIT_BYTES / 1024),
            );
            return with_id(error, &id);
        }
        Err(rejection) => {
            let error = ApiError::invalid(
                format!("the request body could not be read: {rejection}"),
                "تعذّرت قراءة جسم الطلب",
            );
            return with_id(error, &id);
        }
    };
    let parsed: Result<SearchBody, _> = serde_json::from_slice(&body);
    let body = match parsed {
        Ok(b) => b,
        Err(e) => {
            let error = ApiError::invalid(
                format!("the request body is not a valid search: {e}"),
                format!("جسم الطلب ليس طلب بحث صالحًا: {e}"),
            );
            return with_id(error, &id);
        }
    };
    match body.into_request() {
        Ok(request) => run_search(state, id, request).await,
        Err(e) => with_id(e, &id),
    }
}

async fn run_search(state: Arc<AppState>, id: RequestId, request: SearchRequest) -> Response {
    let engine = match state.engine() {
        Ok(e) => e,
        Err(e) => return with_id(e, &id),
    };
    let mode = request.mode.as_str();
    let query = state.config.log_queries.then(|| request.q.clone());
    let access = anonymous_access();
    let result = tokio::task::spawn_blocking(move || engine.search(&request, &access)).await;
    let response = match result {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => return with_id(ApiError::internal(e), &id),
        Err(e) => return with_id(ApiError::internal(e), &id),
    };
    if response.mode != crate::engine::Mode::Keyword {
        state.metrics.record_embedding(response.timings.embed_ms / 1000.0);
    }

    let hits = response.hits.len();
    let mut response = response;
    response.request_id = id.0.clone();
    let mut http = Json(response).into_response();
    http.extensions_mut().insert(LogInfo { mode, hits, query });
    http
}

/// One project by id, if the caller may read it.
#[utoipa::path(get, path = "/v1/projects/{id}", params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = ProjectResponse), (status = 404, body = ApiError), (status = 503, body = ApiError)))]
async fn project(State(state): State<Arc<AppState>>, Extension(id): Extension<RequestId>, Path(project_id): Path<String>) -> Response {
    let engine = match state.engine() {
        Ok(e) => e,
        Err(e) => return with_id(e, &id),
    };
    let lookup = project_id.clone();
    let result = tokio::task::spawn_blocking(move || engine.get(&lookup, &anonymous_access())).await;
    match result {
        Ok(Ok(Some(hit))) => Json(ProjectResponse { request_id: id.0, project: hit }).into_response(),
        Ok(Ok(None)) => with_id(ApiError::not_found(&project_id), &id),
        Ok(Err(e)) => with_id(ApiError::internal(e), &id),
        Err(e) => with_id(ApiError::internal(e), &id),
    }
}

/// The ten projects nearest by meaning to one project.
#[utoipa::path(get, path = "/v1/projects/{id}/similar", params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = SimilarResponse), (status = 404, body = ApiError), (status = 503, body = ApiError)))]
async fn similar(State(state): State<Arc<AppState>>, Extension(id): Extension<RequestId>, Path(project_id): Path<String>) -> Response {
    let engine = match state.engine() {
        Ok(e) => e,
        Err(e) => return with_id(e, &id),
    };
    let lookup = project_id.clone();
    let result = tokio::task::spawn_blocking(move || engine.similar(&lookup, &anonymous_access(), 10)).await;
    match result {
        Ok(Ok(Some(hits))) => {
            let count = hits.len();
            let mut response = Json(SimilarResponse { request_id: id.0, id: project_id, hits }).into_response();
            response.extensions_mut().insert(LogInfo { mode: "semantic", hits: count, query: None });
            response
        }
        Ok(Ok(None)) => with_id(ApiError::not_found(&project_id), &id),
        Ok(Err(e)) => with_id(ApiError::internal(e), &id),
        Err(e) => with_id(ApiError::internal(e), &id),
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
    let state = AppState::new(config.clone());
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
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await?;
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
