//! What a broker would and would not propose, through the API: regional words meet,
//! near misses are excluded with a reason the officers see, and declines teach.

use serde_json::{Value, json};

use crate::helpers::listings::merge;
use crate::helpers::{Session, TestApp, TestOptions, spawn_app, spawn_app_with};

fn need(title: &str, keywords: &[&str], extra: Value) -> Value {
    merge(
        json!({
            "kind": "need",
            "title_vi": title,
            "summary": format!("{title}. Cần quy trình và tập huấn."),
            "keywords": keywords,
            "st_fields": ["401"],
            "transfer_modes": ["licence", "training"],
            "vsic_section": "A",
            "trl": 7,
            "budget_min_vnd": 100_000_000,
            "budget_max_vnd": 1_000_000_000,
        }),
        extra,
    )
}

fn offer(title: &str, keywords: &[&str], extra: Value) -> Value {
    merge(
        json!({
            "kind": "offer",
            "title_vi": title,
            "summary": format!("{title}. Đã chuyển giao cho nhiều đơn vị."),
            "keywords": keywords,
            "st_fields": ["401"],
            "transfer_modes": ["licence", "training"],
            "trl": 8,
            "price_vnd": 500_000_000,
            "ip_status": "know_how",
        }),
        extra,
    )
}

struct Market {
    buyer: Session,
    seller: Session,
    moderator: Session,
    buyer_org: String,
    seller_org: String,
}

async fn market(app: &TestApp) -> Market {
    let buyer = app.signed_in("buyer@example.vn").await;
    let seller = app.signed_in("seller@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let buyer_org = app.approved_org_in(&buyer, &moderator, "92", "Hợp tác xã Phong Điền", 301).await;
    let seller_org = app.approved_org_in(&seller, &moderator, "92", "Viện Công nghệ Sinh học", 302).await;
    Market { buyer, seller, moderator, buyer_org, seller_org }
}

async fn proposals(app: &TestApp, token: &str, need: &str) -> Vec<String> {
    let listed = app.get_as(token, &format!("/api/v1/matches?listing_id={need}")).await;
    listed.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["state"] == "suggested")
        .map(|m| m["offer"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// heo finds lợn, khóm finds dứa, khoai mì finds sắn, compost finds ủ phân: the need says
/// it one way, the offer the other, and matching proposes the pair.
async fn regional_words_meet(app: TestApp) {
    let m = market(&app).await;
    let pairs = [
        (
            "Cần quy trình nuôi heo an toàn sinh học",
            &["trại heo", "an toàn sinh học"][..],
            "Quy trình chăn nuôi lợn an toàn sinh học",
            &["lợn", "an toàn sinh học"][..],
        ),
        (
            "Cần công nghệ làm khóm sấy dẻo",
            &["khóm sấy dẻo"][..],
            "Công nghệ sản xuất dứa sấy dẻo ít đường",
            &["dứa sấy dẻo"][..],
        ),
        (
            "Cần công nghệ tinh bột khoai mì biến tính",
            &["khoai mì", "tinh bột biến tính"][..],
            "Sản xuất tinh bột sắn biến tính cho ngành giấy",
            &["sắn", "tinh bột biến tính"][..],
        ),
        (
            "Cần hướng dẫn làm compost từ vỏ cà phê",
            &["compost", "vỏ cà phê"][..],
            "Quy trình ủ phân từ vỏ cà phê bằng Trichoderma",
            &["ủ phân", "vỏ cà phê"][..],
        ),
    ];
    for (need_title, need_words, offer_title, offer_words) in pairs {
        let offer_id = app
            .published_listing(&m.seller, &m.moderator, &m.seller_org, &offer(offer_title, offer_words, json!({})))
            .await;
        let need_id =
            app.published_listing(&m.buyer, &m.moderator, &m.buyer_org, &need(need_title, need_words, json!({}))).await;
        app.drain_jobs().await;
        let found = proposals(&app, &m.buyer.access_token, &need_id).await;
        assert_eq!(found, vec![offer_id], "{need_title:?} should meet {offer_title:?}");
    }
}

#[tokio::test]
async fn regional_words_meet_on_tantivy() {
    regional_words_meet(spawn_app().await).await;
}

#[tokio::test]
async fn regional_words_meet_on_meilisearch() {
    let Ok(url) = std::env::var("MEILI_URL") else {
        eprintln!("skipped: MEILI_URL is not set, so matching on Meilisearch was not exercised");
        return;
    };
    let key = std::env::var("MEILI_KEY").unwrap_or_default();
    let index = format!("matching_{}", uuid::Uuid::new_v4().simple());
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(move |s| {
            s.search.engine = techbridge::config::SearchEngineKind::Meilisearch;
            s.search.meili_url = url;
            s.search.meili_key = key.into();
            s.search.meili_index = index;
        })),
        ..Default::default()
    })
    .await;
    regional_words_meet(app).await;
}

/// A near miss is not proposed, and the officers read why.
#[tokio::test]
async fn a_near_miss_is_excluded_and_officers_see_why() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let words = &["dứa sấy dẻo", "ít đường"][..];
    let lab = app
        .published_listing(
            &m.seller,
            &m.moderator,
            &m.seller_org,
            &offer("Quy trình dứa sấy dẻo ít đường quy mô phòng thí nghiệm", words, json!({ "trl": 4 })),
        )
        .await;
    let need_id = app
        .published_listing(
            &m.buyer,
            &m.moderator,
            &m.buyer_org,
            &need("Cần công nghệ làm dứa sấy dẻo ít đường", words, json!({})),
        )
        .await;
    app.drain_jobs().await;
    assert!(proposals(&app, &m.buyer.access_token, &need_id).await.is_empty());

    let report = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/listings/{need_id}/match"),
            Some(&m.moderator.access_token),
            Some(&json!({})),
            Some("en"),
        )
        .await;
    let candidates = report.ok()["candidates"].as_array().unwrap().clone();
    let seen = candidates.iter().find(|c| c["listing_id"] == lab.as_str()).expect("the lab offer was considered");
    assert_eq!(seen["outcome"]["outcome"], "excluded");
    assert_eq!(seen["outcome"]["exclusion"]["reason"], "trl_too_low");
    assert_eq!(seen["why"], "excluded: TRL 4, at least 7 asked");
    let names: Vec<&str> =
        seen["score_parts"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["topic", "trl", "price", "transfer_mode", "field", "province", "strategic_tag"]);
    // The same in Vietnamese, without running anything.
    let preview = app.get_as(&m.moderator.access_token, &format!("/api/v1/listings/{need_id}/match-candidates")).await;
    let seen = preview.ok().as_array().unwrap().iter().find(|c| c["listing_id"] == lab.as_str()).unwrap().clone();
    assert_eq!(seen["why"], "loại: TRL 4, bên cần yêu cầu ít nhất 7");
    // Only the listing's province's officers may look.
    app.get_as(&m.buyer.access_token, &format!("/api/v1/listings/{need_id}/match-candidates")).await.problem(404);
}

/// After "TRL too low", a later offer at or below that TRL is not proposed to that need; a
/// higher one is.
#[tokio::test]
async fn a_trl_declined_as_too_low_is_not_proposed_again() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let words = &["chanh dây", "sạch bệnh"][..];
    let title = "Nhân giống chanh dây sạch bệnh bằng nuôi cấy mô";
    let first =
        app.published_listing(&m.seller, &m.moderator, &m.seller_org, &offer(title, words, json!({ "trl": 7 }))).await;
    let need_id = app
        .published_listing(
            &m.buyer,
            &m.moderator,
            &m.buyer_org,
            &need("Cần cây giống chanh dây sạch bệnh", words, json!({ "trl": 6 })),
        )
        .await;
    app.drain_jobs().await;
    let listed = app.get_as(&m.buyer.access_token, &format!("/api/v1/matches?listing_id={need_id}")).await;
    let match_id = listed.ok()["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed.body["items"][0]["offer"]["id"], first.as_str());
    app.post_as(
        &m.buyer.access_token,
        &format!("/api/v1/matches/{match_id}/responses"),
        &json!({ "response": "declined", "reason_code": "trl_too_low" }),
    )
    .await
    .ok();

    let other_seller = app.signed_in("other@example.vn").await;
    let other_org = app.approved_org_in(&other_seller, &m.moderator, "92", "Công ty Giống Cây Trồng", 303).await;
    let same =
        app.published_listing(&other_seller, &m.moderator, &other_org, &offer(title, words, json!({ "trl": 7 }))).await;
    let lower = app
        .published_listing(
            &other_seller,
            &m.moderator,
            &other_org,
            &offer(&format!("{title} (thử nghiệm)"), words, json!({ "trl": 6 })),
        )
        .await;
    let higher = app
        .published_listing(
            &other_seller,
            &m.moderator,
            &other_org,
            &offer(&format!("{title} (thương mại)"), words, json!({ "trl": 9 })),
        )
        .await;
    app.drain_jobs().await;
    let found = proposals(&app, &m.buyer.access_token, &need_id).await;
    assert_eq!(found, vec![higher], "only the offer above the declined TRL");
    let report = app.post_as(&m.moderator.access_token, &format!("/api/v1/listings/{need_id}/match"), &json!({})).await;
    for id in [&same, &lower] {
        let seen = report.ok()["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["listing_id"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(seen["outcome"]["exclusion"]["reason"], "declined_trl", "{seen}");
    }
}

/// After "not relevant", re-running matching never proposes that pair again; after
/// "already solved", the need gets no new proposals.
#[tokio::test]
async fn not_relevant_and_already_solved_are_remembered() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let words = &["tỏi đen", "lên men"][..];
    let offer_id = app
        .published_listing(
            &m.seller,
            &m.moderator,
            &m.seller_org,
            &offer("Quy trình lên men tỏi đen", words, json!({})),
        )
        .await;
    let need_id = app
        .published_listing(&m.buyer, &m.moderator, &m.buyer_org, &need("Cần công nghệ làm tỏi đen", words, json!({})))
        .await;
    app.drain_jobs().await;
    let listed = app.get_as(&m.buyer.access_token, &format!("/api/v1/matches?listing_id={need_id}")).await;
    let match_id = listed.ok()["items"][0]["id"].as_str().unwrap().to_owned();
    app.post_as(
        &m.buyer.access_token,
        &format!("/api/v1/matches/{match_id}/responses"),
        &json!({ "response": "declined", "reason_code": "field_not_relevant" }),
    )
    .await
    .ok();
    for _ in 0..2 {
        let run =
            app.post_as(&m.moderator.access_token, &format!("/api/v1/listings/{need_id}/match"), &json!({})).await;
        assert_eq!(run.ok()["created"], 0);
        let seen = run.body["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["listing_id"] == offer_id.as_str())
            .unwrap()
            .clone();
        assert_eq!(seen["outcome"]["outcome"], "already_matched");
        // Matching from the offer's side does not bring the pair back either.
        let run =
            app.post_as(&m.moderator.access_token, &format!("/api/v1/listings/{offer_id}/match"), &json!({})).await;
        assert_eq!(run.ok()["created"], 0);
    }
    let listed = app.get_as(&m.buyer.access_token, &format!("/api/v1/matches?listing_id={need_id}")).await;
    assert_eq!(listed.ok()["total"], 1);
    assert_eq!(listed.body["items"][0]["state"], "declined");

    // "Already solved" on another need: nothing new for it, whatever is published later.
    let solved_need = app
        .published_listing(
            &m.buyer,
            &m.moderator,
            &m.buyer_org,
            &need("Cần máy sấy lạnh dược liệu", &["sấy lạnh", "dược liệu"], json!({})),
        )
        .await;
    let dryer = app
        .published_listing(
            &m.seller,
            &m.moderator,
            &m.seller_org,
            &offer("Máy sấy lạnh bơm nhiệt cho dược liệu", &["sấy lạnh", "dược liệu"], json!({})),
        )
        .await;
    app.drain_jobs().await;
    let listed = app.get_as(&m.buyer.access_token, &format!("/api/v1/matches?listing_id={solved_need}")).await;
    assert_eq!(listed.ok()["items"][0]["offer"]["id"], dryer.as_str());
    let match_id = listed.body["items"][0]["id"].as_str().unwrap().to_owned();
    app.post_as(
        &m.buyer.access_token,
        &format!("/api/v1/matches/{match_id}/responses"),
        &json!({ "response": "declined", "reason_code": "already_solved" }),
    )
    .await
    .ok();
    let other_seller = app.signed_in("other@example.vn").await;
    let other_org = app.approved_org_in(&other_seller, &m.moderator, "92", "Công ty Cơ khí Sấy", 304).await;
    app.published_listing(
        &other_seller,
        &m.moderator,
        &other_org,
        &offer("Tủ sấy lạnh bơm nhiệt cho dược liệu", &["sấy lạnh", "dược liệu"], json!({})),
    )
    .await;
    app.drain_jobs().await;
    assert!(proposals(&app, &m.buyer.access_token, &solved_need).await.is_empty());
}
