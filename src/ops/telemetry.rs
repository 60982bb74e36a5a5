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
