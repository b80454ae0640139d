//! Write routes: `POST /v1/projects` (a batch), `PUT /v1/projects/{id}`
//! and `DELETE /v1/projects/{id}`. Each needs a key with the ingest scope;
//! the rules of who writes what are in [`crate::ingest`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{AppState, LogInfo, RequestId, WRITE_BODY_LIMIT_BYTES, failed, read_body};
use crate::auth::Caller;
use crate::engine::SearchEngine;
use crate::error::ApiError;
use crate::ingest::{self, BatchOutcome, DeleteOutcome, MAX_BATCH, WriteStatus};

/// Body of `POST /v1/projects`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    /// 1 to 1,000 records of schema v1.
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<Value>,
}

/// Result of `POST /v1/projects`: valid records are stored even when
/// others in the batch are rejected.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    pub request_id: String,
    #[serde(flatten)]
    pub outcome: BatchOutcome,
}

/// Result of `PUT /v1/projects/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WriteResponse {
    pub request_id: String,
    pub id: String,
    pub status: WriteStatus,
}

/// Result of `DELETE /v1/projects/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeleteResponse {
    pub request_id: String,
    pub id: String,
    /// Always `deleted`.
    pub status: String,
}

/// Checks the scope and readiness every write needs.
fn writer(state: &AppState, caller: &Caller) -> Result<Arc<SearchEngine>, ApiError> {
    if *caller == Caller::Anonymous {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "key_required",
            "writing records requires an API key with the ingest scope; send it as `Authorization: Bearer gip_...`",
            "كتابة السجلات تتطلب مفتاح واجهة برمجية بصلاحية ingest؛ أرسله في `Authorization: Bearer gip_...`",
        ));
    }
    if !caller.may_ingest() {
        return Err(ApiError::missing_scope("ingest"));
    }
    state.engine()
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8], what: &str, what_ar: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid(format!("the request body is not {what}: {e}"), format!("جسم الطلب ليس {what_ar}: {e}"))
    })
}

/// Runs `write` on a blocking thread while holding the write lock, so
/// writes run one at a time.
async fn run_write<T: Send + 'static>(
    state: &Arc<AppState>,
    write: impl FnOnce() -> Result<T, crate::engine::EngineError> + Send + 'static,
) -> Result<T, ApiError> {
    let state = state.clone();
    let result = tokio::task::spawn_blocking(move || {
        let _write = state.writes.lock().unwrap_or_else(|e| e.into_inner());
        write()
    })
    .await;
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(ApiError::internal(e)),
        Err(e) => Err(ApiError::internal(e)),
    }
}

/// Runs a batch through [`run_write`].
async fn run_batch(state: &Arc<AppState>, engine: Arc<SearchEngine>, caller: &Caller, records: Vec<Value>) -> Result<BatchOutcome, ApiError> {
    let caller = caller.clone();
    run_write(state, move || ingest::write_batch(&engine, &caller, &records)).await
}

/// Ids that a write changed, for the audit log.
fn written_ids(outcome: &BatchOutcome) -> Vec<String> {
    outcome.accepted_records.iter().filter(|r| r.status != WriteStatus::Unchanged).map(|r| r.id.clone()).collect()
}

/// Adds or replaces up to 1,000 records. Each record is accepted or
/// rejected on its own; rejected ones are listed with their index, field
/// and reason. Re-sending an unchanged record writes nothing.
#[utoipa::path(post, path = "/v1/projects", request_body = BatchBody,
    responses((status = 200, body = BatchResponse), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 413, body = ApiError, description = "Body over 16 MiB"),
        (status = 429, body = ApiError), (status = 503, body = ApiError)))]
pub(super) async fn post_projects(
    State(state): State<Arc<AppState>>,
    Extension(id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let engine = match writer(&state, &caller) {
        Ok(engine) => engine,
        Err(error) => return failed(error, &id, "ingest"),
    };
    let parsed = read_body(body, WRITE_BODY_LIMIT_BYTES)
        .and_then(|body| parse_json::<BatchBody>(&body, "a batch of the form {\"records\": [...]}", "دفعة بالصيغة {\"records\": [...]}"));
    let batch = match parsed {
        Ok(batch) => batch,
        Err(error) => return failed(error, &id, "ingest"),
    };
    if batch.records.is_empty() || batch.records.len() > MAX_BATCH {
        let count = batch.records.len();
        let error = ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_batch_size",
            format!("the batch has {count} records; send 1 to {MAX_BATCH} records per request"),
            format!("في الدفعة {count} سجلًا؛ أرسل من 1 إلى {MAX_BATCH} سجل في كل طلب"),
        );
        return failed(error, &id, "ingest");
    }

    let outcome = match run_batch(&state, engine, &caller, batch.records).await {
        Ok(outcome) => outcome,
        Err(error) => return failed(error, &id, "ingest"),
    };
    let ids = written_ids(&outcome);
    let info = LogInfo { hits: ids.len(), ids, ..LogInfo::action("ingest") };
    let mut response = Json(BatchResponse { request_id: id.0, outcome }).into_response();
    response.extensions_mut().insert(info);
    response
}

/// Creates or replaces one record. The body's `id` must equal the path's
/// (or be left out). 201 when created, 200 when updated or unchanged, 422
/// with every problem when the record is invalid.
#[utoipa::path(put, path = "/v1/projects/{id}", params(("id" = String, Path, description = "Record id")),
    request_body(content = Object, description = "One record of schema v1"),
    responses((status = 200, body = WriteResponse), (status = 201, body = WriteResponse), (status = 400, body = ApiError),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 413, body = ApiError),
        (status = 422, body = ApiError), (status = 429, body = ApiError), (status = 503, body = ApiError)))]
pub(super) async fn put_project(
    State(state): State<Arc<AppState>>,
    Extension(id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
    Path(project_id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let engine = match writer(&state, &caller) {
        Ok(engine) => engine,
        Err(error) => return failed(error, &id, "ingest"),
    };
    let parsed = read_body(body, WRITE_BODY_LIMIT_BYTES).and_then(|body| parse_json::<Value>(&body, "a JSON record", "سجلًا بصيغة JSON"));
    let mut record = match parsed {
        Ok(record) => record,
        Err(error) => return failed(error, &id, "ingest"),
    };
    if let Some(fields) = record.as_object_mut() {
        match fields.get("id") {
            None | Some(Value::Null) => {
                fields.insert("id".into(), Value::String(project_id.clone()));
            }
            Some(Value::String(body_id)) if body_id.trim() == project_id => {}
            Some(other) => {
                let error = ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "id_mismatch",
                    format!("the body's id {other} differs from the path's id {project_id:?}; send the same id in both, or leave it out of the body"),
                    format!("المعرّف {other} في جسم الطلب يختلف عن المعرّف {project_id:?} في المسار؛ أرسل المعرّف نفسه في الموضعين أو احذفه من الجسم"),
                );
                return failed(error, &id, "ingest");
            }
        }
    }

    let outcome = match run_batch(&state, engine, &caller, vec![record]).await {
        Ok(outcome) => outcome,
        Err(error) => return failed(error, &id, "ingest"),
    };
    if let Some(rejected) = outcome.rejected_records.into_iter().next() {
        let mut error = if rejected.forbidden {
            ApiError::other_country(&project_id, caller.country().unwrap_or_default())
        } else {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_record",
                format!("the record {project_id:?} is invalid; see `problems` for each field and the fix"),
                format!("السجل {project_id:?} غير صالح؛ راجع `problems` لمعرفة كل حقل وطريقة إصلاحه"),
            )
        };
        error.problems = rejected.problems;
        return failed(error, &id, "ingest");
    }
    let Some(accepted) = outcome.accepted_records.into_iter().next() else {
        return failed(ApiError::internal("a one-record write returned no outcome"), &id, "ingest");
    };

    let status = if accepted.status == WriteStatus::Created { StatusCode::CREATED } else { StatusCode::OK };
    let written = if accepted.status == WriteStatus::Unchanged { vec![] } else { vec![accepted.id.clone()] };
    let info = LogInfo { hits: written.len(), ids: written, ..LogInfo::action("ingest") };
    let mut response = (status, Json(WriteResponse { request_id: id.0, id: accepted.id, status: accepted.status })).into_response();
    response.extensions_mut().insert(info);
    response
}

/// Deletes one record. 404 when the caller cannot see it, 403 when the
/// caller sees it but it belongs to another member state.
#[utoipa::path(delete, path = "/v1/projects/{id}", params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = DeleteResponse), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 429, body = ApiError), (status = 503, body = ApiError)))]
pub(super) async fn delete_project(
    State(state): State<Arc<AppState>>,
    Extension(id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
    Path(project_id): Path<String>,
) -> Response {
    let engine = match writer(&state, &caller) {
        Ok(engine) => engine,
        Err(error) => return failed(error, &id, "delete"),
    };
    let deleting = caller.clone();
    let lookup = project_id.clone();
    let result = run_write(&state, move || ingest::delete(&engine, &deleting, &lookup)).await;
    let error = match result {
        Ok(DeleteOutcome::Deleted) => {
            let info = LogInfo { hits: 1, ids: vec![project_id.clone()], ..LogInfo::action("delete") };
            let body = DeleteResponse { request_id: id.0, id: project_id, status: "deleted".into() };
            let mut response = Json(body).into_response();
            response.extensions_mut().insert(info);
            return response;
        }
        Ok(DeleteOutcome::NotFound) => ApiError::not_found(&project_id),
        Ok(DeleteOutcome::Forbidden) => ApiError::other_country(&project_id, caller.country().unwrap_or_default()),
        Err(error) => error,
    };
    let mut response = failed(error, &id, "delete");
    if let Some(info) = response.extensions_mut().get_mut::<LogInfo>() {
        info.ids = vec![project_id];
    }
    response
}
