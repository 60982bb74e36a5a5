//! Account emails, in the account holder's language, plain text and HTML.

use askama::Template;

use crate::email::{Frame, LINK_TOKEN, OutgoingEmail};
use crate::i18n::Lang;

pub struct AccountEmail<'a> {
    pub lang: Lang,
    pub to: &'a str,
    pub full_name: &'a str,
    /// The id the link's token is rebuilt from when the message is sent.
    pub token_id: &'a str,
    pub public_url: &'a str,
    pub valid_for: &'a str,
}

pub fn verification(email: &AccountEmail<'_>) -> OutgoingEmail {
    let link = format!("{}/verify-email?token={LINK_TOKEN}", email.public_url.trim_end_matches('/'));
    let (subject, greeting, intro, action, code_label, expiry, footer) = match email.lang {
        Lang::Vi => (
            "Xác nhận địa chỉ email TechBridge",
            format!("Xin chào {},", email.full_name),
            "Cảm ơn bạn đã đăng ký TechBridge. Hãy xác nhận địa chỉ email của bạn bằng liên kết dưới đây:",
            "Xác nhận email",
            "Hoặc dùng mã xác nhận",
            format!(
                "Liên kết và mã có hiệu lực trong {}. Nếu bạn không đăng ký, hãy bỏ qua email này.",
                email.valid_for
            ),
            "TechBridge — kết nối cung cầu công nghệ",
        ),
        Lang::En => (
            "Confirm your TechBridge email address",
            format!("Hello {},", email.full_name),
            "Thank you for registering with TechBridge. Please confirm your email address with the link below:",
            "Confirm email",
            "Or use the confirmation code",
            format!("The link and code are valid for {}. If you did not register, ignore this email.", email.valid_for),
            "TechBridge — connecting technology supply and demand",
        ),
    };
    render(email, "verify-email", subject, &greeting, intro, action, code_label, &expiry, footer, &link)
}

pub fn password_reset(email: &AccountEmail<'_>) -> OutgoingEmail {
    let link = format!("{}/reset-password?token={LINK_TOKEN}", email.public_url.trim_end_matches('/'));
    let (subject, greeting, intro, action, code_label, expiry, footer) = match email.lang {
        Lang::Vi => (
            "Đặt lại mật khẩu TechBridge",
            format!("Xin chào {},", email.full_name),
            "Chúng tôi nhận được yêu cầu đặt lại mật khẩu cho tài khoản của bạn. Hãy đặt mật khẩu mới bằng liên kết dưới đây:",
            "Đặt lại mật khẩu",
            "Hoặc dùng mã đặt lại",
            format!(
                "Liên kết và mã có hiệu lực trong {} và chỉ dùng được một lần. Nếu bạn không yêu cầu, hãy bỏ qua email này; mật khẩu của bạn không thay đổi.",
                email.valid_for
            ),
            "TechBridge — kết nối cung cầu công nghệ",
        ),
        Lang::En => (
            "Reset your TechBridge password",
            format!("Hello {},", email.full_name),
            "We received a request to reset the password of your account. Choose a new password with the link below:",
            "Reset password",
            "Or use the reset code",
            format!(
                "The link and code are valid for {} and work once. If you did not ask for this, ignore this email; your password has not changed.",
                email.valid_for
            ),
            "TechBridge — connecting technology supply and demand",
        ),
    };
    render(email, "password-reset", subject, &greeting, intro, action, code_label, &expiry, footer, &link)
}

/// The words of an account email, in its holder's language.
struct AccountMessage<'a> {
    greeting: &'a str,
    intro: &'a str,
    link: &'a str,
    action: &'a str,
    code_label: &'a str,
    token: &'a str,
    expiry: &'a str,
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "auth/account_email.html")]
struct AccountHtml<'a> {
    frame: Frame<'a>,
    m: &'a AccountMessage<'a>,
}

#[derive(Template)]
#[template(path = "auth/account_email.txt")]
struct AccountText<'a> {
    m: &'a AccountMessage<'a>,
}

#[allow(clippy::too_many_arguments)]
fn render(
    email: &AccountEmail<'_>,
    kind: &str,
    subject: &str,
    greeting: &str,
    intro: &str,
    action: &str,
    code_label: &str,
    expiry: &str,
    footer: &str,
    link: &str,
) -> OutgoingEmail {
    let m = AccountMessage { greeting, intro, link, action, code_label, token: LINK_TOKEN, expiry, footer };
    let frame = Frame { lang: email.lang.code(), title: subject, footer };
    let (html, text) = crate::email::render(&AccountHtml { frame, m: &m }, &AccountText { m: &m });
    OutgoingEmail {
        key: format!("{kind}:{}", email.token_id),
        to: email.to.to_owned(),
        to_name: Some(email.full_name.to_owned()),
        sender_name: None,
        subject: subject.to_owned(),
        html,
        text,
        unsubscribe_url: None,
        link_token_id: Some(email.token_id.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(lang: Lang) -> AccountEmail<'static> {
        AccountEmail {
            lang,
            to: "an@example.vn",
            full_name: "Nguyễn <An>",
            token_id: "id-1",
            public_url: "https://techbridge.example/",
            valid_for: "24 giờ",
        }
    }

    #[test]
    fn verification_in_both_languages() {
        let vi = verification(&sample(Lang::Vi));
        assert_eq!(vi.subject, "Xác nhận địa chỉ email TechBridge");
        assert!(!vi.text.contains("tok_123") && vi.link_token_id.as_deref() == Some("id-1"));
        let sent = vi.clone().with_link_token("tok_123");
        assert!(sent.text.contains("https://techbridge.example/verify-email?token=tok_123"));
        assert!(sent.text.contains(": tok_123") && sent.html.contains("<code>tok_123</code>"));
        assert!(vi.html.contains("Nguyễn &lt;An&gt;"), "names are escaped in HTML");
        assert_eq!(vi.key, "verify-email:id-1");
        let en = verification(&sample(Lang::En));
        assert_eq!(en.subject, "Confirm your TechBridge email address");
        assert!(en.html.contains("lang=\"en\""));
    }

    #[test]
    fn reset_in_both_languages() {
        let sent = password_reset(&sample(Lang::Vi)).with_link_token("tok_123");
        assert!(sent.text.contains("reset-password?token=tok_123"));
        assert_eq!(password_reset(&sample(Lang::En)).subject, "Reset your TechBridge password");
    }
}
