use super::*;

fn weights() -> MatchWeights {
    MatchWeights {
        text: 0.35,
        field: 0.2,
        trl: 0.1,
        price: 0.1,
        transfer_mode: 0.1,
        province: 0.05,
        strategic_tag: 0.1,
    }
}

fn need() -> Profile {
    Profile {
        texts: vec![
            "Cần công nghệ xử lý nước thải chăn nuôi".into(),
            "Trang trại heo cần xử lý nước thải đạt QCVN".into(),
        ],
        fields: vec!["405".into()],
        tags: vec![],
        modes: vec!["licence".into(), "training".into()],
        province: "92".into(),
        trl: Some(6),
        budget_min: Some(500_000_000),
        budget_max: Some(2_000_000_000),
        ..Default::default()
    }
}

fn offer() -> Profile {
    Profile {
        texts: vec!["Công nghệ xử lý nước thải chăn nuôi bằng vi sinh".into()],
        fields: vec!["405".into()],
        tags: vec!["g04".into()],
        modes: vec!["licence".into()],
        province: "48".into(),
        trl: Some(7),
        price: Some(1_000_000_000),
        ..Default::default()
    }
}

fn part(score: &Score, name: &str) -> ScorePart {
    score.parts.iter().find(|p| p.name == name).cloned().unwrap()
}

#[test]
fn terms_are_distinctive_syllable_pairs() {
    let t = terms(&["Cần công nghệ xử lý nước thải, chăn nuôi!".into()]);
    assert!(t.contains("xu ly") && t.contains("nuoc thai") && t.contains("chan nuoi"));
    assert!(!t.contains("cong nghe"), "generic");
    assert!(!t.contains("can cong"), "stop syllable");
}

#[test]
fn text_counts_shared_terms() {
    let s = score(&offer(), &need(), &weights());
    let text = part(&s, "text");
    assert!(text.value > 0.4 && text.value <= 1.0, "{}", text.value);
    let shared = text.detail["shared_terms"].as_array().unwrap();
    assert!(shared.iter().any(|t| t == "nuoc thai"));
    let unrelated = Profile { texts: vec!["Robot hàn tự động".into()], ..offer() };
    assert_eq!(part(&score(&unrelated, &need(), &weights()), "text").value, 0.0);
}

#[test]
fn field_same_code_beats_same_parent() {
    assert_eq!(part(&score(&offer(), &need(), &weights()), "field").value, 1.0);
    let sibling = Profile { fields: vec!["406".into()], ..offer() };
    assert_eq!(part(&score(&sibling, &need(), &weights()), "field").value, 0.5);
    let parent_only = Profile { fields: vec!["4".into()], ..offer() };
    assert_eq!(part(&score(&parent_only, &need(), &weights()), "field").value, 0.5);
    let other = Profile { fields: vec!["202".into()], ..offer() };
    assert_eq!(part(&score(&other, &need(), &weights()), "field").value, 0.0);
}

#[test]
fn trl_of_the_offer_against_the_needs_minimum() {
    for (have, expected) in [(Some(9), 1.0), (Some(6), 1.0), (Some(5), 0.5), (Some(3), 0.0), (None, 0.5)] {
        let o = Profile { trl: have, ..offer() };
        assert_eq!(part(&score(&o, &need(), &weights()), "trl").value, expected, "{have:?}");
    }
}

#[test]
fn price_within_budget() {
    for (price, expected) in [
        (Some(1_000_000_000), 1.0),
        (Some(2_000_000_000), 1.0),
        (Some(2_300_000_000), 0.5),
        (Some(5_000_000_000), 0.0),
        (Some(100_000_000), 1.0),
        (None, 0.5),
    ] {
        let o = Profile { price, ..offer() };
        assert_eq!(part(&score(&o, &need(), &weights()), "price").value, expected, "{price:?}");
    }
}

#[test]
fn modes_province_and_tags() {
    let s = score(&offer(), &need(), &weights());
    assert_eq!(part(&s, "transfer_mode").value, 1.0);
    assert_eq!(part(&s, "province").value, 0.0);
    assert_eq!(part(&s, "strategic_tag").value, 0.0);
    let local = Profile { province: "92".into(), modes: vec!["assignment".into()], ..offer() };
    let s = score(&local, &need(), &weights());
    assert_eq!(part(&s, "province").value, 1.0);
    assert_eq!(part(&s, "transfer_mode").value, 0.0);
    let tagged = Profile { tags: vec!["g04".into()], ..need() };
    assert_eq!(part(&score(&offer(), &tagged, &weights()), "strategic_tag").value, 1.0);
}

#[test]
fn the_total_is_the_weighted_sum() {
    let s = score(&offer(), &need(), &weights());
    let sum: f64 = s.parts.iter().map(|p| p.value * p.weight).sum();
    assert!((s.total - sum).abs() < 1e-9);
    assert!((s.parts.iter().map(|p| p.weight).sum::<f64>() - 1.0).abs() < 1e-9, "weights are normalised");
    assert!(s.total > 0.6, "{}", s.total);
    // Weights need not add up to one.
    let doubled = MatchWeights {
        text: 0.7,
        field: 0.4,
        trl: 0.2,
        price: 0.2,
        transfer_mode: 0.2,
        province: 0.1,
        strategic_tag: 0.2,
    };
    assert!((score(&offer(), &need(), &doubled).total - s.total).abs() < 1e-9);
}
