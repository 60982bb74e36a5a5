use std::net::IpAddr;

use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError};
use actix_web::dev::ServiceRequest;

use crate::config::RateLimitSettings;

/// The endpoints an attacker would hammer: guessing passwords, creating accounts,
/// flooding mailboxes with reset emails — in the API, and the pages' forms that do the
/// same (their posts only: showing the form costs nothing).
pub const RATE_LIMITED_PATHS: [&str; 10] = [
    "/api/v1/auth/login",
    "/api/v1/auth/register",
    "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm",
    "/api/v1/auth/resend-verification",
    "/sign-in",
    "/sign-up",
    "/forgot-password",
    "/reset-password",
    "/resend-verification",
];

/// Rate-limit key: the client address per limited endpoint; everything else shares one
/// exempt key.
#[derive(Debug, Clone, Copy)]
pub struct AuthEndpointKey {
    trusted_proxies: usize,
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
        if !path.starts_with("/api/") && req.method() != actix_web::http::Method::POST {
            return Ok(LimitKey::Exempt);
        }
        let ip = crate::http::client_ip(req.peer_addr().map(|a| a.ip()), req.headers(), self.trusted_proxies)
            .ok_or_else(|| SimpleKeyExtractionError::new("client address unknown"))?;
        Ok(LimitKey::Limited(ip, path))
    }

    fn whitelisted_keys(&self) -> Vec<LimitKey> {
        vec![LimitKey::Exempt]
    }
}

/// Emails a stranger can make the server send to one address (verification again,
/// password reset): limited per address, whoever asks and whether or not the address has
/// an account, so that the answer says nothing about the account and no mailbox can be
/// flooded from many client addresses.
pub struct MailboxLimiter {
    limiter: Option<governor::DefaultKeyedRateLimiter<String>>,
}

impl MailboxLimiter {
    pub fn new(settings: &RateLimitSettings) -> MailboxLimiter {
        let per_hour = settings.emails_per_address_per_hour.max(1);
        let quota = std::num::NonZeroU32::new(per_hour)
            .and_then(|burst| {
                governor::Quota::with_period(std::time::Duration::from_secs(3600) / per_hour)
                    .map(|quota| quota.allow_burst(burst))
            })
            .filter(|_| settings.enabled);
        MailboxLimiter { limiter: quota.map(governor::RateLimiter::keyed) }
    }

    /// `Err(seconds to wait)` once the address has had its share of emails this hour.
    pub fn check(&self, address: &str) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        // Forget addresses whose allowance is full again, so the map stays small.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&address.to_lowercase()).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            wait.as_secs().max(1)
        })
    }
}

/// The limiter configuration, built once and shared by every server worker. When rate
/// limiting is switched off it lets everything through.
pub fn auth_rate_limiter(
    settings: &RateLimitSettings,
    trusted_proxies: usize,
) -> Option<GovernorConfig<AuthEndpointKey, NoOpMiddleware>> {
    let per_minute = settings.auth_requests_per_minute.max(1);
    GovernorConfigBuilder::default()
        .key_extractor(AuthEndpointKey { trusted_proxies })
        .period(std::time::Duration::from_millis(60_000 / per_minute))
        .burst_size(settings.auth_burst.max(1))
        .permissive(!settings.enabled)
        .finish()
}
