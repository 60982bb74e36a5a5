//! Typed settings: built-in defaults, then `config/<TECHBRIDGE_ENV>.toml`, then
//! `TECHBRIDGE__SECTION__KEY` environment variables.

use std::path::{Path, PathBuf};

use config::{Config, Environment, File, FileFormat};
use secrecy::SecretString;
use serde::{Deserialize, Deserializer};

const BUILT_IN_DEFAULTS: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    #[serde(default = "default_environment")]
    pub environment: String,
    pub data_dir: PathBuf,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub email: EmailSettings,
    pub jobs: JobSettings,
    pub rate_limit: RateLimitSettings,
    pub ops: OpsSettings,
    pub log: LogSettings,
    pub search: SearchSettings,
    pub listings: ListingSettings,
    pub matching: MatchingSettings,
    pub notifications: NotificationSettings,
    #[serde(default)]
    pub privacy: PrivacySettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrivacySettings {
    /// How long the log of reads of organizations' private contact details is kept.
    pub private_reads_keep_days: i64,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings { private_reads_keep_days: 730 }
    }
}

fn default_environment() -> String {
    "development".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub workers: usize,
    pub public_url: String,
    /// How many proxies of our own stand in front of the server; the client address is
    /// read from the entry of `X-Forwarded-For` the outermost of them wrote. 0 = use the
    /// connection's peer and ignore the header.
    #[serde(default)]
    pub trusted_proxies: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    pub connect_timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// The master secret every signing key is derived from; none = generated at first
    /// start and kept under the data directory. Redacted from `Debug`.
    #[serde(default, alias = "jwt_secret", deserialize_with = "optional_secret")]
    pub secret: Option<SecretString>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_days: i64,
    pub email_verification_ttl_hours: i64,
    pub password_reset_ttl_minutes: i64,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Password hashes computed at once; 0 = one per CPU core.
    #[serde(default)]
    pub password_hashing_concurrency: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EmailSettings {
    pub transport: EmailTransportKind,
    pub from_address: String,
    pub from_name: String,
    pub mail_dir: String,
    /// The `.eml` files hold every emailed link; a production server writes them only
    /// when this says so.
    #[serde(default)]
    pub allow_file_transport_in_production: bool,
    pub smtp: SmtpSettings,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransportKind {
    File,
    Smtp,
    Log,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: String,
    pub password: SecretString,
    pub pool_size: u32,
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
pub struct JobSettings {
    pub enabled: bool,
    pub concurrency: usize,
    pub poll_interval_ms: u64,
    pub lease_secs: i64,
    pub max_attempts: i32,
    pub backoff_base_secs: i64,
    pub backoff_max_secs: i64,
    pub keep_done_days: i64,
    /// Run timed work (expiry, digests, saved searches, summaries) in this process.
    #[serde(default = "enabled_by_default")]
    pub schedule_enabled: bool,
    pub schedule_interval_secs: u64,
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct SearchSettings {
    pub engine: SearchEngineKind,
    pub index_dir: String,
    pub writer_memory_mb: usize,
    pub meili_url: String,
    pub meili_key: SecretString,
    pub meili_index: String,
    /// How often each instance reads the change log to bring its index up to date.
    #[serde(default = "follow_interval_default")]
    pub follow_interval_ms: u64,
    /// Memory for pages of repeated searches (0: none).
    #[serde(default = "result_cache_mb_default")]
    pub result_cache_mb: u64,
    /// How long such a page is kept at most.
    #[serde(default = "result_cache_secs_default")]
    pub result_cache_secs: u64,
}

fn result_cache_mb_default() -> u64 {
    16
}

fn result_cache_secs_default() -> u64 {
    10
}

fn follow_interval_default() -> u64 {
    500
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SearchEngineKind {
    Tantivy,
    Meilisearch,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MatchingSettings {
    pub candidates: usize,
    /// The lowest fit (0 to 1) proposed.
    pub floor: f64,
    /// A candidate is proposed only within this share of the best one's fit.
    pub margin: f64,
    pub max_per_listing: usize,
    /// What a soft miss keeps of the fit.
    pub trl_one_below: f64,
    pub price_over_budget: f64,
    pub ties: MatchTies,
    pub interest: InterestSettings,
}

/// What field, province and strategic tags add: enough to order near-equals, never to
/// make a match.
#[derive(Debug, Clone, Deserialize)]
pub struct MatchTies {
    pub field: f64,
    pub province: f64,
    pub strategic_tag: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InterestSettings {
    /// Requests one organization may open in any 24 hours.
    pub requests_per_org_per_day: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NotificationSettings {
    pub digest_hour: u32,
    pub weekly_summary: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ListingSettings {
    pub validity_days: i64,
    pub reminder_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub auth_requests_per_minute: u64,
    pub auth_burst: u32,
    /// Verification and reset emails one address can be sent per hour.
    pub emails_per_address_per_hour: u32,
    /// Invitations one organization can send per 24 hours.
    pub invitations_per_org_per_day: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OpsSettings {
    /// `host:port` to serve `/metrics` on instead of the main port; empty = the main port.
    pub metrics_address: String,
    /// The bearer token `/metrics` asks for; none = open to whoever reaches it. Redacted
    /// from `Debug`.
    #[serde(default, deserialize_with = "optional_secret")]
    pub metrics_token: Option<SecretString>,
}

impl OpsSettings {
    /// The address of the metrics' own listener, when they have one.
    pub fn metrics_listener(&self) -> Option<&str> {
        Some(self.metrics_address.trim()).filter(|address| !address.is_empty())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: String,
    pub level: String,
}

/// An empty value means "not configured".
fn optional_secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<SecretString>, D::Error> {
    let value = Option::<String>::deserialize(deserializer)?;
    Ok(value.filter(|v| !v.is_empty()).map(SecretString::from))
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("refusing to start: {0}")]
    Secret(#[from] crate::secrets::SecretError),
    #[error(
        "refusing to start in production with email.transport = \"file\": the .eml files would hold every emailed link; use \"smtp\", or set email.allow_file_transport_in_production = true"
    )]
    FileMailInProduction,
}

impl Settings {
    /// Loads the layered configuration for the environment named by `TECHBRIDGE_ENV`.
    pub fn load() -> Result<Settings, SettingsError> {
        let environment = std::env::var("TECHBRIDGE_ENV").unwrap_or_else(|_| default_environment());
        Self::load_for(&environment)
    }

    pub fn load_for(environment: &str) -> Result<Settings, SettingsError> {
        let settings: Settings = Config::builder()
            .add_source(File::from_str(BUILT_IN_DEFAULTS, FileFormat::Toml))
            .add_source(File::with_name("config/default").required(false))
            .add_source(File::with_name(&format!("config/{environment}")).required(false))
            .add_source(Environment::with_prefix("TECHBRIDGE").prefix_separator("__").separator("__").try_parsing(true))
            .set_override("environment", environment)?
            .build()?
            .try_deserialize()?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), SettingsError> {
        if let Some(secret) = &self.auth.secret {
            crate::secrets::check_configured(secret)?;
        }
        if self.is_production()
            && self.email.transport == EmailTransportKind::File
            && !self.email.allow_file_transport_in_production
        {
            return Err(SettingsError::FileMailInProduction);
        }
        Ok(())
    }

    pub fn is_production(&self) -> bool {
        self.environment == "production"
    }

    pub fn database_url(&self) -> String {
        if self.database.url.trim().is_empty() {
            self.data_dir.join("techbridge.db").to_string_lossy().into_owned()
        } else {
            self.database.url.clone()
        }
    }

    pub fn mail_dir(&self) -> PathBuf {
        resolve_dir(&self.data_dir, &self.email.mail_dir, "mail")
    }
}

fn resolve_dir(data_dir: &Path, configured: &str, default_name: &str) -> PathBuf {
    if configured.trim().is_empty() { data_dir.join(default_name) } else { PathBuf::from(configured) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_defaults_parse() {
        let settings: Settings = Config::builder()
            .add_source(File::from_str(BUILT_IN_DEFAULTS, FileFormat::Toml))
            .build()
            .and_then(Config::try_deserialize)
            .unwrap();
        assert_eq!(settings.server.port, 8080);
        assert_eq!(settings.email.transport, EmailTransportKind::File);
        assert!(settings.database_url().ends_with("techbridge.db"));
        assert_eq!(settings.ops.metrics_listener(), None, "metrics on the main port");
        assert!(settings.ops.metrics_token.is_none(), "an empty token leaves them open");
    }
}
