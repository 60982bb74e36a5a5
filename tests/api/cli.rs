//! The `techbridge` command itself.

use std::process::Command;

use serde_json::json;

use crate::helpers::{TestDatabase, TestOptions, spawn_app_with};

fn techbridge() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_techbridge"));
    command.env("TECHBRIDGE_ENV", "test").env("RUST_LOG", "error");
    command
}

#[test]
fn production_refuses_to_write_mail_to_files_unless_told_to() {
    let dir = tempfile::tempdir().unwrap();
    let run = |allow: Option<&str>| {
        let mut command = techbridge();
        command
            .arg("migrate")
            .env("TECHBRIDGE_ENV", "production")
            .env("TECHBRIDGE__AUTH__SECRET", "a-production-secret-of-at-least-32-bytes")
            .env("TECHBRIDGE__DATA_DIR", dir.path())
            .env("TECHBRIDGE__EMAIL__TRANSPORT", "file");
        if let Some(allow) = allow {
            command.env("TECHBRIDGE__EMAIL__ALLOW_FILE_TRANSPORT_IN_PRODUCTION", allow);
        }
        command.output().unwrap()
    };
    let refused = run(None);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("email.transport") && stderr.contains("allow_file_transport_in_production"), "{stderr}");
    let allowed = run(Some("true"));
    assert!(allowed.status.success(), "{}", String::from_utf8_lossy(&allowed.stderr));
}

#[tokio::test]
async fn create_admin_makes_a_platform_administrator_who_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let output = techbridge()
        .args(["create-admin", "--email", "Admin@Example.VN"])
        .env("TECHBRIDGE__DATA_DIR", dir.path())
        .env("TECHBRIDGE__DATABASE__URL", database.url())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let password =
        stdout.lines().find_map(|line| line.strip_prefix("one-time password: ")).expect("password printed").to_owned();

    let bad = techbridge()
        .args(["create-admin", "--email", "not-an-email"])
        .env("TECHBRIDGE__DATA_DIR", dir.path())
        .env("TECHBRIDGE__DATABASE__URL", database.url())
        .output()
        .unwrap();
    assert!(!bad.status.success());

    // The same database, served: the administrator signs in and is one.
    let url = database.url().to_owned();
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(move |settings| settings.database.url = url)),
        ..Default::default()
    })
    .await;
    let login = app.post("/api/v1/auth/login", &json!({ "email": "admin@example.vn", "password": password })).await;
    let token = login.ok()["access_token"].as_str().unwrap().to_owned();
    let me = app.get_as(&token, "/api/v1/me").await;
    assert_eq!(me.ok()["is_platform_admin"], true);
}
