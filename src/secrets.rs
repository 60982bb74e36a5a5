//! The server's one master secret and the keys derived from it.
//!
//! No secret that could be guessed or read in the repository ever signs anything: when
//! none is configured, a random 256-bit secret is made at first start and kept under the
//! data directory (mode 0600), so a restart keeps sessions valid. Each use gets its own
//! key, derived with HKDF-SHA256, so that a token made for one purpose can never pass
//! for another.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::Sha256;

/// A configured secret must be at least this long.
pub const MIN_SECRET_BYTES: usize = 32;
const GENERATED_SECRET_BYTES: usize = 32;
const SECRET_FILE: &str = "secret.key";

/// A derived 256-bit key, redacted from `Debug`.
pub type Key = SecretBox<[u8; 32]>;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "auth.secret is shorter than {MIN_SECRET_BYTES} bytes; use a long random value (e.g. `openssl rand -hex 32`)"
    )]
    TooShort,
    #[error(
        "auth.secret is a value published in the repository; use a long random value (e.g. `openssl rand -hex 32`)"
    )]
    Published,
    #[error("the secret file {path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
    #[error("cannot derive a key: {0}")]
    Derive(String),
    #[error(
        "the secret file {0} is damaged: expected {GENERATED_SECRET_BYTES} bytes in hex; delete it to make a new one (every session ends)"
    )]
    Damaged(PathBuf),
}

/// Values that have been written in this repository's configuration and must never sign.
const PUBLISHED: &[&str] = &["change-me-this-is-the-development-secret"];

/// Refuses a configured secret that is too short or known.
pub fn check_configured(secret: &SecretString) -> Result<(), SecretError> {
    let value = secret.expose_secret();
    if PUBLISHED.contains(&value) {
        return Err(SecretError::Published);
    }
    if value.len() < MIN_SECRET_BYTES {
        return Err(SecretError::TooShort);
    }
    Ok(())
}

/// The keys of one server, each for one purpose.
#[derive(Debug)]
pub struct ServerKeys {
    /// HS256 key of access tokens.
    pub access_tokens: Key,
    /// HMAC key of signed links in emails (unsubscribe, one-click answers).
    pub email_links: Key,
    /// HMAC key of browser cookies and CSRF tokens.
    pub cookies: Key,
    /// Rebuilds the tokens of emailed links from their ids.
    link_tokens: LinkTokenMac,
}

impl ServerKeys {
    /// Derives the keys from the configured secret, or from the one kept under `data_dir`
    /// (made on first use).
    pub fn load(configured: Option<&SecretString>, data_dir: &Path) -> Result<ServerKeys, SecretError> {
        match configured {
            Some(secret) => {
                check_configured(secret)?;
                ServerKeys::derive(secret.expose_secret().as_bytes())
            }
            None => {
                let master = load_or_create(&data_dir.join(SECRET_FILE))?;
                ServerKeys::derive(master.expose_secret())
            }
        }
    }

    pub fn derive(master: &[u8]) -> Result<ServerKeys, SecretError> {
        let email_links = derive_key(master, b"techbridge email links v1")?;
        Ok(ServerKeys {
            access_tokens: derive_key(master, b"techbridge access tokens v1")?,
            link_tokens: LinkTokenMac::new(&derive_key(master, b"techbridge link tokens v1")?)?,
            email_links,
            cookies: derive_key(master, b"techbridge cookies v1")?,
        })
    }
}

impl ServerKeys {
    /// The single-use token of an emailed link (verification, password reset, invitation),
    /// rebuilt from its id whenever needed, so that only the id and the token's hash are
    /// ever stored: without this server's secret, the id gives nothing away.
    pub fn link_token(&self, token_id: &str) -> String {
        use base64::Engine;
        let mut mac = self.link_tokens.0.clone();
        mac.update(token_id.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

/// HMAC keyed for link tokens; its key stays out of `Debug`.
#[derive(Clone)]
pub struct LinkTokenMac(Hmac<Sha256>);

impl std::fmt::Debug for LinkTokenMac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkTokenMac([REDACTED])")
    }
}

impl LinkTokenMac {
    fn new(key: &Key) -> Result<LinkTokenMac, SecretError> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose_secret())
            .map_err(|e| SecretError::Derive(e.to_string()))?;
        mac.update(b"link-token:");
        Ok(LinkTokenMac(mac))
    }
}

/// HKDF-SHA256 expansion of the master secret for one purpose.
pub fn derive_key(master: &[u8], purpose: &[u8]) -> Result<Key, SecretError> {
    let hkdf = Hkdf::<Sha256>::new(Some(b"techbridge"), master);
    let mut key = Box::new([0u8; 32]);
    hkdf.expand(purpose, key.as_mut_slice()).map_err(|e| SecretError::Derive(e.to_string()))?;
    Ok(SecretBox::new(key))
}

fn load_or_create(path: &Path) -> Result<SecretBox<Vec<u8>>, SecretError> {
    let file_error = |source| SecretError::File { path: path.to_path_buf(), source };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(file_error)?;
    }
    let mut secret = vec![0u8; GENERATED_SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    // create_new: two processes starting at once on one data directory agree on one secret.
    match OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(mut file) => {
            file.write_all(hex::encode(&secret).as_bytes()).and_then(|()| file.sync_all()).map_err(file_error)?;
            tracing::info!(path = %path.display(), "generated the server's secret");
            Ok(SecretBox::new(Box::new(secret)))
        }
        Err(error) if error.kind() == ErrorKind::AlreadyExists => read_secret(path),
        Err(error) => Err(file_error(error)),
    }
}

fn read_secret(path: &Path) -> Result<SecretBox<Vec<u8>>, SecretError> {
    let mut text = String::new();
    // A file created a moment ago by another process may still be empty: read until full.
    for _ in 0..50 {
        text.clear();
        std::fs::File::open(path)
            .and_then(|mut file| file.read_to_string(&mut text))
            .map_err(|source| SecretError::File { path: path.to_path_buf(), source })?;
        if text.trim().len() >= GENERATED_SECRET_BYTES * 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let bytes = hex::decode(text.trim()).map_err(|_| SecretError::Damaged(path.to_path_buf()))?;
    if bytes.len() != GENERATED_SECRET_BYTES {
        return Err(SecretError::Damaged(path.to_path_buf()));
    }
    Ok(SecretBox::new(Box::new(bytes)))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_generated_secret_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = ServerKeys::load(None, dir.path()).unwrap();
        let mode = std::fs::metadata(dir.path().join(SECRET_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = ServerKeys::load(None, dir.path()).unwrap();
        assert_eq!(first.access_tokens.expose_secret(), again.access_tokens.expose_secret());
        let elsewhere = ServerKeys::load(None, tempfile::tempdir().unwrap().path()).unwrap();
        assert_ne!(first.access_tokens.expose_secret(), elsewhere.access_tokens.expose_secret());
    }

    #[test]
    fn purposes_get_different_keys() {
        let keys = ServerKeys::derive(&[7u8; 32]).unwrap();
        assert_ne!(keys.access_tokens.expose_secret(), keys.email_links.expose_secret());
        assert_ne!(keys.email_links.expose_secret(), keys.cookies.expose_secret());
    }

    #[test]
    fn short_and_published_secrets_are_refused() {
        assert!(matches!(check_configured(&SecretString::from("x".repeat(31))), Err(SecretError::TooShort)));
        assert!(check_configured(&SecretString::from("x".repeat(32))).is_ok());
        assert!(matches!(check_configured(&SecretString::from(PUBLISHED[0])), Err(SecretError::Published)));
    }

    #[test]
    fn a_damaged_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SECRET_FILE), "zz".repeat(32)).unwrap();
        assert!(matches!(ServerKeys::load(None, dir.path()), Err(SecretError::Damaged(_))));
    }

    #[test]
    fn link_tokens_are_stable_per_id_and_secret() {
        let keys = ServerKeys::derive(&[3u8; 32]).unwrap();
        let token = keys.link_token("id-1");
        assert_eq!(token.len(), 43);
        assert_eq!(token, keys.link_token("id-1"));
        assert_ne!(token, keys.link_token("id-2"));
        assert_ne!(token, ServerKeys::derive(&[4u8; 32]).unwrap().link_token("id-1"));
    }

    #[test]
    fn debug_output_shows_no_key() {
        let keys = ServerKeys::derive(&[1u8; 32]).unwrap();
        let shown = format!("{keys:?}");
        assert!(!shown.contains("1, 1") && shown.contains("REDACTED"), "{shown}");
    }
}
