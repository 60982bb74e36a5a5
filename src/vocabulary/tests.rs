use super::*;

fn vocabulary() -> Vocabulary {
    Vocabulary::from_csv("2026.1", include_str!("../../migrations/reference-data/vocabulary_variants.csv")).unwrap()
}

fn groups(text: &str, folded: bool) -> Vec<String> {
    let v = vocabulary();
    let words = tokens(text);
    v.spans(&words, folded).into_iter().map(|s| v.term(s.term).group.clone()).collect()
}

#[test]
fn the_reference_file_loads() {
    let v = vocabulary();
    assert_eq!(v.terms().len(), 360);
    assert!(v.terms().iter().any(|t| t.term == "thơm" && t.ambiguous));
    assert!(v.terms().iter().any(|t| t.term == "heo" && !t.ambiguous));
}

#[test]
fn longest_match_first_on_word_boundaries() {
    assert_eq!(groups("bắp cải sạch", false), vec!["cabbage"]);
    assert_eq!(groups("giống bắp lai", false), vec!["maize"]);
    assert_eq!(groups("xử lý nước thải trại heo", false), vec!["wastewater_treatment", "pig"]);
    assert_eq!(groups("khí nhà kính", false), vec!["greenhouse_gas"]);
    // "heo" inside another word is not pig.
    assert!(groups("heohút", false).is_empty());
}

#[test]
fn abbreviations_count_in_capitals_only() {
    assert_eq!(groups("Camera AI", false), vec!["artificial_intelligence"]);
    assert!(groups("bất kỳ ai", false).is_empty());
    assert_eq!(groups("lọc RO", false), vec!["reverse_osmosis"]);
    assert!(groups("rủi ro", false).is_empty());
}

#[test]
fn tone_placement_is_ignored() {
    assert_eq!(groups("phân hoá học", false), vec!["inorganic_fertiliser"]);
}

#[test]
fn text_without_marks_matches_folded_multiword_terms() {
    assert_eq!(groups("khoai mi", true), vec!["cassava"]);
    assert!(groups("khoai mi", false).is_empty(), "only for text typed without marks");
    // A folded single word is too ambiguous ("dua" is dứa, dưa, đũa).
    assert!(groups("dua", true).is_empty());
}

#[test]
fn ambiguous_terms_are_sources_never_targets() {
    let v = vocabulary();
    let index = |term: &str| v.terms().iter().position(|t| t.term == term).unwrap();
    let from_thom: Vec<&str> = v.alternatives(index("thơm")).iter().map(|t| t.term.as_str()).collect();
    assert_eq!(from_thom, vec!["dứa", "khóm", "pineapple"]);
    let from_dua: Vec<&str> = v.alternatives(index("dứa")).iter().map(|t| t.term.as_str()).collect();
    assert_eq!(from_dua, vec!["khóm", "pineapple"]);
    let from_heo: Vec<&str> = v.alternatives(index("heo")).iter().map(|t| t.term.as_str()).collect();
    assert_eq!(from_heo, vec!["lợn", "pig", "swine"]);
}

#[test]
fn inner_terms_never_ambiguous_ones() {
    let v = vocabulary();
    let words = tokens("điện mặt trời áp mái");
    let span = v.spans(&words, false)[0];
    let inner: Vec<&str> = v.inner_terms(&words, span).into_iter().map(|t| v.term(t).group.as_str()).collect();
    assert_eq!(inner, vec!["solar_power"]);
    let words = tokens("bắp cải");
    let span = v.spans(&words, false)[0];
    assert!(v.inner_terms(&words, span).is_empty());
}

#[test]
fn synonyms_for_an_engine_are_one_way_from_ambiguous_terms() {
    let synonyms: HashMap<String, Vec<String>> = vocabulary().one_way_synonyms().into_iter().collect();
    assert_eq!(synonyms["heo"], vec!["lợn", "pig", "swine"]);
    assert!(synonyms["thơm"].contains(&"dứa".to_owned()));
    assert!(!synonyms["dứa"].contains(&"thơm".to_owned()));
    assert!(!synonyms.contains_key("ai") && !synonyms.contains_key("ro"));
    assert!(synonyms.values().all(|targets| !targets.iter().any(|t| t == "ai" || t == "ro")));
}
