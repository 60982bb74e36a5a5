use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::BODY_LIMIT_BYTES;
use crate::error::{AppError, FieldError, Text};

/// A JSON body that answers bad input the way this API promises: 415 for another content
/// type, 413 over the size limit, 400 naming the syntax problem, 422 naming the field whose
/// value has the wrong shape.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json(req);
        let declared_length = declared_length(req);
        let payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(AppError::UnsupportedMediaType);
            }
            let body = read_limited(payload, declared_length).await?;
            parse_json(&body).map(ApiJson)
        })
    }
}

/// A JSON body the client may leave out: an empty body or `null` is `None`, anything else
/// is read with the same rules as [`ApiJson`]. (actix's own `Option<ApiJson<T>>` would take a body
/// it cannot read for no body at all and silently ignore what the client sent.)
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json(req);
        let declared_length = declared_length(req);
        let payload = payload.take();
        Box::pin(async move {
            let body = read_limited(payload, declared_length).await?;
            if body.is_empty() {
                return Ok(OptionalJson(None));
            }
            if !content_type_ok {
                return Err(AppError::UnsupportedMediaType);
            }
            parse_json(&body).map(OptionalJson)
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == mime::APPLICATION && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
        })
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok())
}

/// The whole body, or 413 as soon as it is known to be over the limit.
async fn read_limited(mut payload: Payload, declared_length: Option<usize>) -> Result<Vec<u8>, AppError> {
    if declared_length.is_some_and(|len| len > BODY_LIMIT_BYTES) {
        return Err(AppError::PayloadTooLarge { limit: BODY_LIMIT_BYTES });
    }
    let mut body = Vec::with_capacity(declared_length.unwrap_or(1024).min(BODY_LIMIT_BYTES));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            AppError::BadRequest(Text::owned(
                format!("Không đọc được nội dung yêu cầu: {e}"),
                format!("Could not read the request body: {e}"),
            ))
        })?;
        if body.len() + chunk.len() > BODY_LIMIT_BYTES {
            return Err(AppError::PayloadTooLarge { limit: BODY_LIMIT_BYTES });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses a JSON object, telling syntax errors (400) from values of the wrong shape (422).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_data() {
            AppError::Validation(vec![shape_error(&path, &inner.to_string())])
        } else {
            AppError::MalformedJson(inner.to_string())
        }
    })?;
    deserializer.end().map_err(|error| AppError::MalformedJson(error.to_string()))?;
    // Every body is an object; serde would also fill a struct from an array, by position.
    if body.trim_ascii_start().starts_with(b"[") {
        return Err(AppError::Validation(vec![shape_error(".", "invalid type: sequence, expected a JSON object")]));
    }
    Ok(value)
}

/// Names the field that could not be read; serde reports a missing field on its parent.
pub(super) fn shape_error(path: &str, message: &str) -> FieldError {
    let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
    let field = |name: &str| match path {
        "." | "" => name.to_owned(),
        parent => format!("{parent}.{name}"),
    };
    if let Some(name) = missing {
        return FieldError::required(field(name));
    }
    let field_name = if path == "." || path.is_empty() { "body".to_owned() } else { path.to_owned() };
    let cause = message.split(" at line ").next().unwrap_or(message).to_owned();
    FieldError::new(
        field_name,
        "invalid_type",
        Text::owned(
            format!("Giá trị không đúng kiểu dữ liệu ({cause})."),
            format!("The value has the wrong type ({cause})."),
        ),
    )
}
