//! The one error shape of the API: a stable `code`, an English `message`,
//! an Arabic `message_ar`, and the request id.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    #[schema(ignore)]
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `invalid_parameter`, `not_found`, `index_not_ready`.
    #[schema(value_type = String)]
    pub code: &'static str,
    pub message: String,
    pub message_ar: String,
    pub request_id: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>, message_ar: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), message_ar: message_ar.into(), request_id: String::new() }
    }

    pub fn invalid(message: impl Into<String>, message_ar: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_parameter", message, message_ar)
    }

    pub fn not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no project with id {id:?} is visible to this caller"),
            format!("لا يوجد مشروع بالمعرّف {id:?} متاح لهذا الطلب"),
        )
    }

    pub fn not_ready() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "index_not_ready",
            "the index is still loading; retry in a few seconds",
            "الفهرس قيد التحميل؛ أعد المحاولة بعد ثوانٍ",
        )
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the search failed on the server; the error is logged with this request id",
            "تعذّر تنفيذ البحث في الخادم؛ سُجّل الخطأ مع معرّف هذا الطلب",
        )
    }

    pub fn with_request_id(mut self, id: &str) -> Self {
        self.request_id = id.to_string();
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        (status, axum::Json(self)).into_response()
    }
}
