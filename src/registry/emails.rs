//! Emails of the registry: review decisions to owners, invitations to new members.

use super::lifecycle::OrgAction;
use super::model::MemberRole;
use askama::Template;

use crate::email::{Frame, LINK_TOKEN, OutgoingEmail};
use crate::i18n::Lang;

/// The sender name the province's emails carry.
pub fn province_sender(province_name: &str) -> String {
    format!("Sở KH&CN {province_name} · TechBridge")
}

pub struct Decision<'a> {
    pub lang: Lang,
    pub org_name: &'a str,
    pub province_name: &'a str,
    pub action: OrgAction,
    pub reason: Option<&'a str>,
    pub field_comments: &'a [(String, String)],
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

/// The subject and paragraphs telling owners of a review decision.
pub fn decision(d: &Decision<'_>) -> (String, Vec<String>) {
    let lang = d.lang;
    let result = outcome(d.action, lang);
    let subject = match lang {
        Lang::Vi => format!("Hồ sơ tổ chức \"{}\" {}", d.org_name, result),
        Lang::En => format!("Organization \"{}\" {}", d.org_name, result),
    };
    let mut paragraphs = vec![match lang {
        Lang::Vi => format!("Sở KH&CN {} thông báo: hồ sơ tổ chức \"{}\" {}.", d.province_name, d.org_name, result),
        Lang::En => format!(
            "The Department of Science and Technology of {} informs you that the organization \"{}\" {}.",
            d.province_name, d.org_name, result
        ),
    }];
    if let Some(reason) = d.reason {
        paragraphs.push(format!("{}: {reason}", lang.pick("Lý do", "Reason")));
    }
    if !d.field_comments.is_empty() {
        let mut comments = format!("{}:", lang.pick("Góp ý theo từng mục", "Comments per field"));
        for (field, comment) in d.field_comments {
            comments.push_str(&format!("\n- {field}: {comment}"));
        }
        paragraphs.push(comments);
    }
    (subject, paragraphs)
}

pub struct InvitationEmail<'a> {
    pub lang: Lang,
    pub to: &'a str,
    pub inviter_name: &'a str,
    pub org_name: &'a str,
    pub role: MemberRole,
    pub invitation_id: &'a str,
    pub public_url: &'a str,
    pub valid_days: i64,
}

struct InvitationMessage<'a> {
    sentence: &'a str,
    how: &'a str,
    link: &'a str,
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "registry/invitation_email.html")]
struct InvitationHtml<'a> {
    frame: Frame<'a>,
    m: &'a InvitationMessage<'a>,
}

#[derive(Template)]
#[template(path = "registry/invitation_email.txt")]
struct InvitationText<'a> {
    m: &'a InvitationMessage<'a>,
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
    let link = format!("{}/invitations/accept?token={LINK_TOKEN}", email.public_url.trim_end_matches('/'));
    let footer = crate::templates::tagline(lang);
    let m = InvitationMessage { sentence: &sentence, how, link: &link, footer };
    let frame = Frame { lang: lang.code(), title: &subject, footer };
    let (html, text) = crate::email::render(&InvitationHtml { frame, m: &m }, &InvitationText { m: &m });
    OutgoingEmail {
        key: format!("org-invitation:{}", email.invitation_id),
        to: email.to.to_owned(),
        to_name: None,
        sender_name: None,
        html,
        subject,
        text,
        unsubscribe_url: None,
        link_token_id: Some(email.invitation_id.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_carry_the_reason_and_comments() {
        let comments = vec![("tax_code".to_owned(), "Sai <mã>".to_owned())];
        let (subject, paragraphs) = decision(&Decision {
            lang: Lang::Vi,
            org_name: "Công ty A",
            province_name: "Bắc Ninh",
            action: OrgAction::RequestChanges,
            reason: Some("Thiếu giấy chứng nhận"),
            field_comments: &comments,
        });
        assert!(subject.contains("cần được chỉnh sửa"));
        assert!(paragraphs[0].contains("Bắc Ninh"));
        assert_eq!(paragraphs[1], "Lý do: Thiếu giấy chứng nhận");
        assert!(paragraphs[2].contains("- tax_code: Sai <mã>"));
        let (subject, _) = decision(&Decision {
            lang: Lang::En,
            action: OrgAction::Approve,
            ..Decision {
                lang: Lang::Vi,
                org_name: "A",
                province_name: "B",
                action: OrgAction::Approve,
                reason: None,
                field_comments: &[],
            }
        });
        assert!(subject.contains("approved"));
    }
    #[test]
    fn the_province_is_the_sender() {
        assert_eq!(province_sender("Bắc Ninh"), "Sở KH&CN Bắc Ninh · TechBridge");
    }
}
