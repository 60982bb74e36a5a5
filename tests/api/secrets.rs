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

#[derive(diesel::QueryableByName)]
struct Dump {
    #[diesel(sql_type = diesel::sql_types::Text)]
    dump: String,
}

/// Everything the database holds, as text: the SQLite file and its write-ahead log as
/// bytes, or every PostgreSQL table row by row.
fn dump_database(database: &TestDatabase, data_dir: &std::path::Path) -> String {
    use diesel::{Connection, RunQueryDsl};
    if !database.is_postgres() {
        let mut all = Vec::new();
        for suffix in ["", "-wal"] {
            if let Ok(bytes) = std::fs::read(format!("{}{suffix}", database.url())) {
                all.extend(bytes);
            }
        }
        assert!(!all.is_empty(), "no SQLite file under {}", data_dir.display());
        return String::from_utf8_lossy(&all).into_owned();
    }
    let mut conn = diesel::PgConnection::establish(database.url()).unwrap();
    let tables: Vec<Dump> = diesel::sql_query(
        "SELECT table_name::text AS dump FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .load(&mut conn)
    .unwrap();
    assert!(tables.len() > 20, "{} tables", tables.len());
    tables
        .iter()
        .map(|table| {
            let rows: Dump = diesel::sql_query(format!(
                "SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM \"{}\" t",
                table.dump
            ))
            .get_result(&mut conn)
            .unwrap();
            format!("== {}\n{}\n", table.dump, rows.dump)
        })
        .collect()
}

/// The `token=` values of every `.eml` file written so far.
fn mailed_tokens(data_dir: &std::path::Path) -> Vec<String> {
    let mut tokens = Vec::new();
    for entry in std::fs::read_dir(data_dir.join("mail")).unwrap().filter_map(Result::ok) {
        // A message is written under a temporary name and renamed into place: a name seen
        // in the listing may be gone when it is read, and is read under its final name on
        // the next look.
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "eml") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        // Quoted-printable may fold long lines: unfold soft breaks first.
        let text = text.replace("=\r\n", "").replace("=\n", "");
        for (at, _) in text.match_indices("token=") {
            let token: String =
                text[at + 6..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
            if token.len() >= 32 && !tokens.contains(&token) {
                tokens.push(token);
            }
        }
    }
    tokens
}

async fn post(client: &reqwest::Client, port: u16, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = client.post(format!("http://127.0.0.1:{port}{path}")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Waits for the `.eml` file of a kind of message to an address, and returns its token.
async fn wait_for_token(data_dir: &std::path::Path, known: &[String]) -> String {
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(token) = mailed_tokens(data_dir).into_iter().find(|t| !known.contains(t)) {
            return token;
        }
        assert!(tokio::time::Instant::now() < until, "no new emailed token");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn emailed_tokens_are_stored_nowhere_and_never_logged() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let log_path = dir.path().join("server.log");
    let port = free_port();
    let client = reqwest::Client::new();
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = server::command(
        dir.path(),
        database.url(),
        port,
        &[("RUST_LOG", "debug,h2=info,hyper=info,tantivy=info,actix_server=info".to_owned())],
    )
    .stdout(log.try_clone().unwrap())
    .stderr(log)
    .spawn()
    .unwrap();
    wait_until_ready(&client, port).await;
    let mut seen: Vec<String> = Vec::new();

    // Register and verify.
    let owner = json!({ "email": "owner@example.vn", "password": crate::helpers::PASSWORD, "full_name": "Chủ", "accept_privacy_notice": true });
    assert_eq!(post(&client, port, "/api/v1/auth/register", None, owner).await.0, 201);
    let verification = wait_for_token(dir.path(), &seen).await;
    seen.push(verification.clone());
    assert_eq!(post(&client, port, "/api/v1/auth/verify-email", None, json!({ "token": verification })).await.0, 200);

    // Forget the password and reset it.
    let (status, _) =
        post(&client, port, "/api/v1/auth/password-reset", None, json!({ "email": "owner@example.vn" })).await;
    assert_eq!(status, 202);
    let reset = wait_for_token(dir.path(), &seen).await;
    seen.push(reset.clone());
    let new_password = "một-mật-khẩu-mới-dài";
    let confirm = json!({ "token": reset, "new_password": new_password });
    assert_eq!(post(&client, port, "/api/v1/auth/password-reset/confirm", None, confirm).await.0, 204);
    let (status, login) = post(
        &client,
        port,
        "/api/v1/auth/login",
        None,
        json!({ "email": "owner@example.vn", "password": new_password }),
    )
    .await;
    assert_eq!(status, 200);
    let owner_token = login["access_token"].as_str().unwrap().to_owned();

    // Invite a colleague, who registers, verifies and accepts.
    let org = crate::helpers::orgs::enterprise("Công ty Bí Mật", "01", &crate::helpers::orgs::tax_code(83), json!({}));
    let (status, created) = post(&client, port, "/api/v1/orgs", Some(&owner_token), org).await;
    assert_eq!(status, 201, "{created}");
    let org_id = created["id"].as_str().unwrap();
    let invitation = json!({ "email": "colleague@example.vn" });
    let (status, _) =
        post(&client, port, &format!("/api/v1/orgs/{org_id}/invitations"), Some(&owner_token), invitation).await;
    assert_eq!(status, 201);
    let invitation_token = wait_for_token(dir.path(), &seen).await;
    seen.push(invitation_token.clone());
    let colleague = json!({ "email": "colleague@example.vn", "password": crate::helpers::PASSWORD, "full_name": "Đồng Nghiệp", "accept_privacy_notice": true });
    assert_eq!(post(&client, port, "/api/v1/auth/register", None, colleague).await.0, 201);
    let colleague_verification = wait_for_token(dir.path(), &seen).await;
    seen.push(colleague_verification.clone());
    let verify = json!({ "token": colleague_verification });
    assert_eq!(post(&client, port, "/api/v1/auth/verify-email", None, verify).await.0, 200);
    let sign_in = json!({ "email": "colleague@example.vn", "password": crate::helpers::PASSWORD });
    let (_, login) = post(&client, port, "/api/v1/auth/login", None, sign_in).await;
    let colleague_token = login["access_token"].as_str().unwrap().to_owned();
    let accept = format!("/api/v1/invitations/{invitation_token}/accept");
    let (status, joined) = post(&client, port, &accept, Some(&colleague_token), json!({})).await;
    assert_eq!(status, 200, "{joined}");

    child.kill().await.unwrap();
    assert_eq!(seen.len(), 4);
    let dump = dump_database(&database, dir.path());
    let log = std::fs::read_to_string(&log_path).unwrap();
    // Every request was logged, by its route, not by the path that carried the token.
    assert!(log.contains("/api/v1/invitations/{token}/accept"), "{log}");
    assert!(dump.contains("colleague@example.vn") && dump.contains("send_email"), "the dump holds the journey");
    for token in &seen {
        assert!(!dump.contains(token.as_str()), "an emailed token is stored in the database");
        assert!(!log.contains(token.as_str()), "an emailed token is in the log");
    }
}
