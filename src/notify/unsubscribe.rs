//! Signed one-click unsubscribe links: a token names a user and a kind of email, and only
//! this server can make one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a token unsubscribes from: one kind of notification, or the daily digest.
pub const DIGEST_SCOPE: &str = "digest";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token at all (400).
    Malformed,
    /// Well-formed, but not signed by this server, or altered (404).
    Forged,
}

/// The signing key, made once at start-up.
#[derive(Clone)]
pub struct UnsubscribeKey {
    mac: HmacSha256,
}

impl UnsubscribeKey {
    pub fn new(secret: &[u8]) -> Result<UnsubscribeKey, String> {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(secret).map_err(|e| format!("unsubscribe key: {e}"))?;
        // Keyed for this one purpose, so the token cannot be confused with another signature.
        mac.update(b"techbridge-unsubscribe-v1:");
        Ok(UnsubscribeKey { mac })
    }

    pub fn sign(&self, user_id: &str, scope: &str) -> String {
        let payload = format!("{user_id}:{scope}");
        let mut mac = self.mac.clone();
        mac.update(payload.as_bytes());
        let signature = mac.finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(signature))
    }

    /// The (user id, scope) a genuine token names.
    pub fn verify(&self, token: &str) -> Result<(String, String), TokenError> {
        let (payload, signature) = token.split_once('.').ok_or(TokenError::Malformed)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Malformed)?;
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac.clone();
        mac.update(&payload);
        mac.verify_slice(&signature).map_err(|_| TokenError::Forged)?;
        let payload = String::from_utf8(payload).map_err(|_| TokenError::Malformed)?;
        let (user, scope) = payload.rsplit_once(':').ok_or(TokenError::Malformed)?;
        Ok((user.to_owned(), scope.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn round_trip_and_tampering() {
        let one = UnsubscribeKey::new(b"secret-one").unwrap();
        let two = UnsubscribeKey::new(b"secret-two").unwrap();
        let token = one.sign("user-1", "new_match");
        assert_eq!(one.verify(&token), Ok(("user-1".into(), "new_match".into())));
        assert_eq!(two.verify(&token), Err(TokenError::Forged));
        // Another user's or kind's payload with this signature is refused.
        let (_, signature) = token.split_once('.').unwrap();
        let altered = format!("{}.{signature}", URL_SAFE_NO_PAD.encode("user-2:new_match"));
        assert_eq!(one.verify(&altered), Err(TokenError::Forged));
        let other_kind = format!("{}.{signature}", URL_SAFE_NO_PAD.encode("user-1:digest"));
        assert_eq!(one.verify(&other_kind), Err(TokenError::Forged));
        assert_eq!(one.verify("no-dot"), Err(TokenError::Malformed));
        assert_eq!(one.verify("%%%.%%%"), Err(TokenError::Malformed));
    }

    proptest! {
        #[test]
        fn arbitrary_tokens_never_verify_or_panic(token in "\\PC{0,120}") {
            prop_assert!(UnsubscribeKey::new(b"secret").unwrap().verify(&token).is_err());
        }
    }
}
