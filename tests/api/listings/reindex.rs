//! The index is a projection: deleted, it is rebuilt from the database with the same
//! search results.

use std::process::Command;

use serde_json::json;

use super::q;
use crate::helpers::listings::{offer, wastewater_need};
use crate::helpers::{TestApp, TestOptions, spawn_app_with};

const QUERIES: [&str; 6] = ["nuoc thai", "robot", "q=", "chăn nuôi", "biogas", "may say"];

async fn results(app: &TestApp) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for query in QUERIES {
        let reply = app.get(&format!("/api/v1/listings?q={}&facets=all", q(query))).await;
        out.push((
            query.to_owned(),
            json!({ "items": reply.ok()["items"], "total": reply.body["total"], "facets": reply.body["facets"] }),
        ));
    }
    out
}

#[tokio::test]
async fn reindex_after_deleting_the_index_restores_identical_results() {
    let data = tempfile::tempdir().unwrap();
    let database = crate::helpers::TestDatabase::create(data.path());
    let data_dir = data.path().to_path_buf();
    let url = database.url().to_owned();
    let settings = move |settings: &mut techbridge::config::Settings| {
        settings.data_dir = data_dir;
        settings.database.url = url;
    };

    let app = spawn_app_with(TestOptions { tweak: Some(Box::new(settings.clone())), ..Default::default() }).await;
    if app.state.search.engine.is_shared() {
        eprintln!("skipped: the search index is not a folder of this instance's data directory");
        return;
    }
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let org = app.approved_org_in(&owner, &moderator, "92", "Hợp tác xã Tái Tạo", 30).await;
    app.published_listing(&owner, &moderator, &org, &wastewater_need(json!({}))).await;
    app.published_listing(&owner, &moderator, &org, &offer("Robot hàn tự động", json!({}))).await;
    app.published_listing(&owner, &moderator, &org, &offer("Máy sấy nông sản", json!({ "keywords": ["biogas"] })))
        .await;
    let unpublished = app.create_listing(&owner, &org, &offer("Robot chưa đăng", json!({}))).await;
    let before = results(&app).await;
    assert!(before[1].1["items"].as_array().unwrap().len() == 1, "{:?}", before[1]);
    app.state.search.engine.count().await.unwrap();
    app.shutdown().await;

    let index = data.path().join("search");
    std::fs::remove_dir_all(&index).unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_techbridge"))
        .arg("reindex")
        .env("TECHBRIDGE_ENV", "test")
        .env("TECHBRIDGE__DATA_DIR", data.path())
        .env("TECHBRIDGE__DATABASE__URL", database.url())
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("search index rebuilt: 3 listings"), "{stdout}");

    let app = spawn_app_with(TestOptions { tweak: Some(Box::new(settings)), ..Default::default() }).await;
    assert_eq!(app.state.search.engine.count().await.unwrap(), 3);
    let after = results(&app).await;
    assert_eq!(after, before);
    assert!(!serde_json::to_string(&after).unwrap().contains(&unpublished));
    drop(database);
}
