use super::*;

fn vocabulary() -> Vocabulary {
    Vocabulary::from_csv("t", include_str!("../../../migrations/reference-data/vocabulary_variants.csv")).unwrap()
}

fn profile(title: &str, keywords: &[&str], summary: &str) -> TopicProfile {
    let keywords: Vec<String> = keywords.iter().map(|k| (*k).to_owned()).collect();
    TopicProfile::of(
        &ListingText { title, keywords: &keywords, summary: Some(summary), description: None },
        &vocabulary(),
    )
}

#[test]
fn generic_words_make_no_topic() {
    let need = profile("Cần công nghệ, giải pháp, hệ thống sản xuất", &[], "Chuyển giao quy trình kỹ thuật.");
    let offer = profile("Giải pháp công nghệ hệ thống sản xuất hiện đại", &["công nghệ"], "Chuyển giao công nghệ.");
    assert_eq!(topic(&offer, &need).value, 0.0);
}

#[test]
fn regional_words_are_one_concept() {
    let need = profile("Cần xử lý nước thải trại heo", &["trại heo"], "");
    let offer = profile("Xử lý nước thải trại lợn bằng biogas", &["nước thải chăn nuôi"], "");
    let t = topic(&offer, &need);
    assert!(t.shared_terms.iter().any(|s| s == "~pig"), "{t:?}");
    assert!(t.shared_terms.iter().any(|s| s == "trai ~pig"), "{t:?}");
    assert!(t.value > 0.5, "{t:?}");
}

#[test]
fn the_same_crop_for_another_problem_is_not_topical_enough() {
    let need = profile("Tìm công nghệ sấy thăng hoa cơm sầu riêng xuất khẩu", &["sấy thăng hoa", "sầu riêng"], "");
    let right = profile("Thiết bị sấy thăng hoa (freeze-drying) sầu riêng, mít, chuối", &["sấy thăng hoa"], "");
    let disease =
        profile("Chế phẩm Trichoderma phòng trị bệnh thối rễ, xì mủ trên sầu riêng", &["Trichoderma", "sầu riêng"], "");
    let (right, disease) = (topic(&right, &need), topic(&disease, &need));
    assert!(right.value > 2.0 * disease.value, "{right:?} {disease:?}");
}

#[test]
fn what_the_need_asks_weighs_more_than_what_the_offer_adds() {
    let need = profile("Cần chatbot trả lời khách hàng", &["chatbot"], "");
    let broad = profile("Chatbot tiếng Việt tích hợp Zalo OA, Facebook Messenger, email, tổng đài", &["chatbot"], "");
    let t = topic(&broad, &need);
    assert!(t.need_coverage > t.offer_coverage, "{t:?}");
    assert!(t.value > t.offer_coverage);
}

#[test]
fn names_and_numbers_say_little() {
    let need = profile("Cần công nghệ làm tỏi đen từ tỏi Lý Sơn", &["tỏi đen"], "");
    let offer = profile("Quy trình lên men tỏi đen 20 ngày", &["tỏi đen", "lên men"], "");
    assert!(topic(&offer, &need).value > 0.5, "{:?}", topic(&offer, &need));
}

#[test]
fn text_typed_without_marks_still_meets_text_with_them() {
    let need = profile("Can thiet bi do oxy ao tom, bao qua dien thoai", &["do oxy", "ao tom"], "");
    let offer = profile("Thiết bị đo oxy hòa tan ao tôm, cảnh báo qua điện thoại", &["ao tôm", "oxy"], "");
    let t = topic(&offer, &need);
    assert!(
        t.value > 0.3 && t.shared_terms.contains(&"oxy".to_owned()) && t.shared_terms.contains(&"tom".to_owned()),
        "{t:?}"
    );
}

#[test]
fn retrieval_keeps_the_words_that_say_something() {
    let keywords = vec!["khoai mì".to_owned()];
    let text = retrieval_text(
        &ListingText {
            title: "Cần công nghệ sản xuất tinh bột khoai mì biến tính cho ngành giấy",
            keywords: &keywords,
            summary: None,
            description: None,
        },
        &vocabulary(),
    );
    assert_eq!(text, "tinh bột khoai mì biến tính ngành giấy , khoai mì ,");
}
