use super::*;
use crate::matching::topic::ListingText;
use crate::vocabulary::Vocabulary;

fn rules() -> Rules {
    Rules {
        floor: 0.27,
        trl_one_below: 0.9,
        price_over_budget: 0.9,
        tie_field: 0.02,
        tie_province: 0.01,
        tie_tag: 0.02,
    }
}

fn topic_of(title: &str, keywords: &[&str]) -> std::sync::Arc<TopicProfile> {
    let vocabulary =
        Vocabulary::from_csv("t", include_str!("../../../migrations/reference-data/vocabulary_variants.csv")).unwrap();
    let keywords: Vec<String> = keywords.iter().map(|k| (*k).to_owned()).collect();
    std::sync::Arc::new(TopicProfile::of(
        &ListingText { title, keywords: &keywords, summary: None, description: None },
        &vocabulary,
    ))
}

fn need() -> Profile {
    Profile {
        topic: topic_of("Cần công nghệ xử lý nước thải trại heo đạt QCVN 62", &["nước thải", "trại heo", "biogas"]),
        fields: vec!["207".into()],
        receives: vec!["licence".into(), "training".into()],
        province: "75".into(),
        trl: Some(7),
        budget_min: Some(500_000_000),
        budget_max: Some(1_500_000_000),
        ..Default::default()
    }
}

fn offer() -> Profile {
    Profile {
        topic: topic_of(
            "Xử lý nước thải trại lợn: biogas và lọc sinh học, đạt QCVN 62",
            &["nước thải chăn nuôi", "biogas"],
        ),
        fields: vec!["207".into()],
        tags: vec!["g04".into()],
        receives: vec!["licence".into(), "expert_assistance".into()],
        province: "92".into(),
        trl: Some(8),
        price: Some(1_200_000_000),
        ..Default::default()
    }
}

fn part(score: &Score, name: &str) -> ScorePart {
    score.parts.iter().find(|p| p.name == name).cloned().unwrap()
}

#[test]
fn a_fitting_pair_is_not_excluded_and_keeps_every_part() {
    let s = assess(&offer(), &need(), &rules(), &Lessons::default());
    assert_eq!(s.excluded, None, "{s:?}");
    let names: Vec<&str> = s.parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["topic", "trl", "price", "transfer_mode", "field", "province", "strategic_tag"]);
    assert!((s.fit - part(&s, "topic").value).abs() < 1e-9, "no soft miss");
    assert!((s.total - s.fit - 0.02).abs() < 1e-9, "the same field adds its tie weight");
    let sum: f64 = part(&s, "topic").value + s.parts.iter().skip(1).map(|p| p.contribution).sum::<f64>();
    assert!((s.total - sum).abs() < 1e-9, "the parts add up to the total");
}

/// TRL of the offer against the need's minimum of 7: (offer TRL, kept share, excluded).
#[test]
fn trl_two_below_excludes_one_below_lowers() {
    for (have, kept, out) in
        [(Some(9), 1.0, false), (Some(7), 1.0, false), (Some(6), 0.9, false), (Some(5), 0.0, true), (None, 1.0, false)]
    {
        let s = assess(&Profile { trl: have, ..offer() }, &need(), &rules(), &Lessons::default());
        assert_eq!(part(&s, "trl").value, kept, "{have:?}");
        assert_eq!(matches!(s.excluded, Some(Exclusion::TrlTooLow { .. })), out, "{have:?}: {:?}", s.excluded);
    }
    let s = assess(&Profile { trl: Some(4), ..offer() }, &need(), &rules(), &Lessons::default());
    assert_eq!(s.excluded.unwrap().describe(Lang::En), "excluded: TRL 4, at least 7 asked");
}

/// Price against a maximum budget of 1.5 bn: (price, kept share, excluded).
#[test]
fn price_above_twice_the_budget_excludes_above_it_lowers() {
    for (price, kept, out) in [
        (Some(1_000_000_000), 1.0, false),
        (Some(1_500_000_000), 1.0, false),
        (Some(2_000_000_000), 0.9, false),
        (Some(3_000_000_000), 0.9, false),
        (Some(3_000_000_001), 0.0, true),
        (None, 1.0, false),
    ] {
        let s = assess(&Profile { price, ..offer() }, &need(), &rules(), &Lessons::default());
        assert_eq!(part(&s, "price").value, kept, "{price:?}");
        assert_eq!(matches!(s.excluded, Some(Exclusion::OverBudget { .. })), out, "{price:?}");
    }
    let negotiable = Profile { price: None, negotiable: true, ..offer() };
    assert_eq!(assess(&negotiable, &need(), &rules(), &Lessons::default()).excluded, None);
}

#[test]
fn no_right_or_method_in_common_excludes() {
    let assignment = Profile { receives: vec!["assignment".into()], ..offer() };
    let s = assess(&assignment, &need(), &rules(), &Lessons::default());
    assert!(matches!(s.excluded, Some(Exclusion::NoCommonMode { .. })), "{:?}", s.excluded);
    // Unstated on one side is not a conflict.
    let unstated = Profile { receives: vec![], ..offer() };
    assert_eq!(assess(&unstated, &need(), &rules(), &Lessons::default()).excluded, None);
}

#[test]
fn topic_is_a_gate_that_field_province_and_tags_cannot_open() {
    let unrelated = Profile {
        topic: topic_of("Robot hàn tự động cho nhà máy cơ khí", &["robot", "hàn"]),
        province: "75".into(),
        tags: vec!["g04".into()],
        ..offer()
    };
    let tagged_need = Profile { tags: vec!["g04".into()], ..need() };
    let s = assess(&unrelated, &tagged_need, &rules(), &Lessons::default());
    assert!(matches!(s.excluded, Some(Exclusion::NotTopical { .. })), "{s:?}");
    assert!(s.total <= 0.05 + 1e-9, "ties alone add at most their weights: {}", s.total);
}

#[test]
fn soft_misses_can_take_a_weak_topic_below_the_floor() {
    let strict = Rules { floor: 0.99, ..rules() };
    let s = assess(&offer(), &need(), &strict, &Lessons::default());
    assert!(matches!(s.excluded, Some(Exclusion::NotTopical { .. })));
    let s = assess(
        &Profile { trl: Some(6), price: Some(2_500_000_000), ..offer() },
        &need(),
        &rules(),
        &Lessons::default(),
    );
    assert!((s.fit - part(&s, "topic").value * 0.81).abs() < 1e-9, "both soft misses: {s:?}");
}

#[test]
fn declines_teach() {
    let trl = Lessons { need_declined_trl: Some(8), ..Default::default() };
    let s = assess(&offer(), &need(), &rules(), &trl);
    assert_eq!(s.excluded, Some(Exclusion::DeclinedTrl { offer_trl: 8, declined_trl: 8 }));
    let higher = assess(&Profile { trl: Some(9), ..offer() }, &need(), &rules(), &trl);
    assert_eq!(higher.excluded, None);
    let solved = Lessons { need_solved: true, ..Default::default() };
    assert_eq!(
        assess(&offer(), &need(), &rules(), &solved).excluded,
        Some(Exclusion::AlreadySolved { side: "need".into() })
    );
}

#[test]
fn money_is_written_the_vietnamese_way() {
    assert_eq!(money(4_500_000_000), "4.500.000.000 ₫");
    assert_eq!(money(950), "950 ₫");
}
