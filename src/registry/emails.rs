//! Emails of the registry: review decisions to owners, invitations to new members.

use super::lifecycle::OrgAction;
use super::model::MemberRole;
use crate::email::{OutgoingEmail, escape_html, html_document};
use crate::i18n::Lang;

/// The sender name the province's emails carry.
pub fn province_sender(province_name: &str) -> String {
    format!("Sở KH&CN {province_name} · TechBridge")
}

pub struct DecisionEmail<'a> {
    pub lang: Lang,
    pub to: &'a str,
    pub to_name: &'a str,
    pub org_id: &'a str,
    pub org_name: &'a str,
    pub province_name: &'a str,
    pub action: OrgAction,
    pub reason: Option<&'a str>,
    pub field_comments: &'a [(String, String)],
    pub public_url: &'a str,
    /// Makes the key unique per decision and recipient.
    pub version: i32,
    pub user_id: &'a str,
}

fn outcome(action: OrgAction, lang: Lang) -> &'static str {
    match (action, lang) {
        (OrgAction::Approve, Lang::Vi) => "đã được phê duyệt và hiển thị trong danh bạ công khai",
        (OrgAction::Approve, Lang::En) => "has been approved and is now listed in the public directory",
        (OrgAction::Reject, Lang::Vi) => "đã bị từ chối",
        (OrgAction::Reject, Lang::En) => "has been rejected",
        (OrgAction::RequestChanges, Lang::Vi) => "cần được chỉnh sửa trước khi phê duyệt",
        (OrgAction::RequestChanges, Lang::En) => "needs changes before it can be approved",
        (OrgAction::Suspend, Lang::Vi) => "đã bị tạm đình chỉ khỏi danh bạ công khai",
        (OrgAction::Suspend, Lang::En) => "has been suspended from the public directory",
        (OrgAction::Reinstate, Lang::Vi) => "đã được khôi phục trong danh bạ công khai",
        (OrgAction::Reinstate, Lang::En) => "has been reinstated in the public directory",
        (_, Lang::Vi) => "đã được cập nhật",
        (_, Lang::En) => "has been updated",
    }
}

pub fn decision(email: &DecisionEmail<'_>) -> OutgoingEmail {
    let lang = email.lang;
    let result = outcome(email.action, lang);
    let subject = match lang {
        Lang::Vi => format!("Hồ sơ tổ chức \"{}\" {}", email.org_name, result),
        Lang::En => format!("Organization \"{}\" {}", email.org_name, result),
    };
    let greeting = match lang {
        Lang::Vi => format!("Xin chào {},", email.to_name),
        Lang::En => format!("Hello {},", email.to_name),
    };
    let sentence = match lang {
        Lang::Vi => {
            format!("Sở KH&CN {} thông báo: hồ sơ tổ chức \"{}\" {}.", email.province_name, email.org_name, result)
        }
        Lang::En => format!(
            "The Department of Science and Technology of {} informs you that the organization \"{}\" {}.",
            email.province_name, email.org_name, result
        ),
    };
    let reason_label = lang.pick("Lý do", "Reason");
    let comments_label = lang.pick("Góp ý theo từng mục", "Comments per field");
    let link = format!("{}/orgs/{}", email.public_url.trim_end_matches('/'), email.org_id);
    let footer =
        lang.pick("TechBridge — kết nối cung cầu công nghệ", "TechBridge — connecting technology supply and demand");

    let mut text = format!("{greeting}\n\n{sentence}\n");
    let mut html = format!("<p>{}</p>\n<p>{}</p>\n", escape_html(&greeting), escape_html(&sentence));
    if let Some(reason) = email.reason {
        text.push_str(&format!("\n{reason_label}: {reason}\n"));
        html.push_str(&format!("<p><strong>{reason_label}:</strong> {}</p>\n", escape_html(reason)));
    }
    if !email.field_comments.is_empty() {
        text.push_str(&format!("\n{comments_label}:\n"));
        html.push_str(&format!("<p><strong>{comments_label}:</strong></p>\n<ul>\n"));
        for (field, comment) in email.field_comments {
            text.push_str(&format!("- {field}: {comment}\n"));
            html.push_str(&format!("<li><code>{}</code>: {}</li>\n", escape_html(field), escape_html(comment)));
        }
        html.push_str("</ul>\n");
    }
    text.push_str(&format!("\n{link}\n\n--\n{footer}\n"));
    html.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape_html(&link)));
    OutgoingEmail {
        key: format!("org-decision:{}:{}:{}", email.org_id, email.version, email.user_id),
        to: email.to.to_owned(),
        to_name: Some(email.to_name.to_owned()),
        sender_name: Some(province_sender(email.province_name)),
        html: html_document(lang.code(), &subject, &html, footer),
        subject,
        text,
        unsubscribe_url: None,
    }
}

pub struct InvitationEmail<'a> {
    pub lang: Lang,
    pub to: &'a str,
    pub inviter_name: &'a str,
    pub org_name: &'a str,
    pub role: MemberRole,
    pub token: &'a str,
    pub invitation_id: &'a str,
    pub public_url: &'a str,
    pub valid_days: i64,
}

pub fn invitation(email: &InvitationEmail<'_>) -> OutgoingEmail {
    let lang = email.lang;
    let role = match (email.role, lang) {
        (MemberRole::Owner, Lang::Vi) => "chủ sở hữu",
        (MemberRole::Owner, Lang::En) => "owner",
        (MemberRole::Editor, Lang::Vi) => "biên tập viên",
        (MemberRole::Editor, Lang::En) => "editor",
    };
    let subject = match lang {
        Lang::Vi => format!("Lời mời tham gia quản lý \"{}\" trên TechBridge", email.org_name),
        Lang::En => format!("Invitation to manage \"{}\" on TechBridge", email.org_name),
    };
    let sentence = match lang {
        Lang::Vi => format!(
            "{} mời bạn tham gia quản lý hồ sơ \"{}\" trên TechBridge với vai trò {}. Lời mời có hiệu lực trong {} ngày.",
            email.inviter_name, email.org_name, role, email.valid_days
        ),
        Lang::En => format!(
            "{} invites you to manage \"{}\" on TechBridge as {}. The invitation is valid for {} days.",
            email.inviter_name, email.org_name, role, email.valid_days
        ),
    };
    let how = lang.pick(
        "Đăng nhập (hoặc đăng ký bằng chính địa chỉ email này), rồi mở liên kết:",
        "Sign in (or register with this very email address), then open the link:",
    );
    let link = format!("{}/invitations/accept?token={}", email.public_url.trim_end_matches('/'), email.token);
    let footer =
        lang.pick("TechBridge — kết nối cung cầu công nghệ", "TechBridge — connecting technology supply and demand");
    let text = format!("{sentence}\n\n{how}\n{link}\n\n--\n{footer}\n");
    let html = format!(
        "<p>{}</p>\n<p>{}</p>\n<p><a href=\"{link}\">{link}</a></p>",
        escape_html(&sentence),
        escape_html(how),
        link = escape_html(&link)
    );
    OutgoingEmail {
        key: format!("org-invitation:{}", email.invitation_id),
        to: email.to.to_owned(),
        to_name: None,
        sender_name: None,
        html: html_document(lang.code(), &subject, &html, footer),
        subject,
        text,
        unsubscribe_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_emails_carry_the_reason_and_comments_escaped() {
        let comments = vec![("tax_code".to_owned(), "Sai <mã>".to_owned())];
        let email = decision(&DecisionEmail {
            lang: Lang::Vi,
            to: "owner@example.vn",
            to_name: "Chủ",
            org_id: "o1",
            org_name: "Công ty A",
            province_name: "Bắc Ninh",
            action: OrgAction::RequestChanges,
            reason: Some("Thiếu giấy chứng nhận"),
            field_comments: &comments,
            public_url: "http://x",
            version: 3,
            user_id: "u1",
        });
        assert_eq!(email.sender_name.as_deref(), Some("Sở KH&CN Bắc Ninh · TechBridge"));
        assert!(email.subject.contains("cần được chỉnh sửa"));
        assert!(email.text.contains("Lý do: Thiếu giấy chứng nhận") && email.text.contains("- tax_code: Sai <mã>"));
        assert!(email.html.contains("Sai &lt;mã&gt;"));
        assert_eq!(email.key, "org-decision:o1:3:u1");
    }
}
