//! The server's secret, with the real binary: nothing written in the repository signs a
//! token it accepts; the secret it generates survives a restart; a short one is refused.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use techbridge::secrets::ServerKeys;

use crate::helpers::TestDatabase;
use crate::helpers::server::{self, free_port, wait_until_ready};

/// Every secret-like value written anywhere in this repository: configuration, tests,
/// documentation.
const REPOSITORY_SECRETS: &[&str] = &[
    "change-me-this-is-the-development-secret",
    "integration-test-secret-that-is-long-enough",
    "a-secret-that-is-at-least-32-bytes!!",
    "another-secret-that-is-32-bytes-long",
    "some-other-secret-of-sufficient-length",
];

fn techbridge(data_dir: &std::path::Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_techbridge"));
    command
        .env("TECHBRIDGE_ENV", "test")
        .env("RUST_LOG", "error")
        .env_remove("TECHBRIDGE__AUTH__SECRET")
        .env_remove("TECHBRIDGE__AUTH__JWT_SECRET")
        .env("TECHBRIDGE__DATA_DIR", data_dir)
        .env("TECHBRIDGE__DATABASE__URL", database_url);
    command
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn me(client: &reqwest::Client, port: u16, token: &str) -> u16 {
    client.get(format!("http://127.0.0.1:{port}/api/v1/me")).bearer_auth(token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_fresh_server_accepts_no_token_signed_with_a_secret_from_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let created =
        techbridge(dir.path(), database.url()).args(["create-admin", "--email", "root@example.vn"]).output().unwrap();
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let stdout = String::from_utf8(created.stdout).unwrap();
    let password = stdout.lines().find_map(|l| l.strip_prefix("one-time password: ")).unwrap().to_owned();

    let port = free_port();
    let client = reqwest::Client::new();
    let mut first = server::start(dir.path(), database.url(), port, &[]);
    wait_until_ready(&client, port).await;
    let secret_file = dir.path().join("secret.key");
    assert_eq!(std::fs::metadata(&secret_file).unwrap().permissions().mode() & 0o777, 0o600);

    let login: Value = client
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
        .json(&json!({ "email": "root@example.vn", "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let genuine = login["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me(&client, port, &genuine).await, 200);

    // The administrator's real claims, re-signed with every secret the repository holds,
    // as written and as the keys the server would derive from it.
    let claims = claims_of(&genuine);
    for secret in REPOSITORY_SECRETS {
        let derived = ServerKeys::derive(secret.as_bytes()).unwrap();
        for key in [secret.as_bytes(), derived.access_tokens.expose_secret().as_slice()] {
            let forged = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(key)).unwrap();
            assert_eq!(me(&client, port, &forged).await, 401, "a token signed with {secret:?} was accepted");
        }
    }

    // The generated secret is kept: after a restart, the session is still valid.
    first.kill().await.unwrap();
    let mut second = server::start(dir.path(), database.url(), port, &[]);
    wait_until_ready(&client, port).await;
    assert_eq!(me(&client, port, &genuine).await, 200, "the restart ended the session");
    second.kill().await.unwrap();
}

#[test]
fn a_short_or_published_secret_is_refused_in_every_environment_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("t.db").to_string_lossy().into_owned();
    for environment in ["development", "test", "production"] {
        for (secret, says) in
            [("x".repeat(31), "shorter than 32 bytes"), (REPOSITORY_SECRETS[0].to_owned(), "published")]
        {
            let output = techbridge(dir.path(), &url)
                .env("TECHBRIDGE_ENV", environment)
                .env("TECHBRIDGE__AUTH__SECRET", &secret)
                .arg("serve")
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1), "{environment}");
            let stderr = String::from_utf8(output.stderr).unwrap();
            assert_eq!(stderr.lines().count(), 1, "{environment}: {stderr}");
            assert!(stderr.contains("auth.secret") && stderr.contains(says), "{environment}: {stderr}");
        }
    }
}
