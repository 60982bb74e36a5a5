//! Building listings for tests.

use serde_json::{Value, json};

use super::orgs::{enterprise, tax_code};
use super::{Session, TestApp};

/// The need the acceptance criteria search for.
pub fn wastewater_need(extra: Value) -> Value {
    merge(
        json!({
            "kind": "need",
            "title_vi": "Cần công nghệ xử lý nước thải chăn nuôi",
            "summary": "Trang trại 5.000 heo cần hệ thống xử lý nước thải đạt QCVN 62.",
            "keywords": ["nước thải", "chăn nuôi", "biogas"],
            "st_fields": ["405"],
            "transfer_modes": ["licence", "training"],
            "vsic_section": "A",
            "trl": 6,
            "budget_min_vnd": 500_000_000,
            "budget_max_vnd": 2_000_000_000,
            "confidential_details": "Liên hệ ông Bảy, 0909 000 111",
        }),
        extra,
    )
}

pub fn offer(title: &str, extra: Value) -> Value {
    merge(
        json!({
            "kind": "offer",
            "title_vi": title,
            "summary": "Công nghệ đã chuyển giao cho nhiều doanh nghiệp.",
            "st_fields": ["202"],
            "transfer_modes": ["licence"],
            "trl": 7,
            "price_vnd": 1_000_000_000,
            "ip_status": "patent_pending",
        }),
        extra,
    )
}

pub fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(body), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            if value.is_null() {
                body.remove(key);
            } else {
                body.insert(key.clone(), value.clone());
            }
        }
    }
    base
}

impl TestApp {
    /// Demo organizations and published listings straight into the database, as
    /// `seed-demo` makes them; returns how many listings were stored. They stay valid for
    /// longer than the demo's publication dates go back, so that no seeded listing is
    /// already due to expire (an expiry run would otherwise take some away mid-test).
    pub async fn seed_demo_market(&self, orgs: usize, listings: usize, seed: u64) -> usize {
        self.state
            .db
            .run(move |conn| {
                let provinces: Vec<(String, String)> =
                    techbridge::tenants::store::list(conn, false)?.into_iter().map(|t| (t.id, t.name_vi)).collect();
                let now = chrono::Utc::now().naive_utc();
                let data = techbridge::demo::generate(orgs, listings, seed, &provinces, now);
                let owner = techbridge::demo::store::create_demo_user(conn, "not-a-real-hash", now)?
                    .expect("a fresh database has no demo user yet");
                let validity_days = techbridge::demo::PUBLISHED_WITHIN_DAYS + 30;
                techbridge::demo::store::insert_orgs(conn, &data.orgs, &owner, now)?;
                techbridge::demo::store::insert_listings(conn, &data.listings, &data.orgs, &owner, validity_days, now)?;
                Ok(data.listings.len())
            })
            .await
            .expect("seed the demo market")
    }

    /// An approved organization in `province` owned by `owner`, approved by `moderator`.
    pub async fn approved_org_in(
        &self,
        owner: &Session,
        moderator: &Session,
        province: &str,
        name: &str,
        n: u32,
    ) -> String {
        self.approved_org(owner, moderator, &enterprise(name, province, &tax_code(500 + n), json!({}))).await
    }

    pub async fn create_listing(&self, owner: &Session, org: &str, body: &Value) -> String {
        let reply = self.post_as(&owner.access_token, &format!("/api/v1/orgs/{org}/listings"), body).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn listing_version(&self, token: &str, id: &str) -> i64 {
        let reply = self.get_as(token, &format!("/api/v1/listings/{id}")).await;
        reply.ok()["private"]["version"].as_i64().expect("version visible to this caller")
    }

    /// Creates, submits and has the moderator publish a listing; waits for the index.
    pub async fn published_listing(&self, owner: &Session, moderator: &Session, org: &str, body: &Value) -> String {
        let id = self.create_listing(owner, org, body).await;
        let submitted = self.post_as(&owner.access_token, &format!("/api/v1/listings/{id}/submit"), &json!({})).await;
        assert_eq!(submitted.status, 200, "{}", submitted.text);
        let version = self.listing_version(&moderator.access_token, &id).await;
        let approved = self
            .post_as(
                &moderator.access_token,
                &format!("/api/v1/listings/{id}/decisions"),
                &json!({ "action": "approve", "version": version }),
            )
            .await;
        assert_eq!(approved.ok()["status"], "published");
        self.drain_jobs().await;
        id
    }

    /// The ids a marketplace search returns, in order.
    pub async fn search_ids(&self, query: &str) -> Vec<String> {
        let reply = self.get(&format!("/api/v1/listings?{query}")).await;
        reply.ok()["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
    }
}
