//! Realistic, deterministic demonstration data: Vietnamese organizations and technology
//! listings across the provinces (`techbridge seed-demo`, and the benchmarks).

pub mod catalog;
pub mod store;

use chrono::{Duration, NaiveDateTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use self::catalog::{CONTACT_NAMES, ORG_NAMES, ORG_PREFIXES, ORG_SUBJECTS, QUALIFIERS, TOPICS};
use crate::text::fold;

pub const DEMO_EMAIL: &str = "demo@techbridge.local";
pub const DEMO_PASSWORD: &str = "demo-mat-khau-123";
/// Demo listings were published at some time within this many days before `now`; seeding
/// them with a shorter validity leaves some already due to expire.
pub const PUBLISHED_WITHIN_DAYS: i64 = 330;

#[derive(Debug, Clone)]
pub struct DemoOrg {
    pub id: String,
    pub tenant_id: String,
    pub kind: &'static str,
    pub legal_name: String,
    pub search_name: String,
    pub tax_code: String,
    pub year_founded: i32,
    pub size_band: &'static str,
    pub description: String,
    pub contact_name: &'static str,
    pub contact_email: String,
    pub fields: Vec<&'static str>,
    /// Registered and submitted for review.
    pub registered_at: NaiveDateTime,
    /// Approved by the province.
    pub approved_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct DemoListing {
    pub id: String,
    pub org: usize,
    pub kind: &'static str,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<&'static str>,
    pub fields: Vec<&'static str>,
    pub tags: Vec<&'static str>,
    pub modes: Vec<&'static str>,
    pub vsic_section: Option<&'static str>,
    pub trl: i32,
    pub price_vnd: Option<i64>,
    pub budget: Option<(i64, i64)>,
    pub location: String,
    /// Sent for review; approved and published at `published_at`.
    pub submitted_at: NaiveDateTime,
    pub published_at: NaiveDateTime,
}

pub struct DemoData {
    pub orgs: Vec<DemoOrg>,
    pub listings: Vec<DemoListing>,
}

const TRANSFER_MODES: &[&str] = &[
    "licence",
    "assignment",
    "documents",
    "training",
    "expert_assistance",
    "machinery_with_technology",
    "exclusive",
    "non_exclusive",
];
const KINDS: &[&str] =
    &["st_enterprise", "startup", "enterprise", "enterprise", "institute", "research_group", "enterprise", "startup"];
const SIZES: &[&str] = &["micro", "small", "small", "medium", "large"];

fn id(seed: u64, kind: u64, n: usize) -> String {
    Uuid::from_u64_pair(seed.wrapping_mul(31).wrapping_add(kind), n as u64).to_string()
}

/// The n-th valid tax code of a sequence reserved for demonstration data.
pub fn demo_tax_code(n: usize) -> String {
    const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    let mut candidate = 900_000_000 + n as u64 * 11;
    loop {
        let digits: Vec<u32> = format!("{candidate:09}").bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = WEIGHTS.iter().zip(&digits).map(|(w, d)| w * d).sum();
        let check = 10 - sum % 11;
        if check < 10 {
            return format!("{candidate:09}{check}");
        }
        candidate += 1;
    }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// The same seed, counts and provinces always give the same data.
pub fn generate(
    orgs: usize,
    listings: usize,
    seed: u64,
    provinces: &[(String, String)],
    now: NaiveDateTime,
) -> DemoData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Dates come from their own stream, so that names and texts stay those of earlier versions.
    let mut history = ChaCha8Rng::seed_from_u64(seed.wrapping_add(0x5eed));
    let mut demo_orgs = Vec::with_capacity(orgs);
    for n in 0..orgs.max(usize::from(listings > 0)) {
        let kind = *pick(&mut rng, KINDS);
        let prefix = match kind {
            "institute" => "Viện",
            "research_group" => "Nhóm nghiên cứu",
            _ => *pick(&mut rng, &ORG_PREFIXES[..4]),
        };
        let legal_name = format!("{prefix} {} {} {}", pick(&mut rng, ORG_SUBJECTS), pick(&mut rng, ORG_NAMES), n + 1);
        let tenant_id = provinces
            .get(rng.random_range(0..provinces.len().max(1)))
            .map(|p| p.0.clone())
            .unwrap_or_else(|| "01".into());
        let topic = pick(&mut rng, TOPICS);
        let registered_at = now - Duration::minutes(history.random_range((350 * 24 * 60)..(720 * 24 * 60)));
        let approved_at = registered_at + Duration::minutes(history.random_range(60..(10 * 24 * 60)));
        demo_orgs.push(DemoOrg {
            registered_at,
            approved_at,
            id: id(seed, 1, n),
            search_name: fold(&legal_name),
            description: format!("{} chuyên về {}.", legal_name, topic.keywords.join(", ")),
            legal_name,
            tenant_id,
            kind,
            tax_code: demo_tax_code(n),
            year_founded: rng.random_range(1995..=2025),
            size_band: pick::<&str>(&mut rng, SIZES),
            contact_name: pick::<&str>(&mut rng, CONTACT_NAMES),
            contact_email: format!("lienhe{}@demo.techbridge.local", n + 1),
            fields: topic.fields.to_vec(),
        });
    }
    let mut demo_listings = Vec::with_capacity(listings);
    for n in 0..listings {
        let topic = pick(&mut rng, TOPICS);
        let org = rng.random_range(0..demo_orgs.len());
        let kind = if rng.random_bool(0.55) { "offer" } else { "need" };
        let qualifier = pick(&mut rng, QUALIFIERS);
        let base = if kind == "offer" { topic.offer } else { topic.need };
        let title = format!("{base} {qualifier}");
        let price = rng.random_range(topic.price_millions.0..=topic.price_millions.1) * 1_000_000;
        let modes_count = rng.random_range(1..=3);
        let mut modes: Vec<&'static str> = (0..modes_count).map(|_| *pick(&mut rng, TRANSFER_MODES)).collect();
        modes.sort_unstable();
        modes.dedup();
        let location = if rng.random_bool(0.8) {
            demo_orgs[org].tenant_id.clone()
        } else {
            provinces
                .get(rng.random_range(0..provinces.len().max(1)))
                .map(|p| p.0.clone())
                .unwrap_or_else(|| "01".into())
        };
        let place = provinces.iter().find(|p| p.0 == location).map(|p| p.1.as_str()).unwrap_or("Việt Nam");
        let trl = rng.random_range(topic.trl.0..=topic.trl.1);
        let price_vnd = (kind == "offer" && rng.random_bool(0.8)).then_some(price);
        let published_at = now - Duration::minutes(rng.random_range(0..(PUBLISHED_WITHIN_DAYS * 24 * 60)));
        demo_listings.push(DemoListing {
            submitted_at: published_at - Duration::minutes(history.random_range(30..(5 * 24 * 60))),
            published_at,
            id: id(seed, 2, n),
            org,
            kind,
            summary: format!("{} Phù hợp {}.", topic.summary, qualifier),
            description: format!(
                "{} {} Liên hệ để được tư vấn chuyển giao, đào tạo và hỗ trợ kỹ thuật. Mã tham chiếu TB-{:06}.",
                title,
                topic.summary,
                n + 1
            ),
            keywords: topic.keywords.to_vec(),
            fields: topic.fields.to_vec(),
            tags: topic.tags.to_vec(),
            modes,
            vsic_section: (kind == "need").then_some(topic.vsic),
            trl,
            price_vnd,
            budget: (kind == "need").then(|| (price / 2, price * 2)),
            location,
            title: format!("{title} tại {place}"),
        });
    }
    DemoData { orgs: demo_orgs, listings: demo_listings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_valid() {
        let provinces: Vec<(String, String)> =
            vec![("01".into(), "Hà Nội".into()), ("48".into(), "Đà Nẵng".into()), ("92".into(), "Cần Thơ".into())];
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let a = generate(20, 200, 7, &provinces, now);
        let b = generate(20, 200, 7, &provinces, now);
        assert_eq!(
            a.listings.iter().map(|l| &l.title).collect::<Vec<_>>(),
            b.listings.iter().map(|l| &l.title).collect::<Vec<_>>()
        );
        assert_eq!(a.orgs.iter().map(|o| &o.id).collect::<Vec<_>>(), b.orgs.iter().map(|o| &o.id).collect::<Vec<_>>());
        let c = generate(20, 200, 8, &provinces, now);
        assert_ne!(a.listings[0].title, c.listings[0].title);
        for org in &a.orgs {
            assert!(crate::registry::tax_code::TaxCode::parse(&org.tax_code).is_ok());
            assert!(org.registered_at < org.approved_at && org.approved_at < now);
            assert!(provinces.iter().any(|p| p.0 == org.tenant_id));
        }
        for listing in &a.listings {
            assert!((1..=9).contains(&listing.trl));
            assert!(listing.submitted_at < listing.published_at && listing.published_at <= now);
            assert!(a.orgs[listing.org].approved_at < listing.submitted_at, "listed once approved");
            if let Some((min, max)) = listing.budget {
                assert!(min <= max);
            }
        }
        let kinds: std::collections::HashSet<&str> = a.listings.iter().map(|l| l.kind).collect();
        assert_eq!(kinds.len(), 2);
    }
}
