//! Text is text: what people type is shown as typed on every page, never run.

use serde_json::json;

use super::main_of;
use crate::helpers::browser::Browser;
use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::spawn_app;

const SCRIPT: &str = "<script>alert(1)</script>";
const ATTRIBUTE: &str = "\"><img src=x onerror=alert(1)>";
const TEMPLATE: &str = "{{7*7}}";

#[tokio::test]
async fn markup_and_template_syntax_typed_by_users_render_literally() {
    let app = spawn_app().await;
    let moderator = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let owner = app.signed_in("xss@example.vn").await;
    let name = format!("Công ty {SCRIPT} {ATTRIBUTE} {TEMPLATE}");
    let org = app.approved_org(&owner, &moderator, &enterprise(&name, "48", &tax_code(970), json!({}))).await;
    let listing = app
        .published_listing(
            &owner,
            &moderator,
            &org,
            &crate::matching::wastewater_offer(json!({
                "title_vi": format!("Xử lý nước thải {SCRIPT}"),
                "summary": format!("Tóm tắt {ATTRIBUTE}"),
                "description": format!("Mô tả {TEMPLATE}\\n{SCRIPT}"),
                "keywords": [SCRIPT, TEMPLATE],
            })),
        )
        .await;
    let mut anonymous = Browser::new(&app);
    let mut member = Browser::new(&app);
    member.sign_in("xss@example.vn", "/").await.ok();
    for (as_member, path) in [
        (false, "/".to_owned()),
        (false, "/listings?q=nuoc+thai".to_owned()),
        (false, "/listings".to_owned()),
        (false, format!("/listings/{listing}")),
        (false, format!("/orgs/{org}")),
        (false, "/orgs".to_owned()),
        (true, "/me/orgs".to_owned()),
        (true, format!("/orgs/{org}/edit")),
        (true, format!("/listings/{listing}/edit")),
    ] {
        let browser = if as_member { &mut member } else { &mut anonymous };
        let page = browser.get(&path).await;
        page.ok();
        let html = main_of(&page);
        for raw in [SCRIPT, ATTRIBUTE, "<img src=x"] {
            assert!(!html.contains(raw), "{path} carries {raw:?} unescaped");
        }
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path} shows the typed markup as text: {}",
            crate::helpers::browser::excerpt(html)
        );
        if path.contains("/orgs") {
            assert!(html.contains(TEMPLATE), "{path} shows {TEMPLATE} as typed");
        }
    }
}
