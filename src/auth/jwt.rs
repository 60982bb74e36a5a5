//! Short-lived access tokens: HS256 only, with issuer, audience, expiry and issue time.

use chrono::NaiveDateTime;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::AuthSettings;
use crate::error::AppError;

/// Tolerated clock difference between the issuer and this server, in seconds.
const LEEWAY_SECS: i64 = 5;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The sign-in (refresh token family) this token belongs to.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenRejected {
    #[error("expired")]
    Expired,
    #[error("invalid: {0}")]
    Invalid(String),
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: i64,
}

impl JwtKeys {
    /// `key` is the access-token key derived from the server's secret.
    pub fn new(settings: &AuthSettings, key: &[u8]) -> JwtKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[settings.jwt_issuer.as_str()]);
        validation.set_audience(&[settings.jwt_audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Expiry is checked against the application clock below.
        validation.validate_exp = false;
        JwtKeys {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            ttl_secs: settings.access_token_ttl_secs.clamp(1, 900),
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    pub fn issue(&self, user_id: &str, session_id: &str, now: NaiveDateTime) -> Result<String, AppError> {
        let iat = now.and_utc().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat,
            exp: iat + self.ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(format!("jwt: {e}")))
    }

    pub fn verify(&self, token: &str, now: NaiveDateTime) -> Result<Claims, TokenRejected> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| TokenRejected::Invalid(e.to_string()))?;
        if data.claims.exp + LEEWAY_SECS < now.and_utc().timestamp() {
            return Err(TokenRejected::Expired);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use chrono::{Duration, Utc};

    use super::*;

    fn settings(audience: &str) -> AuthSettings {
        AuthSettings {
            secret: None,
            jwt_issuer: "techbridge".to_owned(),
            jwt_audience: audience.to_owned(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            email_verification_ttl_hours: 24,
            password_reset_ttl_minutes: 60,
            argon2_memory_kib: 19456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            password_hashing_concurrency: 0,
        }
    }

    #[test]
    fn round_trip_and_rejections() {
        let keys = JwtKeys::new(&settings("api"), b"a-secret-that-is-at-least-32-bytes!!");
        let now = Utc::now().naive_utc();
        let token = keys.issue("user-1", "family-1", now).unwrap();
        let claims = keys.verify(&token, now).unwrap();
        assert_eq!(claims.sub, "user-1");
        assert_eq!(claims.sid, "family-1");
        assert_eq!(claims.exp - claims.iat, 900);

        assert_eq!(keys.verify(&token, now + Duration::seconds(906)), Err(TokenRejected::Expired));

        let other_key = JwtKeys::new(&settings("api"), b"another-secret-that-is-32-bytes-long");
        assert!(matches!(other_key.verify(&token, now), Err(TokenRejected::Invalid(_))));

        let other_audience = JwtKeys::new(&settings("web"), b"a-secret-that-is-at-least-32-bytes!!");
        assert!(matches!(other_audience.verify(&token, now), Err(TokenRejected::Invalid(_))));

        let mut parts = token.split('.');
        let (_, payload) = (parts.next().unwrap(), parts.next().unwrap());
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let unsigned = format!("{none_header}.{payload}.");
        assert!(matches!(keys.verify(&unsigned, now), Err(TokenRejected::Invalid(_))));
    }
}
