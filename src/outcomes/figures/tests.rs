use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn deal(offer: &str, need: &str, value: i64, public: bool, signed_on: NaiveDate) -> CountedDeal {
    CountedDeal {
        offer_tenant: offer.into(),
        need_tenant: need.into(),
        officer_recorded: false,
        value_vnd: Some(value),
        value_public: public,
        ip_assets: 0,
        origin: Some("domestic_enterprise".into()),
        developed: false,
        signed_on,
        days_to_deal: None,
    }
}

fn field(code: &str) -> CodeRef {
    CodeRef { code: code.into(), version: "2008".into() }
}

#[test]
fn deals_count_in_each_province_and_once_nationally() {
    let events = Events {
        deals: vec![
            CountedDeal {
                ip_assets: 1,
                origin: Some("domestic_institute".into()),
                ..deal("48", "92", 900, false, day(2026, 3, 1))
            },
            CountedDeal {
                officer_recorded: true,
                origin: Some("foreign".into()),
                developed: true,
                ..deal("48", "48", 100, true, day(2026, 4, 1))
            },
        ],
        ..Events::default()
    };
    let all = Span::default();
    let nation = outcome_figures(&events, Scope::Nation, all, true);
    assert_eq!((nation.verified_deals, nation.confirmed_deals, nation.officer_recorded_deals), (2, 1, 1));
    assert_eq!(nation.value_vnd, 1000);
    assert_eq!(
        (
            nation.share_with_ip_assets,
            nation.share_from_institutes,
            nation.share_from_abroad,
            nation.share_from_developed_countries
        ),
        (Some(0.5), Some(0.5), Some(0.5), Some(0.5))
    );
    assert_eq!(outcome_figures(&events, Scope::Province("48"), all, true).verified_deals, 2);
    assert_eq!(outcome_figures(&events, Scope::Province("92"), all, true).verified_deals, 1);
    assert_eq!(outcome_figures(&events, Scope::Province("01"), all, true).verified_deals, 0);
}

#[test]
fn the_public_sees_totals_and_only_published_values() {
    let events = Events { deals: vec![deal("48", "92", 900, false, day(2026, 3, 1))], ..Events::default() };
    let public = outcome_figures(&events, Scope::Province("92"), Span::default(), false);
    assert_eq!((public.verified_deals, public.value_vnd, public.published_value_deals), (1, 0, 0));
    assert_eq!(public.share_with_ip_assets, None);
    assert_eq!(public.median_days_to_deal, None);
    assert_eq!(public.follow_ups, None);
    let years = by_year(&events, Scope::Nation, None, None, day(2026, 12, 7), false);
    assert_eq!(years[0].figures.value_vnd, 0, "nor in a year");
    assert_eq!(years[0].year_before.value_vnd, 0);
    let empty = outcome_figures(&Events::default(), Scope::Nation, Span::default(), true);
    assert_eq!(empty.share_from_abroad, None, "no share of nothing");
}

#[test]
fn years_are_the_periods_part_of_each_calendar_year_up_to_today() {
    let events = Events { deals: vec![deal("48", "92", 1, true, day(2024, 5, 2))], ..Events::default() };
    let today = day(2026, 12, 7);
    assert_eq!(
        years(Some(day(2025, 7, 1)), Some(day(2026, 6, 30)), today, &events, Scope::Nation),
        vec![(2025, day(2025, 7, 1), day(2025, 12, 31)), (2026, day(2026, 1, 1), day(2026, 6, 30))]
    );
    assert_eq!(
        years(None, None, today, &events, Scope::Nation),
        vec![
            (2024, day(2024, 5, 2), day(2024, 12, 31)),
            (2025, day(2025, 1, 1), day(2025, 12, 31)),
            (2026, day(2026, 1, 1), today)
        ],
        "an open start begins with the first thing counted, an open end today"
    );
    assert_eq!(
        years(None, Some(day(2030, 1, 1)), today, &Events::default(), Scope::Nation),
        vec![(2026, day(2026, 1, 1), today)]
    );
    assert_eq!(
        years(None, None, today, &events, Scope::Province("01")),
        vec![(2026, day(2026, 1, 1), today)],
        "nothing of Hà Nội's: this year only"
    );
    assert_eq!(years(Some(day(2027, 1, 1)), None, today, &events, Scope::Nation), vec![], "nothing after today");
    assert_eq!(a_year_before(day(2028, 2, 29)), day(2027, 2, 28));
}

#[test]
fn each_year_is_compared_with_the_same_days_a_year_before() {
    let events = Events {
        deals: vec![
            deal("48", "92", 100, true, day(2025, 2, 10)),
            deal("48", "92", 300, false, day(2025, 11, 30)),
            deal("48", "48", 50, true, day(2026, 1, 5)),
            CountedDeal { officer_recorded: true, ..deal("92", "92", 250, true, day(2026, 2, 1)) },
            deal("48", "92", 1000, true, day(2026, 8, 1)),
        ],
        ..Events::default()
    };
    // From July 2025 to June 2026, on 7 December 2026.
    let rows =
        by_year(&events, Scope::Province("48"), Some(day(2025, 7, 1)), Some(day(2026, 6, 30)), day(2026, 12, 7), true);
    assert_eq!(rows.len(), 2);
    let (y2025, y2026) = (&rows[0], &rows[1]);
    assert_eq!((y2025.year, y2025.from, y2025.to), (2025, day(2025, 7, 1), day(2025, 12, 31)));
    assert_eq!((y2025.figures.verified_deals, y2025.figures.value_vnd), (1, 300));
    assert_eq!(
        (y2025.year_before.from, y2025.year_before.to, y2025.year_before.verified_deals),
        (day(2024, 7, 1), day(2024, 12, 31), 0)
    );
    assert_eq!(y2025.growth.verified_deals, None, "nothing the year before");
    assert_eq!((y2026.from, y2026.to), (day(2026, 1, 1), day(2026, 6, 30)));
    assert_eq!((y2026.figures.verified_deals, y2026.figures.value_vnd), (1, 50), "the officer's deal is Cần Thơ's");
    assert_eq!((y2026.year_before.verified_deals, y2026.year_before.value_vnd), (1, 100));
    assert_eq!((y2026.growth.verified_deals, y2026.growth.value_vnd), (Some(0.0), Some(-0.5)));

    let can_tho = by_year(&events, Scope::Province("92"), Some(day(2026, 1, 1)), None, day(2026, 12, 7), false);
    let y = &can_tho[0];
    assert_eq!((y.figures.verified_deals, y.figures.officer_recorded_deals, y.figures.confirmed_deals), (2, 1, 1));
    assert_eq!(y.figures.value_vnd, 1250, "public values only: all of these were published");
    assert_eq!((y.year_before.verified_deals, y.year_before.value_vnd), (2, 100), "the 300 was not published");
    assert_eq!(
        (y.growth.verified_deals, y.growth.value_vnd, y.growth.officer_recorded_deals),
        (Some(0.0), Some(11.5), None)
    );
}

#[test]
fn medians_and_growth() {
    assert_eq!(median(vec![]), None);
    assert_eq!(median(vec![30, 10, 20]), Some(20.0));
    assert_eq!(median(vec![40, 10, 20, 30]), Some(25.0));
    assert_eq!(growth(15, 10), Some(0.5));
    assert_eq!(growth(0, 3), Some(-1.0));
    assert_eq!(growth(2, 3), Some(-0.3333));
    assert_eq!(growth(5, 0), None);
    let events = Events {
        deals: vec![
            CountedDeal { days_to_deal: Some(40), ..deal("48", "92", 1, true, day(2026, 3, 1)) },
            CountedDeal { days_to_deal: Some(10), ..deal("48", "92", 1, true, day(2026, 3, 2)) },
        ],
        ..Events::default()
    };
    assert_eq!(outcome_figures(&events, Scope::Nation, Span::default(), true).median_days_to_deal, Some(25.0));
}

#[test]
fn follow_ups_count_in_the_province_of_the_side_asked() {
    let sent = |tenant: &str, d: u32, answered: bool| SentFollowUp {
        tenant: tenant.into(),
        sent_on: day(2026, 5, d),
        answered,
    };
    let events = Events {
        follow_ups: vec![sent("48", 1, true), sent("92", 1, false), sent("48", 20, false), sent("92", 20, true)],
        ..Events::default()
    };
    let da_nang = outcome_figures(&events, Scope::Province("48"), Span::default(), true).follow_ups.unwrap();
    assert_eq!((da_nang.sent, da_nang.answered, da_nang.response_rate), (2, 1, Some(0.5)));
    let early = Span { from: None, to: Some(day(2026, 5, 10)) };
    let nation = outcome_figures(&events, Scope::Nation, early, true).follow_ups.unwrap();
    assert_eq!((nation.sent, nation.answered), (2, 1));
    assert_eq!(outcome_figures(&Events::default(), Scope::Nation, early, true).follow_ups.unwrap().response_rate, None);
}

#[test]
fn intermediaries_are_those_approved_by_the_end_of_the_days_counted() {
    let one = |tenant: &str, subtype: &str, since: NaiveDate| Intermediary {
        tenant: tenant.into(),
        subtype: subtype.into(),
        since,
    };
    let events = Events {
        intermediaries: vec![
            one("48", "technology_exchange", day(2025, 3, 1)),
            one("48", "incubator", day(2026, 3, 1)),
            one("48", "technology_exchange", day(2026, 4, 1)),
            one("92", "ip_services", day(2026, 4, 1)),
        ],
        ..Events::default()
    };
    let rows = by_year(&events, Scope::Province("48"), Some(day(2025, 1, 1)), None, day(2026, 12, 7), false);
    assert_eq!(rows[0].figures.intermediaries.total, 1);
    assert_eq!(rows[1].figures.intermediaries.total, 3);
    assert_eq!(
        rows[1].figures.intermediaries.by_subtype,
        vec![
            SubtypeCount { subtype: "incubator".into(), count: 1 },
            SubtypeCount { subtype: "technology_exchange".into(), count: 2 }
        ]
    );
    assert_eq!((rows[1].year_before.intermediaries, rows[1].growth.intermediaries), (1, Some(2.0)));
    assert_eq!(outcome_figures(&events, Scope::Nation, Span::default(), false).intermediaries.total, 4);
}

#[test]
fn declines_by_field_and_by_the_declining_sides_province_per_year() {
    let decline = |tenant: &str, other: &str, reason: &str, on: NaiveDate, fields: &[&str]| Decline {
        tenant: tenant.into(),
        other_tenant: other.into(),
        reason: reason.into(),
        on,
        fields: fields.iter().map(|f| field(f)).collect(),
    };
    let events = Events {
        declines: vec![
            decline("92", "48", "trl_too_low", day(2025, 12, 30), &["405", "405", "202"]),
            decline("92", "48", "trl_too_low", day(2026, 1, 2), &["405"]),
            decline("48", "92", "price_or_budget", day(2026, 1, 3), &["405"]),
            decline("01", "79", "timing", day(2026, 1, 3), &["101"]),
        ],
        ..Events::default()
    };
    let years = years(Some(day(2025, 12, 1)), None, day(2026, 12, 7), &events, Scope::Nation);
    let figures = declines(&events, Scope::Province("48"), &years);
    assert_eq!(figures.total, 3, "Hà Nội's decline does not touch Đà Nẵng");
    let fields: Vec<(i32, &str, &str, i64)> =
        figures.by_field.iter().map(|d| (d.year, d.reason.as_str(), d.field.code.as_str(), d.count)).collect();
    assert_eq!(
        fields,
        vec![
            (2025, "trl_too_low", "202", 1),
            (2025, "trl_too_low", "405", 1),
            (2026, "price_or_budget", "405", 1),
            (2026, "trl_too_low", "405", 1)
        ]
    );
    let provinces: Vec<(i32, &str, &str, i64)> =
        figures.by_province.iter().map(|d| (d.year, d.reason.as_str(), d.province.as_str(), d.count)).collect();
    assert_eq!(
        provinces,
        vec![(2025, "trl_too_low", "92", 1), (2026, "price_or_budget", "48", 1), (2026, "trl_too_low", "92", 1)]
    );
    let late = years_after(&events);
    assert_eq!(declines(&events, Scope::Nation, &late).total, 3, "the 2025 decline falls outside");
    assert_eq!(
        deal_figures(&events, Scope::Nation, None, None, day(2026, 12, 7), false, true).declines,
        None,
        "officers only"
    );
}

fn years_after(events: &Events) -> Vec<(i32, NaiveDate, NaiveDate)> {
    years(Some(day(2026, 1, 1)), None, day(2026, 12, 7), events, Scope::Nation)
}
