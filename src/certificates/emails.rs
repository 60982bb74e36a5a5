//! What the owners are told, in their language: a report or review coming due, a
//! recognition about to end, a certificate revoked or cancelled.

use chrono::NaiveDate;

use super::rules::{Ending, Obligation};
use crate::i18n::Lang;
use crate::web::display::date;

pub struct Reminder<'a> {
    pub lang: Lang,
    pub org_name: &'a str,
    pub province_name: &'a str,
    pub obligation: Obligation,
    pub due_on: NaiveDate,
    pub days_left: i64,
}

/// The subject and paragraphs of a reminder.
pub fn reminder(r: &Reminder<'_>) -> (String, Vec<String>) {
    let on = date(r.due_on, r.lang);
    let (days, year) = (r.days_left, chrono::Datelike::year(&r.due_on));
    let subject = match (r.obligation, r.lang) {
        (Obligation::AnnualReport, Lang::Vi) => {
            format!("Nhắc hạn: báo cáo năm {year} của \"{}\" trước ngày {on}", r.org_name)
        }
        (Obligation::AnnualReport, Lang::En) => {
            format!("Reminder: the {year} report of \"{}\" is due by {on}", r.org_name)
        }
        (Obligation::Review, Lang::Vi) => {
            format!("Nhắc hạn: đánh giá lại điều kiện DN KH&CN của \"{}\" ngày {on}", r.org_name)
        }
        (Obligation::Review, Lang::En) => {
            format!("Reminder: the three-yearly review of \"{}\" is due on {on}", r.org_name)
        }
        (Obligation::RecognitionEnd, Lang::Vi) => {
            format!("Công nhận DN khởi nghiệp sáng tạo của \"{}\" hết hiệu lực ngày {on}", r.org_name)
        }
        (Obligation::RecognitionEnd, Lang::En) => {
            format!("The innovative startup recognition of \"{}\" ends on {on}", r.org_name)
        }
    };
    let body = match (r.obligation, r.lang) {
        (Obligation::AnnualReport, Lang::Vi) => format!(
            "Theo Nghị định 268/2025/NĐ-CP, doanh nghiệp khoa học và công nghệ gửi báo cáo tình hình hoạt động năm {year} cho Sở KH&CN {} trước ngày {on} (còn {days} ngày).",
            r.province_name
        ),
        (Obligation::AnnualReport, Lang::En) => format!(
            "Under Decree 268/2025/NĐ-CP, an S&T enterprise reports on its {year} activity to the Department of S&T of {} by {on} ({days} days from now).",
            r.province_name
        ),
        (Obligation::Review, Lang::Vi) => format!(
            "Sở KH&CN {} sẽ đánh giá lại việc đáp ứng điều kiện doanh nghiệp khoa học và công nghệ (3 năm một lần) vào ngày {on} (còn {days} ngày). Hãy chuẩn bị hồ sơ chứng minh.",
            r.province_name
        ),
        (Obligation::Review, Lang::En) => format!(
            "The Department of S&T of {} re-checks the S&T enterprise conditions every three years; the next review is due on {on} ({days} days from now). Please prepare the supporting documents.",
            r.province_name
        ),
        (Obligation::RecognitionEnd, Lang::Vi) => format!(
            "Quyết định công nhận doanh nghiệp khởi nghiệp sáng tạo có hiệu lực 5 năm và hết hạn ngày {on} (còn {days} ngày). Liên hệ Sở KH&CN {} nếu cần công nhận lại.",
            r.province_name
        ),
        (Obligation::RecognitionEnd, Lang::En) => format!(
            "The innovative startup recognition is valid for five years and ends on {on} ({days} days from now). Contact the Department of S&T of {} about a new recognition.",
            r.province_name
        ),
    };
    (subject, vec![body])
}

/// The sentence the profile and the owners' notice carry once a certificate's standing ended.
pub fn ended_sentence(ending: Ending, on: NaiveDate, lang: Lang) -> String {
    let on = date(on, lang);
    match (ending, lang) {
        (Ending::Revoked, Lang::Vi) => format!("Giấy chứng nhận DN KH&CN đã bị thu hồi ngày {on}."),
        (Ending::Cancelled, Lang::Vi) => format!("Giấy chứng nhận DN KH&CN đã bị hủy bỏ ngày {on}."),
        (Ending::Revoked, Lang::En) => format!("The S&T enterprise certificate was revoked on {on}."),
        (Ending::Cancelled, Lang::En) => format!("The S&T enterprise certificate was cancelled on {on}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_name_the_year_the_date_and_the_days_left() {
        let due_on = NaiveDate::from_ymd_opt(2027, 12, 15).unwrap_or_default();
        let r = Reminder {
            lang: Lang::Vi,
            org_name: "Công ty A",
            province_name: "Bắc Ninh",
            obligation: Obligation::AnnualReport,
            due_on,
            days_left: 7,
        };
        let (subject, body) = reminder(&r);
        assert_eq!(subject, "Nhắc hạn: báo cáo năm 2027 của \"Công ty A\" trước ngày 15/12/2027");
        assert!(body[0].contains("còn 7 ngày"));
        let (subject, _) = reminder(&Reminder { lang: Lang::En, obligation: Obligation::Review, ..r });
        assert!(subject.contains("2027-12-15"));
    }

    #[test]
    fn the_ended_sentence_says_how_and_when() {
        let on = NaiveDate::from_ymd_opt(2027, 5, 2).unwrap_or_default();
        assert_eq!(
            ended_sentence(Ending::Revoked, on, Lang::Vi),
            "Giấy chứng nhận DN KH&CN đã bị thu hồi ngày 02/05/2027."
        );
        assert_eq!(
            ended_sentence(Ending::Cancelled, on, Lang::En),
            "The S&T enterprise certificate was cancelled on 2027-05-02."
        );
    }
}
