//! The matching evaluation set (`tests/data/matching_eval/set.json`) loaded into a running
//! application and matched as listings arrive, then measured against its judgments:
//! precision@5, recall@10, proposals per need, no-fit needs with a proposal.
//!
//! Shared by the benchmark program (`cargo bench --bench matching_eval`) and the test that
//! holds floors on the figures (`tests/api/matching/evaluation.rs`).
//!
//! Each listing is validated by the listings' own rules, stored and published as the
//! review would publish it, indexed, and matched by the same job code the worker runs, one
//! after the other in the chosen order. The registry fields the set leaves out (tax codes,
//! contacts) are invented; the set's deadlines (2027) are moved by as much time as has
//! passed since 2026-12-01, so that they stay in the future.

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::web;
use chrono::{Duration, NaiveDate};
use serde_json::Value;
use techbridge::app::AppState;
use techbridge::demo::DemoOrg;
use techbridge::listings::lifecycle::ListingStatus;
use techbridge::listings::rules::ListingInput;
use techbridge::listings::store::{Owner, TransitionRecord};
use techbridge::matching::store::{MatchFilter, Visibility};

pub const SET: &str = include_str!("../../tests/data/matching_eval/set.json");

/// The order listings are published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The market's offers first, then the needs arrive.
    OffersFirst,
    /// The needs first, then the offers.
    NeedsFirst,
    /// One offer, one need, and so on.
    Interleaved,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub needs: usize,
    /// Macro average over needs with at least one proposal: relevant among the first five
    /// proposals, over the proposals (at most five).
    pub precision_at_5: f64,
    /// Macro average over needs with a judged relevant offer: relevant among the first ten
    /// proposals, over the relevant offers.
    pub recall_at_10: f64,
    /// Proposals (matches) over all needs.
    pub proposals_per_need: f64,
    pub no_fit_needs: usize,
    pub no_fit_with_proposal: usize,
    pub near_misses_proposed: usize,
    /// (need, offer, score) of proposals the judges call wrong, for reading.
    pub wrong: Vec<(String, String, f64)>,
    /// (need, offer) of relevant pairs not proposed.
    pub missed: Vec<(String, String)>,
}

const KINDS: [&str; 8] =
    ["st_enterprise", "startup", "research_group", "institute", "incubator", "intermediary", "fund", "enterprise"];

fn kind_of(raw: &str) -> &'static str {
    KINDS.iter().copied().find(|k| *k == raw).unwrap_or("enterprise")
}

/// Loads the set, publishing in `order` and matching each listing as it is published.
pub async fn run(state: &web::Data<AppState>, order: Order) -> Report {
    let set: Value = serde_json::from_str(SET).expect("the set is JSON");
    let offers = set["offers"].as_array().expect("offers").clone();
    let needs = set["needs"].as_array().expect("needs").clone();
    let now = state.clock.now();
    let owner = state
        .db
        .write(move |conn| Ok(techbridge::demo::store::create_demo_user(conn, "x", now)?.expect("a fresh database")))
        .await
        .expect("owner");
    let entries: Vec<Value> = offers.iter().chain(needs.iter()).cloned().collect();
    let orgs: Vec<DemoOrg> = entries
        .iter()
        .enumerate()
        .map(|(n, e)| DemoOrg {
            id: uuid::Uuid::now_v7().to_string(),
            tenant_id: e["province"].as_str().expect("province").to_owned(),
            kind: kind_of(e["org_kind"].as_str().unwrap_or("enterprise")),
            legal_name: e["org_name"].as_str().expect("org_name").to_owned(),
            search_name: techbridge::text::fold(e["org_name"].as_str().unwrap_or_default()),
            tax_code: techbridge::demo::demo_tax_code(70_000 + n),
            year_founded: 2015,
            size_band: "small",
            description: String::new(),
            contact_name: "Nguyễn Văn Thử",
            contact_email: format!("lienhe{n}@example.vn"),
            fields: Vec::new(),
            registered_at: now - Duration::days(30),
            approved_at: now - Duration::days(29),
        })
        .collect();
    let org_of: HashMap<String, (String, String)> = entries
        .iter()
        .zip(&orgs)
        .map(|(e, o)| (e["key"].as_str().unwrap_or_default().to_owned(), (o.id.clone(), o.tenant_id.clone())))
        .collect();
    let (all_orgs, who) = (orgs.clone(), owner.clone());
    state.db.write(move |conn| techbridge::demo::store::insert_orgs(conn, &all_orgs, &who, now)).await.expect("orgs");

    let keys = |list: &[Value]| -> Vec<String> { list.iter().map(|e| e["key"].as_str().unwrap().to_owned()).collect() };
    let (offer_keys, need_keys) = (keys(&offers), keys(&needs));
    let sequence: Vec<String> = match order {
        Order::OffersFirst => offer_keys.iter().chain(&need_keys).cloned().collect(),
        Order::NeedsFirst => need_keys.iter().chain(&offer_keys).cloned().collect(),
        Order::Interleaved => {
            let mut out = Vec::new();
            for n in 0..offer_keys.len().max(need_keys.len()) {
                out.extend(offer_keys.get(n).cloned());
                out.extend(need_keys.get(n).cloned());
            }
            out
        }
    };
    let body_of: HashMap<String, Value> =
        entries.iter().map(|e| (e["key"].as_str().unwrap().to_owned(), e["listing"].clone())).collect();
    let shift = (now.date() - NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")).max(Duration::zero());
    let mut listing_of: HashMap<String, String> = HashMap::new();
    for key in &sequence {
        let mut body = body_of[key].clone();
        if let Some(deadline) = body["deadline"].as_str().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
            body["deadline"] = Value::String((deadline + shift).format("%Y-%m-%d").to_string());
        }
        let input: ListingInput = serde_json::from_value(body).expect("a listing body");
        let (org_id, tenant_id) = org_of[key].clone();
        let id = uuid::Uuid::now_v7().to_string();
        let (app, listing_id, who) = (state.clone(), id.clone(), owner.clone());
        state
            .db
            .write(move |conn| {
                let listing = techbridge::listings::service::validate(&app, conn, input, &tenant_id, now)?;
                let owner = Owner { org_id: &org_id, tenant_id: &tenant_id, created_by: &who };
                techbridge::listings::store::insert(conn, &listing_id, &owner, &listing, now)?;
                let published = TransitionRecord {
                    from: ListingStatus::Draft,
                    to: ListingStatus::Published,
                    expected_version: 1,
                    reason: None,
                    field_comments: None,
                    expires_at: Some(now + Duration::days(365)),
                };
                techbridge::listings::store::transition(conn, &listing_id, &published, now)?;
                techbridge::search::indexing::listing_changed(conn, &listing_id)
            })
            .await
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        state.search.catch_up().await.expect("index");
        techbridge::matching::engine::run(state, &id).await.expect("matching");
        listing_of.insert(key.clone(), id);
    }
    measure(state, &set, &listing_of).await
}

async fn measure(state: &web::Data<AppState>, set: &Value, listing_of: &HashMap<String, String>) -> Report {
    let key_of: HashMap<String, String> = listing_of.iter().map(|(k, id)| (id.clone(), k.clone())).collect();
    let (rows, _) = state
        .db
        .run(|conn| techbridge::matching::store::list(conn, &Visibility::All, &MatchFilter::default(), 0, 1_000_000))
        .await
        .expect("matches");
    // Each need's proposals, best first (the list is ordered by score).
    let mut proposals: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for row in rows {
        let (Some(need), Some(offer)) = (row.need_id.as_ref(), row.offer_id.as_ref()) else { continue };
        proposals.entry(key_of[need].clone()).or_default().push((key_of[offer].clone(), row.score));
    }
    let needs = set["needs"].as_array().expect("needs");
    let mut report = Report { needs: needs.len(), ..Default::default() };
    let (mut precision, mut with_proposals, mut recall, mut judged, mut total) = (0.0, 0, 0.0, 0, 0);
    for need in needs {
        let key = need["key"].as_str().unwrap().to_owned();
        let relevant: HashSet<String> =
            need["relevant"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
        let near: HashSet<String> =
            need["near_misses"].as_array().unwrap().iter().map(|m| m["offer"].as_str().unwrap().to_owned()).collect();
        let proposed = proposals.get(&key).cloned().unwrap_or_default();
        total += proposed.len();
        if !proposed.is_empty() {
            let top: Vec<&(String, f64)> = proposed.iter().take(5).collect();
            precision += top.iter().filter(|(o, _)| relevant.contains(o)).count() as f64 / top.len() as f64;
            with_proposals += 1;
        }
        if relevant.is_empty() {
            report.no_fit_needs += 1;
            if !proposed.is_empty() {
                report.no_fit_with_proposal += 1;
            }
        } else {
            let found = proposed.iter().take(10).filter(|(o, _)| relevant.contains(o)).count();
            recall += found as f64 / relevant.len() as f64;
            judged += 1;
            for offer in &relevant {
                if !proposed.iter().any(|(o, _)| o == offer) {
                    report.missed.push((key.clone(), offer.clone()));
                }
            }
        }
        for (offer, score) in &proposed {
            if near.contains(offer) {
                report.near_misses_proposed += 1;
            }
            if !relevant.contains(offer) {
                report.wrong.push((key.clone(), offer.clone(), *score));
            }
        }
    }
    report.precision_at_5 = if with_proposals > 0 { precision / with_proposals as f64 } else { 0.0 };
    report.recall_at_10 = if judged > 0 { recall / judged as f64 } else { 0.0 };
    report.proposals_per_need = total as f64 / needs.len().max(1) as f64;
    report.missed.sort();
    report
}

impl Report {
    pub fn summary(&self) -> String {
        format!(
            "precision@5 {:.3}, recall@10 {:.3}, {:.2} proposals per need, {} of {} no-fit needs with a proposal, {} near misses proposed",
            self.precision_at_5,
            self.recall_at_10,
            self.proposals_per_need,
            self.no_fit_with_proposal,
            self.no_fit_needs,
            self.near_misses_proposed
        )
    }
}
