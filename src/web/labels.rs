//! The words pages show for codes: states, kinds, provinces and the reference lists.

use std::collections::HashMap;

use crate::i18n::Lang;
use crate::taxonomy::{CodeRef, Scheme, Taxonomy};

/// The name of a closed code (a state, a kind, a role) in a language; the code itself
/// when it has none.
pub fn code(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        // listing kinds
        "offer" => ("Chào bán công nghệ", "Technology offer"),
        "need" => ("Nhu cầu công nghệ", "Technology need"),
        // listing and organization states
        "draft" => ("Bản nháp", "Draft"),
        "pending_review" => ("Chờ duyệt", "Waiting for review"),
        "submitted" => ("Đã gửi duyệt", "Submitted"),
        "published" => ("Đã đăng", "Published"),
        "approved" => ("Đã phê duyệt", "Approved"),
        "rejected" => ("Bị từ chối", "Rejected"),
        "changes_requested" => ("Cần chỉnh sửa", "Changes requested"),
        "suspended" => ("Bị đình chỉ", "Suspended"),
        "closed" => ("Đã đóng", "Closed"),
        "expired" => ("Hết hạn", "Expired"),
        // match states
        "suggested" => ("Được gợi ý", "Suggested"),
        "requested" => ("Được đề nghị", "Requested"),
        "connected" => ("Đã kết nối", "Connected"),
        "piloting" => ("Đang thử nghiệm", "Piloting"),
        "deal" => ("Đã giao dịch", "Deal"),
        "stopped" => ("Đã dừng", "Stopped"),
        "declined" => ("Bị từ chối", "Declined"),
        "interested" => ("Quan tâm", "Interested"),
        // organization kinds
        "st_enterprise" => ("Doanh nghiệp KH&CN", "S&T enterprise"),
        "startup" => ("Doanh nghiệp khởi nghiệp sáng tạo", "Innovative startup"),
        "research_group" => ("Nhóm nghiên cứu", "Research group"),
        "institute" => ("Viện, trường", "Institute or university"),
        "incubator" => ("Cơ sở ươm tạo", "Incubator"),
        "intermediary" => ("Tổ chức trung gian", "Intermediary"),
        "fund" => ("Quỹ", "Fund"),
        "enterprise" => ("Doanh nghiệp", "Enterprise"),
        // review and lifecycle actions, as the history names them
        "approve" => ("Phê duyệt", "Approve"),
        "reject" => ("Từ chối", "Reject"),
        "request_changes" => ("Yêu cầu chỉnh sửa", "Request changes"),
        "suspend" => ("Đình chỉ", "Suspend"),
        "reinstate" => ("Khôi phục", "Reinstate"),
        "submit" => ("Gửi duyệt", "Submit"),
        "resubmit" => ("Gửi duyệt lại sau khi sửa", "Sent back to review by an edit"),
        "create" => ("Tạo mới", "Created"),
        "update" => ("Chỉnh sửa", "Edited"),
        "publish" => ("Đăng tự động", "Published automatically"),
        "expire" => ("Hết hạn", "Expired"),
        "renew" => ("Gia hạn", "Renewed"),
        "close" => ("Đóng", "Closed"),
        // province staff
        "moderator" => ("Cán bộ duyệt", "Moderator"),
        "tenant_admin" => ("Quản trị của tỉnh", "Province admin"),
        // members
        "owner" => ("Chủ sở hữu", "Owner"),
        "editor" => ("Biên tập viên", "Editor"),
        // intellectual property
        "patent_granted" => ("Đã được cấp bằng độc quyền sáng chế", "Patent granted"),
        "patent_pending" => ("Đang chờ cấp bằng sáng chế", "Patent pending"),
        "utility_solution" => ("Giải pháp hữu ích", "Utility solution"),
        "know_how" => ("Bí quyết kỹ thuật", "Know-how"),
        "none" => ("Không có", "None"),
        // intermediaries and sizes
        "technology_exchange" => ("Sàn giao dịch công nghệ", "Technology exchange"),
        "transfer_centre" => ("Trung tâm chuyển giao công nghệ", "Technology transfer centre"),
        "consulting" => ("Tư vấn", "Consulting"),
        "assessment_valuation" => ("Đánh giá, định giá", "Assessment and valuation"),
        "brokerage" => ("Môi giới", "Brokerage"),
        "ip_services" => ("Dịch vụ sở hữu trí tuệ", "IP services"),
        "micro" => ("Siêu nhỏ", "Micro"),
        "small" => ("Nhỏ", "Small"),
        "medium" => ("Vừa", "Medium"),
        "large" => ("Lớn", "Large"),
        other => return other.to_owned(),
    };
    lang.pick(vi, en).to_owned()
}

/// Names of provinces and reference codes, for one page in one language.
pub struct Labels<'a> {
    pub lang: Lang,
    provinces: HashMap<String, String>,
    taxonomy: &'a Taxonomy,
}

impl<'a> Labels<'a> {
    pub fn new(lang: Lang, provinces: HashMap<String, String>, taxonomy: &'a Taxonomy) -> Labels<'a> {
        Labels { lang, provinces, taxonomy }
    }

    pub fn code(&self, value: &str) -> String {
        code(value, self.lang)
    }

    pub fn province(&self, code: &str) -> String {
        self.provinces.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }

    fn term(&self, scheme: Scheme, code: &CodeRef) -> String {
        match self.taxonomy.term(scheme, &code.version, &code.code) {
            Some(term) => match self.lang {
                Lang::En => term.name_en.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| term.name_vi.clone()),
                Lang::Vi => term.name_vi.clone(),
            },
            None => code.code.clone(),
        }
    }

    pub fn field(&self, code: &CodeRef) -> String {
        self.term(Scheme::StField, code)
    }

    pub fn tag(&self, code: &CodeRef) -> String {
        self.term(Scheme::StrategicTechnology, code)
    }

    pub fn mode(&self, code: &CodeRef) -> String {
        self.term(Scheme::TransferMode, code)
    }

    /// A code of the current list, named (a facet value, a picker's option).
    pub fn current(&self, scheme: Scheme, code: &str) -> String {
        let reference = CodeRef { code: code.to_owned(), version: self.taxonomy.current_version(scheme).to_owned() };
        self.term(scheme, &reference)
    }

    pub fn amount(&self, amount: i64) -> String {
        super::display::vnd(amount, self.lang)
    }

    pub fn date(&self, day: &chrono::NaiveDate) -> String {
        super::display::date(*day, self.lang)
    }

    pub fn moment(&self, at: &chrono::NaiveDateTime) -> String {
        super::display::moment(*at, self.lang)
    }
}
