//! The OpenAPI document tells the truth about what the server sends: instants in RFC 3339
//! with an offset, problem documents as `application/problem+json`, and the statuses the
//! extractors and middleware answer on every operation.

use serde_json::{Value, json};

use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::{PASSWORD, spawn_app};

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

fn operations(document: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((method.to_uppercase(), path.clone(), operation));
            }
        }
    }
    found
}

fn problem_ref(response: &Value) -> Option<&str> {
    response["content"]["application/problem+json"]["schema"]["$ref"].as_str()
}

#[tokio::test]
async fn instants_are_rfc3339_in_utc_as_the_document_says() {
    let app = spawn_app().await;
    let document = app.get("/api/v1/openapi.json").await.ok().clone();
    let created_at = &document["components"]["schemas"]["AccountView"]["properties"]["created_at"];
    assert_eq!(created_at["format"], "date-time");

    let session = app.signed_in("thoi.gian@example.vn").await;
    let me = app.get_as(&session.access_token, "/api/v1/me").await;
    let stamp = me.ok()["created_at"].as_str().unwrap();
    assert!(stamp.ends_with('Z'), "{stamp} has no UTC offset");
    let parsed = chrono::DateTime::parse_from_rfc3339(stamp).unwrap_or_else(|e| panic!("{stamp}: {e}"));
    assert_eq!(parsed.offset().local_minus_utc(), 0);
    let age = chrono::Utc::now().signed_duration_since(parsed);
    assert!(age.num_minutes().abs() < 10, "{stamp} is not the time of registration");
}

#[tokio::test]
async fn problems_are_declared_as_problem_json_where_the_server_can_answer_them() {
    let app = spawn_app().await;
    let document = app.get("/api/v1/openapi.json").await.ok().clone();

    // The server's answer to invalid input on a body-taking operation…
    let register = app.post("/api/v1/auth/register", &json!({ "email": "not-an-email", "password": PASSWORD })).await;
    register.problem(422);
    // …is what the document promises for it.
    let declared = &document["paths"]["/api/v1/auth/register"]["post"]["responses"]["422"];
    assert_eq!(problem_ref(declared), Some("#/components/schemas/ProblemBody"), "{declared}");
    assert!(document["components"]["schemas"]["ProblemBody"]["allOf"].is_array());

    for (method, path, operation) in operations(&document) {
        let responses = operation["responses"].as_object().unwrap();
        for (status, response) in responses {
            let json_schema = response["content"]["application/json"]["schema"]["$ref"].as_str();
            assert_ne!(
                json_schema,
                Some("#/components/schemas/ProblemBody"),
                "{method} {path} {status}: a problem document declared as application/json"
            );
        }
        let mut expected = vec!["500", "503"];
        if operation.get("requestBody").is_some() {
            expected.extend(["400", "413", "415", "422"]);
        }
        let security = operation["security"].as_array().map(Vec::as_slice).unwrap_or_default();
        if security.iter().any(|requirement| requirement.get("bearer").is_some()) {
            expected.push("401");
        }
        for status in expected {
            let response = responses.get(status).unwrap_or_else(|| panic!("{method} {path} does not declare {status}"));
            assert!(problem_ref(response).is_some(), "{method} {path} {status}: {response}");
        }
        // Query parameters are declared in the query, where the server reads them.
        for parameter in operation["parameters"].as_array().map(Vec::as_slice).unwrap_or_default() {
            if parameter["in"] == "path" {
                let name = parameter["name"].as_str().unwrap();
                assert!(path.contains(&format!("{{{name}}}")), "{method} {path}: {name} is not in the path");
            }
        }
    }

    // Sign-in is rate limited, and says so.
    let login = &document["paths"]["/api/v1/auth/login"]["post"]["responses"];
    assert!(problem_ref(&login["429"]).is_some(), "{login}");
}

#[tokio::test]
async fn a_body_that_may_be_left_out_is_still_checked_when_sent() {
    let app = spawn_app().await;
    let owner = app.signed_in("than.trong@example.vn").await;
    let org = app.create_org(&owner, &enterprise("Công ty Thân Trọng", "24", "0100109106", json!({}))).await;
    let path = format!("/api/v1/orgs/{org}/submit");

    let wrong_type = app.post_as(&owner.access_token, &path, &json!({ "version": "hai" })).await;
    assert_eq!(wrong_type.invalid_fields(), ["version"]);
    let malformed = app
        .client
        .post(app.url(&path))
        .bearer_auth(&owner.access_token)
        .header("content-type", "application/json")
        .body("{\"version\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let not_json =
        app.client.post(app.url(&path)).bearer_auth(&owner.access_token).body("version=1").send().await.unwrap();
    assert_eq!(not_json.status(), 415);

    // No body at all is fine, and so is `null`, which the document allows.
    let submitted = app.request(reqwest::Method::POST, &path, Some(&owner.access_token), None, None).await;
    assert_eq!(submitted.ok()["status"], "submitted");
    let other = app.create_org(&owner, &enterprise("Công ty Rỗng", "24", &tax_code(7), json!({}))).await;
    let submitted = app
        .client
        .post(app.url(&format!("/api/v1/orgs/{other}/submit")))
        .bearer_auth(&owner.access_token)
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 200);
}

#[tokio::test]
async fn closed_sets_of_codes_are_declared_as_they_are_sent() {
    let app = spawn_app().await;
    let document = app.get("/api/v1/openapi.json").await.ok().clone();
    assert_eq!(document["components"]["schemas"]["Side"]["enum"], json!(["offer", "need"]));
}
