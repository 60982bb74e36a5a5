//! The browser's cookies: the sign-in (signed; the session it names must still be active
//! in the database), the CSRF seed, and the language. All HttpOnly and SameSite=Lax;
//! Secure when the service is reached over https.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::i18n::Lang;

pub const SESSION: &str = "tb_session";
pub const CSRF: &str = "tb_csrf";
pub const LANGUAGE: &str = "tb_lang";

/// Whether cookies must be Secure: the service's public address is https.
pub fn secure(public_url: &str) -> bool {
    public_url.trim_start().to_ascii_lowercase().starts_with("https://")
}

fn base(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).finish()
}

fn mac(key: &[u8; 32], purpose: &str, message: &str) -> Vec<u8> {
    // An HMAC takes a key of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("any key length"));
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The sign-in cookie: the user and the session (sign-in family) it belongs to, signed.
pub fn session(key: &[u8; 32], user_id: &str, session_id: &str, days: i64, secure: bool) -> Cookie<'static> {
    let message = format!("{user_id}.{session_id}");
    let signature = URL_SAFE_NO_PAD.encode(mac(key, "session", &message));
    let mut cookie = base(SESSION, format!("{message}.{signature}"), secure);
    cookie.set_max_age(Duration::days(days.max(1)));
    cookie
}

/// The user and session a sign-in cookie names, if its signature holds.
pub fn read_session(key: &[u8; 32], value: &str) -> Option<(String, String)> {
    let (message, signature) = value.rsplit_once('.')?;
    let presented = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let expected = mac(key, "session", message);
    if !bool::from(presented.ct_eq(&expected)) {
        return None;
    }
    let (user_id, session_id) = message.split_once('.')?;
    (!user_id.is_empty() && !session_id.is_empty()).then(|| (user_id.to_owned(), session_id.to_owned()))
}

/// Removes the sign-in cookie.
pub fn session_removed(secure: bool) -> Cookie<'static> {
    let mut cookie = base(SESSION, String::new(), secure);
    cookie.make_removal();
    cookie
}

/// A fresh random CSRF seed and its cookie (for the browser's lifetime).
pub fn new_csrf_seed(secure: bool) -> (String, Cookie<'static>) {
    let mut bytes = [0_u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let seed = URL_SAFE_NO_PAD.encode(bytes);
    (seed.clone(), base(CSRF, seed, secure))
}

/// The token forms carry, bound to this browser's seed (which signing in and out renew).
pub fn csrf_token(key: &[u8; 32], seed: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, "csrf", seed))
}

/// Whether a form's token is the one this browser was given.
pub fn csrf_matches(key: &[u8; 32], seed: &str, presented: &str) -> bool {
    !seed.is_empty() && bool::from(csrf_token(key, seed).as_bytes().ct_eq(presented.as_bytes()))
}

pub fn language(lang: Lang, secure: bool) -> Cookie<'static> {
    let mut cookie = base(LANGUAGE, lang.code().to_owned(), secure);
    cookie.set_max_age(Duration::days(365));
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn a_session_cookie_reads_back_and_refuses_tampering() {
        let cookie = session(&KEY, "user-1", "family-9", 30, true);
        assert!(cookie.http_only().unwrap_or(false) && cookie.secure().unwrap_or(false));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        assert_eq!(read_session(&KEY, cookie.value()), Some(("user-1".into(), "family-9".into())));
        let forged = cookie.value().replacen("user-1", "user-2", 1);
        assert_eq!(read_session(&KEY, &forged), None);
        assert_eq!(read_session(&[8; 32], cookie.value()), None, "another server's key");
        assert_eq!(read_session(&KEY, "garbage"), None);
    }

    #[test]
    fn csrf_tokens_bind_the_seed() {
        let token = csrf_token(&KEY, "seed");
        assert!(csrf_matches(&KEY, "seed", &token));
        assert!(!csrf_matches(&KEY, "other", &token));
        assert!(!csrf_matches(&[8; 32], "seed", &token));
        assert!(!csrf_matches(&KEY, "", &csrf_token(&KEY, "")), "no seed, no token");
    }

    #[test]
    fn secure_only_over_https() {
        assert!(secure("https://techbridge.gov.vn"));
        assert!(!secure("http://localhost:8080"));
    }
}
