use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use secrecy::ExposeSecret;
use serde_json::json;

use crate::helpers::{PASSWORD, TestOptions, spawn_app, spawn_app_with};

#[tokio::test]
async fn wrong_passwords_and_unknown_emails_get_the_same_answer() {
    let app = spawn_app().await;
    app.signed_in("login@example.vn").await;
    let wrong =
        app.post("/api/v1/auth/login", &json!({ "email": "login@example.vn", "password": "wrong password!" })).await;
    let unknown =
        app.post("/api/v1/auth/login", &json!({ "email": "nobody@example.vn", "password": "wrong password!" })).await;
    assert_eq!(wrong.problem(401)["detail"], unknown.problem(401)["detail"]);
}

/// The bound on password hashing queues sign-ins; it refuses none.
#[tokio::test]
async fn a_burst_of_sign_ins_beyond_the_hashing_bound_all_succeed() {
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(|s| s.auth.password_hashing_concurrency = 1)),
        ..Default::default()
    })
    .await;
    let user = app.signed_in("dong.nguoi@example.vn").await;
    let bodies: Vec<_> = (0..12)
        .map(|n| {
            let password = if n % 4 == 3 { "not the password" } else { PASSWORD };
            json!({ "email": user.email, "password": password })
        })
        .collect();
    let attempts = bodies.iter().map(|body| app.post("/api/v1/auth/login", body));
    let replies = futures_util::future::join_all(attempts).await;
    for (n, reply) in replies.iter().enumerate() {
        if n % 4 == 3 {
            reply.problem(401);
        } else {
            assert!(reply.ok()["access_token"].is_string(), "sign-in {n}");
        }
    }
    // Database work goes on meanwhile and afterwards.
    app.get("/health/ready").await.ok();
}

#[tokio::test]
async fn access_tokens_are_short_lived_signed_jwts() {
    let app = spawn_app().await;
    let session = app.signed_in("jwt@example.vn").await;
    let reply = app.post("/api/v1/auth/login", &json!({ "email": "jwt@example.vn", "password": PASSWORD })).await;
    assert!(reply.ok()["expires_in"].as_i64().unwrap() <= 900);
    assert_eq!(reply.body["token_type"], "Bearer");

    let mut parts = session.access_token.split('.');
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
    for claim in ["iss", "aud", "exp", "iat", "sub"] {
        assert!(claims.get(claim).is_some(), "missing {claim}");
    }
    assert_eq!(claims["sub"], session.user_id.as_str());
    assert!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() <= 900);
}

/// Tokens a client could forge or keep too long; each is refused with 401 in both languages.
#[tokio::test]
async fn forged_foreign_and_expired_tokens_are_refused() {
    let app = spawn_app().await;
    let session = app.signed_in("forge@example.vn").await;
    let secret = app.state.keys.access_tokens.expose_secret().to_vec();
    let configured = b"integration-test-secret-that-is-long-enough".to_vec();
    let now = chrono::Utc::now().timestamp();
    let claims = |aud: &str, iat: i64, exp: i64| json!({ "sub": session.user_id, "sid": "x", "iss": "techbridge", "aud": aud, "iat": iat, "exp": exp });
    let sign = |claims: &serde_json::Value, key: &[u8]| {
        encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(key)).unwrap()
    };
    let payload = URL_SAFE_NO_PAD.encode(claims("techbridge-api", now, now + 600).to_string());
    let cases = [
        ("alg none", format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#))),
        ("wrong key", sign(&claims("techbridge-api", now, now + 600), b"some-other-secret-of-sufficient-length")),
        // The configured secret itself never signs: only the key derived from it does.
        ("master secret", sign(&claims("techbridge-api", now, now + 600), &configured)),
        ("wrong audience", sign(&claims("another-api", now, now + 600), &secret)),
        ("expired", sign(&claims("techbridge-api", now - 3600, now - 1800), &secret)),
        ("garbage", "not.a.jwt".to_owned()),
    ];
    for (name, token) in cases {
        for lang in ["vi", "en"] {
            let reply = app.request(reqwest::Method::GET, "/api/v1/me", Some(&token), None, Some(lang)).await;
            let problem = reply.problem(401);
            let title = problem["title"].as_str().unwrap();
            let expected = if lang == "vi" { "Chưa xác thực" } else { "Authentication required" };
            assert_eq!(title, expected, "{name} in {lang}");
            assert_eq!(reply.headers.get("www-authenticate").unwrap(), "Bearer", "{name}");
        }
    }
    // The genuine token still works; no token at all is also 401.
    app.get_as(&session.access_token, "/api/v1/me").await.ok();
    app.get("/api/v1/me").await.problem(401);
}

fn claims_of(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// A token correctly signed, but naming one user and another user's sign-in, is refused:
/// a session proves nothing about anyone but its own user.
#[tokio::test]
async fn a_token_whose_session_belongs_to_another_user_is_refused() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice@example.vn").await;
    let bob = app.signed_in("bob@example.vn").await;
    let bobs_session = claims_of(&bob.access_token)["sid"].as_str().unwrap().to_owned();
    let mut claims = claims_of(&alice.access_token);
    claims["sid"] = json!(bobs_session);
    let key = app.state.keys.access_tokens.expose_secret().to_vec();
    let mixed = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&key)).unwrap();
    app.get_as(&mixed, "/api/v1/me").await.problem(401);
    // Each genuine token still works.
    assert_eq!(app.get_as(&alice.access_token, "/api/v1/me").await.ok()["email"], "alice@example.vn");
    assert_eq!(app.get_as(&bob.access_token, "/api/v1/me").await.ok()["email"], "bob@example.vn");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_whole_family() {
    let app = spawn_app().await;
    let first = app.signed_in("rotate@example.vn").await;

    let second = app.post("/api/v1/auth/refresh", &json!({ "refresh_token": first.refresh_token })).await;
    let second_refresh = second.ok()["refresh_token"].as_str().unwrap().to_owned();
    let second_access = second.body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first.refresh_token);
    let third = app.post("/api/v1/auth/refresh", &json!({ "refresh_token": second_refresh })).await;
    let newest_refresh = third.ok()["refresh_token"].as_str().unwrap().to_owned();

    // The first token was rotated long ago: using it again is reuse.
    let reuse = app.post("/api/v1/auth/refresh", &json!({ "refresh_token": first.refresh_token })).await;
    reuse.problem(401);
    // The newest token of that family is revoked too, and so is the sign-in itself.
    app.post("/api/v1/auth/refresh", &json!({ "refresh_token": newest_refresh })).await.problem(401);
    app.get_as(&second_access, "/api/v1/me").await.problem(401);

    // Another sign-in of the same user is not affected.
    let other = app.login("rotate@example.vn").await;
    app.post("/api/v1/auth/refresh", &json!({ "refresh_token": other.refresh_token })).await.ok();
}

#[tokio::test]
async fn concurrent_refreshes_of_one_token_issue_at_most_one_successor() {
    let app = spawn_app().await;
    let session = app.signed_in("concurrent@example.vn").await;
    let body = json!({ "refresh_token": session.refresh_token });
    let replies = futures_util::future::join_all((0..6).map(|_| app.post("/api/v1/auth/refresh", &body))).await;
    let successes = replies.iter().filter(|r| r.status == 200).count();
    assert!(successes <= 1, "{successes} successors");
    assert!(replies.iter().all(|r| r.status == 200 || r.status == 401));
}

#[tokio::test]
async fn logout_ends_the_sign_in() {
    let app = spawn_app().await;
    let session = app.signed_in("logout@example.vn").await;
    let reply = app.post("/api/v1/auth/logout", &json!({ "refresh_token": session.refresh_token })).await;
    assert_eq!(reply.status, 204);
    app.post("/api/v1/auth/refresh", &json!({ "refresh_token": session.refresh_token })).await.problem(401);
    app.get_as(&session.access_token, "/api/v1/me").await.problem(401);
    // Logging out twice is harmless.
    assert_eq!(app.post("/api/v1/auth/logout", &json!({ "refresh_token": session.refresh_token })).await.status, 204);
}

#[tokio::test]
async fn refresh_tokens_expire() {
    let app = spawn_app().await;
    let session = app.signed_in("old@example.vn").await;
    app.clock.advance(chrono::Duration::days(31));
    app.post("/api/v1/auth/refresh", &json!({ "refresh_token": session.refresh_token })).await.problem(401);
}
