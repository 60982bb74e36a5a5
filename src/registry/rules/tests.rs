use chrono::NaiveDate;

use super::*;
use crate::taxonomy::Term;

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
        term("st_field", "2008", "2"),
        term("st_field", "2008", "202"),
        term("st_field", "2008", "406"),
        term("strategic_technology", "2026", "g01"),
    ])
}

fn context(taxonomy: &Taxonomy) -> Context<'_> {
    static TENANTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    Context {
        taxonomy,
        active_tenants: TENANTS.get_or_init(|| vec!["24".into(), "48".into()]),
        today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    }
}

fn enterprise() -> OrganizationInput {
    OrganizationInput {
        kind: Some("st_enterprise".into()),
        legal_name: Some("Công ty Cổ phần Công nghệ Sinh học Kinh Bắc".into()),
        tax_code: Some("0100109106".into()),
        province: Some("24".into()),
        year_founded: Some(2015),
        st_fields: Some(vec!["406".into(), "202".into()]),
        strategic_tags: Some(vec!["g01".into()]),
        certificate_number: Some("12/DNKHCN".into()),
        certificate_date: Some("2021-03-15".into()),
        certificate_issuer: Some("UBND tỉnh Bắc Ninh".into()),
        ..Default::default()
    }
}

fn invalid(result: Result<Organization, AppError>) -> Vec<(String, &'static str)> {
    match result {
        Err(AppError::Validation(errors)) => errors.into_iter().map(|e| (e.field.to_string(), e.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_valid_st_enterprise() {
    let taxonomy = taxonomy();
    let org = validate(enterprise(), &context(&taxonomy)).unwrap();
    assert_eq!(org.kind, OrgKind::StEnterprise);
    assert_eq!(org.tax_code.unwrap().as_str(), "0100109106");
    assert_eq!(org.st_fields.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), vec!["202", "406"]);
    assert_eq!(org.certificate.unwrap().number, "12/DNKHCN");
}

#[test]
fn tax_codes_are_checked() {
    let taxonomy = taxonomy();
    for good in ["0100109106", "0101248141", "0300588569", "0100233488", "0314409058-002", "0100 109 106"] {
        let input = OrganizationInput { tax_code: Some(good.into()), ..enterprise() };
        assert!(validate(input, &context(&taxonomy)).is_ok(), "{good}");
    }
    let cases =
        [("0100233480", "invalid_check_digit"), ("01002334", "invalid_format"), ("0314409058-000", "invalid_branch")];
    for (bad, code) in cases {
        let input = OrganizationInput { tax_code: Some(bad.into()), ..enterprise() };
        assert_eq!(invalid(validate(input, &context(&taxonomy))), vec![("tax_code".into(), code)], "{bad}");
    }
    // Research groups need no tax code; businesses do.
    let group = OrganizationInput {
        kind: Some("research_group".into()),
        tax_code: None,
        host_institution: Some("Trường Đại học Bách khoa Hà Nội".into()),
        certificate_number: None,
        certificate_date: None,
        certificate_issuer: None,
        ..enterprise()
    };
    assert!(validate(group, &context(&taxonomy)).is_ok());
    let business = OrganizationInput { tax_code: None, ..enterprise() };
    assert_eq!(invalid(validate(business, &context(&taxonomy))), vec![("tax_code".into(), "required")]);
}

#[test]
fn bad_values_are_named() {
    let taxonomy = taxonomy();
    let input = OrganizationInput {
        kind: Some("spaceship".into()),
        legal_name: Some("X".into()),
        province: Some("99".into()),
        year_founded: Some(2027),
        st_fields: Some(vec!["999".into()]),
        strategic_tags: Some(vec!["g99".into()]),
        description_vi: Some("a".repeat(DESCRIPTION_MAX + 1)),
        website: Some("javascript:alert(1)".into()),
        contact_email: Some("not-an-email".into()),
        contact_phone: Some("12".into()),
        ..Default::default()
    };
    assert_eq!(
        invalid(validate(input, &context(&taxonomy))),
        vec![
            ("kind".into(), "one_of"),
            ("legal_name".into(), "length"),
            ("province".into(), "unknown_province"),
            ("website".into(), "invalid"),
            ("year_founded".into(), "out_of_range"),
            ("st_fields".into(), "unknown_code"),
            ("strategic_tags".into(), "unknown_code"),
            ("description_vi".into(), "too_long"),
            ("contact_email".into(), "invalid_email"),
            ("contact_phone".into(), "invalid"),
        ]
    );
}

#[test]
fn certificates_belong_to_st_enterprises() {
    let taxonomy = taxonomy();
    let missing = OrganizationInput { certificate_number: None, certificate_date: None, ..enterprise() };
    assert_eq!(
        invalid(validate(missing, &context(&taxonomy))),
        vec![("certificate_number".into(), "required"), ("certificate_date".into(), "required")]
    );
    for (date, code) in [
        ("2026-13-01", "invalid_date"),
        ("15/03/2021", "invalid_date"),
        ("2027-01-01", "in_future"),
        ("1999-12-31", "too_early"),
    ] {
        let input = OrganizationInput { certificate_date: Some(date.into()), ..enterprise() };
        assert_eq!(invalid(validate(input, &context(&taxonomy))), vec![("certificate_date".into(), code)], "{date}");
    }
    let startup = OrganizationInput { kind: Some("startup".into()), ..enterprise() };
    assert_eq!(invalid(validate(startup, &context(&taxonomy))), vec![("certificate_number".into(), "not_applicable")]);
}

#[test]
fn intermediaries_say_which_kind() {
    let taxonomy = taxonomy();
    let base = OrganizationInput {
        kind: Some("intermediary".into()),
        certificate_number: None,
        certificate_date: None,
        certificate_issuer: None,
        ..enterprise()
    };
    assert_eq!(invalid(validate(base.clone(), &context(&taxonomy))), vec![("intermediary_type".into(), "required")]);
    let exchange = OrganizationInput { intermediary_type: Some("technology_exchange".into()), ..base };
    assert_eq!(
        validate(exchange, &context(&taxonomy)).unwrap().intermediary_type,
        Some(IntermediaryType::TechnologyExchange)
    );
}

#[test]
fn markup_is_kept_as_plain_text() {
    let taxonomy = taxonomy();
    let input = OrganizationInput {
        legal_name: Some("<script>alert('x')</script> Công ty".into()),
        description_vi: Some("<b>đậm</b>\nDòng hai".into()),
        ..enterprise()
    };
    let org = validate(input, &context(&taxonomy)).unwrap();
    assert_eq!(org.legal_name, "<script>alert('x')</script> Công ty");
    assert_eq!(org.description_vi.as_deref(), Some("<b>đậm</b>\nDòng hai"));
}

#[test]
fn contact_details_need_consent() {
    let taxonomy = taxonomy();
    let without = OrganizationInput { contact_email: Some("lienhe@kinhbac.vn".into()), ..enterprise() };
    assert_eq!(invalid(validate(without, &context(&taxonomy))), vec![("contact_consent".into(), "consent_required")]);
    let with = OrganizationInput {
        contact_name: Some("Nguyễn Thị Hoa".into()),
        contact_email: Some("LienHe@KinhBac.vn".into()),
        contact_phone: Some("+84 222 3812 345".into()),
        contact_consent: Some(true),
        ..enterprise()
    };
    let org = validate(with, &context(&taxonomy)).unwrap();
    assert_eq!(org.contact.email.as_deref(), Some("lienhe@kinhbac.vn"));
}

#[test]
fn changed_fields_are_listed() {
    let taxonomy = taxonomy();
    let before = validate(enterprise(), &context(&taxonomy)).unwrap();
    let after = validate(
        OrganizationInput {
            legal_name: Some("Công ty Cổ phần Sinh học Kinh Bắc Mới".into()),
            description_vi: Some("Mô tả mới".into()),
            ..enterprise()
        },
        &context(&taxonomy),
    )
    .unwrap();
    assert_eq!(before.changed_fields(&after), vec!["legal_name", "description_vi"]);
    assert!(before.changed_fields(&before).is_empty());
}

#[test]
fn similar_names() {
    assert!(names_look_alike("Công ty TNHH Công nghệ Xanh Kinh Bắc", "CONG TY CO PHAN CONG NGHE XANH KINH BAC"));
    assert!(names_look_alike("Kinh Bắc Biotech JSC", "Công ty cổ phần Kinh Bắc Biotech"));
    assert!(!names_look_alike("Công ty TNHH Công nghệ Xanh", "Công ty TNHH Cơ khí Đông Anh"));
    assert!(!names_look_alike("Công ty TNHH", "Công ty Cổ phần"));
}
