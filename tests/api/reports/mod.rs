mod csv_injection;
mod exports;
mod figures;
mod targets;
mod weekly;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use crate::helpers::listings::{offer, wastewater_need};
use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::{Session, TestApp, TestOptions, spawn_app_with};
use crate::matching::wastewater_offer;

/// The clock travels weeks in these tests; sign-ins last through it (access tokens are
/// renewed after each journey).
pub fn long_sessions(settings: &mut techbridge::config::Settings) {
    settings.auth.refresh_token_ttl_days = 400;
}

pub fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
}

/// Monday 2 March 2026, 02:00 UTC (09:00 in Vietnam).
pub fn t0() -> NaiveDateTime {
    at(2026, 3, 2, 2)
}

/// The cast and ids of the known data set.
pub struct Known {
    pub app: TestApp,
    pub hanoi_mod: Session,
    pub hanoi_admin: Session,
    pub hcmc_mod: Session,
    pub owner: Session,
    /// The approved S&T enterprise of Hà Nội, owned by `owner`.
    pub hanoi_org: String,
    pub queued_org: String,
    pub queued_listing: String,
    pub hanoi_offer: String,
    pub hanoi_need: String,
    pub hcmc_need: String,
}

fn without_certificate(kind: &str) -> Value {
    json!({ "kind": kind, "certificate_number": null, "certificate_date": null, "certificate_issuer": null })
}

/// A data set whose every figure is known, built at fixed times:
///
/// Hà Nội (01): an S&T enterprise approved after 2 h, a startup after 10 h, an enterprise
/// rejected after 6 h, an S&T enterprise waiting since 12:00 UTC on 2 March, a draft; on
/// 3 March an offer and a need, each published after 4 h, and an offer waiting; on 6 April
/// an institute approved after 30 h. Hồ Chí Minh City (79): an enterprise approved after
/// 1 h, and a need published after 1 h. Matches: the Hà Nội offer with the HCMC need (a
/// deal of 900 000 000 VND on 4 March) and with the Hà Nội need (declined).
pub async fn known_data() -> Known {
    // Matches come from officers only here, so that every one is known.
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(|s| {
            s.matching.floor = 2.0;
            long_sessions(s);
        })),
        ..Default::default()
    })
    .await;
    app.clock.travel_to(t0());
    let mut hanoi_mod = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let mut hanoi_admin = app.staff("admin@hanoi.gov.vn", "01", "tenant_admin").await;
    let mut hcmc_mod = app.staff("mod@hcmc.gov.vn", "79", "moderator").await;
    let mut owner = app.signed_in("owner@example.vn").await;
    let mut buyer = app.signed_in("buyer@example.vn").await;
    macro_rules! travel {
        ($to:expr) => {
            app.travel($to, &mut [&mut hanoi_mod, &mut hanoi_admin, &mut hcmc_mod, &mut owner, &mut buyer]).await
        };
    }

    let org = |name: &str, province: &str, n: u32, extra: Value| enterprise(name, province, &tax_code(900 + n), extra);
    let st = app.create_org(&owner, &org("Công ty Cổ phần Sinh học Hà Nội", "01", 1, json!({}))).await;
    let startup =
        app.create_org(&buyer, &org("Công ty Khởi nghiệp Sen Vàng", "01", 2, without_certificate("startup"))).await;
    let refused =
        app.create_org(&owner, &org("Công ty TNHH Thử Nghiệm", "01", 3, without_certificate("enterprise"))).await;
    let hcmc =
        app.create_org(&buyer, &org("Công ty Môi trường Sài Gòn", "79", 4, without_certificate("enterprise"))).await;
    app.create_org(&owner, &org("Công ty Nháp", "01", 5, without_certificate("enterprise"))).await;
    for id in [&st, &startup, &refused, &hcmc] {
        app.submit_org(if id == &st || id == &refused { &owner } else { &buyer }, id).await;
    }
    travel!(t0() + Duration::hours(1));
    assert_eq!(app.decide_org(&hcmc_mod, &hcmc, "approve", None).await.status, 200);
    travel!(t0() + Duration::hours(2));
    assert_eq!(app.decide_org(&hanoi_mod, &st, "approve", None).await.status, 200);
    travel!(t0() + Duration::hours(6));
    assert_eq!(app.decide_org(&hanoi_mod, &refused, "reject", Some("Không phải doanh nghiệp KH&CN")).await.status, 200);
    travel!(t0() + Duration::hours(10));
    assert_eq!(app.decide_org(&hanoi_mod, &startup, "approve", None).await.status, 200);
    let queued_org = app.create_org(&owner, &org("Công ty Đang Chờ", "01", 6, json!({}))).await;
    app.submit_org(&owner, &queued_org).await;

    // 3 March: listings.
    let t1 = t0() + Duration::days(1);
    travel!(t1);
    let submit = |session: &Session, body: Value, org: String| {
        let app = &app;
        let session = session.clone();
        async move {
            let id = app.create_listing(&session, &org, &body).await;
            let reply = app.post_as(&session.access_token, &format!("/api/v1/listings/{id}/submit"), &json!({})).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            id
        }
    };
    let hanoi_offer = submit(&owner, wastewater_offer(json!({})), st.clone()).await;
    let hanoi_need = submit(&buyer, wastewater_need(json!({})), startup.clone()).await;
    let hcmc_need =
        submit(&buyer, wastewater_need(json!({ "title_vi": "Cần xử lý nước thải ở Củ Chi" })), hcmc.clone()).await;
    let approve = |moderator: &Session, id: String| {
        let app = &app;
        let moderator = moderator.clone();
        async move {
            let version = app.listing_version(&moderator.access_token, &id).await;
            let reply = app
                .post_as(
                    &moderator.access_token,
                    &format!("/api/v1/listings/{id}/decisions"),
                    &json!({ "action": "approve", "version": version }),
                )
                .await;
            assert_eq!(reply.ok()["status"], "published");
        }
    };
    travel!(t1 + Duration::hours(1));
    approve(&hcmc_mod, hcmc_need.clone()).await;
    travel!(t1 + Duration::hours(4));
    approve(&hanoi_mod, hanoi_offer.clone()).await;
    approve(&hanoi_mod, hanoi_need.clone()).await;
    travel!(t1 + Duration::hours(5));
    let queued_listing = submit(&owner, offer("Máy sấy nông sản năng lượng mặt trời", json!({})), st.clone()).await;

    // 3 March, 08:00 UTC: the officers' matches; one becomes a deal, one is declined.
    travel!(t1 + Duration::hours(6));
    app.drain_jobs().await;
    let propose = |need: &str| {
        let app = &app;
        let body = json!({ "offer_id": hanoi_offer, "need_id": need });
        let token = hanoi_mod.access_token.clone();
        async move {
            let reply = app.post_as(&token, "/api/v1/matches", &body).await;
            assert_eq!(reply.status, 201, "{}", reply.text);
            reply.body["id"].as_str().unwrap().to_owned()
        }
    };
    let cross = propose(&hcmc_need).await;
    let local = propose(&hanoi_need).await;
    for (session, id) in [(&owner, &cross), (&buyer, &cross)] {
        let reply = app
            .post_as(
                &session.access_token,
                &format!("/api/v1/matches/{id}/responses"),
                &json!({ "response": "interested" }),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    // 4 March, 02:00 UTC: the contract is signed the next day (a signing date may not be
    // in the future, so the deal is recorded on that day).
    travel!(at(2026, 3, 4, 2));
    let deal = app
        .post_as(
            &buyer.access_token,
            &format!("/api/v1/matches/{cross}/deal"),
            &json!({ "value_vnd": 900_000_000, "date": "2026-03-04" }),
        )
        .await;
    assert_eq!(deal.ok()["state"], "deal");
    let declined = app
        .post_as(
            &buyer.access_token,
            &format!("/api/v1/matches/{local}/responses"),
            &json!({ "response": "declined", "reason_code": "timing", "side": "need" }),
        )
        .await;
    assert_eq!(declined.ok()["state"], "declined");

    // 6 April: an institute, approved after 30 hours.
    let t2 = at(2026, 4, 6, 2);
    travel!(t2);
    let institute =
        app.create_org(&owner, &org("Viện Công nghệ Môi trường", "01", 7, without_certificate("institute"))).await;
    app.submit_org(&owner, &institute).await;
    travel!(t2 + Duration::hours(30));
    assert_eq!(app.decide_org(&hanoi_mod, &institute, "approve", None).await.status, 200);
    app.drain_jobs().await;

    Known {
        app,
        hanoi_mod,
        hanoi_admin,
        hcmc_mod,
        owner,
        hanoi_org: st,
        queued_org,
        queued_listing,
        hanoi_offer,
        hanoi_need,
        hcmc_need,
    }
}
