//! Argon2id password hashing, always off the async executor.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::config::AuthSettings;
use crate::error::AppError;

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    /// A real hash of a random password, verified against when the account does not exist,
    /// so that a login for an unknown email takes as long as one for a known email.
    decoy_hash: String,
}

impl PasswordHasher {
    pub fn new(settings: &AuthSettings) -> Result<Self, String> {
        let params =
            Params::new(settings.argon2_memory_kib, settings.argon2_iterations, settings.argon2_parallelism, None)
                .map_err(|e| format!("argon2 parameters: {e}"))?;
        let mut hasher = PasswordHasher { params, decoy_hash: String::new() };
        hasher.decoy_hash = hasher.hash(&uuid::Uuid::new_v4().to_string()).map_err(|e| e.to_string())?;
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    pub fn hash(&self, password: &str) -> Result<String, AppError> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    }

    /// Parameters come from the stored hash, so old hashes keep verifying after a change.
    pub fn verify(&self, stored_hash: &str, password: &str) -> bool {
        PasswordHash::new(stored_hash)
            .map(|parsed| self.argon2().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    }

    pub async fn hash_off_thread(&self, password: String) -> Result<String, AppError> {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
    }

    /// Verifies against `stored_hash`, or against the decoy when there is no account.
    pub async fn verify_off_thread(&self, stored_hash: Option<String>, password: String) -> Result<bool, AppError> {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || match stored_hash {
            Some(hash) => hasher.verify(&hash, &password),
            None => {
                hasher.verify(&hasher.decoy_hash, &password);
                false
            }
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_settings() -> AuthSettings {
        AuthSettings {
            secret: None,
            jwt_issuer: String::new(),
            jwt_audience: String::new(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            email_verification_ttl_hours: 24,
            password_reset_ttl_minutes: 60,
            argon2_memory_kib: 19456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
        }
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hasher = PasswordHasher::new(&test_settings()).unwrap();
        let hash = hasher.hash("mật khẩu rất dài 123").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify(&hash, "mật khẩu rất dài 123"));
        assert!(!hasher.verify(&hash, "mật khẩu rất dài 124"));
        assert!(!hasher.verify("not a hash", "anything"));
        assert_ne!(hash, hasher.hash("mật khẩu rất dài 123").unwrap(), "salted");
    }
}
