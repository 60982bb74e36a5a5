use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::{TestApp, spawn_app};

async fn org_count(app: &TestApp) -> i64 {
    app.state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            Ok(techbridge::db::schema::organizations::table.count().get_result(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn tax_codes_from_the_design_are_checked_in_both_languages() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    for (n, valid) in ["0100109106", "0101248141", "0300588569", "0100233488", "0314409058-002"].iter().enumerate() {
        let reply = app
            .post_as(
                &owner.access_token,
                "/api/v1/orgs",
                &enterprise(&format!("Công ty Hợp Lệ {n}"), "01", valid, json!({})),
            )
            .await;
        assert_eq!(reply.status, 201, "{valid}: {}", reply.text);
        assert_eq!(reply.body["tax_code"], *valid);
    }
    let spaced = app
        .post_as(
            &owner.access_token,
            "/api/v1/orgs",
            &enterprise("Công ty Cách", "01", &format!(" {} ", "0100.233.488-001"), json!({})),
        )
        .await;
    assert_eq!(spaced.ok()["tax_code"], "0100233488-001");

    let cases = [
        ("0100233480", "invalid_check_digit", "chữ số kiểm tra", "check digit"),
        ("010023348", "invalid_format", "10 chữ số", "10 digits"),
        ("01002334800", "invalid_format", "10 chữ số", "10 digits"),
        ("01OO233488", "invalid_format", "10 chữ số", "10 digits"),
        ("0314409058-000", "invalid_branch", "001 đến 999", "001 and 999"),
        ("0314409058-02", "invalid_branch", "001 đến 999", "001 and 999"),
    ];
    let before = org_count(&app).await;
    for (bad, code, vi, en) in cases {
        for (lang, expected) in [("vi", vi), ("en", en)] {
            let reply = app
                .request(
                    Method::POST,
                    "/api/v1/orgs",
                    Some(&owner.access_token),
                    Some(&enterprise("Công ty Sai Mã", "01", bad, json!({}))),
                    Some(lang),
                )
                .await;
            assert_eq!(reply.invalid_fields(), vec!["tax_code"], "{bad}");
            let error = &reply.body["errors"][0];
            assert_eq!(error["code"], code, "{bad}");
            assert!(error["message"].as_str().unwrap().contains(expected), "{bad} {lang}: {}", error["message"]);
        }
    }
    assert_eq!(org_count(&app).await, before, "nothing stored");
}

#[tokio::test]
async fn one_organization_per_tax_code_nationally() {
    let app = spawn_app().await;
    let first = app.signed_in("first@example.vn").await;
    let second = app.signed_in("second@example.vn").await;
    let moderator = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let code = tax_code(10);
    let id = app.create_org(&first, &enterprise("Công ty Gốc", "01", &code, json!({}))).await;

    // While it is private, the answer names only the province.
    let duplicate =
        app.post_as(&second.access_token, "/api/v1/orgs", &enterprise("Công ty Khác", "79", &code, json!({}))).await;
    let problem = duplicate.problem(409);
    assert_eq!(problem["existing_organization"], json!({ "province": "01" }));
    assert!(problem["detail"].as_str().unwrap().contains("Hà Nội"));

    app.submit_org(&first, &id).await;
    app.decide_org(&moderator, &id, "approve", None).await.ok();
    // Once public, it says which organization to ask to join, in English too.
    let duplicate = app
        .request(
            Method::POST,
            "/api/v1/orgs",
            Some(&second.access_token),
            Some(&enterprise("Công ty Khác", "79", &format!("{}.{}", &code[..4], &code[4..]), json!({}))),
            Some("en"),
        )
        .await;
    let problem = duplicate.problem(409);
    assert_eq!(problem["existing_organization"]["id"], id.as_str());
    assert!(problem["detail"].as_str().unwrap().contains("invite you"));
    assert_eq!(org_count(&app).await, 1);
}

#[tokio::test]
async fn a_very_similar_name_in_the_same_province_is_a_warning_not_a_refusal() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let id = app
        .approved_org(
            &owner,
            &moderator,
            &enterprise("Công ty TNHH Công nghệ Xanh Thủ Đô", "01", &tax_code(11), json!({})),
        )
        .await;

    let other = app.signed_in("other@example.vn").await;
    let similar = app
        .post_as(
            &other.access_token,
            "/api/v1/orgs",
            &enterprise("CONG TY CO PHAN CONG NGHE XANH THU DO", "01", &tax_code(12), json!({})),
        )
        .await;
    assert_eq!(similar.status, 201, "{}", similar.text);
    assert_eq!(similar.body["warnings"][0]["code"], "similar_name");
    assert_eq!(similar.body["warnings"][0]["similar"][0]["id"], id.as_str());

    // Another province: no warning.
    let elsewhere = app
        .post_as(
            &other.access_token,
            "/api/v1/orgs",
            &enterprise("Công ty TNHH Công nghệ Xanh Thủ Đô", "79", &tax_code(13), json!({})),
        )
        .await;
    assert_eq!(elsewhere.body["warnings"], json!([]));
}

#[tokio::test]
async fn bad_input_is_refused_per_field_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let id = app.create_org(&owner, &enterprise("Công ty Nguyên Vẹn", "24", &tax_code(20), json!({}))).await;
    let stored = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}")).await.body;

    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({ "kind": "spaceship" }), vec!["kind"]),
        (json!({ "st_fields": ["406", "999"] }), vec!["st_fields"]),
        (json!({ "strategic_tags": ["g99"] }), vec!["strategic_tags"]),
        (json!({ "year_founded": 2099 }), vec!["year_founded"]),
        (json!({ "year_founded": 1066 }), vec!["year_founded"]),
        (json!({ "description_vi": "x".repeat(5001) }), vec!["description_vi"]),
        (json!({ "certificate_date": "2021-02-30" }), vec!["certificate_date"]),
        (json!({ "certificate_date": "31/12/2020" }), vec!["certificate_date"]),
        (json!({ "certificate_date": "2099-01-01" }), vec!["certificate_date"]),
        (json!({ "province": "00" }), vec!["province"]),
        (json!({ "size_band": "huge" }), vec!["size_band"]),
        (json!({ "website": "ftp://example.vn" }), vec!["website"]),
        (json!({ "contact_email": "someone@", "contact_consent": true }), vec!["contact_email"]),
        (json!({ "contact_phone": "0222 999 888", "contact_consent": false }), vec!["contact_consent"]),
        (json!({ "legal_name": "\u{0007}bell" }), vec!["legal_name"]),
        (json!({ "year_founded": "năm ngoái" }), vec!["year_founded"]),
        (json!({ "st_fields": "406" }), vec!["st_fields"]),
    ];
    for (patch, fields) in &cases {
        let full = enterprise("Công ty Mới", "24", &tax_code(21), patch.clone());
        let created = app.post_as(&owner.access_token, "/api/v1/orgs", &full).await;
        assert_eq!(created.invalid_fields(), *fields, "create with {patch}");
        let updated = app.patch_as(&owner.access_token, &format!("/api/v1/orgs/{id}"), patch).await;
        assert_eq!(updated.invalid_fields(), *fields, "update with {patch}");
    }
    assert_eq!(org_count(&app).await, 1);
    let after = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}")).await.body;
    assert_eq!(after, stored, "the stored organization did not change");

    // Markup is stored and returned as text.
    let markup = app
        .patch_as(
            &owner.access_token,
            &format!("/api/v1/orgs/{id}"),
            &json!({ "description_vi": "<script>alert('xss')</script><b>đậm</b>" }),
        )
        .await;
    assert_eq!(markup.ok()["description_vi"], "<script>alert('xss')</script><b>đậm</b>");
}

#[tokio::test]
async fn kinds_carry_their_own_fields() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let group = json!({
        "kind": "research_group", "legal_name": "Nhóm nghiên cứu Vật liệu Nano", "province": "01",
        "host_institution": "Trường Đại học Bách khoa Hà Nội", "st_fields": ["2"]
    });
    let created = app.post_as(&owner.access_token, "/api/v1/orgs", &group).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(created.body["tax_code"].is_null());

    let intermediary = json!({ "kind": "intermediary", "legal_name": "Sàn Giao dịch Công nghệ Miền Trung", "province": "48", "tax_code": tax_code(30) });
    let missing = app.post_as(&owner.access_token, "/api/v1/orgs", &intermediary).await;
    assert_eq!(missing.invalid_fields(), vec!["intermediary_type"]);
    let mut with_type = intermediary.clone();
    with_type["intermediary_type"] = json!("technology_exchange");
    assert_eq!(
        app.post_as(&owner.access_token, "/api/v1/orgs", &with_type).await.ok()["intermediary_type"],
        "technology_exchange"
    );

    let startup_with_certificate = enterprise("Startup ABC", "79", &tax_code(31), json!({ "kind": "startup" }));
    let refused = app.post_as(&owner.access_token, "/api/v1/orgs", &startup_with_certificate).await;
    assert_eq!(refused.invalid_fields(), vec!["certificate_number"]);
}

#[tokio::test]
async fn taxonomies_are_served_with_their_versions() {
    let app = spawn_app().await;
    let fields = app.get("/api/v1/taxonomy/st-fields").await;
    assert_eq!(fields.ok()["version"], "2008");
    assert_eq!(fields.body["total"], 52);
    let items = fields.body["items"].as_array().unwrap();
    let biotech = items.iter().find(|t| t["code"] == "406").unwrap();
    assert_eq!(biotech["parent_code"], "4");
    assert_eq!(biotech["name_vi"], "Công nghệ sinh học trong nông nghiệp");

    let strategic = app.get("/api/v1/taxonomy/strategic-technologies").await;
    assert_eq!(strategic.ok()["version"], "2026");
    assert_eq!(strategic.body["total"], 40);
    assert_eq!(strategic.body["versions"], json!(["2026", "2025"]));
    assert_eq!(app.get("/api/v1/taxonomy/strategic-technologies?version=2025").await.ok()["total"], 26);
    app.get("/api/v1/taxonomy/strategic-technologies?version=1999").await.problem(404);

    let modes = app.get("/api/v1/taxonomy/transfer-modes").await;
    assert_eq!(modes.ok()["total"], 17);
    let kinds: Vec<&str> =
        modes.body["items"].as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"form") && kinds.contains(&"method") && kinds.contains(&"right"));

    let vsic = app.get("/api/v1/taxonomy/vsic-sections").await;
    assert_eq!(vsic.ok()["version"], "2025");
    assert_eq!(vsic.body["total"], 22);
    let n = vsic.body["items"].as_array().unwrap().iter().find(|t| t["code"] == "N").unwrap();
    assert!(n["name_vi"].as_str().unwrap().contains("khoa học"));
}
