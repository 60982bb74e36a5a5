//! Building organizations for tests.

use serde_json::{Value, json};

use super::{Session, TestApp};

/// The n-th valid tax code of a deterministic sequence (check digit computed).
pub fn tax_code(n: u32) -> String {
    const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    let mut candidate = 100_000_000 + n * 7;
    loop {
        let digits: Vec<u32> = format!("{candidate:09}").chars().map(|c| c.to_digit(10).unwrap()).collect();
        let sum: u32 = WEIGHTS.iter().zip(&digits).map(|(w, d)| w * d).sum();
        let check = 10 - sum % 11;
        if check < 10 {
            return format!("{candidate:09}{check}");
        }
        candidate += 1;
    }
}

/// A valid S&T enterprise in `province`, with fields laid over it.
pub fn enterprise(name: &str, province: &str, tax: &str, extra: Value) -> Value {
    let mut body = json!({
        "kind": "st_enterprise",
        "legal_name": name,
        "tax_code": tax,
        "province": province,
        "year_founded": 2016,
        "size_band": "small",
        "st_fields": ["406", "202"],
        "strategic_tags": ["g01"],
        "description_vi": "Doanh nghiệp KH&CN về công nghệ sinh học nông nghiệp.",
        "certificate_number": "12/DNKHCN",
        "certificate_date": "2021-03-15",
        "certificate_issuer": "UBND tỉnh",
        "contact_name": "Nguyễn Thị Hoa",
        "contact_email": "lienhe@example.vn",
        "contact_phone": "0222 3812 345",
        "contact_consent": true,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            if value.is_null() {
                body.remove(key);
            } else {
                body.insert(key.clone(), value.clone());
            }
        }
    }
    body
}

impl TestApp {
    /// Creates an organization as `owner`; returns its id.
    pub async fn create_org(&self, owner: &Session, body: &Value) -> String {
        let reply = self.post_as(&owner.access_token, "/api/v1/orgs", body).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn org_version(&self, token: &str, id: &str) -> i64 {
        let reply = self.get_as(token, &format!("/api/v1/orgs/{id}")).await;
        reply.ok()["private"]["version"].as_i64().expect("version visible to this caller")
    }

    pub async fn submit_org(&self, owner: &Session, id: &str) {
        let reply = self.post_as(&owner.access_token, &format!("/api/v1/orgs/{id}/submit"), &json!({})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }

    pub async fn decide_org(&self, moderator: &Session, id: &str, action: &str, reason: Option<&str>) -> super::Reply {
        let version = self.org_version(&moderator.access_token, id).await;
        self.post_as(
            &moderator.access_token,
            &format!("/api/v1/orgs/{id}/decisions"),
            &json!({ "action": action, "reason": reason, "version": version }),
        )
        .await
    }

    /// Creates, submits and approves an organization.
    pub async fn approved_org(&self, owner: &Session, moderator: &Session, body: &Value) -> String {
        let id = self.create_org(owner, body).await;
        self.submit_org(owner, &id).await;
        let reply = self.decide_org(moderator, &id, "approve", None).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        id
    }
}
