use chrono::NaiveDate;

use super::*;
use crate::taxonomy::{Taxonomy, Term};

fn taxonomy() -> Taxonomy {
    let term = |scheme: &str, version: &str, code: &str| Term {
        scheme: scheme.into(),
        version: version.into(),
        code: code.into(),
        parent_code: None,
        level: 1,
        kind: None,
        name_vi: code.into(),
        name_en: None,
        source: "test".into(),
        is_current: true,
        position: 0,
    };
    Taxonomy::from_terms(vec![
        term("st_field", "2008", "405"),
        term("strategic_technology", "2026", "g01"),
        term("transfer_mode", "2017", "licence"),
        term("transfer_mode", "2017", "training"),
        term("vsic_section", "2025", "A"),
    ])
}

fn run(input: ListingInput) -> Result<Listing, AppError> {
    let taxonomy = taxonomy();
    let tenants = vec!["92".to_owned(), "48".to_owned()];
    validate(
        input,
        "92",
        &Context {
            taxonomy: &taxonomy,
            active_tenants: &tenants,
            today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        },
    )
}

fn need() -> ListingInput {
    ListingInput {
        kind: Some("need".into()),
        title_vi: Some("Cần công nghệ xử lý nước thải chăn nuôi".into()),
        summary: Some("Trang trại 5 000 heo cần xử lý nước thải đạt QCVN.".into()),
        keywords: Some(vec!["nước thải".into(), "chăn nuôi".into(), "nước thải".into()]),
        st_fields: Some(vec!["405".into()]),
        transfer_modes: Some(vec!["licence".into(), "training".into()]),
        vsic_section: Some("a".into()),
        trl: Some(6),
        budget_min_vnd: Some(500_000_000),
        budget_max_vnd: Some(2_000_000_000),
        deadline: Some("2027-03-31".into()),
        ..Default::default()
    }
}

fn offer() -> ListingInput {
    ListingInput {
        kind: Some("offer".into()),
        title_vi: Some("Hệ thống xử lý nước thải bằng vi sinh".into()),
        trl: Some(7),
        price_vnd: Some(1_500_000_000),
        ip_status: Some("patent_granted".into()),
        patent_number: Some("1-0012345".into()),
        location: Some("48".into()),
        ..Default::default()
    }
}

fn invalid(result: Result<Listing, AppError>) -> Vec<(String, &'static str)> {
    match result {
        Err(AppError::Validation(errors)) => errors.into_iter().map(|e| (e.field.to_string(), e.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_valid_need_and_offer() {
    let need = run(need()).unwrap();
    assert_eq!(need.kind, ListingKind::Need);
    assert_eq!(need.keywords, vec!["nước thải", "chăn nuôi"], "keywords are de-duplicated");
    assert_eq!(need.vsic_section.unwrap().code, "A");
    assert_eq!(need.location_tenant_id, "92", "defaults to the organization's province");
    let offer = run(offer()).unwrap();
    assert_eq!(offer.price.unwrap().amount(), 1_500_000_000);
    assert_eq!(offer.location_tenant_id, "48");
}

#[test]
fn the_documented_bad_inputs() {
    let cases: Vec<(ListingInput, Vec<(&str, &str)>)> = vec![
        (ListingInput { st_fields: Some(vec!["999".into()]), ..need() }, vec![("st_fields", "unknown_code")]),
        (ListingInput { trl: Some(0), ..need() }, vec![("trl", "out_of_range")]),
        (ListingInput { trl: Some(10), ..need() }, vec![("trl", "out_of_range")]),
        (ListingInput { price_vnd: Some(-1), ..offer() }, vec![("price_vnd", "negative")]),
        (ListingInput { budget_min_vnd: Some(3_000_000_000), ..need() }, vec![("budget_min_vnd", "greater_than_max")]),
        (
            ListingInput { transfer_modes: Some(vec!["teleport".into()]), ..need() },
            vec![("transfer_modes", "unknown_code")],
        ),
        (ListingInput { title_vi: Some("x".repeat(TITLE_MAX + 1)), ..need() }, vec![("title_vi", "too_long")]),
        (ListingInput { kind: Some("gift".into()), ..need() }, vec![("kind", "one_of")]),
        (ListingInput { title_vi: None, ..need() }, vec![("title_vi", "required")]),
        (ListingInput { deadline: Some("2020-01-01".into()), ..need() }, vec![("deadline", "in_past")]),
        (ListingInput { location: Some("00".into()), ..need() }, vec![("location", "unknown_province")]),
        (ListingInput { patent_number: None, ..offer() }, vec![("patent_number", "required")]),
        (ListingInput { price_negotiable: Some(true), ..offer() }, vec![("price_negotiable", "conflict")]),
        (ListingInput { price_vnd: Some(1), ..need() }, vec![("price_vnd", "not_applicable")]),
        (ListingInput { budget_max_vnd: Some(1), ..offer() }, vec![("budget_max_vnd", "not_applicable")]),
        (ListingInput { keywords: Some(vec!["k".into(); 21]), ..need() }, vec![("keywords", "too_many")]),
        (ListingInput { valid_until: Some("2031-01-01".into()), ..need() }, vec![("valid_until", "too_far")]),
    ];
    for (input, expected) in cases {
        let expected: Vec<(String, &str)> = expected.into_iter().map(|(f, c)| (f.to_owned(), c)).collect();
        assert_eq!(invalid(run(input.clone())), expected, "{input:?}");
    }
}
