//! The one error shape of the API: a stable `code`, an English `message`,
//! an Arabic `message_ar`, and the request id.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::AuthFailure;

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
    /// Every problem of a rejected record (`invalid_record` only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<gip_records::Problem>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>, message_ar: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), message_ar: message_ar.into(), request_id: String::new(), problems: Vec::new() }
    }

    /// 401 for a key that is malformed, unknown or revoked.
    pub fn unauthorized(failure: AuthFailure) -> Self {
        let (code, message, message_ar) = match failure {
            AuthFailure::Malformed => (
                "invalid_key",
                "the API key is malformed; send it as `Authorization: Bearer gip_...` or `X-API-Key: gip_...`, exactly as `gip keys create` printed it",
                "مفتاح الواجهة البرمجية غير صالح الصيغة؛ أرسله في `Authorization: Bearer gip_...` أو `X-API-Key: gip_...` كما طبعه `gip keys create`",
            ),
            AuthFailure::Unknown => (
                "invalid_key",
                "the API key is not valid; check that it was copied whole, or ask the administrator for a new key",
                "مفتاح الواجهة البرمجية غير صالح؛ تحقق من نسخه كاملًا أو اطلب مفتاحًا جديدًا من المسؤول",
            ),
            AuthFailure::Revoked => (
                "key_revoked",
                "the API key was revoked; ask the administrator for a new key",
                "أُلغي مفتاح الواجهة البرمجية؛ اطلب مفتاحًا جديدًا من المسؤول",
            ),
        };
        Self::new(StatusCode::UNAUTHORIZED, code, message, message_ar)
    }

    /// 401 when anonymous access is off and no key was sent.
    pub fn key_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "key_required",
            "this server requires an API key; send it as `Authorization: Bearer gip_...`",
            "يتطلب هذا الخادم مفتاح واجهة برمجية؛ أرسله في `Authorization: Bearer gip_...`",
        )
    }

    /// 403 for a key that lacks the scope a route needs.
    pub fn missing_scope(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "missing_scope",
            format!("this API key lacks the {scope} scope; ask the administrator for a key with it"),
            format!("مفتاح الواجهة البرمجية هذا لا يملك صلاحية {scope}؛ اطلب من المسؤول مفتاحًا بها"),
        )
    }

    /// 403 for a write to a record of another member state.
    pub fn other_country(id: &str, key_country: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden_country",
            format!("project {id:?} belongs to another member state; this key writes only {key_country} records"),
            format!("المشروع {id:?} تابع لدولة عضو أخرى؛ هذا المفتاح لا يكتب إلا سجلات {key_country}"),
        )
    }

    /// 429 with the seconds to wait, also sent in `Retry-After`.
    pub fn rate_limited(seconds: u64) -> Self {
        let seconds = seconds.max(1);
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests from this key; retry after {seconds} s"),
            format!("طلبات كثيرة جدًا من هذا المفتاح؛ أعد المحاولة بعد {seconds} ث"),
        )
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
