//! Argon2id password hashing, always off the async executor and never more at once than
//! there are permits.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::config::AuthSettings;
use crate::error::AppError;

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    /// A real hash of a random password, verified against when the account does not exist,
    /// so that a login for an unknown email takes as long as one for a known email.
    decoy_hash: String,
    /// Hashes allowed to run at once. Each takes a core and ~19 MiB for tens of
    /// milliseconds; unbounded, a burst of sign-ins would take every blocking thread that
    /// database work needs too. Callers beyond the bound wait their turn; none is refused.
    permits: Arc<Semaphore>,
}

impl PasswordHasher {
    pub fn new(settings: &AuthSettings) -> Result<Self, String> {
        let params =
            Params::new(settings.argon2_memory_kib, settings.argon2_iterations, settings.argon2_parallelism, None)
                .map_err(|e| format!("argon2 parameters: {e}"))?;
        let permits = match settings.password_hashing_concurrency {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let mut hasher =
            PasswordHasher { params, decoy_hash: String::new(), permits: Arc::new(Semaphore::new(permits)) };
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
        self.run_bounded(move |hasher| hasher.hash(&password)).await?
    }

    /// Verifies against `stored_hash`, or against the decoy when there is no account.
    pub async fn verify_off_thread(&self, stored_hash: Option<String>, password: String) -> Result<bool, AppError> {
        self.run_bounded(move |hasher| match stored_hash {
            Some(hash) => hasher.verify(&hash, &password),
            None => {
                hasher.verify(&hasher.decoy_hash, &password);
                false
            }
        })
        .await
    }

    /// Runs `work` on a blocking thread once a permit is free. The permit goes along with
    /// the work, so a caller that stops waiting (a dropped request) does not free it while
    /// the hash still runs.
    async fn run_bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce(&PasswordHasher) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| AppError::Internal(format!("password hashing permits: {e}")))?;
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&hasher)
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
            password_hashing_concurrency: 0,
        }
    }

    /// Cheap parameters: these tests are about scheduling, not cost.
    fn quick_hasher(permits: usize) -> PasswordHasher {
        let settings = AuthSettings {
            argon2_memory_kib: 1024,
            argon2_iterations: 1,
            password_hashing_concurrency: permits,
            ..test_settings()
        };
        PasswordHasher::new(&settings).unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_hashes_run_at_once_than_there_are_permits() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let hasher = quick_hasher(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..12)
            .map(|n| {
                let (hasher, running, most) = (hasher.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    hasher
                        .run_bounded(move |hasher| {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            let hash = hasher.hash(&format!("mật khẩu {n}")).unwrap();
                            running.fetch_sub(1, Ordering::SeqCst);
                            hash
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap().unwrap().starts_with("$argon2id$"));
        }
        assert!(most.load(Ordering::SeqCst) <= 2, "at most two at once, saw {}", most.load(Ordering::SeqCst));
        assert_eq!(hasher.permits.available_permits(), 2, "every permit is back");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_beyond_the_bound_waits_and_succeeds() {
        let hasher = quick_hasher(1);
        let hash = hasher.hash_off_thread("đúng mật khẩu".to_owned()).await.unwrap();
        let checks: Vec<_> = (0..16)
            .map(|n| {
                let (hasher, hash) = (hasher.clone(), hash.clone());
                let password = if n % 4 == 0 { "sai mật khẩu" } else { "đúng mật khẩu" };
                tokio::spawn(async move { (n, hasher.verify_off_thread(Some(hash), password.to_owned()).await) })
            })
            .collect();
        for check in checks {
            let (n, verified) = check.await.unwrap();
            assert_eq!(verified.unwrap(), n % 4 != 0, "check {n}");
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
