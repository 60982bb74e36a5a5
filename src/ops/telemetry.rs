use tracing_subscriber::EnvFilter;

use crate::config::LogSettings;

/// Logs as JSON in production (or when asked), as readable lines otherwise. `RUST_LOG`
/// overrides the configured level.
pub fn init(settings: &LogSettings, production: bool) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match settings.format.as_str() {
        "json" => true,
        "pretty" | "text" => false,
        _ => production,
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second initialisation (several apps in one test process) keeps the first.
    let _ = if json {
        builder.json().flatten_event(true).with_current_span(true).try_init()
    } else {
        builder.compact().try_init()
    };
}

/// The span of each request: its method and route pattern, never the path or query as
/// sent, which can carry single-use tokens (`/invitations/{token}/accept`,
/// `?token=` links), nor the client-written `X-Forwarded-For`.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        let request_id = actix_web::HttpMessage::extensions(request).get::<tracing_actix_web::RequestId>().copied();
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = %route,
            request_id = %request_id.map(|id| id.to_string()).unwrap_or_default(),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(response) => response.response().status(),
            Err(error) => error.as_response_error().status_code(),
        };
        span.record("status", status.as_u16());
        // One access-log line per request, inside its span (method, route, id, status).
        span.in_scope(|| tracing::info!("served"));
    }
}
