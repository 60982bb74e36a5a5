//! One error type for the whole service, answered as `application/problem+json` (RFC 9457).

mod field;
mod middleware;
mod text;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{Map, Value};

pub use field::{FieldError, FieldErrorBody, Violations};
pub use middleware::problem_responses;
pub use text::Text;

use crate::i18n::Lang;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("invalid input in {} field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("bad request: {}", .0.en)]
    BadRequest(Text),
    #[error("unauthorized: {}", .0.en)]
    Unauthorized(Text),
    #[error("forbidden: {}", .0.en)]
    Forbidden(Text),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {}", .detail.en)]
    Conflict { detail: Text, extra: Map<String, Value> },
    #[error("payload larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn conflict(detail: Text) -> Self {
        AppError::Conflict { detail, extra: Map::new() }
    }

    /// A conflict that tells the client more, e.g. the current state of the resource.
    pub fn conflict_with(detail: Text, extra: impl IntoIterator<Item = (&'static str, Value)>) -> Self {
        AppError::Conflict { detail, extra: extra.into_iter().map(|(k, v)| (k.to_owned(), v)).collect() }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    pub fn invalid_field(field: &'static str, message: Text) -> Self {
        AppError::Validation(vec![FieldError::invalid(field, message)])
    }

    fn kind(&self) -> ProblemKind {
        match self {
            AppError::Validation(_) => ProblemKind::Validation,
            AppError::MalformedJson(_) => ProblemKind::MalformedJson,
            AppError::BadRequest(_) => ProblemKind::BadRequest,
            AppError::Unauthorized(_) => ProblemKind::Unauthorized,
            AppError::Forbidden(_) => ProblemKind::Forbidden,
            AppError::NotFound => ProblemKind::NotFound,
            AppError::MethodNotAllowed => ProblemKind::MethodNotAllowed,
            AppError::Conflict { .. } => ProblemKind::Conflict,
            AppError::PayloadTooLarge { .. } => ProblemKind::PayloadTooLarge,
            AppError::UnsupportedMediaType => ProblemKind::UnsupportedMediaType,
            AppError::RateLimited { .. } => ProblemKind::RateLimited,
            AppError::Unavailable(_) => ProblemKind::Unavailable,
            AppError::Internal(_) => ProblemKind::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.kind().status()
    }

    /// A short title for the kind of error, in the reader's language.
    pub fn title(&self, lang: Lang) -> &'static str {
        self.kind().title(lang)
    }

    /// What went wrong, in the reader's language.
    pub fn detail(&self, lang: Lang) -> String {
        let text = |vi: &str, en: &str| lang.pick(vi, en).to_owned();
        match self {
            AppError::Validation(errors) => match lang {
                Lang::Vi => format!("{} trường không hợp lệ.", errors.len()),
                Lang::En => format!("{} field(s) are invalid.", errors.len()),
            },
            AppError::MalformedJson(cause) => match lang {
                Lang::Vi => format!("Không đọc được nội dung JSON: {cause}"),
                Lang::En => format!("The request body is not valid JSON: {cause}"),
            },
            AppError::BadRequest(t)
            | AppError::Unauthorized(t)
            | AppError::Forbidden(t)
            | AppError::Conflict { detail: t, .. } => t.get(lang).to_owned(),
            AppError::NotFound => {
                text("Không tìm thấy tài nguyên được yêu cầu.", "The requested resource was not found.")
            }
            AppError::MethodNotAllowed => text(
                "Phương thức HTTP này không được hỗ trợ tại địa chỉ này.",
                "This HTTP method is not supported at this address.",
            ),
            AppError::PayloadTooLarge { limit } => match lang {
                Lang::Vi => format!("Nội dung yêu cầu vượt quá giới hạn {limit} byte."),
                Lang::En => format!("The request body exceeds the limit of {limit} bytes."),
            },
            AppError::UnsupportedMediaType => text(
                "Nội dung phải có Content-Type: application/json.",
                "The body must be sent with Content-Type: application/json.",
            ),
            AppError::RateLimited { retry_after_secs } => match lang {
                Lang::Vi => format!("Quá nhiều yêu cầu. Hãy thử lại sau {retry_after_secs} giây."),
                Lang::En => format!("Too many requests. Try again in {retry_after_secs} seconds."),
            },
            AppError::Unavailable(_) => text(
                "Dịch vụ tạm thời quá tải hoặc không kết nối được cơ sở dữ liệu. Hãy thử lại sau.",
                "The service is temporarily overloaded or cannot reach its database. Try again later.",
            ),
            AppError::Internal(_) => text(
                "Đã có lỗi ngoài ý muốn. Hãy báo mã yêu cầu (request_id) cho quản trị viên.",
                "An unexpected error occurred. Quote the request_id to the administrators.",
            ),
        }
    }

    /// The problem document for this error, in the reader's language.
    pub fn to_problem(&self, lang: Lang, request_id: Option<&str>) -> ProblemBody {
        let kind = self.kind();
        let errors = match self {
            AppError::Validation(errors) => errors.iter().map(|e| e.body(lang)).collect(),
            _ => Vec::new(),
        };
        let extra = match self {
            AppError::Conflict { extra, .. } => extra.clone(),
            _ => Map::new(),
        };
        ProblemBody {
            problem_type: format!("urn:techbridge:problem:{}", kind.slug()),
            title: kind.title(lang).to_owned(),
            status: kind.status().as_u16(),
            detail: self.detail(lang),
            errors,
            request_id: request_id.map(str::to_owned),
            extra,
        }
    }

    pub fn render(&self, lang: Lang, request_id: Option<&str>) -> HttpResponse {
        let mut response = HttpResponse::build(self.kind().status());
        response.content_type(PROBLEM_CONTENT_TYPE);
        if let AppError::RateLimited { retry_after_secs } = self {
            response.insert_header(("retry-after", retry_after_secs.to_string()));
        }
        if let AppError::Unauthorized(_) = self {
            response.insert_header(("www-authenticate", "Bearer"));
        }
        response.json(self.to_problem(lang, request_id))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.kind().status()
    }

    fn error_response(&self) -> HttpResponse {
        // Re-rendered by `problem_responses` with the reader's language and the request id.
        self.render(Lang::Vi, None)
    }
}

/// The `application/problem+json` body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProblemKind {
    Validation,
    MalformedJson,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    Unavailable,
    Internal,
}

impl ProblemKind {
    fn status(self) -> StatusCode {
        match self {
            ProblemKind::Validation => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::MalformedJson | ProblemKind::BadRequest => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::Conflict => StatusCode::CONFLICT,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            ProblemKind::Validation => "validation",
            ProblemKind::MalformedJson => "malformed-json",
            ProblemKind::BadRequest => "bad-request",
            ProblemKind::Unauthorized => "unauthorized",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotFound => "not-found",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::Conflict => "conflict",
            ProblemKind::PayloadTooLarge => "payload-too-large",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::RateLimited => "rate-limited",
            ProblemKind::Unavailable => "unavailable",
            ProblemKind::Internal => "internal",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            ProblemKind::Validation => ("Dữ liệu không hợp lệ", "Invalid input"),
            ProblemKind::MalformedJson => ("JSON không hợp lệ", "Malformed JSON"),
            ProblemKind::BadRequest => ("Yêu cầu không hợp lệ", "Bad request"),
            ProblemKind::Unauthorized => ("Chưa xác thực", "Authentication required"),
            ProblemKind::Forbidden => ("Không có quyền", "Forbidden"),
            ProblemKind::NotFound => ("Không tìm thấy", "Not found"),
            ProblemKind::MethodNotAllowed => ("Phương thức không được hỗ trợ", "Method not allowed"),
            ProblemKind::Conflict => ("Xung đột dữ liệu", "Conflict"),
            ProblemKind::PayloadTooLarge => ("Nội dung quá lớn", "Payload too large"),
            ProblemKind::UnsupportedMediaType => ("Kiểu nội dung không được hỗ trợ", "Unsupported media type"),
            ProblemKind::RateLimited => ("Quá nhiều yêu cầu", "Too many requests"),
            ProblemKind::Unavailable => ("Dịch vụ tạm thời gián đoạn", "Service unavailable"),
            ProblemKind::Internal => ("Lỗi hệ thống", "Internal server error"),
        };
        lang.pick(vi, en)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::conflict(Text::new("Dữ liệu này đã tồn tại.", "This record already exists."))
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => AppError::conflict(Text::new(
                "Dữ liệu vừa được người khác thay đổi. Hãy tải lại và thử lại.",
                "Someone else changed this record at the same time. Reload and try again.",
            )),
            other => AppError::Internal(format!("database: {other}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(format!("database pool: {error}"))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(error: serde_json::Error) -> Self {
        AppError::Internal(format!("json: {error}"))
    }
}
