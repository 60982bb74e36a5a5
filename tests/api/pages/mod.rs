//! The pages, as a browser without JavaScript uses them: forms, cookies, redirects.

mod forms;
mod isolation;
mod journeys;
mod outcomes;
mod personal_data;
mod security;
mod text;
mod workspace;

use crate::helpers::TestApp;
use crate::helpers::browser::{Browser, WebPage};

/// The link of the newest `kind` email to `email`, as a path on this server.
pub async fn mailed_link(app: &TestApp, email: &str, kind: &str, path_start: &str) -> String {
    let mails = app.mails_to(email, kind).await;
    let mail = mails.last().unwrap_or_else(|| panic!("no {kind} email to {email}"));
    links_in(mail)
        .into_iter()
        .find(|link| link.starts_with(path_start))
        .unwrap_or_else(|| panic!("no link to {path_start} in the {kind} email to {email}:\n{mail}"))
}

/// Every link on this site that a message carries, as paths (with their queries).
pub fn links_in(mail: &str) -> Vec<String> {
    // Quoted-printable soft breaks and escapes, as the file transport writes them.
    let text = mail.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
    let mut links = Vec::new();
    for scheme in ["http://", "https://"] {
        let mut rest = text.as_str();
        while let Some(at) = rest.find(scheme) {
            let tail = &rest[at..];
            let end = tail.find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>').unwrap_or(tail.len());
            let url = &tail[..end];
            if let Some(path_at) = url[scheme.len()..].find('/') {
                let path = &url[scheme.len() + path_at..];
                let path = path.replace("&amp;", "&");
                if !links.contains(&path) {
                    links.push(path);
                }
            }
            rest = &tail[end..];
        }
    }
    links
}

/// Signs up through the pages and follows the emailed confirmation link: the browser is
/// signed in afterwards.
pub async fn signed_up(app: &TestApp, email: &str, name: &str) -> Browser {
    let mut browser = Browser::new(app);
    browser.get("/sign-up").await.ok();
    let page = browser
        .post(
            "/sign-up",
            &[
                ("full_name", name),
                ("email", email),
                ("password", crate::helpers::PASSWORD),
                ("language", "vi"),
                ("accept_privacy_notice", "yes"),
            ],
        )
        .await;
    assert!(page.ok().contains(email), "the page says where the link went");
    let link = mailed_link(app, email, "verify-email", "/verify-email").await;
    let account = browser.get(&link).await;
    assert!(account.ok().contains(name), "signed in as {name}: {}", account.path);
    browser
}

/// The page's main part, without the layout (whose navigation names the visitor).
pub fn main_of(page: &WebPage) -> &str {
    let html = page.html.as_str();
    let start = html.find("<main").unwrap_or(0);
    let end = html.find("</main>").unwrap_or(html.len());
    &html[start..end]
}
