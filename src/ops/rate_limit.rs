use std::net::IpAddr;

use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError};
use actix_web::dev::ServiceRequest;

use crate::config::RateLimitSettings;

/// The endpoints an attacker would hammer: guessing passwords, creating accounts,
/// flooding mailboxes with reset emails.
pub const RATE_LIMITED_PATHS: [&str; 4] = [
    "/api/v1/auth/login",
    "/api/v1/auth/register",
    "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm",
];

/// Rate-limit key: the client address per limited endpoint; everything else shares one
/// exempt key.
#[derive(Debug, Clone, Copy)]
pub struct AuthEndpointKey {
    trust_forwarded_for: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LimitKey {
    Limited(IpAddr, &'static str),
    Exempt,
}

impl KeyExtractor for AuthEndpointKey {
    type Key = LimitKey;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<LimitKey, Self::KeyExtractionError> {
        let Some(path) = RATE_LIMITED_PATHS.iter().find(|p| req.path().trim_end_matches('/') == **p) else {
            return Ok(LimitKey::Exempt);
        };
        let forwarded = self
            .trust_forwarded_for
            .then(|| req.connection_info().realip_remote_addr().and_then(|a| a.parse::<IpAddr>().ok()))
            .flatten();
        let ip = forwarded
            .or_else(|| req.peer_addr().map(|a| a.ip()))
            .ok_or_else(|| SimpleKeyExtractionError::new("client address unknown"))?;
        Ok(LimitKey::Limited(ip, path))
    }

    fn whitelisted_keys(&self) -> Vec<LimitKey> {
        vec![LimitKey::Exempt]
    }
}

/// The limiter configuration, built once and shared by every server worker. When rate
/// limiting is switched off it lets everything through.
pub fn auth_rate_limiter(
    settings: &RateLimitSettings,
    trust_forwarded_for: bool,
) -> Option<GovernorConfig<AuthEndpointKey, NoOpMiddleware>> {
    let per_minute = settings.auth_requests_per_minute.max(1);
    GovernorConfigBuilder::default()
        .key_extractor(AuthEndpointKey { trust_forwarded_for })
        .period(std::time::Duration::from_millis(60_000 / per_minute))
        .burst_size(settings.auth_burst.max(1))
        .permissive(!settings.enabled)
        .finish()
}
