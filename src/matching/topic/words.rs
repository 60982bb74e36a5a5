//! Which words of a listing say what it is about. Pure.
//!
//! Every listing uses words that say nothing about its technology: function words
//! ("cần", "cho", "của"), the vocabulary of listings themselves ("công nghệ", "giải
//! pháp", "hệ thống", "sản xuất", "chuyển giao", "quy trình") and attributes ("tự động",
//! "thông minh", "tiết kiệm"). They are dropped and break the text there. Words naming a
//! whole field ("nông nghiệp", "thủy sản", "chăn nuôi", "y tế") count a little: the field
//! codes already say that much, and fields only break ties.

/// Function words, spelled with their marks (folded, "từ" would also drop "tự" and "tỏi"
/// would fall with "tôi").
pub const STOP_WORDS: &[&str] = &[
    "cần", "cho", "và", "của", "các", "những", "với", "trong", "để", "là", "được", "từ", "tại", "theo", "một", "bằng",
    "ở", "có", "không", "này", "đó", "về", "trên", "cùng", "như", "hoặc", "muốn", "tìm", "đang", "sẽ", "đã", "rất",
    "nhiều", "ít", "hơn", "mỗi", "hai", "ba", "bốn", "năm", "sau", "trước", "khi", "thì", "mà", "nên", "vì", "nếu",
    "bị", "làm", "dùng", "ra", "vào", "lên", "xuống", "thế", "nào", "gì", "đâu", "bao", "còn", "cái", "chiếc", "việc",
    "sự", "người", "bạn", "chúng", "tôi", "mình", "họ", "anh", "chị", "em", "ông", "cách", "kg", "tấn", "ngày", "giờ",
    "tháng", "ha", "m", "m2", "m3", "lít", "đồng", "triệu", "tỷ", "tỉ", "gồm", "kèm", "qua", "hay", "đều", "lại",
    "nhất", "rồi", "đến", "vẫn", "chỉ", "thêm",
];

/// What every listing says: dropped wherever it appears.
pub const GENERIC_PHRASES: &[&str] = &[
    "công nghệ",
    "giải pháp",
    "hệ thống",
    "thiết bị",
    "quy mô",
    "ứng dụng",
    "doanh nghiệp",
    "sản xuất",
    "chuyển giao",
    "nhận chuyển giao",
    "quy trình",
    "kỹ thuật",
    "hợp tác xã",
    "htx",
    "nhà máy",
    "công ty",
    "chất lượng",
    "năng suất",
    "hiệu quả",
    "tiết kiệm",
    "chi phí",
    "sản phẩm",
    "dịch vụ",
    "hướng dẫn",
    "đào tạo",
    "tập huấn",
    "chuyên gia",
    "tư vấn",
    "triển khai",
    "vận hành",
    "lắp đặt",
    "cung cấp",
    "đáp ứng",
    "tiêu chuẩn",
    "thực tế",
    "áp dụng",
    "nghiên cứu",
    "phát triển",
    "nông dân",
    "xã viên",
    "bà con",
    "quy định",
    "thị trường",
    "giá thành",
    "đầu tư",
    "thiết kế",
    "tự động",
    "thông minh",
    "hiện đại",
    "giá trị",
    "bảo trì",
    "bảo hành",
    "ổn định",
    "đơn vị",
    "trọn gói",
    "thuê bao",
    "trong nước",
    "nhỏ và vừa",
    "tham khảo",
    "thỏa thuận",
    "chứng nhận",
    "đánh giá",
    "kiểm tra",
    "kinh doanh",
    "hộ kinh doanh",
    "thành viên",
    "công suất",
    "diện tích",
    "thời gian",
    "chủ động",
    "nhu cầu",
    "hỗ trợ",
    "mô hình",
    "tài liệu",
    "hợp đồng",
    "đại lý",
    "khách hàng",
    "tỉnh",
    "huyện",
    "xã",
    "máy móc",
    "dây chuyền",
    "máy",
    "bộ",
    "trạm",
    "điều khiển",
    "điện thoại",
    "xử lý",
    // Prefixes of standards and of the bodies that issue them: the number is what counts.
    "qcvn",
    "tcvn",
    "iso",
    "mt",
    "btnmt",
    "bnnptnt",
    "byt",
];

/// Words naming a whole field: they count, a little.
pub const FIELD_PHRASES: &[&str] = &[
    "nông nghiệp",
    "thủy sản",
    "chăn nuôi",
    "y tế",
    "môi trường",
    "thực phẩm",
    "xây dựng",
    "năng lượng",
    "công nghiệp",
    "nông sản",
    "trồng trọt",
    "lâm nghiệp",
];

/// Vocabulary groups that describe the deal or its paperwork, not the technology.
pub const GENERIC_GROUPS: &[&str] = &["technology_transfer", "patent", "utility_solution", "intellectual_property"];

/// Characters that end a phrase: a pair of words across them is no word.
pub fn breaks_phrase(c: char) -> bool {
    matches!(
        c,
        ',' | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '/'
            | '\\'
            | '|'
            | '"'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '–'
            | '—'
            | '+'
            | '&'
            | '*'
            | '<'
            | '>'
            | '='
            | '\n'
            | '\r'
    )
}

const ONSETS: &[&str] = &[
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "g", "h", "k", "l", "m", "n",
    "p", "r", "s", "t", "v", "x",
];
const CODAS: &[&str] = &["ch", "ng", "nh", "c", "m", "n", "p", "t"];

/// Whether a folded word could be a Vietnamese syllable (onset, one to three vowels,
/// coda). One that cannot is a foreign word, an abbreviation or a code (biogas, chatbot,
/// UAV, LAMP, Ri6) and says as much as a whole Vietnamese word.
pub fn is_syllable(folded: &str) -> bool {
    if folded.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let candidates = ONSETS.iter().filter(|o| folded.starts_with(*o)).map(|o| &folded[o.len()..]).chain([folded]);
    candidates.into_iter().any(|rest| {
        let vowels = rest.chars().take_while(|c| "aeiouy".contains(*c)).count();
        if !(1..=3).contains(&vowels) {
            return false;
        }
        let coda = &rest[vowels..];
        coda.is_empty() || CODAS.contains(&coda)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_and_foreign_words() {
        for word in ["nghieng", "tom", "lua", "thuong", "khuyen", "a", "uong", "quyen"] {
            assert!(is_syllable(word), "{word}");
        }
        for word in ["biogas", "chatbot", "uav", "lamp", "ri6", "compost", "zalo", "ph"] {
            assert!(!is_syllable(word), "{word}");
        }
    }

    #[test]
    fn lists_are_lower_case_and_unique() {
        for list in [STOP_WORDS, GENERIC_PHRASES, FIELD_PHRASES] {
            let mut seen = std::collections::BTreeSet::new();
            for word in list {
                assert_eq!(*word, word.to_lowercase(), "{word}");
                assert!(seen.insert(*word), "{word} twice");
            }
        }
    }
}
